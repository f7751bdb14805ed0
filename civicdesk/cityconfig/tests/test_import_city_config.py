"""`manage.py import_city_config`: the diff, dry runs, one transaction, audit entries and plain-words refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import RoutingRule, ServiceAttribute, ServiceType
from civicdesk.cityconfig.configfile import export_config
from civicdesk.jurisdictions.models import Jurisdiction


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_city_config", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, doc) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def edited(world) -> dict:
    doc = export_config(world.elm)
    doc["jurisdiction"]["phone"] = "(555) 010-9999"
    pothole = next(t for t in doc["service_types"] if t["code"] == "pothole")
    pothole["sla_hours"] = 12
    pothole["questions"] = []
    doc["departments"][0]["teams"].append("Night crew")
    doc["routing_rules"] = [r for r in doc["routing_rules"] if r["name"] != "Garbage north"]
    doc["holidays"] = [{"date": "2026-07-04", "name": "Independence Day"}]
    return doc


def test_it_shows_old_and_new_values_and_a_dry_run_saves_nothing(world, tmp_path):
    before = AuditEntry.objects.count()
    out = run(write(tmp_path, edited(world)), "--dry-run")
    assert "~ Jurisdiction elm" in out and "phone: 555-0100 → (555) 010-9999" in out
    assert "sla_hours: 16 → 12" in out
    assert "+ Team public-works / Night crew" in out
    assert "+ Holiday 2026-07-04" in out
    assert "- Question pothole / depth" in out
    assert "- Routing rule 10 · Garbage north" in out
    assert "Dry run: nothing was saved." in out
    world.elm.refresh_from_db()
    assert world.elm.phone == "555-0100" and ServiceType.objects.get(code="pothole").sla_hours == 16
    assert RoutingRule.objects.filter(name="Garbage north").exists()
    assert AuditEntry.objects.count() == before


def test_it_applies_every_change_and_audits_each_one(world, tmp_path):
    out = run(write(tmp_path, edited(world)))
    assert "Imported:" in out
    world.elm.refresh_from_db()
    assert world.elm.phone == "(555) 010-9999"
    assert ServiceType.objects.get(code="pothole").sla_hours == 12
    assert not ServiceAttribute.objects.filter(service_type__code="pothole").exists()
    assert not RoutingRule.objects.filter(name="Garbage north").exists()
    assert world.elm.holidays.get().name == "Independence Day"
    entries = AuditEntry.objects.filter(action__startswith="cityconfig.", jurisdiction_id=world.elm.pk)
    assert entries.filter(action="cityconfig.changed", data__section="jurisdiction").get().data["fields"] == {
        "phone": ["555-0100", "(555) 010-9999"]}
    assert entries.filter(action="cityconfig.removed", data__key="10 · Garbage north").exists()
    assert entries.filter(action="cityconfig.imported").exists()
    # Importing the same file again changes nothing.
    assert "No changes" in run(tmp_path / "config.json")


def test_it_imports_and_exports_holiday_names_in_every_language(world, tmp_path):
    doc = export_config(world.elm)
    names = {"en": "Independence Day", "es": "Día de la Independencia", "ar": "يوم الاستقلال"}
    doc["holidays"] = [{"date": "2026-07-04", "name": names}]
    run(write(tmp_path, doc))
    holiday = world.elm.holidays.get()
    assert (holiday.name_en, holiday.name_es, holiday.name_ar) == ("Independence Day", "Día de la Independencia",
                                                                   "يوم الاستقلال")
    assert export_config(world.elm)["holidays"] == [{"date": "2026-07-04", "name": names}]
    assert "No changes: this database already holds that configuration." in run(write(tmp_path, doc), "--dry-run")


def test_it_refuses_a_holiday_name_that_is_not_text(world, tmp_path):
    doc = export_config(world.elm)
    doc["holidays"] = [{"date": "2026-07-04", "name": 4}]
    with pytest.raises(CommandError, match="The holiday of 2026-07-04 needs a name"):
        run(write(tmp_path, doc))
    assert not world.elm.holidays.exists()


def test_it_refuses_a_file_of_an_unknown_version(world, tmp_path):
    doc = export_config(world.elm)
    doc["version"] = 7
    with pytest.raises(CommandError, match="version 7 of the configuration format, and this CivicDesk reads version 1"):
        run(write(tmp_path, doc))


def test_it_refuses_a_file_that_is_not_json(world, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("departments: sanitation", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        run(path)


def test_it_refuses_broken_references_in_plain_words(world, tmp_path):
    doc = export_config(world.elm)
    doc["routing_rules"][0]["department"] = "parks"
    doc["service_types"][0]["group"] = "Moon dust"
    doc["statuses"][0]["next"] = ["teleported"]
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, doc))
    message = str(refused.value)
    assert "sends requests to the department “parks”, which is not in the file" in message
    assert "is in the group “Moon dust”, which is not in the file" in message
    assert "may move on to “teleported”, which is not a status in the file" in message


def test_it_saves_nothing_when_the_database_refuses_a_value(world, tmp_path):
    doc = edited(world)
    doc["jurisdiction"]["time_zone"] = "Mars/Olympus_Mons"
    with pytest.raises(CommandError, match="The time zone “Mars/Olympus_Mons” of the jurisdiction is not a known "
                                           "time zone"):
        run(write(tmp_path, doc))
    assert Jurisdiction.objects.get(slug="elm").phone == "555-0100"
    assert RoutingRule.objects.filter(name="Garbage north").exists()


def test_it_creates_a_jurisdiction_new_to_this_database(world, tmp_path):
    doc = export_config(world.elm)
    doc["jurisdiction"].update(slug="oak", open311_id="oak.example.gov", name={"en": "Oak Village"})
    for rule in doc["routing_rules"]:
        rule["service_types"] = [code for code in rule["service_types"] if code != "records"]
    out = run(write(tmp_path, doc))
    assert "+ Jurisdiction oak" in out
    oak = Jurisdiction.objects.get(slug="oak")
    assert oak.departments.count() == 2 and RoutingRule.objects.filter(jurisdiction=oak).count() == 3
    assert ServiceType.objects.get(code="pothole").jurisdictions.filter(pk=oak.pk).exists() or \
        not ServiceType.objects.get(code="pothole").jurisdictions.exists()


def test_it_refuses_a_new_jurisdiction_whose_open311_id_is_taken(world, tmp_path):
    doc = export_config(world.elm)
    doc["jurisdiction"].update(slug="oak", name={"en": "Oak Village"})  # still elm.example.gov
    with pytest.raises(CommandError, match="The jurisdiction cannot be saved: open311_id: "):
        run(write(tmp_path, doc))
    assert not Jurisdiction.objects.filter(slug="oak").exists()


def test_it_adds_changes_and_removes_notice_templates_by_their_short_name(world, tmp_path):
    from civicdesk.notices.models import NoticeTemplate

    NoticeTemplate.objects.create(jurisdiction=world.elm, slug="park-closure", name="Park closure",
                                  title_en="[park] is closed", body_en="Closed for the day.")
    NoticeTemplate.objects.create(jurisdiction=world.elm, slug="old-one", name="Old", title_en="Old", body_en="Old")
    doc = export_config(world.elm)
    assert [t["slug"] for t in doc["notice_templates"]] == ["old-one", "park-closure"]
    doc["notice_templates"] = [
        {"slug": "park-closure", "name": "Park closure", "kind": "disruption", "severity": "info",
         "title": {"en": "[park] is closed", "es": "[park] está cerrado", "ar": "[park] مغلقة"},
         "body": {"en": "Closed for the day.", "es": "Cerrado por hoy.", "ar": "مغلقة اليوم."}},
        {"slug": "road-closure", "name": "Road closure", "kind": "disruption", "severity": "minor",
         "title": {"en": "Road closed: [street]"}, "body": {"en": "Use [detour]."}}]
    out = run(write(tmp_path, doc), "--dry-run")
    assert "+ Notice template road-closure" in out and "- Notice template old-one" in out
    assert "~ Notice template park-closure" in out
    run(tmp_path / "config.json")
    templates = {t.slug: t for t in NoticeTemplate.objects.filter(jurisdiction=world.elm)}
    assert set(templates) == {"park-closure", "road-closure"}
    assert templates["park-closure"].title_ar == "[park] مغلقة" and templates["park-closure"].severity == "info"
    assert AuditEntry.objects.filter(action="cityconfig.added", data__section="notice_template").exists()
    # A file from before notice templates existed leaves them alone.
    del doc["notice_templates"]
    run(write(tmp_path, doc))
    assert NoticeTemplate.objects.filter(jurisdiction=world.elm).count() == 2


def test_it_refuses_a_notice_template_of_an_unknown_kind(world, tmp_path):
    doc = export_config(world.elm)
    doc["notice_templates"] = [{"slug": "x", "name": "X", "kind": "party", "title": {"en": "X"}, "body": {"en": "X"}}]
    with pytest.raises(CommandError, match="Notice template “x” cannot be saved"):
        run(write(tmp_path, doc))
