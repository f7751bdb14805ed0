"""The Riverbend demo's staff list: "try it with the demo city's staff list" shows a real review (new people with
Spanish and Arabic names, a second seat, a role change, an unchanged seat) and every row is valid."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.cities.riverbend import DATA_DIR, Riverbend
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import ensure_default_statuses

pytestmark = pytest.mark.django_db


def test_it_reviews_the_demo_staff_list_against_the_demo_city(client, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    ensure_default_statuses()  # a transactional test before this one may have flushed what migrations seed
    Riverbend().seed_demo(requests=20)
    admin = User.objects.get(email="admin@riverbend.example.gov")
    login_verified(client, admin)
    assert 'data-testid="try-demo"' in client.get(reverse("onboarding:staff_import")).content.decode()
    review = client.post(reverse("onboarding:staff_import_demo"))["Location"]
    page = client.get(review).content.decode()
    assert "needs fixing" not in page and "need fixing" not in page
    assert "7 new people invited by email" in page and "1 more seat added" in page
    assert "1 role changed" in page and "1 seat already so, left alone" in page
    assert "عمر الحداد" in page and "Lucía Fernández" in page and "Harlan County" in page

    out = io.StringIO()
    call_command("import_staff", str(DATA_DIR / "staff.csv"), "--dry-run", stdout=out)
    assert "Dry run: would import 7 new people, 1 more seats, 1 role changes, 1 unchanged" in out.getvalue()


def test_it_offers_no_demo_list_where_the_city_ships_none(client, world):
    from civicdesk.jurisdictions.models import StaffMembership

    StaffMembership.objects.create(user=world.bob, jurisdiction=world.elm, role=StaffMembership.Role.ADMIN)
    login_verified(client, world.bob)
    assert "try-demo" not in client.get(reverse("onboarding:staff_import")).content.decode()
    assert client.post(reverse("onboarding:staff_import_demo")).status_code == 404
