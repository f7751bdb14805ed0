"""`manage.py load_demo_city [--if-empty]`: load the city pack's demo data, then print the demo staff logins."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from civicdesk.accounts.models import User
from civicdesk.cities import city
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.jurisdictions.services import clear_caches


class Command(BaseCommand):
    help = (
        "Load the demo of the city pack named by CITY_PACK (jurisdictions, districts, departments, catalogue, "
        "routing, addresses, staff and a year of requests) into a database with no jurisdictions yet, all or "
        "nothing, then print the demo staff logins. It refuses to load twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="when the database already has a jurisdiction, load nothing and exit quietly "
                                 "(the logins are still printed)")
        parser.add_argument("--requests", type=int, metavar="N",
                            help="how many historical requests to make (default: the city pack's own number)")

    def handle(self, *args, if_empty: bool, requests: int | None, **options) -> None:
        pack = city()
        if not pack.has_demo:
            raise CommandError(gettext(
                "The city pack %(pack)s has no demo. Set CITY_PACK=civicdesk.cities.riverbend.Riverbend to load "
                "the Riverbend demo.") % {"pack": settings.CITY_PACK})
        if requests is not None and requests < 0:
            raise CommandError(gettext("--requests must be 0 or more."))
        started = time.monotonic()
        # The emptiness check sits inside the transaction so two loads started together cannot both seed.
        with transaction.atomic():
            loaded = not Jurisdiction.objects.exists()
            if loaded:
                pack.seed_demo(stdout=self.stdout, **({} if requests is None else {"requests": requests}))
        clear_caches()
        if loaded:
            self.stdout.write(self.style.SUCCESS(gettext("The %(city)s demo was loaded in %(seconds).1f s.")
                                                 % {"city": pack.name, "seconds": time.monotonic() - started}))
        elif if_empty:
            self.stdout.write(gettext("The database already holds jurisdictions; the demo was not loaded again."))
        else:
            raise CommandError(gettext(
                "The database already holds jurisdictions, so the demo was not loaded. Start from an empty "
                "database (for example a new CIVICDESK_VAR_DIR), or pass --if-empty to skip quietly."))
        self._print_logins(pack)

    def _print_logins(self, pack) -> None:
        logins = pack.demo_logins()
        active = set(User.objects.filter(email__in=[email for email, _, _ in logins], is_active=True)
                     .values_list("email", flat=True))
        shown = [login for login in logins if login[0] in active]
        if not shown:
            if logins:
                self.stdout.write(gettext("The demo staff logins are not in this database."))
            return
        self.stdout.write("")
        self.stdout.write(gettext("Demo staff logins (sign in at %(url)s; the admin is at %(admin)s):")
                          % {"url": settings.SITE_URL + reverse("accounts:login"),
                             "admin": settings.SITE_URL + reverse("admin:index")})
        width = max(len(email) for email, _, _ in shown)
        for email, password, what in shown:
            self.stdout.write(f"  {email.ljust(width)}  {password}  {what}")
        # Staff sign-in needs a code too; a pack without the hook ships no demo authenticator key.
        secret = pack.demo_totp_secret() if hasattr(pack, "demo_totp_secret") else ""
        if secret:
            self.stdout.write(gettext("Staff also enter a 6-digit code: add this key to an authenticator app "
                                      "(time-based): %(secret)s") % {"secret": secret})
