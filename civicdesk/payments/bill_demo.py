"""Demo bills for the Riverbend city pack: reminder and late-fee policies, and one bill file imported through the
real importer (a few of its rows wrong on purpose, so the import page shows rejected rows with their reasons)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .billformat import COLUMNS
from .billimport import import_bills, start_run
from .models import BillKindPolicy

HOLDERS = [("Lucía Fernández", "es"), ("Grace Oduya", "en"), ("عمر الحداد", "ar"), ("Tomás Muñoz", "es"),
           ("Sam Lindqvist", "en"), ("مريم صالح", "ar"), ("Nadia Castro", "es"), ("Henry Walsh", "en")]
STREETS = ["Elm St", "Oak Ave", "River Rd", "Mill St", "Prairie Ln", "Lincoln Ave"]
#: Due dates relative to the day the demo is loaded: overdue, due today, and due soon, so every reminder stage
#: and the late fee have something to act on.
DUE_OFFSETS = [-12, -4, -1, 0, 1, 3, 7, 14, 21]


def bill_file(today: dt.date, *, water: int = 36, parking: int = 9) -> str:
    """The demo bill file: `water` two-line water bills, `parking` citations, and three wrong rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(water):
        name, language = HOLDERS[n % len(HOLDERS)]
        due = today + dt.timedelta(days=DUE_OFFSETS[n % len(DUE_OFFSETS)])
        issued = due - dt.timedelta(days=30)
        head = ["water_sewer", f"RB-W-{1000 + n}", name, f"{100 + n * 7} {STREETS[n % len(STREETS)]}",
                f"6170{n % 4}", f"water{n}@riverbend.example.org", "", language, f"{issued:%Y%m}-{1000 + n}",
                f"{issued:%m/%d/%Y}", f"{due:%m/%d/%Y}"]
        writer.writerow(head + [f"Water usage {4 + n % 9} kgal", f"${(4 + n % 9) * 5.35:,.2f}", "USD"])
        writer.writerow(head + ["Sewer service", "28.00", "USD"])
    for n in range(parking):
        name, language = HOLDERS[(n + 3) % len(HOLDERS)]
        due = today + dt.timedelta(days=DUE_OFFSETS[(n * 2) % len(DUE_OFFSETS)])
        issued = due - dt.timedelta(days=21)
        writer.writerow(["Parking Citation", f"RB-P-{5000 + n}", name, "", "61701", "", f"+1217555{1200 + n:04d}",
                         language, f"C-{5000 + n}", f"{issued:%m/%d/%Y}", f"{due:%m/%d/%Y}", "Expired meter",
                         "35.00", "USD"])
    issued, due = today - dt.timedelta(days=10), today + dt.timedelta(days=20)
    writer.writerow(["parking", "RB-P-9001", "Dana Reyes", "", "61701", "dana@riverbend.example.org", "", "en",
                     "C-9001", f"{issued:%m/%d/%Y}", f"{due:%m/%d/%Y}", "Fire lane", "-50.00", "USD"])
    writer.writerow(["water", "RB-W-9002", "Ivy Chen", "9 Birch Ct", "61702", "ivy@riverbend.example.org", "", "en",
                     "W-9002", "02/30/2026", f"{due:%m/%d/%Y}", "Water usage", "41.20", "USD"])
    writer.writerow(["boat slip", "RB-B-9003", "Kim Poe", "", "61702", "kim@riverbend.example.org", "", "en",
                     "B-9003", f"{issued:%m/%d/%Y}", f"{due:%m/%d/%Y}", "Slip rental", "120.00", "USD"])
    return out.getvalue()


def seed_riverbend(*, jurisdiction, admin, today: dt.date) -> str:
    """Policies for water and parking bills and the demo bill file imported into `jurisdiction`; a summary."""
    BillKindPolicy.objects.get_or_create(jurisdiction=jurisdiction, kind="water_sewer", defaults={
        "reminder_days_before": [7, 1], "remind_on_due_date": True, "reminder_days_after": [3, 10],
        "late_fee_cents": 500, "late_fee_basis_points": 150, "late_fee_grace_days": 5})
    BillKindPolicy.objects.get_or_create(jurisdiction=jurisdiction, kind="parking", defaults={
        "reminder_days_before": [], "remind_on_due_date": True, "reminder_days_after": [7],
        "late_fee_cents": 2500, "late_fee_grace_days": 0})
    name = default_storage.save("bill-imports/riverbend-demo-bills.csv",
                                ContentFile(("\ufeff" + bill_file(today)).encode("utf-8")))
    run = import_bills(start_run(jurisdiction=jurisdiction, path=name, filename="riverbend-bills-november.csv",
                                 in_storage=True, user=admin))
    return f"{run.bills_loaded} bills imported, {run.rows_rejected} rows rejected"
