"""`manage.py export_service_mapping --jurisdiction SLUG --source NAME > map.csv`: for `import_311 --map`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.cityconfig.catalogue_import import mapping_csv
from civicdesk.cityconfig.models import CatalogueSource
from civicdesk.datasets.management.commands.generate_requests import jurisdiction_by_slug


class Command(BaseCommand):
    help = ("Write a saved catalogue mapping as the CSV file import_311 reads with --map (header "
            "source,service_code), to load the old system's history from an export file with the same mapping: "
            "import_311 FILE --format open311 --source NAME --map map.csv.")

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True, metavar="SLUG")
        parser.add_argument("--source", required=True, metavar="NAME")

    def handle(self, *args, jurisdiction: str, source: str, **options) -> None:
        found = CatalogueSource.objects.filter(jurisdiction=jurisdiction_by_slug(jurisdiction), name=source).first()
        if found is None:
            raise CommandError(gettext("There is no catalogue source “%(name)s” for %(slug)s.")
                               % {"name": source, "slug": jurisdiction})
        self.stdout.write(mapping_csv(found), ending="")
