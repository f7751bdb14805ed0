"""manage.py import_staff FILE [--dry-run] [--jurisdiction SLUG]: give people their staff seats from a CSV and
email the invitations (see civicdesk/onboarding/staff_import.py and docs/onboarding.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicdesk.onboarding.management.inputs import jurisdiction_option, read_input
from civicdesk.onboarding.staff_import import Action, apply_staff_plan, plan_staff_import
from civicdesk.throttle.services import RateLimited


class Command(BaseCommand):
    help = "Import staff and their seats (jurisdiction, department, role) from a CSV, and invite new people."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a CSV with columns email, first_name, last_name, jurisdiction, "
                                         "department, role, language")
        parser.add_argument("--jurisdiction", default="", help="short name (slug) for rows that leave it empty")
        parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = read_input(path)
        jurisdiction = jurisdiction_option(options["jurisdiction"])
        # The operator running the command may give seats in every jurisdiction.
        plan = plan_staff_import(data, allowed_jurisdiction_ids=None, default_jurisdiction=jurisdiction)
        if plan.file_error:
            raise CommandError(f"Nothing was imported. {plan.file_error}")
        self.stdout.write(f"{path.name}: {len(plan.rows)} row(s), read as {plan.encoding}")
        for row in plan.rows:
            if row.action == Action.ERROR:
                for error in row.errors:
                    self.stdout.write(f"  line {row.line} ({row.email or '-'}): {error}")
            elif row.action != Action.UNCHANGED or options["verbosity"] > 1:
                place = row.jurisdiction.slug + (f"/{row.department.slug}" if row.department else "")
                self.stdout.write(f"  line {row.line}: {row.email} {place} {row.role}: {row.action_label}")
        counts = plan.counts()
        summary = (f"{counts['people']} new people, {counts['add']} more seats, {counts['change']} role changes, "
                   f"{counts['unchanged']} unchanged")
        if not plan.ok:
            raise CommandError(f"Nothing was imported: {len(plan.errors)} row(s) need fixing (listed above).")
        if options["dry_run"]:
            self.stdout.write(f"Dry run: would import {summary}; nothing was changed.")
            return
        try:
            result = apply_staff_plan(plan, actor=None, filename=path.name)
        except RateLimited as exc:
            raise CommandError(f"Nothing was imported. {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Imported: {summary}. Invitations queued: {result.invited}; new-seat notes queued: {result.notified}."))
