"""`manage.py import_bills`: a messy hand-written export, resumption after an interruption, rejects, idempotency."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from civicdesk.audit.models import AuditEntry
from civicdesk.payments import billimport
from civicdesk.payments.models import Bill, BillImportRun, BillingAccount, JournalEntry, Posting

from .helpers import assert_every_entry_balances, make_account, make_bill, make_payment

MESSY = Path(__file__).parent / "data" / "bills_messy.csv"
HEADER = ("account_kind,account_number,holder_name,service_address,service_postcode,contact_email,contact_phone,"
          "contact_language,bill_number,issue_date,due_date,line_description,line_amount,currency\n")


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("import_bills", *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def read_rejects(path: Path) -> dict[int, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["row"]): row["reason"] for row in csv.DictReader(handle)}


def test_it_imports_a_messy_export_exactly_and_lists_every_rejected_row(world, tmp_path):
    source = tmp_path / "november.csv"
    shutil.copy(MESSY, source)
    output = run_command(source, "--jurisdiction", "elm")

    bills = {bill.number: bill for bill in Bill.objects.select_related("account")}
    assert sorted(bills) == ["2026-11-0001", "2026-11-0003", "C-88231", "TX-2026-2"]
    water = bills["2026-11-0001"]
    assert water.amount_cents == 7510 and water.balance_cents() == 7510
    assert [(line.description, line.amount_cents) for line in water.lines.all()] == [
        ("Water usage 12 kgal", 4510), ("Sewer service", 3000), ("Meter fee, waived", 0)]
    assert (water.issued_on, water.due_on) == (date(2026, 11, 1), date(2026, 11, 30))
    account = water.account
    assert (account.kind, account.number, account.holder_name) == ("water_sewer", "W-100-200", "Lucía Fernández")
    assert (account.service_address, account.contact_email, account.contact_phone, account.contact_language) == (
        "12 Elm St, Apt 3", "lucia.fernandez@example.org", "+12175550142", "es")
    assert bills["TX-2026-2"].amount_cents == 123456  # "$1,234.56"
    assert bills["TX-2026-2"].account.holder_name == "O'Brien, Mary"
    assert bills["C-88231"].account.holder_name == "عمر الحداد"
    assert bills["2026-11-0003"].amount_cents == 102000  # ISO dates, "1,020.00"
    # Each bill's charge is one balanced ledger entry, the very entry ledger.post_charge writes.
    assert JournalEntry.objects.filter(kind="charge").count() == 4
    assert Posting.objects.filter(account="receivable").total() == 7510 + 123456 + 3500 + 102000
    assert_every_entry_balances()

    rejects = read_rejects(source.with_name("november.csv.rejects.csv"))
    assert sorted(rejects) == [8, 9, 10, 11, 12, 13, 16, 17, 18]
    assert "negative" in rejects[8]
    assert "“02/30/2026” is not a date that exists" in rejects[9]
    assert "“boat slip” is not an account kind" in rejects[10]
    assert "“not-an-email” is not an email address" in rejects[11]
    assert "more than two decimals" in rejects[13]
    assert "Another row of bill 2026-11-0002 (row 13) was rejected" in rejects[12]
    assert "“fr” is not a language of this site" in rejects[16]
    assert "due date 2026-11-01 is before the issue date 2026-11-20" in rejects[17]
    assert "holder name is missing" in rejects[18]
    assert not BillingAccount.objects.filter(number__in=["PC-88232", "W-300-400", "OT-9"]).exists()

    run = BillImportRun.objects.get()
    assert (run.rows_read, run.bills_loaded, run.rows_rejected, run.accounts_created) == (15, 4, 9, 4)
    assert run.state == "finished" and run.offset == MESSY.stat().st_size
    assert "bills loaded: 4" in output and f"Import #{run.pk} finished." in output
    assert AuditEntry.objects.filter(action="payments.bill_import_finished", object_id=str(run.pk)).exists()

    entry = water.journal_entries.get()
    assert (entry.idempotency_key, entry.memo) == (f"charge:{water.pk}", "Bill 2026-11-0001")
    by_hand = make_bill(make_account(world.elm, number="X-1"), 7510)
    assert [(p.account, p.amount_cents, p.bill_id == water.pk) for p in water.postings.order_by("pk")] == [
        (p.account, p.amount_cents, p.bill_id == by_hand.pk) for p in by_hand.postings.order_by("pk")]


def write_clean_file(path: Path, bills: int) -> None:
    """`bills` water bills of two lines each (10.00 and 2.50)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for n in range(bills):
            for description, amount in (("Water", "10.00"), ("Sewer", "2.50")):
                out.write(f"water_sewer,A-{n:04d},Holder {n},{n} Main St,62701,h{n}@example.org,,en,B-{n:04d},"
                          f"11/01/2026,11/30/2026,{description},{amount},USD\r\n")


