"""`manage.py sync_rollups`: apply request changes to the roll-ups now (the scheduler does it every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from civicdesk.transparency.rollups import sync_rollups


class Command(BaseCommand):
    help = "Bring the dashboard roll-ups up to date with every request changed since the last sync."

    def handle(self, *args, **options) -> None:
        result = sync_rollups()
        if result.rebuilt:
            self.stdout.write(gettext("No roll-ups yet: rebuilt them from the requests table."))
        else:
            self.stdout.write(gettext("Looked at %(looked)d requests; %(changed)d changed the counts.")
                              % {"looked": result.looked_at, "changed": result.changed})
