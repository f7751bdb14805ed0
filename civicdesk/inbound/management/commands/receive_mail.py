"""manage.py receive_mail: an SMTP server that takes residents' email replies for INBOUND_EMAIL_DOMAIN.

Point the domain's MX record (or the mail relay's transport for it) at this host and port. Runs until
SIGINT or SIGTERM. See docs/inbound.md.
"""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from civicdesk.inbound.smtp import start_server


class Command(BaseCommand):
    help = "Receive email replies over SMTP and add them to their requests' timelines."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on (default 2525).")

    def handle(self, *args, host: str, port: int, **options):
        if not settings.INBOUND_EMAIL_DOMAIN:
            raise CommandError("Set INBOUND_EMAIL_DOMAIN first: replies go to reply+…@that domain.")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        controller = start_server(host, port)
        self.stdout.write(f"Receiving replies for @{settings.INBOUND_EMAIL_DOMAIN} on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
        self.stdout.write("Stopped.")