def test_it_resumes_after_an_interruption_and_never_duplicates_a_bill(world, tmp_path):
    source = tmp_path / "bills.csv"
    write_clean_file(source, 30)

    output = run_command(source, "--jurisdiction", "elm", "--batch", "10", "--max-batches", "2")
    assert "stopped after row 21" in output
    assert Bill.objects.count() == 10

    real_save = billimport.save_bills
    calls = []

    def crash_on_second_batch(*args, **kwargs):
        calls.append(1)
        result = real_save(*args, **kwargs)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return result

    with mock.patch.object(billimport, "save_bills", crash_on_second_batch), pytest.raises(RuntimeError):
        run_command(source, "--jurisdiction", "elm", "--batch", "10")
    # The first batch of this run was committed, the second rolled back whole (bills, lines and charges).
    assert Bill.objects.count() == 15
    assert JournalEntry.objects.count() == 15
    run = BillImportRun.objects.get()
    assert (run.rows_read, run.lines_read, run.state) == (30, 31, "running")

    output = run_command(source, "--jurisdiction", "elm", "--batch", "10")
    assert f"Continuing import #{run.pk} after row 31." in output
    assert Bill.objects.count() == 30 and JournalEntry.objects.filter(kind="charge").count() == 30
    assert all(bill.amount_cents == 1250 and bill.lines.count() == 2 for bill in Bill.objects.all())
    run.refresh_from_db()
    assert (run.rows_read, run.bills_loaded, run.bills_skipped, run.state) == (60, 30, 0, "finished")
    assert_every_entry_balances()

    # The same file again: a new run that finds every bill already there.
    output = run_command(source, "--jurisdiction", "elm")
    assert "bills loaded: 0; bills already there: 30" in output
    assert Bill.objects.count() == 30 and JournalEntry.objects.count() == 30


def test_it_keeps_a_bill_whole_across_batches_and_updates_known_accounts(world, tmp_path):
    known = make_account(world.elm, number="A-0001", email="old@example.org")
    credit = make_payment(known, 500)  # an overpayment with no bill yet: credit on the account
    assert known.credit_cents() == credit.amount_cents
    source = tmp_path / "bills.csv"
    write_clean_file(source, 3)
    run_command(source, "--jurisdiction", "elm", "--batch", "1")
    assert Bill.objects.count() == 3 and all(bill.lines.count() == 2 for bill in Bill.objects.all())
    known.refresh_from_db()
    assert (known.holder_name, known.contact_email) == ("Holder 1", "h1@example.org")
    # The holder's credit was used on the new bill through the ledger's charge.
    assert Bill.objects.get(number="B-0001").balance_cents() == 1250 - 500
    run = BillImportRun.objects.get()
    assert (run.accounts_created, run.accounts_updated, run.batches) == (2, 1, 3)


def test_it_charges_next_months_bills_of_known_accounts_in_a_fixed_number_of_queries(world, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def second_month(bills: int, overpaid: str = "") -> int:
        """Queries of importing `bills` December bills in one batch onto the accounts November created (after an
        overpayment by account `overpaid`)."""
        write_clean_file(tmp_path / "november.csv", bills)
        run_command(tmp_path / "november.csv", "--jurisdiction", "elm", "--batch", "10000")
        if overpaid:
            make_payment(BillingAccount.objects.get(number=overpaid), 1250 + 500)  # its bill and 5.00 of credit
        december = tmp_path / "december.csv"
        december.write_text((tmp_path / "november.csv").read_text(encoding="utf-8").replace(
            ",B-", ",D-").replace("11/01/2026,11/30/2026", "12/01/2026,12/31/2026"), encoding="utf-8")
        with CaptureQueriesContext(connection) as queries:
            run_command(december, "--jurisdiction", "elm", "--batch", "10000")
        return len(queries)

    few = second_month(3)
    many = second_month(60)
    assert many == few, (few, many)  # not a few more per bill
    assert Bill.objects.filter(number__startswith="D-").count() == 60
    # An account holding credit (an overpayment) has its next bill charged by the ledger, which applies it.
    second_month(61, overpaid="A-0060")
    assert Bill.objects.get(number="D-0060").balance_cents() == 1250 - 500
    assert Bill.objects.get(number="D-0059").balance_cents() == 1250
    assert JournalEntry.objects.filter(kind="charge", bill__number__startswith="D-").count() == 61
    assert_every_entry_balances()


def test_it_rejects_a_bill_whose_rows_are_not_together_and_skips_a_bill_already_there(world, tmp_path):
    account = make_account(world.elm, number="A-0009")
    make_bill(account, 999, number="B-0009")
    source = tmp_path / "bills.csv"
    source.write_text(
        HEADER
        + "water,A-1,Ann,,62701,,,,B-1,11/01/2026,11/30/2026,Water,10.00,USD\n"
        + "water,A-2,Bo,,62701,,,,B-2,11/01/2026,11/30/2026,Water,10.00,USD\n"
        + "water,A-1,Ann,,62701,,,,B-1,11/01/2026,11/30/2026,Sewer,2.00,USD\n"
        + "water,A-0009,Cy,,62701,,,,B-0009,11/01/2026,11/30/2026,Water,10.00,USD\n", encoding="utf-8")
    run_command(source, "--jurisdiction", "elm", "--rejects", tmp_path / "out.csv")
    rejects = read_rejects(tmp_path / "out.csv")
    assert list(rejects) == [4]
    assert "appeared earlier in this file (row 2)" in rejects[4]
    assert Bill.objects.get(number="B-1").amount_cents == 1000
    assert Bill.objects.get(number="B-0009").amount_cents == 999
    run = BillImportRun.objects.get()
    assert (run.bills_loaded, run.bills_skipped, run.rows_rejected) == (2, 1, 1)


def test_it_refuses_a_file_without_the_columns_it_needs(world, tmp_path):
    source = tmp_path / "wrong.csv"
    source.write_text("account,amount\nA-1,10.00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column called account_kind, holder_name"):
        run_command(source, "--jurisdiction", "elm")
    with pytest.raises(CommandError, match="no jurisdiction with the short name “nowhere”"):
        run_command(MESSY, "--jurisdiction", "nowhere")
    assert not BillImportRun.objects.exists() and not Bill.objects.exists()
