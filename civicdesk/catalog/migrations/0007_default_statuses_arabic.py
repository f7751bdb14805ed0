"""Arabic names of the default statuses (0002_default_statuses), for installs that still have them unchanged."""

from django.db import migrations

ARABIC = {
    ("submitted", "Submitted"): "مُقدَّم",
    ("acknowledged", "Acknowledged"): "تم الاستلام",
    ("investigating", "Investigating"): "قيد الفحص",
    ("in_progress", "In progress"): "قيد التنفيذ",
    ("action_scheduled", "Action scheduled"): "العمل مجدول",
    ("fixed", "Fixed"): "تم الإصلاح",
    ("no_further_action", "No further action"): "لا يلزم إجراء آخر",
    ("not_responsible", "Not our responsibility"): "ليس من اختصاصنا",
    ("duplicate", "Duplicate"): "مكرر",
    ("referred", "Referred"): "أُحيل",
    ("cancelled", "Cancelled"): "أُلغي",
}


def name_in_arabic(apps, schema_editor):
    Status = apps.get_model("catalog", "Status")
    for (code, english), arabic in ARABIC.items():
        # Only a status staff have not renamed, and only where no Arabic name was written yet.
        Status.objects.filter(code=code, name_en=english, name_ar__isnull=True).update(name_ar=arabic)
        Status.objects.filter(code=code, name_en=english, name_ar="").update(name_ar=arabic)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_arabic")]
    operations = [migrations.RunPython(name_in_arabic, migrations.RunPython.noop)]
