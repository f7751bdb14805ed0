"""manage.py train_classifier [--jurisdiction SLUG] [--language CODE] [--rows-per-kind N]: train category suggestions.

Trains a new version of the category suggester (triage/suggest.py) for each active jurisdiction (or the one
named): the model of every language together and one per language with enough history (or only --language),
and makes each new version the active one. Prints each version's rows and held-out accuracy.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.triage.suggest import train_all


class Command(BaseCommand):
    help = "Train the category suggester on the request history and make the new versions active."

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", metavar="SLUG", help="only this jurisdiction (default: every active one)")
        parser.add_argument("--language", metavar="CODE",
                            help="only this language's model (default: every language together, and each language "
                                 "with enough history)")
        parser.add_argument("--rows-per-kind", type=int, metavar="N",
                            help="newest descriptions read per kind (default: the TRIAGE_ROWS_PER_KIND setting)")

    def handle(self, *args, jurisdiction: str | None, language: str | None, rows_per_kind: int | None, **options):
        place = None
        if jurisdiction:
            place = Jurisdiction.objects.filter(slug=jurisdiction).first()
            if place is None:
                raise CommandError(f"There is no jurisdiction {jurisdiction!r}.")
        if language and language not in dict(settings.LANGUAGES):
            raise CommandError(f"Unknown language {language!r}: use one of {', '.join(dict(settings.LANGUAGES))}.")
        if rows_per_kind is not None and rows_per_kind < 1:
            raise CommandError("--rows-per-kind must be 1 or more.")
        made = train_all(place, language=language, rows_per_kind=rows_per_kind)
        if not made:
            self.stdout.write("No model trained: no jurisdiction has described requests of two kinds or more.")
        for model in made:
            accuracy = ("not measured (too few rows)" if model.top1_accuracy is None else
                        f"top-1 {model.top1_accuracy:.0%}, top-3 {model.top3_accuracy:.0%} on {model.heldout_rows} "
                        "held-out rows")
            self.stdout.write(f"{model.jurisdiction.slug} [{model.language or 'all languages'}] version "
                              f"{model.version}: {model.rows} rows, {len(model.class_counts)} kinds, {accuracy}, "
                              f"{model.train_seconds:.1f} s")
