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
#: 13 to 19 digits in a row (a card's PAN) or a routing + account pair: what must never appear.
NUMBER = re.compile(r"(?<!\d)\d{13,19}(?!\d)")


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
    assert CARD not in logged and BANK not in logged and not NUMBER.search(logged)
    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            for value in row:
                text = str(value or "")
                assert CARD not in text and BANK not in text, (model, text)
                assert not NUMBER.search(text), (model, text)
