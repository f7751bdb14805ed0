"""`manage.py export_city_config SLUG > file.json`: a jurisdiction's whole configuration as one JSON file."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.cityconfig.configfile import export_config
from civicdesk.jurisdictions.models import Jurisdiction


class Command(BaseCommand):
    help = ("Write the whole configuration of a jurisdiction (catalogue, questions, statuses and transitions, "
            "routing rules, departments and teams, business hours and holidays, districts, emergency phrases, "
            "response templates) as one versioned JSON document on standard output, keyed by slugs and codes so "
            "import_city_config can load it into another deployment.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the jurisdiction's short name")

    def handle(self, *args, slug: str, **options) -> None:
        jurisdiction = Jurisdiction.objects.filter(slug=slug).first()
        if jurisdiction is None:
            known = ", ".join(Jurisdiction.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(gettext("There is no jurisdiction with the short name “%(slug)s” (known: %(known)s).")
                               % {"slug": slug, "known": known or gettext("none yet")})
        self.stdout.write(json.dumps(export_config(jurisdiction), indent=1, ensure_ascii=False, sort_keys=True))
