"""Pages of the pay flow (guest and signed in), the provider's return and webhooks, receipts, the sandbox page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicdesk.throttle.services import RateLimited, client_ip

from . import services
from .forms import FindBillForm, PayForm, method_label
from .models import AccountLink, AutopayMandate, BillingAccount, BillKindPolicy, Payment, SandboxCheckout
from .providers import InvalidSignature, get_provider

SESSION_KEY = "payments_verified_accounts"


def _limited(request, exc: RateLimited, back_url: str):
    response = render(request, "limited.html", {"message": exc.message, "back_url": back_url,
                                                "back_label": _("Back to Pay a bill")}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _remember(request, account: BillingAccount) -> None:
    """This browser proved the account's facts: it may see and pay the account until the session ends."""
    verified = set(request.session.get(SESSION_KEY, []))
    verified.add(account.pk)
    request.session[SESSION_KEY] = sorted(verified)


def _get_account_for_payer(request, pk: int) -> BillingAccount:
    """The account if this browser proved its facts or the signed-in resident linked it; 404 otherwise (the same
    answer as for an account that does not exist)."""
    account = get_object_or_404(BillingAccount.objects.select_related("jurisdiction"), pk=pk)
    if pk in request.session.get(SESSION_KEY, []):
        return account
    if request.user.is_authenticated and AccountLink.objects.filter(user=request.user, account=account).exists():
        return account
    raise Http404


def _facts_page(request, template: str, back: str, on_found):
    """The "three facts from the bill" form (find, link): `on_found(account)` answers when they match."""
    form = FindBillForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        try:
            account = services.find_account(kind=form.cleaned_data["kind"], number=form.cleaned_data["number"],
                                             postcode=form.cleaned_data["postcode"],
                                             last_amount_cents=form.cleaned_data["last_amount"],
                                             client=client_ip(request))
        except RateLimited as exc:
            return _limited(request, exc, reverse(back))
        if account is not None:
            return on_found(account)
        not_found = True
    return render(request, template, {
        "form": form, "not_found": not_found, "not_found_message": services.not_found_message()})


def find_bill(request):
    """Step 1: account number, postcode and last bill amount → the account's page."""
    def found(account):
        _remember(request, account)
        return redirect("payments:account", pk=account.pk)

    return _facts_page(request, "payments/find.html", "payments:find", found)


def account_page(request, pk: int):
    """Step 2: the account's open bills and the pay form; posting it shows the confirm step (fee and total)."""
    account = _get_account_for_payer(request, pk)
    bills = list(account.bills.open().order_by("due_on", "pk"))
    provider = get_provider()
    policy = BillKindPolicy.for_account(account)
    form = PayForm(request.POST or None, account=account, bills=bills, methods=list(provider.methods),
                   policy=policy, user=request.user)
    summary = services.account_summaries([account])[0]
    context = {"account": account, "bills": bills, "form": form, "credit_cents": summary["credit_cents"],
               "past_bills": summary["past_bills"], "payments": summary["payments"],
               "autopay_linked": request.user.is_authenticated and AccountLink.objects.filter(
                   user=request.user, account=account).exists()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            priced = services.quote(account=account, bill=data["bill_obj"], amount_cents=data["amount_cents"],
                                    method=data["method"])
        except services.PaymentRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render(request, "payments/account.html", context)
        if "confirm" not in request.POST:
            return render(request, "payments/confirm.html", context | {
                "quote": priced, "bill": data["bill_obj"], "method_name": method_label(priced.method)})
        try:
            payment, url = services.start_payment(
                account=account, bill=data["bill_obj"], amount_cents=priced.amount_cents, method=priced.method,
                payer_email=data["email"], idempotency_key=data["idempotency_key"], client=client_ip(request),
                user=request.user, language=translation.get_language() or "en")
        except RateLimited as exc:
            return _limited(request, exc, reverse("payments:account", args=[account.pk]))
        except services.PaymentRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render(request, "payments/account.html", context)
        return redirect(url)
    return render(request, "payments/account.html", context)


def provider_return(request, token: str):
    """The resident is back from the provider's page: read the outcome there, settle it, show the receipt."""
    payment = services.payment_for_token(token)
    if payment is None:
        raise Http404
    if request.GET.get("cancelled"):
        services.cancel_unpaid(payment)
    else:
        services.refresh_from_provider(payment)
    return redirect("payments:receipt", token=token)


def receipt(request, token: str):
    """The receipt of a payment (or where it stands: pending, failed, cancelled)."""
    payment = services.payment_for_token(token)
    if payment is None:
        raise Http404
    return render(request, "payments/receipt.html", _receipt_context(payment, token))


def _receipt_context(payment: Payment, token: str) -> dict:
    return {"payment": payment, "account": payment.account, "bill": payment.bill, "token": token,
            "method_name": method_label(payment.method), "jurisdiction": payment.account.jurisdiction,
            "paid": payment.status in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED,
                                       Payment.Status.REFUNDED)}


