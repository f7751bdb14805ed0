"""No card or bank number is stored or logged: after a payment, the logs and every text column are searched."""

from __future__ import annotations

import logging
import re

from django.apps import apps
from django.db import models
from django.urls import reverse

from civicdesk.payments import services
from civicdesk.payments.models import Payment

from .conftest import pay_form, verify

CARD = "4242424242424242"
BANK = "000123456789"
#: 13 to 19 digits standing alone (a card's PAN): what must never appear. Digits inside a longer run of letters and
#: digits are part of a hash, key or token (a password hash held 13 digits in a row by chance in one run).
NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{13,19}(?![0-9A-Za-z])")


def card_like(text: str) -> list[str]:
    """The standalone 13–19 digit numbers in `text` that pass the Luhn check, as every card number does."""
    def luhn(number: str) -> bool:
        digits = [int(d) for d in reversed(number)]
        return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0
    return [match for match in NUMBER.findall(text) if luhn(match)]


def test_it_stores_and_logs_no_card_or_bank_number(client, bill, caplog):
    caplog.set_level(logging.DEBUG)
    verify(client, bill.account)
    page = client.post(reverse("payments:account", args=[bill.account.pk]), pay_form(bill)).url
    # Even a card number typed where it does not belong goes nowhere: the sandbox page has no such field.
    client.post(page, {"outcome": "card", "card_number": CARD, "account_number": BANK})
    payment = Payment.objects.get()
    client.get(reverse("payments:return", args=[services.receipt_token(payment)]))
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.method_label == "Sandbox card ending 4242"
    logged = caplog.text
    assert CARD not in logged and BANK not in logged and not card_like(logged)
    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            for value in row:
                text = str(value or "")
                assert CARD not in text and BANK not in text, (model, text)
                assert not card_like(text), (model, text)


def test_it_tells_a_card_number_from_digits_inside_a_hash():
    assert card_like(f"paid with {CARD} today") == [CARD]
    assert card_like("md5$kCfOHR6i58lDX1s9vJdfNX$d6f9c12974ad1b32a6259649394850f3") == []
    assert card_like("order 1234567890123 shipped") == []  # 13 digits, not a valid card number
