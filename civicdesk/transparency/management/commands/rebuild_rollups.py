"""`manage.py rebuild_rollups`: recompute the dashboard roll-ups from the requests table."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from civicdesk.transparency.rollups import rebuild_rollups


class Command(BaseCommand):
    help = ("Recompute the dashboard roll-ups (per-request counted state and daily counts), and the roll-ups "
            "that follow them (the public map's counts per grid cell), from the requests table in one transaction. Run it after a bulk load, after changing which statuses are open or "
            "closed, or to repair anything the every-minute sync could not see.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=20_000, help="requests read and written per batch")

    def handle(self, *args, batch: int, **options) -> None:
        result = rebuild_rollups(batch=max(1, batch))
        rate = result.requests / result.seconds if result.seconds else 0
        self.stdout.write(gettext("Counted %(requests)d requests into %(rows)d daily rows in %(seconds).1f s "
                                  "(%(rate)d requests/s).")
                          % {"requests": result.requests, "rows": result.rows, "seconds": result.seconds,
                             "rate": rate})
