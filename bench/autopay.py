"""Autopay crash benchmark: N bills due today under active mandates (sandbox provider), debited by the real task
worker while it is killed with SIGKILL again and again; then proof that each bill was charged exactly once.

    python bench/autopay.py [--bills 10000] [--kills 8] [--no-record]

SQLite by default (a fresh file under CIVICDESK_VAR_DIR, default bench/out/autopay-var); PostgreSQL when
DATABASE_URL is set (it must point at an empty database: the benchmark migrates and fills it). The path is the
production one: the `run_autopay_task` task (what the scheduler enqueues every 15 minutes) run by
`manage.py db_worker`, which schedules each debit, stores its idempotency key, asks the sandbox provider (which
records every debit by that key, `SandboxCharge`) and posts the ledger. The killer sends SIGKILL to the worker at
random moments, restarts it and enqueues the task again (as the scheduler's next slot would), until every debit
is final. The audit then counts, per bill, the sandbox's successful debits and the ledger's payment entries: both
must be exactly one, and every bill paid. Prints debits/s and the kills; appends to bench/RESULTS.md only from a
full run (--bills 10000 or more) unless --no-record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import alerts  # noqa: E402  (bench/ is not a package)
import common  # noqa: E402

HEADER = ["database", "bills", "kills", "recovered in flight", "seconds", "debits/s", "charged once",
          "charged twice", "not charged", "ledger once", "ledger twice", "unpaid bills"]
FULL_SIZE = 10_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bills", type=int, default=FULL_SIZE, help="bills due today, one mandate each")
    parser.add_argument("--kills", type=int, default=8, help="SIGKILLs of the worker while it debits")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--timeout", type=float, default=7200, help="give up after this many seconds")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file results are appended to")
    parser.add_argument("--no-record", action="store_true", help="print the results without appending them")
    args = parser.parse_args(argv)
    if args.bills < 1 or args.kills < 0:
        parser.error("--bills must be positive and --kills not negative")
    return args


def setup_environment() -> str:
    """Point Django at the benchmark's database (as bench/alerts.py does) with the sandbox provider allowed."""
    os.environ["PAYMENTS_SANDBOX_ALLOWED"] = "true"
    os.environ["PAYMENT_PROVIDER"] = "sandbox"
    os.environ["TESTING"] = "false"
    return alerts.setup_environment("autopay")


