"""The finance dashboard's numbers (docs/payments-operations.md, "Finance dashboard").

- **Collected**: payments that succeeded, by the day they succeeded (server time zone) and by method, gross of
  refunds and without convenience fees: `amount_cents` of payments now succeeded, partly refunded or refunded.
- **Refunded**: refunds completed in the period.
- **Outstanding**: the sum of every account's receivable in the ledger now (what residents owe, bills and late
  fees, before any credit they hold).
- **Overdue**: what is still owed on open bills whose due date has passed, and how many such bills.
- **Autopay**: of the collected payments, how many were autopay debits and their amount (docs/payments-autopay.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .forms import method_label
from .models import RECEIVABLE, Bill, Payment, Posting, Refund

PAID = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)


@dataclasses.dataclass
class Dashboard:
    days: list[dt.date]
    methods: list[str]
    #: (day, method) → (number of payments, cents)
    cells: dict[tuple[dt.date, str], tuple[int, int]]
    collected_cents: int
    refunded_cents: int
    outstanding_cents: int
    overdue_cents: int
    overdue_bills: int
    autopay_debits: int = 0
    autopay_cents: int = 0

    def per_day(self) -> list[int]:
        """Cents collected on each of `days`, all methods together."""
        return [sum(self.cells.get((day, m), (0, 0))[1] for m in self.methods) for day in self.days]

    def per_method(self, method: str) -> list[int]:
        return [self.cells.get((day, method), (0, 0))[1] for day in self.days]

    def method_labels(self) -> list[str]:
        return [method_label(m) for m in self.methods]

    def method_totals(self) -> list[int]:
        return [sum(self.per_method(m)) for m in self.methods]


def dashboard(*, start: dt.date, end: dt.date, jurisdiction_ids: set[int] | None,
              today: dt.date | None = None) -> Dashboard:
    """The numbers for [start, end] (days included), in the given jurisdictions (None: all)."""
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    payments = Payment.objects.filter(status__in=PAID, succeeded_at__gte=lower, succeeded_at__lt=upper)
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED, completed_at__gte=lower, completed_at__lt=upper)
    postings = Posting.objects.filter(account=RECEIVABLE)
    bills = Bill.objects.open().filter(due_on__lt=today)
    if jurisdiction_ids is not None:
        payments = payments.filter(account__jurisdiction_id__in=jurisdiction_ids)
        refunds = refunds.filter(payment__account__jurisdiction_id__in=jurisdiction_ids)
        postings = postings.filter(billing_account__jurisdiction_id__in=jurisdiction_ids)
        bills = bills.filter(account__jurisdiction_id__in=jurisdiction_ids)
    cells: dict[tuple[dt.date, str], tuple[int, int]] = {}
    grouped = (payments.annotate(day=TruncDate("succeeded_at", tzinfo=zone)).values("day", "method")
               .annotate(n=Count("pk"), s=Sum("amount_cents")).order_by())
    for row in grouped:
        cells[(row["day"], row["method"] or "other")] = (row["n"], row["s"])
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    methods = sorted({method for _day, method in cells})
    overdue = bills.aggregate(n=Count("pk"), s=Coalesce(Sum("owed_cents"), 0))
    autopay = payments.filter(channel=Payment.Channel.AUTOPAY).aggregate(n=Count("pk"),
                                                                        s=Coalesce(Sum("amount_cents"), 0))
    return Dashboard(
        days=days, methods=methods, cells=cells, collected_cents=sum(s for _n, s in cells.values()),
        refunded_cents=refunds.aggregate(s=Coalesce(Sum("amount_cents"), 0))["s"],
        outstanding_cents=postings.total(), overdue_cents=overdue["s"], overdue_bills=overdue["n"],
        autopay_debits=autopay["n"], autopay_cents=autopay["s"])
