"""The staff console's money pages: the counter, refunds, reconciliation, the ledger export, the finance
dashboard. Access through payments/access.py only; the work in counter.py, refunds.py, reconciliation.py,
gl_export.py and finance.py."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from civicdesk.lib import svgcharts

from . import access, counter, finance, gl_export, reconciliation, refunds
from .models import AutopayDebit, Bill, BillingAccount, Payment, PayoutDifference, Refund, format_money
from .staff_forms import (
    AccountSearchForm,
    CounterPaymentForm,
    LedgerExportForm,
    RefundRequestForm,
    RejectRefundForm,
    ResolveDifferenceForm,
)

ACCOUNT_MATCHES = 20


@login_required
@require_safe
def home(request):
    """What the user's money seats let them do, and the account search of the counter."""
    actions = access.require_any(request.user)
    waiting = 0
    if actions & {"request_refund", "approve_refund"}:
        waiting = _refunds_in_reach(request.user).filter(status=Refund.Status.REQUESTED).count()
    return render(request, "payments/staff/home.html", {
        "actions": actions, "search_form": AccountSearchForm(), "waiting": waiting})


@login_required
@require_safe
def accounts(request):
    """Accounts whose number (or one of whose bills' numbers) starts with what was typed, in the user's
    jurisdictions, at most ACCOUNT_MATCHES."""
    access.require(request.user, "take_payment")
    form = AccountSearchForm(request.GET or None)
    found = []
    if form.is_valid():
        key = BillingAccount.normalise_number(form.cleaned_data["q"])
        queryset = BillingAccount.objects.select_related("jurisdiction").filter(
            Q(number_key__startswith=key) | Q(bills__number__iexact=form.cleaned_data["q"].strip())).distinct()
        ids = access.jurisdiction_ids_for(request.user, "take_payment")
        if ids is not None:
            queryset = queryset.filter(jurisdiction_id__in=ids)
        found = list(queryset.order_by("number", "pk")[:ACCOUNT_MATCHES]) if key else []
    if len(found) == 1:
        return redirect("payments_staff:account", pk=found[0].pk)
    return render(request, "payments/staff/accounts.html", {"form": form, "found": found,
                                                            "limit": ACCOUNT_MATCHES})


def _open_bills(account):
    return list(Bill.objects.open().filter(account=account).order_by("due_on", "pk"))


