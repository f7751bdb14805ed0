"""Counter payments (payments/counter.py): cash with change, cheques, card-terminal references, every refusal."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery
from civicdesk.payments import counter
from civicdesk.payments.models import CASH_DRAWER, CHEQUES, TERMINAL_CLEARING, Payment, Posting

from .helpers import assert_every_entry_balances, make_account, make_bill


@pytest.fixture
def cashier(world):
    from civicdesk.accounts.models import User
    from civicdesk.jurisdictions.models import StaffMembership

    user = User.objects.create_user(email="cash@elm.example.gov", password="correct horse battery", is_staff=True)
    StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=StaffMembership.Role.CASHIER)
    return user


def take(account, bill, cashier, **extra):
    values = {"method": "cash", "amount_cents": 2000, "submission_key": "form-1"} | extra
    return counter.take_counter_payment(account=account, bill=bill, user=cashier, **values)


def test_it_takes_cash_gives_change_and_posts_to_the_cash_drawer(account, cashier):
    bill = make_bill(account, 5000)
    payment = take(account, bill, cashier, amount_cents=2000, tendered_cents=5000)
    assert payment.created and payment.status == Payment.Status.SUCCEEDED and payment.taken_by == cashier
    assert payment.tender.change_cents == 3000 and payment.tender.tendered_cents == 5000
    assert bill.balance_cents() == 3000
    assert Posting.objects.filter(account=CASH_DRAWER).total() == 2000
    assert_every_entry_balances()
    entry = AuditEntry.objects.get(action="payment.counter_taken")
    assert entry.actor == cashier and entry.data["change_cents"] == 3000


def test_it_sends_the_holder_a_receipt_once(account, cashier):
    bill = make_bill(account, 5000)
    payment = take(account, bill, cashier, amount_cents=5000)
    delivery = Delivery.objects.get(address="holder@example.org")
    assert payment.reference in delivery.subject
    counter.services.send_receipt(payment)
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize(("method", "extra", "ledger_account", "label"), [
    ("cheque", {"cheque_number": "004512"}, CHEQUES, "Cheque no. 004512"),
    ("card_terminal", {"terminal_reference": "TRM-88123"}, TERMINAL_CLEARING, "Card terminal, reference TRM-88123"),
])
def test_it_takes_cheques_and_card_terminal_payments(account, cashier, method, extra, ledger_account, label):
    bill = make_bill(account, 5000)
    payment = take(account, bill, cashier, method=method, amount_cents=5000, **extra)
    assert payment.method_label == label and bill.status() == "paid"
    assert Posting.objects.filter(account=ledger_account).total() == 5000


def test_it_records_a_double_submit_once(account, cashier):
    bill = make_bill(account, 5000)
    first = take(account, bill, cashier)
    second = take(account, bill, cashier)
    assert second.pk == first.pk and second.created is False
    assert Payment.objects.count() == 1 and bill.balance_cents() == 3000


def test_it_pays_the_account_oldest_bill_first_without_a_bill(account, cashier):
    old, new = make_bill(account, 1000, due_in_days=5), make_bill(account, 4000, due_in_days=30)
    take(account, None, cashier, amount_cents=2500)
    assert old.status() == "paid" and new.balance_cents() == 2500


@pytest.mark.parametrize(("extra", "message"), [
    ({"amount_cents": 0}, "more than zero"),
    ({"amount_cents": -500}, "more than zero"),
    ({"amount_cents": 5001}, "more than is owed ($50.00)"),
    ({"tendered_cents": 1000}, "less than the amount"),
    ({"method": "bitcoin"}, "Choose cash, cheque or card terminal"),
    ({"method": "cheque", "cheque_number": ""}, "cheque number"),
    ({"method": "cheque", "cheque_number": "12ab"}, "cheque number"),
    ({"method": "card_terminal", "terminal_reference": ""}, "reference the card terminal printed"),
    ({"method": "card_terminal", "terminal_reference": "4242 4242 4242 4242"}, "looks like a card number"),
    ({"method": "card_terminal", "terminal_reference": "<script>x</script>"}, "at most 40 letters"),
])
def test_it_refuses_bad_counter_payments_clearly_and_writes_nothing(account, cashier, extra, message):
    bill = make_bill(account, 5000)
    with pytest.raises(counter.CounterPaymentError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("$", r"\$").replace(".", r"\.")):
        take(account, bill, cashier, **extra)
    assert not Payment.objects.exists() and bill.balance_cents() == 5000
    assert not AuditEntry.objects.filter(action="payment.counter_taken").exists()


def test_it_refuses_a_bill_of_another_account_and_a_closed_bill(world, account, cashier):
    other = make_bill(make_account(world.elm), 5000)
    with pytest.raises(counter.CounterPaymentError, match="another account"):
        take(account, other, cashier)
    paid = make_bill(account, 2000)
    take(account, paid, cashier, amount_cents=2000, submission_key="form-2")
    with pytest.raises(counter.CounterPaymentError, match="is paid: it takes no more payments"):
        take(account, paid, cashier, amount_cents=100, submission_key="form-3")
    assert Payment.objects.count() == 1


def test_it_refuses_a_form_reused_for_another_account(world, account, cashier):
    take(account, make_bill(account, 5000), cashier)
    other = make_account(world.elm)
    with pytest.raises(counter.CounterPaymentError, match="another account"):
        take(other, make_bill(other, 5000), cashier)
