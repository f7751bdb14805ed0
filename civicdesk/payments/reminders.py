"""Bill reminders and late fees (docs/payments-bills.md, "Reminders and late fees").

`run_reminders()` is what the periodic task calls. For every BillKindPolicy it:

1. finds the open bills (not void, something still owed by the ledger) whose due date makes a reminder stage
   current: N days before the due date, on it, M days after it (the policy's lists). A bill gets the latest stage
   whose day has come, once; stages missed while the worker was down are not sent late one after another;
2. applies the late fee (`ledger.post_late_fee`, idempotency key "late_fee:<bill>") to open bills still unpaid
   the day after the policy's grace period, and queues a notice.

Bills are read CHUNK at a time by keyset paging. Each chunk of reminders is one transaction holding the
`BillReminder` rows (unique per bill and stage, bulk inserted) and the deliveries of one `notify_each()` call
(unique per event key and address), a constant number of queries per chunk rather than a few per bill; so a run
that dies leaves nothing half done and a second run, at once or after a crash, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from civicdesk.notifications.services import Message, Recipient, notify, notify_each

from . import ledger
from .models import Bill, BillingAccount, BillKind, BillKindPolicy, BillReminder, format_money

#: Bills looked at per transaction.
CHUNK = 500
#: A reminder whose day passed this many days ago while nothing ran is still sent (once, the latest stage).
CATCH_UP_DAYS = 7
LATE_FEE_STAGE = "late_fee"


@dataclass
class ReminderSummary:
    reminders: int = 0
    late_fees: int = 0
    messages: int = 0


def stages(policy: BillKindPolicy) -> list[tuple[int, str]]:
    """The policy's reminder stages as (days from the due date, stage name), earliest first: (-7, "before:7"),
    (0, "due"), (3, "after:3")."""
    found = {(-int(days), f"before:{int(days)}") for days in policy.reminder_days_before or [] if int(days) > 0}
    found |= {(int(days), f"after:{int(days)}") for days in policy.reminder_days_after or [] if int(days) > 0}
    if policy.remind_on_due_date:
        found.add((0, "due"))
    return sorted(found)


def current_stage(due_on: dt.date, today: dt.date, policy_stages: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The latest stage whose day (due date + offset) has come by `today`, or None before the first one."""
    current = None
    for offset, name in policy_stages:
        if due_on + dt.timedelta(days=offset) <= today:
            current = (offset, name)
    return current


def recipient_for(account: BillingAccount) -> Recipient | None:
    """Where the account's messages go: its contact email, else its phone by SMS; None when it has neither."""
    if account.contact_email:
        return Recipient(email=account.contact_email, language=account.contact_language, name=account.holder_name,
                         channels=frozenset({"email"}))
    if account.contact_phone:
        return Recipient(phone=account.contact_phone, language=account.contact_language, name=account.holder_name,
                         channels=frozenset({"sms"}))
    return None


def pay_url() -> str:
    """The absolute address of the page where anyone finds and pays a bill (the pay flow, mounted at /payments/)."""
    try:
        path = reverse("payments:find")
    except NoReverseMatch:  # the pay flow's URLs are not mounted (a deployment without online payments)
        path = "/payments/"
    return settings.SITE_URL + path


def _context(bill: Bill, **extra) -> dict:
    account = bill.account
    # The kind's lazy label: rendered in each recipient's language (notify() renders inside their language).
    return {"bill": bill, "account": account, "kind": BillKind(account.kind).label, "due_on": bill.due_on,
            "owed": format_money(bill.balance_cents(), bill.currency), "number": account.number,
            "pay_url": pay_url(), **extra}


def _key(bill: Bill, stage: str) -> str:
    """The notification key of a bill's stage: a (key, channel, address) is delivered at most once, ever."""
    return f"bill:{bill.pk}:{stage}"


def _scope(bill: Bill) -> str:
    """What the unsubscribe link of a bill message stops: messages about this billing account."""
    return f"billing-account:{bill.account_id}"


def _send(bill: Bill, stage: str, *, event: str, template: str, context: dict) -> int:
    recipient = recipient_for(bill.account)
    if recipient is None:
        return 0
    return notify(event=event, key=_key(bill, stage), recipients=[recipient], template=template,
                  context=context, scope=_scope(bill))


def _claim(bill: Bill, stage: str) -> BillReminder | None:
    """The new BillReminder for (bill, stage), or None when that stage was sent already (by us or a run beside)."""
    try:
        with transaction.atomic():
            return BillReminder.objects.create(bill=bill, stage=stage)
    except IntegrityError:
        return None


