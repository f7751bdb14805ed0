"""Guest "find my bill": three facts from the bill, the same answer for every wrong fact, limits."""

from __future__ import annotations

import pytest
from django.urls import reverse

URL = reverse("payments:find")


def facts(**changes) -> dict:
    data = {"kind": "water_sewer", "number": "w100 200", "postcode": "62701", "last_amount": "54.20"}
    return data | changes


def test_it_shows_the_form_and_the_footer_link(client, db):
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Find my bill" in page.content and URL.encode() in page.content


def test_it_finds_an_account_with_all_three_facts(client, bill):
    response = client.post(URL, facts())
    assert response.status_code == 302 and response.url == reverse("payments:account", args=[bill.account.pk])
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("wrong", [{"number": "W100201"}, {"postcode": "62702"}, {"last_amount": "54.21"},
                                   {"kind": "parking"}])
def test_it_answers_the_same_whichever_fact_is_wrong(client, bill, wrong):
    response = client.post(URL, facts(**wrong))
    assert response.status_code == 200
    assert b"We could not find a bill with those details" in response.content
    assert reverse("payments:account", args=[bill.account.pk]).encode() not in response.content


def test_it_explains_an_amount_that_is_not_money(client, bill):
    response = client.post(URL, facts(last_amount="fifty"))
    assert b"Enter an amount in dollars and cents" in response.content


def test_it_keeps_unverified_browsers_out_of_the_account_page(client, bill):
    assert client.get(reverse("payments:account", args=[bill.account.pk])).status_code == 404


def test_it_limits_look_ups_per_account_number(client, bill, settings):
    settings.PAYMENTS_LOOKUPS_PER_ACCOUNT_PER_HOUR = 2
    for _ in range(2):
        assert client.post(URL, facts(postcode="00000")).status_code == 200
    refused = client.post(URL, facts(), REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429 and "Retry-After" in refused


def test_it_limits_look_ups_per_client(client, bill, settings):
    settings.PAYMENTS_LOOKUPS_PER_CLIENT_PER_HOUR = 1
    client.post(URL, facts(number="X1"))
    assert client.post(URL, facts(number="X2")).status_code == 429


def test_it_limits_look_ups_overall(client, bill, settings):
    settings.PAYMENTS_LOOKUPS_PER_HOUR = 1
    client.post(URL, facts(number="X1"), REMOTE_ADDR="10.0.0.1")
    assert client.post(URL, facts(), REMOTE_ADDR="10.0.0.2").status_code == 429


@pytest.mark.parametrize(("language", "title", "button"), [("es", "Pagar una factura", "Buscar mi factura"),
                                                           ("ar", "دفع فاتورة", "ابحث عن فاتورتي")])
def test_it_speaks_spanish_and_arabic(client, db, language, title, button):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in page and button in page