def load_due_bills(count: int, jurisdiction, *, due_on: dt.date, seed: int = 17) -> None:
    """Bulk-load `count` water accounts, each with one bill due on `due_on` (its charge posted) and an active
    sandbox mandate of a resident without an email address (so the run measures debits, not email)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from civicdesk.payments.models import (
        RECEIVABLE,
        AccountLink,
        AutopayMandate,
        Bill,
        BillingAccount,
        JournalEntry,
        Posting,
        revenue_account,
    )

    rng = random.Random(seed)
    # One resident without an email address (logins are by email; one blank is allowed), so no message is sent.
    user = get_user_model().objects.filter(email="").first() or get_user_model().objects.create(
        email="", first_name="Autopay", last_name="Bench")
    consented = timezone.now() - dt.timedelta(days=30)
    for start in range(0, count, 2000):
        size = min(2000, count - start)
        with transaction.atomic():
            accounts = BillingAccount.objects.bulk_create([BillingAccount(
                jurisdiction=jurisdiction, kind="water_sewer", number=f"AP{start + i:08d}",
                number_key=f"AP{start + i:08d}", holder_name="Bench Holder", service_postcode="62701")
                for i in range(size)])
            # Amounts never end in 51 or 52 cents: those are the sandbox's failures.
            bills = Bill.objects.bulk_create([Bill(
                account=account, number="B1", issued_on=due_on - dt.timedelta(days=14), due_on=due_on,
                amount_cents=rng.randrange(10, 500) * 100 + rng.choice([0, 25, 50, 75]))
                for account in accounts])
            entries = JournalEntry.objects.bulk_create([JournalEntry(
                kind=JournalEntry.Kind.CHARGE, billing_account_id=bill.account_id, bill=bill,
                idempotency_key=f"charge:{bill.pk}", memo="Bill B1") for bill in bills])
            Posting.objects.bulk_create([posting for entry, bill in zip(entries, bills, strict=True) for posting in (
                Posting(entry=entry, account=RECEIVABLE, billing_account_id=bill.account_id, bill=bill,
                        amount_cents=bill.amount_cents),
                Posting(entry=entry, account=revenue_account("water_sewer"), billing_account_id=bill.account_id,
                        amount_cents=-bill.amount_cents))])
            AccountLink.objects.bulk_create([AccountLink(user=user, account=account) for account in accounts])
            AutopayMandate.objects.bulk_create([AutopayMandate(
                account=account, user=user, provider="sandbox", mandate_ref=f"sbx_pm_bench{account.pk}",
                method_label="Sandbox bank account ending 6789", mandate_text="Benchmark mandate",
                consented_at=consented) for account in accounts])


def audit(count: int) -> dict:
    """Per bill: the sandbox's successful debits and the ledger's payment entries (each must be one), unpaid."""
    from django.db.models import Count, Q

    from civicdesk.payments.models import Bill, JournalEntry, Payment, SandboxCharge

    paid_refs = set(SandboxCharge.objects.filter(status="succeeded").values_list("reference", flat=True))
    charges_per_bill: dict[int, int] = {}
    for bill_id, reference in Payment.objects.filter(channel="autopay").values_list("bill_id", "reference"):
        if reference in paid_refs:
            charges_per_bill[bill_id] = charges_per_bill.get(bill_id, 0) + 1
    bills = list(Bill.objects.annotate(entries=Count("journal_entries", filter=Q(
        journal_entries__kind=JournalEntry.Kind.PAYMENT))).values_list("pk", "entries"))
    return {
        "bills": len(bills),
        "charged_once": sum(1 for pk, _e in bills if charges_per_bill.get(pk, 0) == 1),
        "charged_twice": sum(1 for pk, _e in bills if charges_per_bill.get(pk, 0) > 1),
        "not_charged": sum(1 for pk, _e in bills if charges_per_bill.get(pk, 0) == 0),
        "ledger_once": sum(1 for _pk, entries in bills if entries == 1),
        "ledger_twice": sum(1 for _pk, entries in bills if entries > 1),
        "unpaid": Bill.objects.open().count(),
    }


def start_worker(log_dir: Path, index: int) -> subprocess.Popen:
    log = open(log_dir / f"autopay-worker-{index}.log", "w")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(
        [sys.executable, str(common.REPO / "manage.py"), "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.1", "--worker-id", "bench-autopay"],
        cwd=common.REPO, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)


def open_debits() -> int:
    from civicdesk.payments.models import AutopayDebit

    return AutopayDebit.objects.filter(state__in=AutopayDebit.OPEN_STATES).count()


def finished(count: int) -> bool:
    from civicdesk.payments.models import AutopayDebit

    return AutopayDebit.objects.count() >= count and open_debits() == 0


def enqueue_run() -> None:
    from civicdesk.payments.autopay_tasks import run_autopay_task

    run_autopay_task.enqueue()


def debit_and_kill(count: int, kills: int, timeout: float, seed: int, log_dir: Path) -> dict:
    """Run the worker until every debit is final, killing it `kills` times while debits remain; seconds taken."""
    from django.db import connection

    from civicdesk.payments.models import AutopayDebit

    rng = random.Random(seed)
    enqueue_run()
    connection.close()
    began = time.time()
    worker = start_worker(log_dir, 0)
    done_kills = 0
    # Kill at random moments while debits are being made: only once the restarted worker has made progress (a
    # worker killed while still importing Django proves nothing), then after a random 1 to 4 seconds.
    next_kill = began + rng.uniform(1, 4)
    started_at_restart = 0
    try:
        while not finished(count):
            if time.time() > began + timeout:
                raise RuntimeError("timed out")
            if worker.poll() is not None:
                raise RuntimeError(f"the worker stopped by itself; see {log_dir}/autopay-worker-*.log")
            started = AutopayDebit.objects.exclude(state=AutopayDebit.State.SCHEDULED).count()
            if done_kills < kills and time.time() >= next_kill and started_at_restart < started < count:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                done_kills += 1
                common.say(f"  kill {done_kills}: {started:,} debits started, {open_debits():,} open")
                enqueue_run()  # the scheduler's next slot
                connection.close()
                worker = start_worker(log_dir, done_kills)
                next_kill = time.time() + rng.uniform(1, 4)
                started_at_restart = started
            time.sleep(0.2)
        seconds = time.time() - began
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return {"seconds": seconds, "kills": done_kills}


def run(args: argparse.Namespace) -> dict:
    database = setup_environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from civicdesk.audit.models import AuditEntry
    from civicdesk.testing.world import build_world

    common.say(f"{database}: migrating")
    call_command("migrate", verbosity=0)
    world = build_world()
    common.say(f"{database}: loading {args.bills:,} due bills with mandates")
    load_due_bills(args.bills, world.elm, due_on=timezone.localdate(), seed=args.seed)
    log_dir = Path(os.environ["CIVICDESK_VAR_DIR"])
    timing = debit_and_kill(args.bills, args.kills, args.timeout, args.seed, log_dir)
    result = {"database": database, "bills_loaded": args.bills, **timing, **audit(args.bills),
              "recovered": AuditEntry.objects.filter(action="autopay.debit_recovered").count()}
    result["rate"] = args.bills / timing["seconds"] if timing["seconds"] else 0.0
    result["ok"] = (result["charged_once"] == result["ledger_once"] == args.bills
                    and not result["unpaid"] and not result["charged_twice"] and not result["ledger_twice"])
    return result


def render(result: dict, args: argparse.Namespace, machine: str) -> str:
    row = [result["database"], result["bills_loaded"], result["kills"], result["recovered"],
           f"{result['seconds']:.1f}", f"{result['rate']:.1f}", result["charged_once"], result["charged_twice"],
           result["not_charged"], result["ledger_once"], result["ledger_twice"], result["unpaid"]]
    lines = [f"## Autopay crash · {common.now_utc()} · commit {common.git_commit()}", "",
             f"`python bench/autopay.py --bills {args.bills} --kills {args.kills}` on {machine}.", "",
             "One worker (`manage.py db_worker`) runs the autopay task and is killed with SIGKILL at random moments "
             "while it debits, then restarted with the task enqueued again. Charged once: bills with exactly one "
             "successful debit recorded by the sandbox provider (by idempotency key). Ledger once: bills with "
             "exactly one payment journal entry. Recovered in flight: debits whose worker died after the key was "
             "stored, asked again with the same key by the next run.", "",
             common.markdown_table(HEADER, [row]), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    common.OUT_DIR.mkdir(parents=True, exist_ok=True)
    machine = common.machine(os.getloadavg(), common.fsync_ms(common.OUT_DIR))
    result = run(args)
    text = render(result, args, machine)
    common.say("\n" + text)
    if not result["ok"]:
        common.say("FAILED: some bill was not charged exactly once (see the table)")
    if args.bills >= FULL_SIZE and not args.no_record:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
        common.say(f"appended to {args.results}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
