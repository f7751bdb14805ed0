"""Existing account phones to E.164 (civicdesk/lib/phones.py); text that cannot be read is kept as typed."""

from django.db import migrations


def to_e164(apps, schema_editor):
    from civicdesk.lib import phones

    User = apps.get_model("accounts", "User")
    changed = []
    for pk, typed in User.objects.exclude(phone="").order_by("pk").values_list("pk", "phone").iterator(chunk_size=2000):
        stored = phones.normalise_or_keep(typed)[:32]
        if stored != typed:
            changed.append(User(pk=pk, phone=stored))
    User.objects.bulk_update(changed, ["phone"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sign_in_failure")]

    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop, elidable=True)]
