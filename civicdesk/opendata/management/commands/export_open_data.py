"""`manage.py export_open_data [--dataset SLUG] [--format FMT]`: publish the open-data files now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from civicdesk.opendata.builtin import BUILTIN
from civicdesk.opendata.exports import FORMATS, export_all


class Command(BaseCommand):
    help = ("Export the built-in open datasets (requests, service types, daily counts) in each of their formats "
            "and make the new files the current downloads, as the nightly task does. Prints rows/s per file.")

    def add_arguments(self, parser):
        parser.add_argument("--dataset", action="append", choices=sorted(BUILTIN),
                            help="only this dataset (repeatable)")
        parser.add_argument("--format", action="append", choices=sorted(FORMATS), help="only this format (repeatable)")

    def handle(self, *args, dataset, format, **options) -> None:
        files = export_all(datasets=dataset, formats=format)
        if not files:
            raise CommandError("Nothing to export: no dataset is published in that format.")
        for item in files:
            rate = item.rows_per_second()
            self.stdout.write(f"{item.dataset}.{item.format}: {item.row_count:,} rows, {item.size:,} bytes, "
                              f"{item.duration:.2f} s" + (f" ({rate:,.0f} rows/s)" if rate else ""))
