"""`manage.py import_open311_history --jurisdiction SLUG --source NAME --since DATE`: the old server's requests."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from civicdesk.cityconfig import catalogue_import as ci
from civicdesk.cityconfig.models import CatalogueSource
from civicdesk.datasets.importer import ImportFailed
from civicdesk.datasets.management.commands.generate_requests import jurisdiction_by_slug


class Command(BaseCommand):
    help = ("Read every request an old Open311 server lists since a date (90-day windows, page by page) and load "
            "them through import_311's importer with the saved, reviewed mapping. Requests loaded before from the "
            "same source are skipped, so running it again adds nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True, metavar="SLUG")
        parser.add_argument("--source", required=True, metavar="NAME", help="the name given to import_catalogue")
        parser.add_argument("--since", required=True, metavar="YYYY-MM-DD", help="the first day to bring across")
        parser.add_argument("--timeout", type=float, default=ci.TIMEOUT, help="seconds to wait for each answer")

    def handle(self, *args, jurisdiction: str, source: str, since: str, timeout: float, **options) -> None:
        target = jurisdiction_by_slug(jurisdiction)
        found = CatalogueSource.objects.filter(jurisdiction=target, name=source).first()
        if found is None:
            raise CommandError(gettext("There is no catalogue source “%(name)s” for %(slug)s; read its catalogue "
                                       "with import_catalogue first.") % {"name": source, "slug": jurisdiction})
        if found.applied_at is None:
            raise CommandError(gettext("The mapping of “%(name)s” has not been applied yet; review and apply it "
                                       "first, so every request finds its service type.") % {"name": source})
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), tzinfo=target.tz)
        except ValueError:
            raise CommandError(gettext("--since must be a date written like 2024-01-31.")) from None
        try:
            summary = ci.import_history(found, since=start, until=timezone.now(), timeout=timeout)
        except (ci.SourceError, ImportFailed) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(gettext("Rows read: %(read)d; loaded: %(loaded)d; skipped as already imported: "
                                  "%(skipped)d; rejected: %(rejected)d.")
                          % {"read": summary.read, "loaded": summary.loaded, "skipped": summary.skipped,
                             "rejected": summary.rejected})
        if summary.rejected:
            self.stdout.write(gettext("Rejected rows and the reasons are in %(path)s.")
                              % {"path": summary.run.reject_path})
