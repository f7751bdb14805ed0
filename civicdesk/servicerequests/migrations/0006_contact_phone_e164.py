"""Existing contact phones to E.164 (civicdesk/lib/phones.py); text that cannot be read is kept as typed."""

from django.db import migrations

BATCH = 2000


def to_e164(apps, schema_editor):
    from civicdesk.lib import phones

    ServiceRequest = apps.get_model("servicerequests", "ServiceRequest")
    rows = ServiceRequest.objects.exclude(contact_phone="").order_by("pk").values_list("pk", "contact_phone")
    changed = []
    for pk, typed in rows.iterator(chunk_size=BATCH):
        stored = phones.normalise_or_keep(typed)[:32]
        if stored != typed:
            changed.append(ServiceRequest(pk=pk, contact_phone=stored))
        if len(changed) >= BATCH:
            ServiceRequest.objects.bulk_update(changed, ["contact_phone"])
            changed = []
    if changed:
        ServiceRequest.objects.bulk_update(changed, ["contact_phone"])


class Migration(migrations.Migration):
    dependencies = [("servicerequests", "0005_dashboard_indexes")]

    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop, elidable=True)]
