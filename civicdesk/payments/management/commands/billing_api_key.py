"""`manage.py billing_api_key NAME --jurisdiction SLUG`: issue a key the billing system pushes bills with."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.datasets.management.commands.generate_requests import jurisdiction_by_slug
from civicdesk.payments.bill_api import issue_key
from civicdesk.payments.models import BillingSystemKey


class Command(BaseCommand):
    help = ("Issue a key for a billing system to push bills to POST /payments/api/bills/ (docs/payments-bills.md). "
            "The key is printed once and never stored. --revoke PREFIX switches a key off at once.")

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", default="", help="the billing system's name, for staff")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the key starting with PREFIX instead")
        parser.add_argument("--jurisdiction", metavar="SLUG")
        parser.add_argument("--per-minute", type=int, default=600, help="calls per minute (0: no limit)")

    def handle(self, *args, name: str, jurisdiction: str | None, per_minute: int, revoke: str | None,
               **options) -> None:
        if revoke:
            key = BillingSystemKey.objects.filter(prefix=revoke[:12], is_active=True).first()
            if key is None:
                raise CommandError(gettext("No active key starts with %(prefix)s.") % {"prefix": revoke})
            BillingSystemKey.objects.filter(pk=key.pk).update(is_active=False)
            key.log_action("payments.billing_key_revoked", data={"prefix": key.prefix})
            self.stdout.write(gettext("Key %(prefix)s… revoked.") % {"prefix": key.prefix})
            return
        if not name or not jurisdiction:
            raise CommandError(gettext("Give the billing system's name and --jurisdiction."))
        key, raw = issue_key(name=name, jurisdiction=jurisdiction_by_slug(jurisdiction),
                             calls_per_minute=max(0, per_minute))
        self.stdout.write(gettext("Key for %(name)s (shown once, keep it secret):") % {"name": key.name})
        self.stdout.write(raw)
