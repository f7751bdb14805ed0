"""`manage.py open311_apikey create NAME | revoke KEY | list`: Open311 API keys from the command line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.open311 import services
from civicdesk.open311.models import ApiKey, hash_key


class Command(BaseCommand):
    help = "Issue, revoke or list Open311 API keys. `create` prints only the new key, for use in scripts."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Issue a key for a client application; prints only the key.")
        create.add_argument("name", help="The client application, e.g. 'FixMyStreet'.")
        create.add_argument("--jurisdiction", metavar="SLUG", help="Limit the key to one jurisdiction.")
        create.add_argument("--rate-limit", type=int, default=60, metavar="N",
                            help="Calls per minute (default 60; 0 means no limit).")
        revoke = commands.add_parser("revoke", help="Switch a key off at once.")
        revoke.add_argument("key", help="The key itself, or the prefix `list` shows.")
        commands.add_parser("list", help="Every key: prefix, client, jurisdiction, state, limit and calls made.")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _create(self, *, name, jurisdiction, rate_limit, **options):
        place = None
        if jurisdiction:
            place = Jurisdiction.objects.filter(slug=jurisdiction).first()
            if place is None:
                raise CommandError(f"No jurisdiction has the short name {jurisdiction!r}.")
        if rate_limit < 0:
            raise CommandError("--rate-limit must be 0 (no limit) or more.")
        _, raw = services.issue_api_key(name=name, jurisdiction=place, rate_limit_per_minute=rate_limit)
        self.stdout.write(raw)

    def _revoke(self, *, key, **options):
        found = list(ApiKey.objects.filter(key_hash=hash_key(key))) or list(ApiKey.objects.filter(prefix=key))
        if len(found) != 1:
            raise CommandError(f"No key matches {key!r}." if not found
                               else f"{len(found)} keys start with {key!r}: give the whole key.")
        if not found[0].is_active:
            raise CommandError(f"The key {found[0].prefix} ({found[0].name}) was already revoked.")
        services.revoke_api_key(found[0])
        self.stdout.write(f"Revoked {found[0].prefix} ({found[0].name}).")

    def _list(self, **options):
        rows = [("PREFIX", "CLIENT", "JURISDICTION", "STATE", "PER MINUTE", "CALLS", "LAST USED")]
        for key in ApiKey.objects.select_related("jurisdiction").order_by("name", "id"):
            rows.append((key.prefix, key.name, key.jurisdiction.slug if key.jurisdiction_id else "(all)",
                         "active" if key.is_active else "revoked", str(key.rate_limit_per_minute or "no limit"),
                         str(key.request_count), key.last_used_at.strftime("%Y-%m-%d %H:%M") if key.last_used_at
                         else "never"))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
