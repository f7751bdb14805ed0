"""manage.py sla_sweep: mark due-soon and overdue requests and alert team leads (run it from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from civicdesk.staff import sla


class Command(BaseCommand):
    help = "Mark requests newly due soon or overdue and queue one alert to each team lead."

    def handle(self, *args, **options):
        marked = sla.sweep()
        self.stdout.write(f"overdue: {marked['overdue']}, due soon: {marked['due_soon']}")
