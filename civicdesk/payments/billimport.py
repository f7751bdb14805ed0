"""Bills into CivicDesk: the streaming, resumable file import and the writer the push API shares with it.

`import_bills()` reads a bill file (format: billformat.py, docs/payments-bills.md) in batches. Each batch is one
transaction holding its accounts, bills, bill lines, ledger charges (through `ledger.post_charge`), rejected rows
and the run's progress (`BillImportRun`), so an interruption loses at most the batch in progress and running the
same file again carries on after the last committed batch. Bills are idempotent by account and bill number: a bill
already there is skipped, never written twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ledger
from .billformat import (
    BillData,
    BillFileError,
    Row,
    bill_from_rows,
    group_bills,
    read_header,
    read_rows,
)
from .models import (
    CUSTOMER_CREDIT,
    RECEIVABLE,
    Bill,
    BillImportReject,
    BillImportRun,
    BillingAccount,
    BillLine,
    JournalEntry,
    Posting,
    revenue_account,
)

#: Accounts and bills looked up per query (well under every database's limit of bound parameters).
LOOKUP_CHUNK = 400
REJECT_HEADER = ["row", "reason", "original_row"]


class ImportFailed(Exception):
    """The import cannot start or go on; str() says why."""


@dataclass
class WriteResult:
    """What `save_bills` did with a list of bills."""

    created: list[Bill]
    skipped: list[Bill]
    rejected: list[tuple[BillData, str]]
    accounts_created: int = 0
    accounts_updated: int = 0


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _accounts(jurisdiction, keys: list[tuple[str, str]]) -> dict[tuple[str, str], BillingAccount]:
    found: dict[tuple[str, str], BillingAccount] = {}
    numbers = sorted({number for _kind, number in keys})
    for chunk in _chunks(numbers):
        for account in BillingAccount.objects.filter(jurisdiction=jurisdiction, number__in=chunk):
            found[(account.kind, account.number)] = account
    return found


def save_bills(jurisdiction, bills: list[BillData], *, user=None) -> WriteResult:
    """Write `bills` (already checked by billformat) in the caller's transaction: accounts created or brought up
    to date (the billing system is the source of holder and contact details), new bills with their lines in bulk,
    and each new bill's charge posted to the ledger. A bill whose account and number exist is skipped; a bill in
    another currency than its account is rejected. A few queries per batch; only a bill of an account holding
    credit adds the ledger's own few queries (its charge applies the credit)."""
    result = WriteResult(created=[], skipped=[], rejected=[])
    if not bills:
        return result
    accounts = _accounts(jurisdiction, [bill.key for bill in bills])
    fresh: dict[tuple[str, str], BillingAccount] = {}
    changed: dict[int, BillingAccount] = {}
    for bill in bills:
        data = bill.account
        account = accounts.get(bill.key)
        if account is None:
            account = fresh.get(bill.key)
            if account is None:
                account = fresh[bill.key] = BillingAccount(
                    jurisdiction=jurisdiction, kind=data.kind, number=data.number,
                    number_key=BillingAccount.normalise_number(data.number), currency=bill.currency, **data.details())
            else:
                for name, value in data.details().items():
                    setattr(account, name, value)
            continue
        if any(getattr(account, name) != value for name, value in data.details().items()):
            for name, value in data.details().items():
                setattr(account, name, value)
            changed[account.pk] = account
    if fresh:
        BillingAccount.objects.bulk_create(fresh.values())
        if any(account.pk is None for account in fresh.values()):  # a backend that returns no ids
            accounts.update(_accounts(jurisdiction, list(fresh)))
        else:
            accounts.update(fresh)
    if changed:
        now = timezone.now()
        for account in changed.values():
            account.updated_at = now
        BillingAccount.objects.bulk_update(changed.values(), ["holder_name", "service_address", "service_postcode",
                                                              "contact_email", "contact_phone", "contact_language",
                                                              "updated_at"])
    result.accounts_created, result.accounts_updated = len(fresh), len(changed)
    new_account_ids = {account.pk for account in fresh.values()}

    wanted: dict[tuple[int, str], BillData] = {}
    for bill in bills:
        account = accounts[bill.key]
        if account.currency != bill.currency:
            result.rejected.append((bill, _("The account is billed in %(account)s but this bill is in %(bill)s.")
                                    % {"account": account.currency.upper(), "bill": bill.currency.upper()}))
            continue
        wanted[(account.pk, bill.number)] = bill
    existing: dict[tuple[int, str], Bill] = {}
    account_ids = sorted({account_id for account_id, _number in wanted})
    for chunk in _chunks(account_ids):
        for found in Bill.objects.filter(account_id__in=chunk, number__in={n for a, n in wanted if a in chunk}):
            existing[(found.account_id, found.number)] = found
    by_id = {account.pk: account for account in accounts.values()}
    new_bills: list[tuple[Bill, BillData]] = []
    for (account_id, number), data in wanted.items():
        if (account_id, number) in existing:
            result.skipped.append(existing[(account_id, number)])
            continue
        new_bills.append((Bill(account=by_id[account_id], number=number, issued_on=data.issued_on,
                               due_on=data.due_on, currency=data.currency, amount_cents=data.amount_cents), data))
    if not new_bills:
        return result
    Bill.objects.bulk_create([bill for bill, _data in new_bills])
    if any(bill.pk is None for bill, _data in new_bills):
        ids = {(b.account_id, b.number): b.pk for b in Bill.objects.filter(
            account_id__in=account_ids, number__in=[bill.number for bill, _data in new_bills])}
        for bill, _data in new_bills:
            bill.pk = ids[(bill.account_id, bill.number)]
    BillLine.objects.bulk_create([
        BillLine(bill=bill, position=position, description=line.description, quantity=1,
                 unit_amount_cents=line.amount_cents, amount_cents=line.amount_cents)
        for bill, data in new_bills for position, line in enumerate(data.lines)])
    # Bills of accounts created here, and of known accounts without credit, are charged in bulk; a known account
    # holding credit (an overpayment) goes through the ledger's charge, which applies the credit to the new bill.
    with_credit = _lock_and_find_credit({bill.account_id for bill, _data in new_bills} - new_account_ids)
    _post_fresh_charges([bill for bill, _data in new_bills if bill.account_id not in with_credit], user=user)
    for bill, _data in new_bills:
        if bill.account_id in with_credit:
            ledger.post_charge(bill, user=user)
        result.created.append(bill)
    return result


