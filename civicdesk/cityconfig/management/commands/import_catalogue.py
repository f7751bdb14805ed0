"""`manage.py import_catalogue --jurisdiction SLUG --source NAME (--open311 URL | --csv FILE) [--apply]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.cityconfig import catalogue_import as ci
from civicdesk.cityconfig.models import CatalogueSource
from civicdesk.datasets.management.commands.generate_requests import jurisdiction_by_slug


class Command(BaseCommand):
    help = ("Read another system's service catalogue, from its Open311 GeoReport v2 endpoint (services.json and "
            "each service definition) or from a catalogue CSV file, and save a proposed mapping (each incoming "
            "service to an existing or new service type and a department) for review in the staff console. With "
            "--apply the mapping is applied at once: new types, their questions and routing rules are created.")

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True, metavar="SLUG", help="the jurisdiction moving over")
        parser.add_argument("--source", required=True, metavar="NAME",
                            help="a short name for the old system (also the --source of its history import)")
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--open311", metavar="URL", help="the old server's Open311 endpoint (where services.json is)")
        what.add_argument("--csv", metavar="FILE", help="a catalogue CSV file (see docs/migrating.md)")
        parser.add_argument("--api-key", default="", help="the old server's API key, when it asks for one")
        parser.add_argument("--remote-jurisdiction", default="", metavar="ID",
                            help="the jurisdiction_id the old server expects, when it serves several")
        parser.add_argument("--timeout", type=float, default=ci.TIMEOUT, help="seconds to wait for each answer")
        parser.add_argument("--apply", action="store_true", help="apply the proposed mapping without a review")

    def handle(self, *args, jurisdiction: str, source: str, open311: str | None, csv: str | None, api_key: str,
               remote_jurisdiction: str, timeout: float, apply: bool, **options) -> None:
        target = jurisdiction_by_slug(jurisdiction)
        try:
            if open311:
                incoming = ci.fetch_open311_catalogue(open311, api_key=api_key, jurisdiction_id=remote_jurisdiction,
                                                      timeout=timeout)
            else:
                try:
                    data = Path(csv).read_bytes()
                except OSError as exc:
                    raise ci.SourceError(gettext("Cannot read %(path)s: %(error)s")
                                         % {"path": csv, "error": exc.strerror}) from None
                incoming = ci.read_catalogue_csv(data)
            saved = ci.propose_mapping(jurisdiction=target, name=source, incoming=incoming,
                                       kind=CatalogueSource.Kind.OPEN311 if open311 else CatalogueSource.Kind.CSV,
                                       endpoint=open311 or "", api_key=api_key,
                                       remote_jurisdiction=remote_jurisdiction)
            for mapping in saved.mappings.select_related("service_type", "department"):
                self.stdout.write(f"{mapping.incoming_code} ({mapping.incoming_name}) → "
                                  f"{mapping.get_action_display()}: {mapping.target_code() or '—'}, "
                                  f"{mapping.department.slug if mapping.department_id else '—'}")
            if apply:
                done = ci.apply_mapping(saved)
                self.stdout.write(gettext("Applied: %(types)d service types and %(rules)d routing rules created.")
                                  % {"types": done["types_created"], "rules": done["rules_created"]})
            else:
                self.stdout.write(gettext("Saved the proposed mapping of %(n)d services as “%(name)s”; review it in "
                                          "the staff console, or run again with --apply.")
                                  % {"n": len(incoming), "name": source})
        except ci.SourceError as exc:
            raise CommandError(str(exc)) from None
