"""Arabic, the right-to-left language: pages say dir="rtl" and load the mirrored styles, the switcher names every
language in its own words, and emails, the Open311 API, numbers, dates and charts follow the resident's language."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import formats, translation

from civicdesk.servicerequests.tasks import acknowledge
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM


def page_in(client, language: str, url: str, status: int = 200, **headers) -> str:
    client.cookies["django_language"] = language
    response = client.get(url, **headers)
    assert response.status_code == status
    assert response["Content-Language"] == language
    return response.content.decode()


def test_it_marks_an_arabic_page_right_to_left_and_loads_the_mirrored_styles(client, world):
    page = page_in(client, "ar", reverse("core:home"))
    assert '<html lang="ar" dir="rtl">' in page
    assert "vendor/uswds/css/uswds.rtl.min.css" in page and "css/rtl.css" in page
    assert "uswds.min.css" not in page
    assert "الإبلاغ عن مشكلة" in page and "رقم التتبع" in page


def test_it_keeps_english_and_spanish_pages_left_to_right(client, world):
    for language in ["en", "es"]:
        page = page_in(client, language, reverse("core:home"))
        assert f'<html lang="{language}">' in page
        assert "uswds.rtl.min.css" not in page and "css/rtl.css" not in page


def test_it_names_every_language_in_its_own_words_in_the_switcher(client, world):
    page = page_in(client, "ar", reverse("core:home"))
    options = re.findall(r'<option value="(\w+)" lang="(\w+)"[^>]*>([^<]+)</option>', page)
    assert [(code, lang, name.strip()) for code, lang, name in options] == [
        ("en", "en", "English"), ("es", "es", "Español"), ("ar", "ar", "العربيّة")]
    assert '<option value="ar" lang="ar" dir="rtl" selected>' in page
    assert '<option value="en" lang="en" >' in page


def test_it_switches_to_arabic_and_back(client, world):
    response = client.post(reverse("set_language"), {"language": "ar", "next": reverse("core:home")})
    assert response.status_code == 302
    assert '<html lang="ar" dir="rtl">' in client.get(reverse("core:home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("core:home")})
    assert '<html lang="en">' in client.get(reverse("core:home")).content.decode()


def test_it_keeps_tracking_numbers_left_to_right_in_an_arabic_form(client, world):
    page = page_in(client, "ar", reverse("servicerequests:lookup"))
    assert re.search(r'<input[^>]+name="id" dir="ltr"', page)


def test_it_writes_the_acknowledgement_in_arabic_right_to_left(world):
    request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      address_id="A1", attributes={"depth": "deep"},
                                      description="حفرة عميقة قرب الموقف", contact_name="Layla",
                                      contact_email="layla@example.org", language="ar")
    acknowledge.call(request_pk=request.pk)  # what the worker does with the task the report queued
    email = Delivery.objects.get(request=request, event="request.received", channel="email",
                                 address="layla@example.org")
    assert email.language == "ar"
    assert email.subject == f"استلمنا طلبك {request.public_id}"
    assert "رقم التتبع الخاص بك هو:" in email.body_text
    assert "If this is an emergency" not in email.body_text
    assert 'lang="ar" dir="rtl"' in email.body_html


def test_it_answers_the_open311_api_in_arabic_when_asked(client, world):
    url = "/open311/v2/services.json"
    response = client.get(url, {"jurisdiction_id": "nowhere.example.gov"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 404
    assert response.json()[0]["description"] == "لم يُعثر على jurisdiction_id nowhere.example.gov."
    response = client.get(url, {"jurisdiction_id": "nowhere.example.gov"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()[0]["description"] == "jurisdiction_id nowhere.example.gov was not found."


def test_it_writes_numbers_in_western_digits_and_dates_with_arabic_month_names():
    with translation.override("ar"):
        assert formats.number_format(1234.5, decimal_pos=2, force_grouping=True) == "1,234.50"
        assert formats.date_format(dt.date(2026, 12, 5)) == "5 ديسمبر، 2026"
        assert formats.date_format(dt.datetime(2026, 12, 5, 14, 30), "DATETIME_FORMAT") == "5 ديسمبر، 2026، 2:30 م"
