"""manage.py check_city [--jurisdiction SLUG] [--test-email ADDRESS] [--test-sms NUMBER]: the go-live checklist;
exits 1 while anything blocks going live."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.lib.phones import PhoneError
from civicdesk.onboarding.checklist import check_sms, run_checklist, sms_test_number


class Command(BaseCommand):
    help = "Check that a city can go live (routing, people, addresses, email, SMS, worker...); exit 1 if not."

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", default="", help="short name (slug); default: every active one")
        parser.add_argument("--test-email", default="", help="also send a test message to this address")
        parser.add_argument("--test-sms", default="", metavar="NUMBER",
                            help="also send a test text to this mobile number (SMS passes only after one went "
                                 "out with the current settings)")

    def handle(self, *args, **options):
        jurisdictions = Jurisdiction.objects.filter(is_active=True).order_by("name")
        if options["jurisdiction"]:
            jurisdictions = Jurisdiction.objects.filter(slug=options["jurisdiction"])
            if not jurisdictions:
                raise CommandError(f"No jurisdiction has the short name {options['jurisdiction']!r}.")
        if not jurisdictions:
            raise CommandError("There is no jurisdiction yet: import one with manage.py import_boundaries "
                               "--kind jurisdiction, or add one in the admin.")
        sms = None
        if options["test_sms"]:
            try:
                number = sms_test_number(options["test_sms"])
            except PhoneError as exc:
                raise CommandError(f"--test-sms {options['test_sms']!r}: {exc}") from None
            sms = check_sms(number)  # one text for the whole run, however many jurisdictions
        failing = 0
        for jurisdiction in jurisdictions:
            self.stdout.write(f"{jurisdiction.name} ({jurisdiction.slug})")
            for check in run_checklist(jurisdiction, test_email_to=options["test_email"], sms=sms):
                mark = "ok  " if check.ok else "FAIL"
                self.stdout.write(f"  {mark} {check.title}: {check.reason}")
                for detail in check.details:
                    self.stdout.write(f"         - {detail}")
                if not check.ok:
                    failing += 1
                    if check.fix_url:
                        self.stdout.write(f"         fix: {check.fix_label} ({check.fix_url})")
        if failing:
            raise CommandError(f"{failing} check(s) block going live.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Ready to go live."))
