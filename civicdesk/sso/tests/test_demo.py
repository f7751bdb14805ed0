"""The demo city's single sign-on table: shown in the staff console, and every row gives its seat at sign-in."""

from __future__ import annotations

from civicdesk.accounts.models import User
from civicdesk.cities.riverbend import Riverbend
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.sso.demo import DEMO_MAPPINGS
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import ensure_default_statuses

from .conftest import person, sign_in


def test_it_gives_every_demo_group_its_seats_and_lists_them_for_the_admin(client, db, settings, provider):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    clear_caches()
    ensure_default_statuses()  # a transactional test before this one may have flushed what migrations seed
    Riverbend().seed_demo(requests=0)
    settings.SSO_CREATE_ACCOUNTS = True
    groups = sorted({claim for claim, *_ in DEMO_MAPPINGS})
    for number, group in enumerate(groups):
        provider.person = person(f"demo-sub-{number}", f"demo-person-{number}@riverbend.example.gov", group)
        assert sign_in(client, provider).status_code == 302, group
        client.logout()
        user = User.objects.get(email=f"demo-person-{number}@riverbend.example.gov")
        got = {(m.jurisdiction.slug, m.department.slug if m.department else None, m.role)
               for m in StaffMembership.objects.filter(user=user).select_related("jurisdiction", "department")}
        assert got == {(j, d, role) for claim, j, d, role in DEMO_MAPPINGS if claim == group}, group

    login_verified(client, User.objects.get(email="admin@riverbend.example.gov"))
    page = client.get("/sso/staff/").content.decode()
    for group in groups:
        assert f"<code>{group}</code>" in page
    clear_caches()
