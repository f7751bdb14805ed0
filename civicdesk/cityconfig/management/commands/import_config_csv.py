"""`manage.py import_config_csv statuses|routing_rules FILE --jurisdiction SLUG [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.cityconfig import tables

from .import_city_config import run_import


class Command(BaseCommand):
    help = ("Replace a jurisdiction's statuses (columns code,name,kind,is_initial,order,next with next as codes "
            "separated by |) or its routing rules (order,name,service_codes,district,department,team,is_active) "
            "with the rows of a CSV file: the changes are shown as by import_city_config and applied in one "
            "transaction, audited. Routing rules missing from the file are removed.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(tables.KINDS))
        parser.add_argument("file")
        parser.add_argument("--jurisdiction", required=True, metavar="SLUG")
        parser.add_argument("--dry-run", action="store_true", help="show the changes without saving anything")

    def handle(self, *args, kind: str, file: str, jurisdiction: str, dry_run: bool, **options) -> None:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(gettext("Cannot read %(path)s: %(error)s") % {"path": file, "error": exc.strerror})
        run_import(self.stdout, lambda: tables.document_with_csv(jurisdiction, kind, data), dry_run=dry_run)
