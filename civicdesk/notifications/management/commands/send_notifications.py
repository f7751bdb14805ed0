"""`manage.py send_notifications`: recover claims of dead workers and send every due delivery now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from civicdesk.notifications import sending


class Command(BaseCommand):
    help = ("Release deliveries whose worker died (expired leases) and send every queued delivery that is due. "
            "Safe to run beside the task worker: deliveries are claimed, never sent twice by two processes.")

    def handle(self, *args, **options):
        released = sending.recover_expired()
        sent = sending.send()
        self.stdout.write(f"{released} deliveries released from dead workers; {sent} sent.")
