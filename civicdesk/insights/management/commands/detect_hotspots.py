"""`manage.py detect_hotspots`: run hotspot detection now (the scheduler runs it hourly) and print the summary."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from civicdesk.insights.services import run_detection


class Command(BaseCommand):
    help = ("Find hotspot cells, district and city-wide spikes and repeat locations in the last 14 days against "
            "the 12 weeks before, store them as hotspots and tell subscribers of new ones (docs/insights.md).")

    def handle(self, *args, **options) -> None:
        run = run_detection()
        self.stdout.write(f"Tested {run.tested} groups; {run.flagged} insights ({run.new} new, {run.resolved} "
                          f"resolved) in {run.seconds:.2f} s.")
