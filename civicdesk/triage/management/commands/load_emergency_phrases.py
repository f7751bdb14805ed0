"""manage.py load_emergency_phrases [FILE] [--replace]: install emergency phrases and word variants from JSON.

Without FILE, CivicDesk's starting set (civicdesk/triage/data/emergency_phrases.json, English and Spanish).
Existing phrases and variants are updated, new ones added; --replace also deletes the ones not in the file.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from civicdesk.triage.services import DEFAULT_PHRASES_FILE, load_emergency_phrases


class Command(BaseCommand):
    help = "Install emergency phrases and word variants from a JSON file (default: CivicDesk's starting set)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_PHRASES_FILE))
        parser.add_argument("--replace", action="store_true",
                            help="Also delete phrases and variants that are not in the file.")

    def handle(self, *args, file: str, replace: bool, **options):
        try:
            phrases, variants = load_emergency_phrases(file, replace=replace)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Could not load {file}: {exc}") from exc
        self.stdout.write(f"Emergency phrases: {phrases}, word variants: {variants} (from {file})")
