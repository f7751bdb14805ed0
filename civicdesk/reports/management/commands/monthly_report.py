"""`manage.py monthly_report [--jurisdiction SLUG] [--month YYYY-MM | --recent N] [--missing]`."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.reports import services


class Command(BaseCommand):
    help = ("Generate (or regenerate) monthly performance reports: by default last month's, for every active "
            "jurisdiction. An existing report is replaced unless --missing is given.")

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", metavar="SLUG", help="only this jurisdiction (default: all active)")
        parser.add_argument("--month", metavar="YYYY-MM", help="the month to report on (default: the last "
                                                                 "complete month in each jurisdiction's time zone)")
        parser.add_argument("--recent", type=int, metavar="N",
                            help="the last N complete months instead of one (the demo loads 3)")
        parser.add_argument("--missing", action="store_true",
                            help="only months that have no report yet; never replace one")
        parser.add_argument("--no-announce", action="store_true", help="publish no news notice for new reports")

    def handle(self, *args, jurisdiction=None, month=None, recent=None, missing=False, no_announce=False,
               **options):
        if month and recent:
            raise CommandError("Give --month or --recent, not both.")
        if recent is not None and recent < 1:
            raise CommandError("--recent must be 1 or more.")
        chosen = None
        if month:
            try:
                chosen = dt.datetime.strptime(month, "%Y-%m").date()
            except ValueError:
                raise CommandError(f"--month must look like 2026-11, not {month!r}.") from None
        jurisdictions = Jurisdiction.objects.filter(is_active=True).order_by("name")
        if jurisdiction:
            jurisdictions = Jurisdiction.objects.filter(slug=jurisdiction)
            if not jurisdictions:
                raise CommandError(f"No jurisdiction has the short name {jurisdiction!r}.")
        for place in jurisdictions:
            last = services.last_complete_month(place)
            months = [chosen] if chosen else [services.add_months(last, -n) for n in range(recent or 1)]
            for first in sorted(months):
                try:
                    report = services.generate_report(place, first, only_missing=missing, announce=not no_announce)
                except ValueError as exc:
                    raise CommandError(str(exc)) from None
                if report is None:
                    self.stdout.write(f"{place.slug} {first:%Y-%m}: already there, left as it is")
                else:
                    self.stdout.write(f"{place.slug} {report.month_slug}: {report.data['received']} received, "
                                      f"{report.data['closed']} closed")
