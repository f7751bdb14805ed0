"""Every notice URL in the staff console, tried from every seat: the wrong seat gets 403/404 and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.notices.models import ServiceNotice
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import WEST_PATCH, make_notice

OK, LOGIN, FORBIDDEN, MISSING, INVALID = "ok", "login", 403, 404, 400
SEATS = ["anonymous", "resident", "agent", "staff", "supervisor", "admin", "contractor", "root", "other department",
         "other jurisdiction"]
ACTIONS = ["list", "new", "create", "view", "edit draft", "edit published", "publish", "end"]
WRITES = {"create", "edit draft", "edit published", "publish", "end"}


@pytest.fixture
def setup(world):
    seats = seat_people(world)
    world.extra["publisher"] = seats.admin
    draft = make_notice(world, publish=False, title_en="Draft notice")
    live = make_notice(world, title_en="Live notice")
    people = {"anonymous": None, "resident": world.alice, "agent": seats.agent, "staff": world.bob,
              "supervisor": seats.supervisor, "admin": seats.admin, "contractor": seats.contractor,
              "root": seats.root, "other department": world.carol, "other jurisdiction": world.dave}
    return world, draft, live, people


def expected(seat: str, action: str):
    """The rule of staff.access.JURISDICTION_RULES, written out by hand for notices of the Town of Elm."""
    if seat == "anonymous":
        return LOGIN
    if seat == "resident":
        return FORBIDDEN
    if seat == "contractor":
        return FORBIDDEN if action in ("list", "new", "create") else MISSING
    if seat == "other jurisdiction":  # a County seat: its own list, no Elm notice exists for it
        return {"list": OK, "new": OK, "create": INVALID}.get(action, MISSING)
    if seat == "agent":
        return OK if action in ("list", "view") else FORBIDDEN
    if seat in ("staff", "other department"):
        return FORBIDDEN if action in ("edit published", "publish", "end") else OK
    return OK


def form_data(world, **extra) -> dict:
    data = {"jurisdiction": world.elm.pk, "kind": "disruption", "severity": "minor", "title_en": "Street closed",
            "body_en": "Oak Street is closed for repairs.", "starts_at": "2030-01-01T08:00",
            "ends_at": "2030-01-02T08:00", "area": json.dumps(WEST_PATCH)}
    data.update(extra)
    return data


def call(client, world, action, draft, live):
    if action == "list":
        return client.get(reverse("notices:staff_list"))
    if action == "new":
        return client.get(reverse("notices:staff_create"))
    if action == "create":
        return client.post(reverse("notices:staff_create"), form_data(world))
    if action == "view":
        return client.get(reverse("notices:staff_edit", args=[draft.pk]))
    if action == "edit draft":
        return client.post(reverse("notices:staff_edit", args=[draft.pk]), form_data(world, title_en="Changed"))
    if action == "edit published":
        return client.post(reverse("notices:staff_edit", args=[live.pk]), form_data(world, title_en="Changed"))
    if action == "publish":
        return client.post(reverse("notices:staff_publish", args=[draft.pk]))
    return client.post(reverse("notices:staff_end", args=[live.pk]))


def written() -> tuple:
    return (AuditEntry.objects.count(), ServiceNotice.objects.count(),
            list(ServiceNotice.objects.order_by("pk").values_list("title", "published_at", "ends_at")))


@pytest.mark.parametrize("seat", SEATS)
def test_it_allows_exactly_what_each_seat_may_do(client, setup, seat):
    world, draft, live, people = setup
    if people[seat] is not None:
        login_verified(client, people[seat])
    for action in ACTIONS:
        before = written()
        with transaction.atomic():
            response = call(client, world, action, draft, live)
            after = written()
            transaction.set_rollback(True)
        want = expected(seat, action)
        if want == LOGIN:
            assert response.status_code == 302 and "/account/login/" in response["Location"], action
        elif want == OK:
            assert response.status_code in (200, 302), (seat, action, response.status_code)
            if action in WRITES:
                assert response.status_code == 302 and after != before, f"{seat} {action} wrote nothing"
        else:
            assert response.status_code == want, (seat, action, response.status_code)
        if want != OK:
            assert after == before, f"{seat} {action} wrote something"


def test_it_shows_each_seat_only_its_own_jurisdictions_notices(client, setup):
    world = setup[0]
    login_verified(client, world.dave)
    page = client.get(reverse("notices:staff_list")).content.decode()
    assert "Live notice" not in page and "Draft notice" not in page
    login_verified(client, world.bob)
    page = client.get(reverse("notices:staff_list")).content.decode()
    assert "Live notice" in page and "Draft notice" in page
