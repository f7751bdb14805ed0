"""Seats for the staff money tests: an Elm cashier, two Elm finance supervisors and a county finance supervisor."""

from __future__ import annotations

from dataclasses import dataclass

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import StaffMembership

PASSWORD = "correct horse battery"
Role = StaffMembership.Role


@dataclass
class MoneyPeople:
    cashier: User
    finance: User
    finance2: User
    county_finance: User
    admin: User


def money_people(world) -> MoneyPeople:
    def seat(email, first, role, jurisdiction=None):
        user = User.objects.create_user(email=email, password=PASSWORD, first_name=first, is_staff=True)
        StaffMembership.objects.create(user=user, jurisdiction=jurisdiction or world.elm, role=role)
        return user

    return MoneyPeople(
        cashier=seat("cash@elm.example.gov", "Casey", Role.CASHIER),
        finance=seat("fin@elm.example.gov", "Fran", Role.FINANCE_SUPERVISOR),
        finance2=seat("fin2@elm.example.gov", "Flo", Role.FINANCE_SUPERVISOR),
        county_finance=seat("fin@county.example.gov", "Cory", Role.FINANCE_SUPERVISOR, world.county),
        admin=seat("adam@elm.example.gov", "Adam", Role.ADMIN),
    )
