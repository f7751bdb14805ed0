"""The demo city's autopay: a demo resident enrolled, with an upcoming bill whose debit is scheduled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.payments import demo
from civicdesk.payments.models import AutopayDebit, AutopayMandate

pytestmark = pytest.mark.django_db


def test_it_enrols_the_demo_resident_and_schedules_the_next_debit(client, world):
    today = timezone.localdate()
    summary = demo.seed_autopay(jurisdiction=world.elm, user=world.alice, today=today)
    demo.seed_autopay(jurisdiction=world.elm, user=world.alice, today=today)  # loading twice changes nothing
    mandate = AutopayMandate.objects.get(active=True)
    assert mandate.user == world.alice and world.elm.name in mandate.mandate_text
    debit = AutopayDebit.objects.get()
    assert debit.state == AutopayDebit.State.SCHEDULED and debit.due_on > today
    assert "WS-100-2077" in summary
    client.force_login(world.alice)
    page = client.get(reverse("payments:autopay", args=[mandate.account_id])).content.decode()
    assert "WS-2026-AP1" in page and "Autopay is on" in page
