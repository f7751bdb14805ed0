"""Staff money operations in Chromium, on a phone: a cashier takes a counter payment (an error first), and a
refund waits for approval until another person approves it; no axe-core violation on any page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.payments.models import Payment, Refund
from civicdesk.testing.auth import sign_in_in_browser
from civicdesk.testing.axe import assert_no_axe_violations

from .helpers import make_account, make_bill
from .ops_people import money_people

pytestmark = pytest.mark.browser


def test_it_lets_a_cashier_take_a_counter_payment(live_server, tworld, page):
    people = money_people(tworld)
    account = make_account(tworld.elm, number="W-555-0101")
    make_bill(account, 7500, number="B-2026-11", due_in_days=60)
    sign_in_in_browser(page, live_server.url, people.cashier, "/staff/")
    page.get_by_role("link", name="Bills and payments: counter, refunds, reconciliation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bills and payments")
    assert_no_axe_violations(page, context="the payments home")
    page.get_by_label("Account or bill number").fill("w555 0101")
    page.get_by_role("button", name="Find the account").click()
    expect(page.get_by_test_id("owed")).to_have_text("$75.00")
    assert_no_axe_violations(page, context="the account at the counter")
    page.get_by_label("Amount to pay").fill("80")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("That is more than is owed ($75.00).")
    assert_no_axe_violations(page, context="the payment form with an error")
    page.get_by_label("Amount to pay").fill("75")
    page.get_by_label("Cash handed over").fill("100")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_test_id("change")).to_have_text("$25.00")
    expect(page.get_by_test_id("receipt")).to_contain_text("$75.00")
    assert_no_axe_violations(page, context="the counter receipt")
    assert Payment.objects.get().taken_by == people.cashier


def test_it_keeps_a_refund_waiting_until_someone_else_approves_it(live_server, tworld, page, browser):
    from civicdesk.payments import counter

    people = money_people(tworld)
    account = make_account(tworld.elm, number="W-555-0202")
    payment = counter.take_counter_payment(account=account, bill=make_bill(account, 4000), method="cheque",
                                           cheque_number="2211", amount_cents=4000, submission_key="b1",
                                           user=people.cashier)
    sign_in_in_browser(page, live_server.url, people.cashier, f"/staff/payments/payments/{payment.reference}/")
    assert_no_axe_violations(page, context="a payment with the refund form")
    page.get_by_label("Amount to refund").fill("15")
    page.get_by_label("Why is the money given back?").fill("Charged the old rate")
    page.get_by_role("button", name="Ask for the refund").click()
    expect(page.get_by_test_id("waiting")).to_contain_text("Charged the old rate")
    expect(page.get_by_role("button", name="Approve the refund of $15.00")).to_have_count(0)
    assert_no_axe_violations(page, context="a refund waiting, seen by the cashier")
    assert Refund.objects.get().status == Refund.Status.REQUESTED

    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    try:
        sign_in_in_browser(other, live_server.url, people.finance, "/staff/payments/refunds/")
        assert_no_axe_violations(other, context="a refund waiting, seen by the finance supervisor")
        other.get_by_role("button", name="Approve the refund of $15.00").click()
        expect(other.get_by_text("Refund approved and given back.")).to_be_visible()
        expect(other.get_by_test_id("none-waiting")).to_be_visible()
        assert_no_axe_violations(other, context="the refund approved")
    finally:
        other.context.close()
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.SUCCEEDED and refund.approved_by == people.finance
