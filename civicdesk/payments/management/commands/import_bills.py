"""`manage.py import_bills FILE.csv --jurisdiction SLUG`: load the billing system's bill file, resumably."""

from __future__ import annotations

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.datasets.management.commands.generate_requests import jurisdiction_by_slug
from civicdesk.datasets.progress import Progress
from civicdesk.payments.billimport import ImportFailed, import_bills, start_run, write_rejects


class Command(BaseCommand):
    help = (
        "Import bills from the city's billing system: a CSV file with one row per bill line (columns in "
        "docs/payments-bills.md). The file is streamed in batches, each saved in one transaction with its ledger "
        "charges; a bill already imported (same account and bill number) is skipped, bad rows are listed with the "
        "reason in a rejects file, and running the command again on an interrupted file carries on where it "
        "stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the bill file (CSV, UTF-8 or Windows-1252)")
        parser.add_argument("--jurisdiction", metavar="SLUG", required=True,
                            help="the jurisdiction whose bills these are")
        parser.add_argument("--rejects", metavar="FILE",
                            help="where to write the rejected rows (default FILE.rejects.csv)")
        parser.add_argument("--batch", type=int, default=2000, help="rows per transaction (default 2,000)")
        parser.add_argument("--max-batches", type=int, metavar="K",
                            help="stop after K batches (run the command again to continue)")
        parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="show a progress line on stderr (default: when stderr is a terminal)")

    def handle(self, *args, file: str, jurisdiction: str, rejects: str | None, batch: int,
               max_batches: int | None, progress: bool | None, **options) -> None:
        if batch < 1 or (max_batches is not None and max_batches < 1):
            raise CommandError(gettext("--batch and --max-batches must be at least 1."))
        target = jurisdiction_by_slug(jurisdiction)
        path = Path(file).resolve()
        show = progress if progress is not None else self.stderr.isatty()
        try:
            run = start_run(jurisdiction=target, path=str(path), filename=path.name)
            if run.rows_read:
                self.stdout.write(gettext("Continuing import #%(id)d after row %(rows)d.")
                                  % {"id": run.pk, "rows": run.lines_read})
            bar = Progress(self.stderr, total=run.size, enabled=show)
            run = import_bills(run, batch=batch, max_batches=max_batches,
                               on_batch=lambda r: bar.update(r.offset, r.rows_read))
            bar.finish(run.offset, run.rows_read)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(gettext("Rows read: %(read)d; bills loaded: %(loaded)d; bills already there: %(skipped)d; "
                                  "rows rejected: %(rejected)d; accounts created: %(created)d, updated: "
                                  "%(updated)d.")
                          % {"read": run.rows_read, "loaded": run.bills_loaded, "skipped": run.bills_skipped,
                             "rejected": run.rows_rejected, "created": run.accounts_created,
                             "updated": run.accounts_updated})
        if run.rows_rejected:
            reject_path = Path(rejects) if rejects else path.with_name(path.name + ".rejects.csv")
            try:
                with reject_path.open("w", encoding="utf-8", newline="") as out:
                    write_rejects(run, out)
            except OSError as exc:
                raise CommandError(gettext("Cannot write the rejects file %(path)s: %(error)s")
                                   % {"path": reject_path, "error": exc.strerror}) from None
            self.stdout.write(gettext("Rejected rows and the reasons are in %(path)s.") % {"path": reject_path})
        if run.is_finished():
            self.stdout.write(gettext("Import #%(id)d finished.") % {"id": run.pk})
        else:
            self.stdout.write(gettext("Import #%(id)d stopped after row %(row)d; run the same command again to "
                                      "continue.") % {"id": run.pk, "row": run.lines_read})
