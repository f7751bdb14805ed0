"""The payment rules (civicdesk/payments/access.py), seat by seat: who takes counter payments, asks for and
approves refunds, reads the finance dashboard, exports the ledger and reconciles payouts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.payments import access
from civicdesk.staff import access as staff_access

Role = StaffMembership.Role
ACTIONS = ["take_payment", "request_refund", "approve_refund", "view_finance", "export_ledger", "reconcile"]

#: The rule, written out by hand: seat → the actions it may do in its own jurisdiction.
EXPECTED = {
    Role.CASHIER: {"take_payment", "request_refund"},
    Role.FINANCE_SUPERVISOR: set(ACTIONS),
    Role.ADMIN: {"view_finance"},
    Role.SUPERVISOR: set(),
    Role.STAFF: set(),
    Role.AGENT: set(),
    Role.CONTRACTOR: set(),
    Role.EDITOR: set(),
}


def seated(world, role, email="seat@elm.example.gov", jurisdiction=None):
    user = User.objects.create_user(email=email, password="correct horse battery", is_staff=True)
    StaffMembership.objects.create(user=user, jurisdiction=jurisdiction or world.elm, role=role)
    return user


@pytest.mark.parametrize("role", list(EXPECTED))
def test_it_allows_exactly_what_each_seat_may_do_with_money(world, role):
    user = seated(world, role)
    for action in ACTIONS:
        assert access.can(user, action, world.elm.pk) is (action in EXPECTED[role]), (role, action)
        assert access.can(user, action, world.county.pk) is False, (role, action)
    assert access.allowed_actions(user) == EXPECTED[role]


def test_it_lets_a_superuser_do_everything_everywhere(world):
    root = User.objects.create_superuser(email="root@example.org", password="correct horse battery")
    assert access.allowed_actions(root) == set(ACTIONS)
    assert access.jurisdiction_ids_for(root, "approve_refund") is None
    assert all(access.can(root, action, world.county.pk) for action in ACTIONS)


def test_it_gives_residents_and_visitors_no_money_action(world):
    assert access.allowed_actions(world.alice) == set()
    assert access.jurisdiction_ids_for(world.alice, "take_payment") == set()
    with pytest.raises(PermissionDenied):
        access.require(world.alice, "take_payment")


def test_it_gives_the_money_seats_no_service_request(world):
    from civicdesk.servicerequests import services
    from civicdesk.testing.world import IN_WEST_ELM

    sr = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 attributes={"depth": "deep"}, description="Deep hole by the school")
    sr.department = None  # even the triage queue stays closed to them
    sr.save(update_fields=["department"])
    for number, role in enumerate((Role.CASHIER, Role.FINANCE_SUPERVISOR)):
        user = seated(world, role, email=f"money{number}@elm.example.gov")
        assert not staff_access.requests_visible_to(user).exists()
        assert not staff_access.can(user, "view", sr)
        assert not staff_access.may_take_reports(user)
        assert staff_access.is_staff_member(user)  # the console is theirs for bills and payments
