"""Every records URL tried from every seat: the requester sees only their own request; staff only the
handling department's (and administrators); released documents only after release; withheld never."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.records import services
from civicdesk.records.demo import pdf_upload
from civicdesk.testing.auth import login_verified

from .helpers import exemption, submitted

OK, LOGIN, FORBIDDEN, MISSING = 200, "login", 403, 404


def expected(seat: str, action: str):
    """The rule, by hand, for a request acknowledged and with Public Works (its handling department)."""
    if seat == "anonymous":
        return LOGIN
    if seat in ("resident", "requester", "agent", "contractor"):
        return FORBIDDEN
    if seat in ("other department", "other jurisdiction"):
        return OK if action == "queue" else MISSING
    if seat == "staff" and action == "extend":
        return FORBIDDEN  # deciding (extend, release) is the supervisor's
    return OK


@pytest.mark.parametrize("seat", ["anonymous", "resident", "requester", "agent", "staff", "supervisor", "admin",
                                  "contractor", "root", "other department", "other jurisdiction"])
def test_it_enforces_the_staff_matrix_for_every_seat(client, records_type, world, seats, seat):
    application = submitted(records_type, world.alice)
    services.acknowledge(application, user=world.bob)
    document = services.add_document(application, user=world.bob, upload=pdf_upload("a.pdf"))
    people = {"anonymous": None, "resident": world.mallory, "requester": world.alice, "agent": seats.agent,
              "staff": world.bob, "supervisor": seats.supervisor, "admin": seats.admin,
              "contractor": seats.contractor, "root": seats.root, "other department": world.carol,
              "other jurisdiction": world.dave}
    if people[seat] is not None:
        login_verified(client, people[seat])
    calls = {"queue": lambda: client.get(reverse("records_staff:queue")),
             "detail": lambda: client.get(reverse("records_staff:detail", args=[application.pk])),
             "document": lambda: client.get(reverse("records_staff:document", args=[application.pk, document.pk])),
             "extend": lambda: client.post(reverse("records_staff:extend", args=[application.pk]),
                                           {"days": "1", "reason": "Volume"})}
    for action, call in calls.items():
        audits = AuditEntry.objects.count()
        response = call()
        want = expected(seat, action)
        if want == LOGIN:
            assert response.status_code == 302 and "login" in response["Location"], action
        elif action == "extend" and want == OK:
            assert response.status_code == 302 and AuditEntry.objects.count() == audits + 1
        else:
            assert response.status_code == want, (seat, action)
            if action == "extend":
                assert AuditEntry.objects.count() == audits


def test_it_shows_the_requester_only_their_own_request(client, records_type, world):
    application = submitted(records_type, world.alice)
    login_verified(client, world.mallory)
    assert client.get(reverse("records:mine", args=[application.pk])).status_code == 404
    assert client.post(reverse("records:new_link", args=[application.pk])).status_code == 404
    login_verified(client, world.alice)
    assert client.get(reverse("records:mine", args=[application.pk])).status_code == 200


def test_it_releases_documents_only_after_release_and_withheld_ones_never(client, records_type, world):
    application = submitted(records_type, world.alice)
    services.acknowledge(application, user=world.bob)
    given = services.add_document(application, user=world.bob, upload=pdf_upload("given.pdf"))
    kept = services.add_document(application, user=world.bob, upload=pdf_upload("kept.pdf"))
    services.mark_document(kept, user=world.bob, treatment="withhold", exemption=exemption(world), in_public_log=True)
    records = services.records_for(application)
    token = services.release_token(records)
    public = lambda d: reverse("records:document", args=[application.pk, d.pk])
    linked = lambda d: reverse("records:release_document", args=[token, d.pk])
    assert [client.get(public(given)).status_code, client.get(linked(given)).status_code] == [404, 404]
    services.release(application, user=world.bob, outcome="partial")
    assert [client.get(public(given)).status_code, client.get(linked(given)).status_code] == [200, 200]
    assert [client.get(public(kept)).status_code, client.get(linked(kept)).status_code] == [404, 404]
