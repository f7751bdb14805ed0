"""manage.py import_boundaries FILE --kind jurisdiction|district|area: load boundaries from GeoJSON, a zipped
shapefile or KML (see civicdesk/onboarding/boundaries.py and docs/onboarding.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicdesk.onboarding.boundaries import KINDS, apply_plan, describe_area, plan_import
from civicdesk.onboarding.management.inputs import jurisdiction_option, read_input


class Command(BaseCommand):
    help = "Import jurisdiction, district or routing-area boundaries from GeoJSON, a zipped shapefile or KML."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .geojson/.json, .zip (shapefile) or .kml file")
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--name-field", default="", help="the attribute holding each feature's name")
        parser.add_argument("--jurisdiction", default="", help="short name (slug) of the jurisdiction")
        parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
        parser.add_argument("--replace", action="store_true", help="replace boundaries that already exist")

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = read_input(path)
        jurisdiction = jurisdiction_option(options["jurisdiction"])
        plan = plan_import(data, kind=options["kind"], filename=path.name, name_field=options["name_field"],
                           jurisdiction=jurisdiction, replace=options["replace"])
        if plan.layer is not None:
            self.stdout.write(f"{path.name}: {plan.layer.file_format}, {len(plan.layer.features)} feature(s), "
                              f"projection {plan.layer.source_crs}, names from {plan.name_field or '-'}")
        for feature in plan.features:
            label = feature.action_label()
            size = f" ({describe_area(feature.area_m2)})" if feature.geometry is not None else ""
            self.stdout.write(f"  {label}: {feature.name or '#' + str(feature.index)}{size}")
            for warning in feature.warnings:
                self.stdout.write(f"    warning: {warning}")
            for error in feature.errors:
                self.stdout.write(f"    refused: {error}")
        for overlap in plan.overlaps:
            self.stdout.write(f"  overlap: {overlap.first} and {overlap.second} share "
                              f"{describe_area(overlap.area_m2)}")
        if not plan.ok:
            raise CommandError("Nothing was imported.\n" + "\n".join(plan.refusals()))
        counts = plan.summary()
        if options["dry_run"]:
            self.stdout.write(f"Dry run: would add {counts['create']} and replace {counts['replace']}; "
                              "nothing was changed.")
            return
        apply_plan(plan, source=path.name)
        self.stdout.write(self.style.SUCCESS(f"Imported: added {counts['create']}, replaced {counts['replace']}."))
