"""A jurisdiction administrator of the Town of Elm for the page tests."""

from __future__ import annotations

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import login_verified


def elm_admin(world) -> User:
    admin = User.objects.create_user(email="erin@elm.example.gov", password="correct horse battery",
                                     first_name="Erin", is_staff=True)
    StaffMembership.objects.create(user=admin, jurisdiction=world.elm, role=StaffMembership.Role.ADMIN)
    return admin


def signed_in_admin(client, world) -> User:
    admin = elm_admin(world)
    login_verified(client, admin)
    return admin