def receipt_pdf(request, token: str):
    """The receipt as a PDF (only for a payment that went through)."""
    from .pdf import render_receipt_pdf

    payment = services.payment_for_token(token)
    if payment is None or payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED,
                                                 Payment.Status.REFUNDED):
        raise Http404
    response = HttpResponse(render_receipt_pdf(payment, _receipt_context(payment, token)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{payment.reference}.pdf"'
    return response


@csrf_exempt
@require_POST
def webhook(request, provider: str):
    """A provider's webhook: 400 for a bad signature, 200 once applied (or already applied)."""
    try:
        get_provider(provider)
    except KeyError:
        raise Http404 from None
    try:
        outcome = services.handle_webhook(provider, request.body, request.headers)
    except InvalidSignature:
        return HttpResponseBadRequest("invalid signature")
    return HttpResponse(outcome, content_type="text/plain")


def sandbox_checkout(request, session_id: str):
    """The sandbox provider's hosted page: the tester picks the outcome (see providers/sandbox.py)."""
    from .tasks import send_sandbox_webhook, settle_sandbox_bank_debit

    provider = get_provider("sandbox")
    if not provider.is_configured():
        raise Http404
    checkout = get_object_or_404(SandboxCheckout, session_id=session_id)
    if request.method == "POST" and checkout.status == "open":
        choice = request.POST.get("outcome", "")
        if choice == "cancel":
            SandboxCheckout.objects.filter(pk=checkout.pk).update(status="cancelled")
            return redirect(checkout.cancel_url)
        outcomes = {"card": ("succeeded", "card"), "bank": ("pending", "us_bank_account"),
                    "decline": ("failed", "card")}
        if choice in outcomes:
            status, method = outcomes[choice]
            checkout.status, checkout.method = status, method
            checkout.payment_id = "sbx_pi_" + checkout.session_id.removeprefix("sbx_cs_")
            checkout.save()
            send_sandbox_webhook.enqueue(checkout.session_id)
            if status == "pending":
                settle_sandbox_bank_debit.using(run_after=timezone.now() + timedelta(
                    seconds=_bank_delay())).enqueue(checkout.session_id)
            return redirect(checkout.success_url)
    elif request.method == "POST":
        return redirect(checkout.success_url)
    return render(request, "payments/sandbox_checkout.html", {
        "checkout": checkout, "is_open": checkout.status == "open",
        "outcomes": [("card", _("Pay by card (succeeds)")), ("bank", _("Pay by bank debit (pending, then succeeds)")),
                     ("decline", _("Decline")), ("cancel", _("Cancel and go back"))]})


def _bank_delay() -> int:
    from django.conf import settings
    return settings.PAYMENTS_SANDBOX_BANK_DELAY_SECONDS


@login_required
def my_bills(request):
    """Signed-in residents: every linked account with its open and past bills, payments and receipts."""
    links = (AccountLink.objects.filter(user=request.user).select_related("account", "account__jurisdiction")
             .order_by("linked_at"))
    with_autopay = set(AutopayMandate.objects.filter(account__links__user=request.user, active=True)
                       .values_list("account_id", flat=True))
    # A constant number of queries however many accounts are linked (services.account_summaries).
    accounts = services.account_summaries([link.account for link in links])
    for summary in accounts:
        summary["autopay"] = summary["account"].pk in with_autopay
    return render(request, "payments/my_bills.html", {"accounts": accounts})


@login_required
def link_account(request):
    """Signed-in residents link an account with the same three facts a guest gives."""
    def found(account):
        services.link_account(user=request.user, account=account)
        messages.success(request, _("Account %(number)s is now linked to your login.") % {"number": account.number})
        return redirect("payments:mine")

    return _facts_page(request, "payments/link.html", "payments:link", found)
