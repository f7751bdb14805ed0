"""The jurisdictions admin: holidays are edited inline with their name in every site language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.admin import HolidayInline
from civicdesk.jurisdictions.models import Holiday, Jurisdiction
from civicdesk.testing.auth import login_verified


@pytest.fixture
def admin_client(client, db):
    login_verified(client, User.objects.create_superuser(email="root@example.gov", password="correct horse battery"))
    return client


def test_it_shows_a_holiday_name_field_per_language(admin_client, world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 7, 4), name_en="Independence Day",
                           name_es="Día de la Independencia", name_ar="يوم الاستقلال")
    page = admin_client.get(f"/admin/jurisdictions/jurisdiction/{world.elm.pk}/change/").content.decode()
    for lang in ("en", "es", "ar"):
        assert f'name="holidays-0-name_{lang}"' in page
    assert 'value="Día de la Independencia"' in page and 'value="يوم الاستقلال"' in page


def test_it_saves_the_names_entered_in_the_holiday_rows(admin_client, world, rf):
    request = rf.get("/")
    request.user = User.objects.get(email="root@example.gov")
    inline = HolidayInline(Jurisdiction, admin.site)
    formset_class = inline.get_formset(request, world.elm)
    data = {"holidays-TOTAL_FORMS": "1", "holidays-INITIAL_FORMS": "0", "holidays-0-date": "2026-11-26",
            "holidays-0-name_en": "Thanksgiving Day", "holidays-0-name_es": "Día de Acción de Gracias",
            "holidays-0-name_ar": "عيد الشكر"}
    formset = formset_class(data, instance=world.elm, prefix="holidays")
    assert formset.is_valid(), formset.errors
    formset.save()
    holiday = world.elm.holidays.get()
    assert (holiday.name_en, holiday.name_es, holiday.name_ar) == ("Thanksgiving Day", "Día de Acción de Gracias",
                                                                   "عيد الشكر")


def test_it_asks_for_the_english_name_of_a_holiday(admin_client, world, rf):
    request = rf.get("/")
    request.user = User.objects.get(email="root@example.gov")
    formset_class = HolidayInline(Jurisdiction, admin.site).get_formset(request, world.elm)
    data = {"holidays-TOTAL_FORMS": "1", "holidays-INITIAL_FORMS": "0", "holidays-0-date": "2026-11-26",
            "holidays-0-name_es": "Día de Acción de Gracias"}
    formset = formset_class(data, instance=world.elm, prefix="holidays")
    assert not formset.is_valid()
    assert not world.elm.holidays.exists()
