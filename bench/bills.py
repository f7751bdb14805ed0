"""Bill import and reminder benchmark: a billing system's bill file loaded, then one reminder run.

    python bench/bills.py [--size 1000000] [--accounts 100000] [--batch 2000] [--db sqlite|postgres|both]

Each database is set up in its own subprocess (as bench/staff_import.py): migrate, one jurisdiction with a water
bill policy (reminders 7 days before, on and 3 days after the due date; a $5 late fee). The file has `--size`
bills of two lines each (so 2 × size rows), one account per bill, written as a city's export would be (UTF-8 with
a byte-order mark, Windows line endings, "$1,234.56" amounts, month/day/year dates, Spanish and Arabic names).
The first `--accounts` bills fall due 7 days after the reminder run's date, the rest later. Measured:

- rows/s: data rows imported per second by `import_bills` (accounts, bills, lines, ledger charges, run progress,
  batch by batch), over the whole file;
- batch p50/p99 ms: the time of one committed batch of `--batch` rows;
- reminders/s: reminders queued per second by one `run_reminders()` (each a BillReminder row and a rendered
  notify_each() delivery, one send task per chunk), for `--accounts` accounts;
- chunk p50/p99 ms: the time to queue one chunk of reminders (`reminders.CHUNK` bills read by keyset paging,
  their rows, rendered messages and deliveries, in one transaction).

A second reminder run follows the timed one and must queue nothing (the run is idempotent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common

HEADER = ["database", "bills", "rows", "file MB", "import s", "rows/s", "batch p50 ms", "batch p99 ms",
          "accounts reminded", "reminder run s", "reminders/s", "chunk p50 ms", "chunk p99 ms"]
NAMES = ["Lucía Fernández", "عمر الحداد", "Grace Oduya", "مريم صالح", "Tomás Muñoz", "Sam Lindqvist"]
RUN_DAY = dt.date(2026, 11, 23)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = common.bench_parser(__doc__, size=1_000_000, size_help="bills in the file", label=True)
    parser.add_argument("--accounts", type=int, default=100_000, help="accounts the reminder run reminds")
    parser.add_argument("--batch", type=int, default=2000, help="rows per import transaction")
    return common.checked(parser, parser.parse_args(argv))


def write_file(path: Path, size: int, accounts: int) -> None:
    soon, later = RUN_DAY + dt.timedelta(days=7), RUN_DAY + dt.timedelta(days=60)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeffAccount Kind,Account Number,Holder Name,Service Address,Service Postcode,Contact Email,"
                  "Contact Phone,Contact Language,Bill Number,Issue Date,Due Date,Line Description,Line Amount,"
                  "Currency\r\n")
        for n in range(size):
            due = soon if n < accounts else later
            head = (f"Water & Sewer,W-{n:08d},{NAMES[n % len(NAMES)]},\"{n} Main St, Apt {n % 9}\",627{n % 100:02d},"
                    f"h{n}@bench.example.org,,{['en', 'es', 'ar'][n % 3]},B-{n:08d},11/01/2026,"
                    f"{due:%m/%d/%Y},")
            out.write(f"{head}Water usage,\"${1000 + n % 900:,}.{n % 100:02d}\",USD\r\n")
            out.write(f"{head}Sewer service,30.00,USD\r\n")


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from civicdesk.jurisdictions.models import Jurisdiction
    from civicdesk.payments import billimport, reminders
    from civicdesk.payments.models import BillKindPolicy

    # Bills need no geography: the town is a unit square.
    corners = [[x, y] for x, y in ((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))]
    town = Jurisdiction.objects.create(slug="billtown", name="Bill Town", open311_id="billtown.example.gov",
                                       boundary={"type": "Polygon", "coordinates": [corners]})
    BillKindPolicy.objects.create(jurisdiction=town, kind="water_sewer", reminder_days_before=[7],
                                  reminder_days_after=[3], late_fee_cents=500)
    with tempfile.TemporaryDirectory(dir=args.result_file.parent) as folder:
        path = Path(folder) / "bills.csv"
        write_file(path, args.size, args.accounts)
        file_mb = path.stat().st_size / 1e6
        batches: list[float] = []
        last = [time.perf_counter()]

        def on_batch(_run) -> None:
            now = time.perf_counter()
            batches.append((now - last[0]) * 1000)
            last[0] = now

        started = time.perf_counter()
        run = billimport.start_run(jurisdiction=town, path=str(path), filename=path.name)
        last[0] = time.perf_counter()
        run = billimport.import_bills(run, batch=args.batch, on_batch=on_batch)
        import_s = time.perf_counter() - started
    if run.bills_loaded != args.size:
        raise SystemExit(f"only {run.bills_loaded} of {args.size} bills were imported ({run.rows_rejected} rejected)")
    common.settle()

    sends: list[float] = []
    real_chunk = reminders.remind_chunk

    def timed_chunk(*a, **k):
        begun = time.perf_counter()
        try:
            return real_chunk(*a, **k)
        finally:
            sends.append((time.perf_counter() - begun) * 1000)

    reminders.remind_chunk = timed_chunk
    try:
        started = time.perf_counter()
        summary = reminders.run_reminders(today=RUN_DAY)
        reminder_s = time.perf_counter() - started
    finally:
        reminders.remind_chunk = real_chunk
    again = reminders.run_reminders(today=RUN_DAY)  # not timed: only checked
    if again.reminders or again.messages:
        raise SystemExit(f"a second reminder run queued {again.reminders} reminders: not idempotent")
    batches.sort()
    sends.sort()
    return {"db": args.worker, "server": common.describe_server(connection), "bills": args.size,
            "rows": run.rows_read, "file_mb": file_mb, "import_s": import_s, "rows_per_s": run.rows_read / import_s,
            "batch_p50": common.percentile(batches, 50), "batch_p99": common.percentile(batches, 99),
            "reminded": summary.reminders, "reminder_s": reminder_s,
            "reminders_per_s": summary.reminders / reminder_s if reminder_s else 0.0,
            "reminder_p50": common.percentile(sends, 50), "reminder_p99": common.percentile(sends, 99)}


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/bills.py --size {args.size} --accounts {args.accounts} --batch {args.batch} "
               f"--db {args.db}")
    label = f" · {args.label}" if args.label else ""
    lines = [f"## {common.now_utc()} · commit {common.git_commit()}{label}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", "Bill import and reminders (bench/bills.py's docstring defines each column):", ""]
    rows = [[r["db"], r["bills"], r["rows"], round(r["file_mb"], 1), round(r["import_s"], 1), round(r["rows_per_s"]),
             round(r["batch_p50"]), round(r["batch_p99"]), r["reminded"], round(r["reminder_s"], 1),
             round(r["reminders_per_s"]), round(r["reminder_p50"], 2), round(r["reminder_p99"], 2)]
            for r in results]
    return "\n".join(lines) + "\n" + common.markdown_table(HEADER, rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.accounts > args.size:
        raise SystemExit("--accounts cannot be more than --size (one account per bill)")
    if args.worker:
        import json

        args.result_file.write_text(json.dumps(worker(args)), encoding="utf-8")
        return 0
    options = ["--size", str(args.size), "--accounts", str(args.accounts), "--batch", str(args.batch),
               "--seed", str(args.seed)]
    return common.run_benchmark(args, label="bills", script=Path(__file__), worker_options=options, render=render)


if __name__ == "__main__":
    sys.exit(main())
