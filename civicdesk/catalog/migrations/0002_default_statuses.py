"""The default status lifecycle every new install starts with (staff may change it in the admin)."""

from django.db import migrations

OPEN = [
    ("submitted", "Submitted", "Recibida", True),
    ("acknowledged", "Acknowledged", "Confirmada", False),
    ("investigating", "Investigating", "En investigación", False),
    ("in_progress", "In progress", "En curso", False),
    ("action_scheduled", "Action scheduled", "Trabajo programado", False),
]
CLOSED = [
    ("fixed", "Fixed", "Resuelta"),
    ("no_further_action", "No further action", "Sin más acciones"),
    ("not_responsible", "Not our responsibility", "No nos corresponde"),
    ("duplicate", "Duplicate", "Duplicada"),
    ("referred", "Referred", "Remitida"),
    ("cancelled", "Cancelled", "Cancelada"),
]
# Which open statuses each open status may move to; every open status may also close.
OPEN_MOVES = {
    "submitted": ["acknowledged", "investigating", "in_progress", "action_scheduled"],
    "acknowledged": ["investigating", "in_progress", "action_scheduled"],
    "investigating": ["in_progress", "action_scheduled"],
    "in_progress": ["investigating", "action_scheduled"],
    "action_scheduled": ["in_progress", "investigating"],
}
# Reopening a closed request is a transition back to one of these.
REOPEN_TO = ["investigating", "in_progress"]


def create(apps, schema_editor):
    Status = apps.get_model("catalog", "Status")
    if Status.objects.exists():
        return
    by_code = {}
    for order, (code, en, es, initial) in enumerate(OPEN):
        by_code[code] = Status.objects.create(code=code, name=en, name_en=en, name_es=es, kind="open",
                                              is_initial=initial, order=order)
    for order, (code, en, es) in enumerate(CLOSED, start=len(OPEN)):
        by_code[code] = Status.objects.create(code=code, name=en, name_en=en, name_es=es, kind="closed",
                                              order=order)
    closed = [by_code[c] for c, *_ in CLOSED]
    for code, moves in OPEN_MOVES.items():
        by_code[code].allowed_next.add(*[by_code[m] for m in moves], *closed)
    for status in closed:
        status.allowed_next.add(*[by_code[c] for c in REOPEN_TO])


def remove(apps, schema_editor):
    apps.get_model("catalog", "Status").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