@login_required
def account(request, pk: int):
    """One account at the counter: what is owed, bill by bill, the payment form and the recent payments."""
    account = access.get_account_for_staff(request.user, pk, "take_payment")
    bills = _open_bills(account)
    form = CounterPaymentForm(request.POST or None, bills=bills,
                              initial={"submission_key": refunds.new_submission_key(), "method": "cash"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bill = next((b for b in bills if b.pk == data["bill"]), None)
        if data["bill"] and bill is None:
            bill = Bill.objects.filter(pk=data["bill"]).first()  # closed or someone else's: the service says so
        try:
            payment = counter.take_counter_payment(
                account=account, bill=bill, method=data["method"], amount_cents=data["amount"],
                tendered_cents=data["tendered"], cheque_number=data["cheque_number"],
                terminal_reference=data["terminal_reference"], submission_key=data["submission_key"],
                user=request.user)
        except counter.CounterPaymentError as error:
            form.add_error(None, str(error))
            if counter.looks_like_a_card_number(data["terminal_reference"]):
                form.forget_terminal_reference()
        else:
            if payment.created:
                messages.success(request, _("Payment %(reference)s of %(amount)s recorded.") % {
                    "reference": payment.reference, "amount": format_money(payment.amount_cents, payment.currency)})
            return redirect("payments_staff:payment", reference=payment.reference)
    payments = (Payment.objects.filter(account=account).select_related("bill", "taken_by")
                .order_by("-created_at", "-pk")[:20])
    return render(request, "payments/staff/account.html", {
        "account": account, "bills": bills, "form": form, "payments": payments,
        "owed": format_money(account.balance_cents(), account.currency),
        "mandates": account.mandates.select_related("user").order_by("-consented_at")[:5],
        "autopay_debits": AutopayDebit.objects.filter(bill__account=account).select_related("bill", "payment")[:20],
    }, status=400 if form.errors else 200)


@login_required
def payment(request, reference: str):
    """A payment's receipt (printable), its refunds, and the refund request form."""
    payment = access.get_payment_for_staff(request.user, reference, "request_refund")
    form = RefundRequestForm(request.POST or None, initial={"submission_key": refunds.new_submission_key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            refund = refunds.request_refund(payment=payment, amount_cents=data["amount"], reason=data["reason"],
                                            user=request.user, submission_key=data["submission_key"])
        except refunds.RefundError as error:
            form.add_error(None, str(error))
        else:
            if refund.created:
                messages.success(request, _("Refund of %(amount)s asked for: it waits for a finance supervisor's "
                                            "approval.") % {"amount": format_money(refund.amount_cents,
                                                                                   refund.currency)})
            return redirect("payments_staff:refunds")
    return render(request, "payments/staff/payment.html", {
        "payment": payment, "tender": getattr(payment, "tender", None), "form": form,
        "refunds": payment.refunds.select_related("requested_by", "approved_by"),
        "refundable": format_money(refunds.refundable_cents(payment), payment.currency),
        "can_refund": payment.status in refunds.REFUNDABLE}, status=400 if form.errors else 200)


def _refunds_in_reach(user):
    queryset = Refund.objects.all()
    ids = set()
    for action in ("request_refund", "approve_refund"):
        reach = access.jurisdiction_ids_for(user, action)
        if reach is None:
            return queryset
        ids |= reach
    return queryset.filter(payment__account__jurisdiction_id__in=ids)


@login_required
@require_safe
def refund_list(request):
    """Refunds waiting for a decision (oldest first), then the 30 latest decided."""
    access.require_any(request.user, {"request_refund", "approve_refund"})
    base = _refunds_in_reach(request.user).select_related("payment__account", "requested_by", "approved_by")
    waiting = list(base.filter(status=Refund.Status.REQUESTED).order_by("created_at", "pk"))
    decided = list(base.exclude(status=Refund.Status.REQUESTED).order_by("-decided_at", "-pk")[:30])
    approver_in = access.jurisdiction_ids_for(request.user, "approve_refund")
    for refund in waiting:
        refund.may_decide = (approver_in is None or refund.payment.account.jurisdiction_id in approver_in)
        refund.asked_by_me = refund.requested_by_id == request.user.pk
    return render(request, "payments/staff/refunds.html", {
        "waiting": waiting, "decided": decided, "reject_form": RejectRefundForm()})


@login_required
@require_POST
def approve(request, pk: int):
    refund = access.get_refund_for_staff(request.user, pk, "approve_refund")
    try:
        refund = refunds.approve_refund(refund, user=request.user)
    except refunds.RefundError as error:
        messages.error(request, str(error))
    else:
        if refund.status == Refund.Status.SUCCEEDED:
            messages.success(request, _("Refund approved and given back."))
        elif refund.status == Refund.Status.FAILED:
            messages.error(request, _("Refund approved, but the payment provider refused it: %(reason)s")
                           % {"reason": refund.failure_reason})
        else:
            messages.success(request, _("Refund approved; the payment provider is completing it."))
    return redirect("payments_staff:refunds")


@login_required
@require_POST
def reject(request, pk: int):
    refund = access.get_refund_for_staff(request.user, pk, "approve_refund")
    form = RejectRefundForm(request.POST)
    try:
        if not form.is_valid():
            raise refunds.RefundError(_("Say why the refund is turned down."))
        refunds.reject_refund(refund, user=request.user, note=form.cleaned_data["note"])
    except refunds.RefundError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Refund turned down."))
    return redirect("payments_staff:refunds")


def streaming_csv(rows, filename: str) -> StreamingHttpResponse:
    """A CSV download streamed row by row (rows: an iterator of already-encoded text chunks)."""
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- General-ledger export, finance dashboard, reconciliation -------------------------------------------------

@login_required
@require_safe
def ledger_page(request):
    """The export form; with a valid range, the CSV itself (streamed)."""
    access.require(request.user, "export_ledger")
    form = LedgerExportForm(request.GET or None)
    if request.GET and form.is_valid():
        start, end = form.bounds()
        ids = access.jurisdiction_ids_for(request.user, "export_ledger")
        name = f"general-ledger-{form.cleaned_data['start']:%Y-%m-%d}-{form.cleaned_data['end']:%Y-%m-%d}.csv"
        return streaming_csv(gl_export.stream(start, end, ids), name)
    return render(request, "payments/staff/ledger.html", {"form": form, "columns": gl_export.COLUMNS},
                  status=400 if form.errors else 200)


def _dashboard_for(request) -> tuple[finance.Dashboard, LedgerExportForm]:
    access.require(request.user, "view_finance")
    today = timezone.localdate()
    form = LedgerExportForm(request.GET or None, initial={"start": today - dt.timedelta(days=13), "end": today})
    start, end = today - dt.timedelta(days=13), today
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    ids = access.jurisdiction_ids_for(request.user, "view_finance")
    return finance.dashboard(start=start, end=end, jurisdiction_ids=ids, today=today), form


@login_required
@require_safe
def dashboard(request):
    """Collected per day and per method (charts with their tables), outstanding and overdue."""
    data, form = _dashboard_for(request)
    labels = [day.strftime("%b %d") for day in data.days]
    chart_day = svgcharts.bar_chart(labels, [c / 100 for c in data.per_day()],
                                    title=_("Collected per day, in dollars"), value_format=lambda v: f"{v:,.2f}")
    chart_method = svgcharts.bar_chart(data.method_labels(), [c / 100 for c in data.method_totals()],
                                       title=_("Collected per method, in dollars"),
                                       value_format=lambda v: f"{v:,.2f}")
    rows = [(day, [data.cells.get((day, m), (0, 0)) for m in data.methods], total)
            for day, total in zip(data.days, data.per_day())]
    return render(request, "payments/staff/dashboard.html", {
        "data": data, "form": form, "chart_day": chart_day, "chart_method": chart_method, "rows": rows,
        "method_rows": list(zip(data.method_labels(), data.method_totals())),
        "csv_query": request.GET.urlencode()})


@login_required
@require_safe
def dashboard_csv(request):
    """The dashboard's table: one row per day and method (payments, amount)."""
    data, _form = _dashboard_for(request)

    def rows():
        yield ["day", "method", "payments", "amount"]
        for day in data.days:
            for method in data.methods:
                count, cents = data.cells.get((day, method), (0, 0))
                yield [day.isoformat(), method, str(count), f"{cents / 100:.2f}"]

    return streaming_csv(gl_export.csv_text(rows()), "collected-per-day.csv")


def _differences_in_reach(user):
    ids = access.jurisdiction_ids_for(user, "reconcile")
    queryset = PayoutDifference.objects.select_related("payment", "resolved_by", "jurisdiction")
    if ids is None:
        return queryset
    return queryset.filter(Q(jurisdiction_id__in=ids) | Q(jurisdiction__isnull=True))


@login_required
def reconciliation_page(request):
    """Open differences (oldest first), then the 30 latest resolved; POST runs the match now."""
    access.require(request.user, "reconcile")
    if request.method == "POST":
        result = reconciliation.run_daily()
        messages.success(request, _("Reconciliation run: %(payouts)s payouts read, %(new)s new differences.")
                         % {"payouts": result.payouts, "new": result.new_differences})
        return redirect("payments_staff:reconciliation")
    base = _differences_in_reach(request.user)
    return render(request, "payments/staff/reconciliation.html", {
        "open": list(base.filter(resolved_at__isnull=True).order_by("found_at", "pk")[:200]),
        "resolved": list(base.filter(resolved_at__isnull=False).order_by("-resolved_at", "-pk")[:30]),
        "form": ResolveDifferenceForm()})


@login_required
@require_POST
def resolve_difference(request, pk: int):
    access.require(request.user, "reconcile")
    difference = _differences_in_reach(request.user).filter(pk=pk).first()
    if difference is None:
        raise Http404(_("No difference you can see has that number."))
    form = ResolveDifferenceForm(request.POST)
    try:
        reconciliation.resolve(difference, user=request.user,
                               note=form.cleaned_data["note"] if form.is_valid() else "")
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Difference marked resolved."))
    return redirect("payments_staff:reconciliation")