def _chunks(bills):
    """The bills of an ordered-by-pk queryset, CHUNK at a time, each chunk read fresh after the last one's pk
    (keyset paging), so bills paid or charged by an earlier chunk are seen as they are now."""
    after = 0
    while chunk := list(bills.filter(pk__gt=after)[:CHUNK]):
        yield chunk
        after = chunk[-1].pk


def send_reminders(policy: BillKindPolicy, today: dt.date, summary: ReminderSummary) -> None:
    """Queue the current reminder stage of each open bill of the policy's jurisdiction and kind."""
    policy_stages = stages(policy)
    if not policy_stages:
        return
    first, last = policy_stages[0][0], policy_stages[-1][0]
    bills = (Bill.objects.open().filter(account__jurisdiction_id=policy.jurisdiction_id, account__kind=policy.kind,
                                        due_on__gte=today - dt.timedelta(days=last + CATCH_UP_DAYS),
                                        due_on__lte=today - dt.timedelta(days=first))
             .select_related("account__jurisdiction").order_by("pk"))
    for chunk in _chunks(bills):
        remind_chunk(chunk, today, policy_stages, summary)


def remind_chunk(chunk: list[Bill], today: dt.date, policy_stages: list[tuple[int, str]],
                 summary: ReminderSummary) -> None:
    """One chunk of bills in one transaction and a constant number of queries: the stages already sent, one
    `notify_each()` for all the chunk's messages, one bulk insert of the BillReminder rows.

    A crash anywhere in it rolls the whole chunk back (rows and deliveries), so the next run does it again, and
    nothing is sent twice: a stage already recorded is skipped, and a delivery's (key, channel, address) is
    unique, so two runs at once queue one message and the second one's BillReminder row is ignored."""
    with transaction.atomic():
        sent = {(bill_id, stage) for bill_id, stage in BillReminder.objects.filter(
            bill_id__in=[bill.pk for bill in chunk]).values_list("bill_id", "stage")}
        due: list[tuple[Bill, str]] = []
        messages: list[Message] = []
        for bill in chunk:
            stage = current_stage(bill.due_on, today, policy_stages)
            if stage is None:
                continue
            offset, name = stage
            # A later stage already sent (the policy changed) or this one: nothing more to say.
            if any((bill.pk, later) in sent for o, later in policy_stages if o >= offset):
                continue
            due.append((bill, name))
            recipient = recipient_for(bill.account)
            if recipient is not None:
                messages.append(Message(key=_key(bill, name), recipients=[recipient], scope=_scope(bill),
                                        context=_context(bill, stage=name.split(":")[0], days=abs(offset))))
        if not due:
            return
        queued = notify_each(event="bill.reminder", template="payments/email/bill_reminder", messages=messages)
        BillReminder.objects.bulk_create([BillReminder(bill=bill, stage=name, queued=queued.get(_key(bill, name), 0))
                                          for bill, name in due], ignore_conflicts=True)
    summary.reminders += len(due)
    summary.messages += sum(queued.values())


def apply_late_fees(policy: BillKindPolicy, today: dt.date, summary: ReminderSummary) -> None:
    """Charge the policy's late fee once on each open bill still unpaid the day after its grace period, with a
    notice to the holder (in the same transaction)."""
    if not (policy.late_fee_cents or policy.late_fee_basis_points):
        return
    bills = (Bill.objects.open().filter(account__jurisdiction_id=policy.jurisdiction_id, account__kind=policy.kind,
                                        late_fee_applied_at__isnull=True,
                                        due_on__lt=today - dt.timedelta(days=policy.late_fee_grace_days))
             .select_related("account__jurisdiction").order_by("pk"))
    for chunk in _chunks(bills):
        for bill in chunk:
            with transaction.atomic():
                entry = ledger.post_late_fee(bill, policy=policy)
                if entry is None or not getattr(entry, "created", False) or _claim(bill, LATE_FEE_STAGE) is None:
                    continue
                fee = sum(p.amount_cents for p in entry.postings.all() if p.amount_cents > 0)
                bill = Bill.objects.with_balance().select_related("account__jurisdiction").get(pk=bill.pk)
                summary.messages += _send(bill, LATE_FEE_STAGE, event="bill.late_fee",
                                          template="payments/email/bill_late_fee",
                                          context=_context(bill, fee=format_money(fee, bill.currency)))
                summary.late_fees += 1


def run_reminders(today: dt.date | None = None) -> ReminderSummary:
    """Late fees, then reminders, for every bill kind policy; see the module docstring. Safe to run twice."""
    today = today or timezone.localdate()
    summary = ReminderSummary()
    for policy in BillKindPolicy.objects.order_by("pk"):
        apply_late_fees(policy, today, summary)
        send_reminders(policy, today, summary)
    return summary