def _lock_and_find_credit(account_ids: set[int]) -> set[int]:
    """Lock the known accounts about to be charged (in id order, as every ledger writer locks one account, so
    two writers never wait on each other in a circle) and return the ids of those holding credit. Once locked, no
    payment can add credit before this transaction commits, so the others are charged in bulk safely."""
    if not account_ids:
        return set()
    ordered = sorted(account_ids)
    with_credit: set[int] = set()
    for chunk in _chunks(ordered):
        list(BillingAccount.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
        with_credit.update(
            Posting.objects.filter(billing_account_id__in=chunk, account=CUSTOMER_CREDIT).order_by()
            .values("billing_account_id").annotate(total=Sum("amount_cents")).filter(total__lt=0)
            .values_list("billing_account_id", flat=True))
    return with_credit


def _post_fresh_charges(bills: list[Bill], *, user=None) -> None:
    """The charges of new bills of accounts without credit, in two bulk inserts: exactly the entry
    `ledger.post_charge` writes (kind charge, key "charge:<bill id>", receivable debited and the kind's revenue
    credited by the bill's amount). The bills are new, so no key is taken; their accounts are either created in
    this transaction (invisible to others) or locked by `_lock_and_find_credit`, and hold no credit to apply."""
    if not bills:
        return
    actor = user if (user is not None and user.is_authenticated) else None
    entries = JournalEntry.objects.bulk_create([
        JournalEntry(kind=JournalEntry.Kind.CHARGE, billing_account=bill.account, bill=bill, currency=bill.currency,
                     idempotency_key=f"charge:{bill.pk}", memo=f"Bill {bill.number}", created_by=actor)
        for bill in bills])
    if any(entry.pk is None for entry in entries):
        ids = dict(JournalEntry.objects.filter(idempotency_key__in=[e.idempotency_key for e in entries])
                   .values_list("idempotency_key", "pk"))
        for entry in entries:
            entry.pk = ids[entry.idempotency_key]
    postings = []
    for entry, bill in zip(entries, bills):
        postings += [Posting(entry=entry, account=RECEIVABLE, billing_account=bill.account, bill=bill,
                             amount_cents=bill.amount_cents, currency=bill.currency),
                     Posting(entry=entry, account=revenue_account(bill.account.kind), billing_account=bill.account,
                             bill=None, amount_cents=-bill.amount_cents, currency=bill.currency)]
    Posting.objects.bulk_create(postings)


# --- the file import -------------------------------------------------------------------------------------

def fingerprint(handle) -> str:
    """SHA-256 of the first MiB: enough to tell a different file from the one a run started on."""
    handle.seek(0)
    return hashlib.sha256(handle.read(1 << 20)).hexdigest()


@contextmanager
def open_run_file(run: BillImportRun):
    """The run's file, opened for binary reading (a server path, or a name in the file storage)."""
    try:
        handle = default_storage.open(run.path, "rb") if run.in_storage else Path(run.path).open("rb")
    except OSError as exc:
        raise ImportFailed(_("Cannot read %(path)s: %(error)s") % {"path": run.filename, "error": exc.strerror}) \
            from None
    with handle:
        yield handle


def start_run(*, jurisdiction, path: str, filename: str, in_storage: bool = False, user=None) -> BillImportRun:
    """The run for this file: the unfinished run of the same file and jurisdiction when there is one (so running
    the import again continues it), else a new one. Raises ImportFailed when the header is wrong or the file
    changed since its unfinished run started (then the new run starts over; bills already there are skipped)."""
    probe = BillImportRun(path=path, in_storage=in_storage, filename=filename)
    with open_run_file(probe) as handle:
        digest = fingerprint(handle)
        handle.seek(0, 2)
        size = handle.tell()
        try:
            header, delimiter, offset = read_header(handle)
        except BillFileError as exc:
            raise ImportFailed(str(exc)) from None
    with transaction.atomic():
        run = (BillImportRun.objects.select_for_update()
               .filter(path=path, in_storage=in_storage, jurisdiction=jurisdiction)
               .exclude(state=BillImportRun.State.FINISHED).order_by("-started_at", "-id").first())
        if run is not None and (run.size, run.fingerprint) == (size, digest):
            run.state, run.error = BillImportRun.State.RUNNING, ""
            run.save(update_fields=["state", "error"])
            run.log_action("payments.bill_import_resumed", user=user,
                           data={"offset": run.offset, "rows_read": run.rows_read})
            return run
        run = BillImportRun.objects.create(
            jurisdiction=jurisdiction, path=path, in_storage=in_storage, filename=filename[:255], size=size,
            fingerprint=digest, header=header, delimiter=delimiter, offset=offset, lines_read=1, started_by=user)
        run.log_action("payments.bill_import_started", user=user, data={"file": filename, "size": size})
    return run


def import_bills(run: BillImportRun, *, batch: int = 2000, max_batches: int | None = None,
                 on_batch: Callable[[BillImportRun], None] | None = None) -> BillImportRun:
    """Carry `run` on from its committed offset to the end of its file (or `max_batches` batches).

    A batch is `batch` rows or more: a bill's rows are never split between batches. Returns the run with its
    counters; its state is finished at the end of the file. Raises ImportFailed when the file cannot be read."""
    batches = 0
    with open_run_file(run) as handle:
        groups = group_bills(read_rows(handle, run.header, run.delimiter, run.offset, run.lines_read))
        chunk: list[list[Row]] = []
        rows = 0
        for group in groups:
            chunk.append(group)
            rows += len(group)
            if rows >= batch:
                _commit(run, chunk)
                chunk, rows = [], 0
                batches += 1
                if on_batch:
                    on_batch(run)
                if max_batches is not None and batches >= max_batches:
                    return run
        if chunk:
            _commit(run, chunk)
            if on_batch:
                on_batch(run)
    with transaction.atomic():
        run.state, run.finished_at = BillImportRun.State.FINISHED, timezone.now()
        run.save(update_fields=["state", "finished_at"])
        run.log_action("payments.bill_import_finished", user=run.started_by, data={
            "rows_read": run.rows_read, "bills_loaded": run.bills_loaded, "bills_skipped": run.bills_skipped,
            "rows_rejected": run.rows_rejected, "amount_cents": run.amount_cents})
    return run


def _commit(run: BillImportRun, groups: list[list[Row]]) -> None:
    """Check and write one batch of bills, its rejects and the run's progress in one transaction."""
    rejects: list[tuple[Row, str]] = []
    bills: list[BillData] = []
    rows_of: dict[int, list[Row]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for group in groups:
        key = group[0].group_key()
        if key in seen:
            reason = _("Bill %(bill)s of account %(account)s appeared earlier in this file (row %(row)d): the rows of "
                       "one bill must follow each other.") % {"bill": key[2], "account": key[1], "row": seen[key]}
            rejects.extend((row, reason) for row in group)
            continue
        seen[key] = group[0].line
        bill, bad = bill_from_rows(group)
        rejects.extend(bad)
        if bill is not None:
            bills.append(bill)
            rows_of[id(bill)] = group
    with transaction.atomic():
        result = save_bills(run.jurisdiction, bills, user=run.started_by)
        for bill, reason in result.rejected:
            rejects.extend((row, reason) for row in rows_of[id(bill)])
        BillImportReject.objects.bulk_create([BillImportReject(run=run, line=row.line, reason=reason[:500],
                                                               raw=row.raw[:4000]) for row, reason in rejects])
        last = groups[-1][-1]
        run.offset, run.lines_read = last.end, last.line + last.raw.count("\n")
        run.rows_read += sum(len(group) for group in groups)
        run.bills_loaded += len(result.created)
        run.bills_skipped += len(result.skipped)
        run.accounts_created += result.accounts_created
        run.accounts_updated += result.accounts_updated
        run.rows_rejected += len(rejects)
        run.amount_cents += sum(bill.amount_cents for bill in result.created)
        run.batches += 1
        run.updated_at = timezone.now()
        run.save(update_fields=["offset", "lines_read", "rows_read", "bills_loaded", "bills_skipped",
                                "accounts_created", "accounts_updated", "rows_rejected", "amount_cents", "batches",
                                "updated_at"])


def reject_rows(run: BillImportRun):
    """The rejects CSV's rows: the header (row, reason, original_row), then each rejected row in file order,
    streamed from the database in constant memory."""
    yield REJECT_HEADER
    yield from (list(values) for values in run.rejects.order_by("line", "pk").values_list("line", "reason", "raw")
                .iterator(2000))


def write_rejects(run: BillImportRun, out) -> None:
    """Write the run's rejects CSV to the text stream `out`."""
    import csv

    csv.writer(out).writerows(reject_rows(run))
