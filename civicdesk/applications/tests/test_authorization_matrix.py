"""Every staff URL of applications, tried from every seat (the staff console's authorization matrix,
extended): the wrong seat gets 403/404 and writes nothing. Reviewers see only their department's
applications; applicants only their own (see test_applicant_views)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.models import Application, Event
from civicdesk.audit.models import AuditEntry
from civicdesk.testing.auth import login_verified

OK, LOGIN, FORBIDDEN, MISSING = "ok", "login", 403, 404
READS = ["detail", "queues", "document"]
WRITES = ["note", "check", "request_info", "assign", "fee_received"]


def expected(seat: str, action: str):
    """The rule, by hand, for an application at Public Works' zoning review, assigned to nobody."""
    if seat == "anonymous":
        return LOGIN
    if seat in ("resident", "agent", "contractor"):
        return FORBIDDEN  # no seat that reviews applications
    if seat in ("other department", "other jurisdiction"):
        return OK if action == "queues" else MISSING
    if seat == "staff" and action == "assign":
        return FORBIDDEN
    return OK


def call(client, action, application):
    pk = application.pk
    if action == "queues":
        return client.get(reverse("applications_staff:queues"))
    if action == "detail":
        return client.get(reverse("applications_staff:detail", args=[pk]))
    if action == "document":
        return client.get(reverse("applications_staff:document", args=[pk, application.documents.get().pk]))
    data = {"note": {"message": "Seen"}, "check": {"item": 0, "done": "1"}, "request_info": {"message": "More"},
            "assign": {"department": application.department_id}, "fee_received": {}}[action]
    return client.post(reverse(f"applications_staff:{action}", args=[pk]), data)


@pytest.mark.parametrize("seat", ["anonymous", "resident", "agent", "staff", "supervisor", "admin", "contractor",
                                  "root", "other department", "other jurisdiction"])
def test_it_enforces_the_matrix_for_every_seat(client, fence, world, seats, seat):
    application = submitted_fence(fence, world.alice)
    Application.objects.filter(pk=application.pk).update(step=fence.ordered_steps()[1], department=world.public_works,
                                                          status="in_review")
    application.refresh_from_db()
    people = {"anonymous": None, "resident": world.mallory, "agent": seats.agent, "staff": world.bob,
              "supervisor": seats.supervisor, "admin": seats.admin, "contractor": seats.contractor, "root": seats.root,
              "other department": world.carol, "other jurisdiction": world.dave}
    if people[seat] is not None:
        login_verified(client, people[seat])
    for action in READS + WRITES:
        audits, events = AuditEntry.objects.count(), Event.objects.count()
        response = call(client, action, application)
        rule = expected(seat, action)
        if rule == LOGIN:
            assert response.status_code == 302 and "login" in response.url, action
        elif rule == OK:
            assert response.status_code in (200, 302), (action, response.status_code)
            if action == "queues":
                shown = application.number in response.content.decode()
                assert shown == (seat not in ("other department", "other jurisdiction")), action
        else:
            assert response.status_code == rule, (action, response.status_code)
        if rule != OK:
            assert (AuditEntry.objects.count(), Event.objects.count()) == (audits, events), action
        application.refresh_from_db()
        if action == "request_info" and application.status == "info_requested":
            Application.objects.filter(pk=application.pk).update(status="in_review", paused_since=None)
