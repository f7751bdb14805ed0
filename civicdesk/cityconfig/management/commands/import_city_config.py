"""`manage.py import_city_config FILE [--dry-run]`: show what a configuration file changes, then apply it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from civicdesk.cityconfig import services


class Command(BaseCommand):
    help = ("Read a file written by export_city_config, print what it adds, changes (old → new) and removes, and "
            "apply it in one transaction, every change audit-logged. With --dry-run nothing is saved. A file of "
            "another format version, or naming things it does not hold, is refused with the reasons.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file")
        parser.add_argument("--dry-run", action="store_true", help="show the changes without saving anything")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(gettext("Cannot read %(path)s: %(error)s") % {"path": file, "error": exc.strerror})
        run_import(self.stdout, lambda: services.parse(data), dry_run=dry_run)


def run_import(out, read_document, *, dry_run: bool) -> None:
    """Read the document (`read_document()` may raise ConfigError), then show its plan and apply it unless
    `dry_run`; the refusals become a CommandError listing every problem."""
    try:
        doc = read_document()
        plan = services.plan_import(doc) if dry_run else services.apply_import(doc)
    except services.ConfigError as exc:
        raise CommandError(gettext("The file was not imported:") + "\n- " + "\n- ".join(exc.problems)) from None
    write_plan(out, plan)
    if dry_run:
        out.write(gettext("Dry run: nothing was saved."))
    else:
        out.write(gettext("Imported: %(added)d added, %(changed)d changed, %(removed)d removed.")
                  % {name: len(plan.counted(name)) for name in ("added", "changed", "removed")})


def write_plan(out, plan: services.Plan) -> None:
    labels = {"added": "+", "changed": "~", "removed": "-", "kept": "="}
    if not plan.has_changes:
        out.write(gettext("No changes: this database already holds that configuration."))
    for change in plan.changes:
        if change.action == "kept":
            continue
        out.write(f"{labels[change.action]} {change.section_name} {change.key}")
        if change.action == "changed":
            for name, old, new in change.shown():
                out.write(f"    {name}: {old} → {new}")
