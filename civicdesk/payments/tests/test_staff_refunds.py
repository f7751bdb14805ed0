"""The refund pages (staff_views.payment, refund_list, approve, reject): asked by a cashier, decided by another."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.payments import counter
from civicdesk.payments.models import Refund
from civicdesk.testing.auth import login_verified

from .helpers import make_bill
from .ops_people import money_people


@pytest.fixture
def setup(world, account):
    people = money_people(world)
    bill = make_bill(account, 5000)
    payment = counter.take_counter_payment(account=account, bill=bill, method="cash", amount_cents=5000,
                                           submission_key="pay-1", user=people.cashier)
    return people, payment


def ask(client, payment, amount="20.00", reason="Paid the wrong bill"):
    url = reverse("payments_staff:payment", args=[payment.reference])
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', client.get(url).content.decode()).group(1)
    return client.post(url, {"submission_key": key, "amount": amount, "reason": reason})


def test_it_lets_a_cashier_ask_and_another_person_approve(client, setup):
    people, payment = setup
    login_verified(client, people.cashier)
    assert ask(client, payment)["Location"] == reverse("payments_staff:refunds")
    refund = Refund.objects.get()
    listing = client.get(reverse("payments_staff:refunds")).content.decode()
    assert "Paid the wrong bill" in listing and "Approve the refund" not in listing  # a cashier cannot decide
    assert client.post(reverse("payments_staff:approve", args=[refund.pk])).status_code == 403
    client.logout()
    login_verified(client, people.finance)
    assert "Approve the refund of $20.00" in client.get(reverse("payments_staff:refunds")).content.decode()
    client.post(reverse("payments_staff:approve", args=[refund.pk]))
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.approved_by == people.finance
    assert AuditEntry.objects.filter(action="refund.approved", actor=people.finance).exists()


def test_it_does_not_offer_the_requester_their_own_approval(client, setup):
    people, payment = setup
    login_verified(client, people.finance)
    ask(client, payment)
    refund = Refund.objects.get()
    page = client.get(reverse("payments_staff:refunds")).content.decode()
    assert "another finance supervisor must decide" in page and "Approve the refund" not in page
    client.post(reverse("payments_staff:approve", args=[refund.pk]))
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED


def asked_by_the_cashier(client, people, payment, then):
    """The cashier asks for $20 back; then `then` signs in. Returns the refund."""
    login_verified(client, people.cashier)
    ask(client, payment)
    client.logout()
    login_verified(client, then)
    return Refund.objects.get()


def test_it_turns_a_refund_down_with_a_note(client, setup):
    people, payment = setup
    refund = asked_by_the_cashier(client, people, payment, people.finance)
    client.post(reverse("payments_staff:reject", args=[refund.pk]), {"note": "<b>zanzibarnote</b> not owed"})
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REJECTED
    page = client.get(reverse("payments_staff:refunds")).content.decode()
    assert "&lt;b&gt;zanzibarnote&lt;/b&gt;" in page


def test_it_answers_a_refund_beyond_the_payment_clearly(client, setup):
    people, payment = setup
    login_verified(client, people.cashier)
    response = ask(client, payment, amount="60")
    assert response.status_code == 400 and "At most $50.00 of this payment can still be refunded." in \
        response.content.decode()
    assert not Refund.objects.exists()


def test_it_keeps_other_jurisdictions_refunds_out_of_reach(client, setup):
    people, payment = setup
    refund = asked_by_the_cashier(client, people, payment, people.county_finance)
    assert "No refund is waiting." in client.get(reverse("payments_staff:refunds")).content.decode()
    assert client.post(reverse("payments_staff:approve", args=[refund.pk])).status_code == 404
    assert Refund.objects.get().status == Refund.Status.REQUESTED


def test_it_lists_refunds_in_few_queries(client, setup, django_assert_max_num_queries):
    people, payment = setup
    for number in range(5):
        Refund.objects.create(payment=payment, amount_cents=100, reason=f"r{number}", requested_by=people.cashier,
                              idempotency_key=f"k{number}")
    login_verified(client, people.finance)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("payments_staff:refunds")).status_code == 200


@pytest.mark.parametrize(("language", "heading", "button"), [
    ("es", "Reembolsos", "Aprobar el reembolso de $20.00"),
    ("ar", "المبالغ المستردة", "الموافقة على استرداد $20.00"),
])
def test_it_speaks_spanish_and_arabic(client, setup, language, heading, button):
    from django.utils import translation

    people, payment = setup
    asked_by_the_cashier(client, people, payment, people.finance)
    with translation.override(language):
        page = client.get(reverse("payments_staff:refunds"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{heading}</h1>" in page and button in page
