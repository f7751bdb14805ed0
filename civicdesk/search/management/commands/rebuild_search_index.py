"""manage.py rebuild_search_index: write the search index from every registered source now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from civicdesk.search import registry
from civicdesk.search.models import SearchEntry
from civicdesk.search.services import Written, rebuild_vocabulary, sync_all, sync_source


class Command(BaseCommand):
    help = ("Make the search index match every public page now (what the 5-minute job does). "
            "--from-scratch empties it first.")

    def add_arguments(self, parser):
        parser.add_argument("--from-scratch", action="store_true", help="delete every entry first")
        parser.add_argument("--source", action="append", default=[],
                            help="only this source (repeatable): " + ", ".join(s.name for s in registry.sources()))

    def handle(self, *args, from_scratch: bool, source: list[str], **options):
        unknown = [name for name in source if registry.get(name) is None]
        if unknown:
            known = ", ".join(s.name for s in registry.sources())
            self.stderr.write(f"Unknown source {', '.join(unknown)}; known: {known}")
            raise SystemExit(2)
        if from_scratch:
            (SearchEntry.objects.filter(source__in=source) if source else SearchEntry.objects.all()).delete()
            rebuild_vocabulary()  # the entries went without the index's writer: count what is left
        written = Written()
        if source:
            for name in source:
                written += sync_source(registry.get(name))
        else:
            written = sync_all()
        self.stdout.write(f"search index: {written.added} added, {written.changed} changed, "
                          f"{written.removed} removed; {SearchEntry.objects.count()} entries")
