"""Reading a configuration file: check it, show what it would change, apply it in one transaction, audited."""

from __future__ import annotations

import json
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalog.models import (
    AttributeValue,
    RoutingRule,
    ServiceAttribute,
    ServiceGroup,
    ServiceType,
    Status,
)
from civicdesk.jurisdictions.models import Department, District, Holiday, Jurisdiction, Team
from civicdesk.notices.models import NoticeTemplate
from civicdesk.staff.models import ResponseTemplate
from civicdesk.triage.models import EmergencyPhrase, EmergencyWordVariant

from . import configfile as cf

#: Sections whose records missing from the file are removed here; the others are left as they are.
REMOVABLE = {"holiday", "team", "question", "routing_rule", "response_template", "service_type", "notice_template"}
SECTION_NAMES = {
    "jurisdiction": gettext_lazy("Jurisdiction"), "holiday": gettext_lazy("Holiday"),
    "district": gettext_lazy("District"), "department": gettext_lazy("Department"), "team": gettext_lazy("Team"),
    "service_group": gettext_lazy("Service group"), "status": gettext_lazy("Status"),
    "service_type": gettext_lazy("Service type"), "question": gettext_lazy("Question"),
    "routing_rule": gettext_lazy("Routing rule"), "emergency_phrase": gettext_lazy("Emergency phrase"),
    "word_variant": gettext_lazy("Emergency word variant"), "response_template": gettext_lazy("Response template"),
    "notice_template": gettext_lazy("Notice template"),
}


class ConfigError(Exception):
    """The file cannot be imported; `problems` are sentences in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Change:
    section: str
    key: str
    action: str  # "added", "changed", "removed" or "kept" (not in the file, left as it is)
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def section_name(self) -> str:
        return str(SECTION_NAMES[self.section])

    def shown(self) -> list[tuple[str, str, str]]:
        """(field, old, new) as short text for the diff page and the command's output."""
        return [(name, short(old), short(new)) for name, old, new in self.fields]


@dataclass
class Plan:
    jurisdiction_slug: str
    changes: list[Change]

    def counted(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    @property
    def has_changes(self) -> bool:
        return any(c.action != "kept" for c in self.changes)


def short(value: Any, limit: int = 160) -> str:
    """A value as compact text; long values (boundaries) cut with their size said."""
    if value is None or value == "":
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > limit:
        return text[:limit] + " " + _("… (%(n)d characters)") % {"n": len(text)}
    return text


# --- reading and checking --------------------------------------------------------------------------------

def parse(data: bytes | str) -> dict:
    """The document in `data`; raises ConfigError in plain words when it is not a configuration file at all."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ConfigError([_("The file is not a CivicDesk configuration file: it is not valid JSON.")]) from None
    if not isinstance(doc, dict) or doc.get("format") != cf.FORMAT:
        raise ConfigError([_("The file is not a CivicDesk configuration file (it should say "
                             "\"format\": \"%(format)s\").") % {"format": cf.FORMAT}])
    version = doc.get("version")
    if version != cf.VERSION:
        raise ConfigError([_("The file is in version %(version)s of the configuration format, and this CivicDesk "
                             "reads version %(known)s only. Export it again from a CivicDesk of the same "
                             "release.") % {"version": version, "known": cf.VERSION}])
    return doc


_REQUIRED = {
    "holidays": ("date", "name"), "districts": ("slug", "name", "boundary"), "departments": ("slug", "name"),
    "service_groups": ("name",), "statuses": ("code", "name", "kind"), "service_types": ("code", "name"),
    "routing_rules": ("department", "order"), "emergency_phrases": ("phrase",),
    "emergency_word_variants": ("word", "variants"), "response_templates": ("name", "text"),
    "notice_templates": ("slug", "name", "title", "body"),
}


def validate(doc: dict) -> list[str]:
    """Problems that stop the import, in plain words (empty when the file can be applied)."""
    problems: list[str] = []
    j = doc.get("jurisdiction")
    if not isinstance(j, dict) or not j.get("slug") or not isinstance(j.get("name"), dict):
        return [_("The file does not say which jurisdiction it configures (a \"jurisdiction\" with a "
                  "\"slug\" and a \"name\").")]
    try:
        zoneinfo.ZoneInfo(str(j.get("time_zone") or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(_("The time zone “%(tz)s” of the jurisdiction is not a known time zone (write it like "
                          "America/Chicago).") % {"tz": j.get("time_zone")})
    for section, needed in _REQUIRED.items():
        entries = doc.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(_("The \"%(section)s\" part of the file must be a list of entries.") % {"section": section})
            continue
        for number, entry in enumerate(entries, start=1):
            missing = [name for name in needed if name not in entry]
            if missing:
                problems.append(_("Entry %(n)d of \"%(section)s\" lacks %(fields)s.")
                                % {"n": number, "section": section, "fields": ", ".join(missing)})
    for h in doc.get("holidays", []):
        name = h["name"]
        if not (isinstance(name, str) or (isinstance(name, dict) and all(isinstance(v, str) for v in name.values()))):
            problems.append(_("The holiday of %(date)s needs a name: one text, or a text per language "
                              "({\"en\": …, \"es\": …}).") % {"date": str(h["date"])[:20]})
    if problems:
        return problems
    for section, key in (("districts", "slug"), ("departments", "slug"), ("statuses", "code"),
                         ("service_types", "code"), ("emergency_phrases", "phrase"), ("response_templates", "name"),
                         ("notice_templates", "slug")):
        values = [e[key] for e in doc.get(section, [])]
        for dup in sorted({v for v in values if values.count(v) > 1}):
            problems.append(_("“%(value)s” appears twice in \"%(section)s\".") % {"value": dup, "section": section})
    groups = {cf.english(g["name"]) for g in doc.get("service_groups", [])}
    groups |= {name for name in ServiceGroup.objects.values_list("name_en", flat=True) if name}
    statuses = {s["code"] for s in doc.get("statuses", [])} or set(Status.objects.values_list("code", flat=True))
    types = {t["code"] for t in doc.get("service_types", [])}
    departments = {d["slug"]: set(d.get("teams", [])) for d in doc.get("departments", [])}
    districts = {d["slug"] for d in doc.get("districts", [])}
    initial = [s["code"] for s in doc.get("statuses", []) if s.get("is_initial")]
    if doc.get("statuses") and len(initial) != 1:
        problems.append(_("Exactly one status must be the initial status; the file has %(n)d.") % {"n": len(initial)})
    for s in doc.get("statuses", []):
        for code in s.get("next", []):
            if code not in statuses:
                problems.append(_("Status “%(status)s” may move on to “%(next)s”, which is not a status in the file.")
                                % {"status": s["code"], "next": code})
    for t in doc.get("service_types", []):
        if t.get("group") and t["group"] not in groups:
            problems.append(_("Service type “%(type)s” is in the group “%(group)s”, which is not in the file.")
                            % {"type": t["code"], "group": t["group"]})
        codes = [q.get("code") for q in t.get("questions", [])]
        if None in codes or len(set(codes)) != len(codes):
            problems.append(_("The questions of service type “%(type)s” need a code each, all different.")
                            % {"type": t["code"]})
    for number, rule in enumerate(doc.get("routing_rules", []), start=1):
        where = _("Routing rule %(n)d (%(name)s)") % {"n": number, "name": rule.get("name") or "—"}
        if rule["department"] not in departments:
            problems.append(_("%(where)s sends requests to the department “%(dept)s”, which is not in the file.")
                            % {"where": where, "dept": rule["department"]})
        elif rule.get("team") and rule["team"] not in departments[rule["department"]]:
            problems.append(_("%(where)s names the team “%(team)s”, which is not a team of “%(dept)s”.")
                            % {"where": where, "team": rule["team"], "dept": rule["department"]})
        if rule.get("district") and rule["district"] not in districts:
            problems.append(_("%(where)s names the district “%(district)s”, which is not in the file.")
                            % {"where": where, "district": rule["district"]})
        for code in rule.get("service_types", []):
            if code not in types:
                problems.append(_("%(where)s names the service type “%(type)s”, which is not in the file.")
                                % {"where": where, "type": code})
    for r in doc.get("response_templates", []):
        if r.get("status") and r["status"] not in statuses:
            problems.append(_("Response template “%(name)s” names the status “%(status)s”, which is not in the file.")
                            % {"name": r["name"], "status": r["status"]})
        if r.get("service_type") and r["service_type"] not in types:
            problems.append(_("Response template “%(name)s” names the service type “%(type)s”, which is not in the "
                              "file.") % {"name": r["name"], "type": r["service_type"]})
    return problems


# --- the diff --------------------------------------------------------------------------------------------

def current_document(slug: str) -> dict:
    """What this database holds now for the jurisdiction `slug` (only the shared parts when it is new here)."""
    return cf.export_config(Jurisdiction.objects.filter(slug=slug).first())


def diff(new: dict, old: dict) -> list[Change]:
    """Record-by-record differences from `old` to `new`, in the order the sections are applied."""
    before, after = cf.records(old), cf.records(new)
    changes = []
    for section in cf.SECTIONS:
        for (sec, key), fields in after.items():
            if sec != section:
                continue
            if (sec, key) not in before:
                changes.append(Change(sec, key, "added", [(name, None, value) for name, value in fields.items()]))
            else:
                was = before[(sec, key)]
                changed = [(name, was.get(name), value) for name, value in fields.items() if was.get(name) != value]
                if changed:
                    changes.append(Change(sec, key, "changed", changed))
        for (sec, key), fields in before.items():
            if sec == section and (sec, key) not in after:
                removable = sec in REMOVABLE and not (sec == "service_type" and fields.get("offered") == "everywhere")
                if sec == "response_template" and fields.get("everywhere"):
                    removable = False
                # Files exported before notice templates existed say nothing about them: keep what is here.
                if sec == "notice_template" and "notice_templates" not in new:
                    removable = False
                changes.append(Change(sec, key, "removed" if removable else "kept"))
    return changes


def plan_import(doc: dict) -> Plan:
    """Check the document and list what importing it would change; raises ConfigError with every problem.

    The import is tried inside a transaction that is then rolled back, so a value this database would refuse
    (a bad time zone, a code with spaces) is reported now rather than on apply.
    """
    problems = validate(doc)
    if problems:
        raise ConfigError(problems)
    slug = doc["jurisdiction"]["slug"]
    plan = Plan(slug, diff(doc, current_document(slug)))
    with transaction.atomic():
        _apply(doc, plan, user=None)
        transaction.set_rollback(True)
    return plan


def apply_import(doc: dict, *, user=None) -> Plan:
    """Apply the document in one transaction, one audit entry per change; raises ConfigError (nothing saved)."""
    problems = validate(doc)
    if problems:
        raise ConfigError(problems)
    slug = doc["jurisdiction"]["slug"]
    with transaction.atomic():
        plan = Plan(slug, diff(doc, current_document(slug)))
        jurisdiction = _apply(doc, plan, user=user)
        for change in plan.changes:
            if change.action != "kept":
                jurisdiction.log_action(f"cityconfig.{change.action}", user=user, data={
                    "section": change.section, "key": change.key,
                    "fields": {name: [short(old, 300), short(new, 300)] for name, old, new in change.fields}})
        jurisdiction.log_action("cityconfig.imported", user=user, data={
            action: len(plan.counted(action)) for action in ("added", "changed", "removed")})
    from civicdesk.jurisdictions.services import clear_caches

    clear_caches()
    return plan


# --- applying ---------------------------------------------------------------------------------------------

def _translated(obj, field_name: str, names: dict) -> None:
    for lang in cf.languages():
        value = (names or {}).get(lang)
        setattr(obj, f"{field_name}_{lang}", value if value else ("" if lang == cf.languages()[0] else None))


def _save(obj, where: str) -> None:
    try:
        obj.full_clean(validate_unique=True, validate_constraints=False)
    except ValidationError as exc:
        details = "; ".join(f"{name}: {' '.join(str(m) for m in messages)}"
                            for name, messages in exc.message_dict.items())
        raise ConfigError([_("%(where)s cannot be saved: %(details)s") % {"where": where, "details": details}]) from None
    obj.save()


def _apply(doc: dict, plan: Plan, *, user) -> Jurisdiction:
    removed = {(c.section, c.key) for c in plan.changes if c.action == "removed"}
    spec = doc["jurisdiction"]
    j = Jurisdiction.objects.filter(slug=spec["slug"]).first() or Jurisdiction(slug=spec["slug"])
    _translated(j, "name", spec["name"])
    _translated(j, "address", spec.get("address", {}))
    for name in cf.JURISDICTION_FIELDS:
        if name in spec:
            setattr(j, name, spec[name])
    _save(j, _("The jurisdiction"))

    holidays = {h.date.isoformat(): h for h in j.holidays.all()}
    for h in doc.get("holidays", []):
        holiday = holidays.get(h["date"]) or Holiday(jurisdiction=j, date=_date(h["date"]))
        _translated(holiday, "name", cf.holiday_names(h["name"]))
        _save(holiday, _("The holiday of %(date)s") % {"date": h["date"]})
    Holiday.objects.filter(jurisdiction=j, date__in=[_date(k) for s, k in removed if s == "holiday"]).delete()

    districts = {d.slug: d for d in j.districts.all()}
    for d in doc.get("districts", []):
        district = districts.get(d["slug"]) or District(jurisdiction=j, slug=d["slug"])
        _translated(district, "name", d["name"])
        district.boundary = d["boundary"]
        _save(district, _("District “%(key)s”") % {"key": d["slug"]})
        districts[d["slug"]] = district

    departments = {d.slug: d for d in j.departments.all()}
    teams = {cf.team_key(t.department.slug, t.name): t for t in Team.objects.filter(department__jurisdiction=j)
             .select_related("department")}
    for d in doc.get("departments", []):
        department = departments.get(d["slug"]) or Department(jurisdiction=j, slug=d["slug"])
        _translated(department, "name", d["name"])
        department.email, department.phone = d.get("email", ""), d.get("phone", "")
        _save(department, _("Department “%(key)s”") % {"key": d["slug"]})
        departments[d["slug"]] = department
        for name in d.get("teams", []):
            key = cf.team_key(d["slug"], name)
            if key not in teams:
                teams[key] = Team.objects.create(department=department, name=name)
    for section, key in removed:
        if section == "team":
            teams.pop(key).delete()

    groups = {g.name_en: g for g in ServiceGroup.objects.all()}
    for g in doc.get("service_groups", []):
        key = cf.english(g["name"])
        group = groups.get(key) or ServiceGroup()
        _translated(group, "name", g["name"])
        group.order = g.get("order", 0)
        _save(group, _("Service group “%(key)s”") % {"key": key})
        groups[key] = group

    statuses = {s.code: s for s in Status.objects.all()}
    for s in doc.get("statuses", []):
        status = statuses.get(s["code"]) or Status(code=s["code"])
        _translated(status, "name", s["name"])
        status.kind, status.is_initial, status.order = s["kind"], bool(s.get("is_initial")), s.get("order", 0)
        _save(status, _("Status “%(key)s”") % {"key": s["code"]})
        statuses[s["code"]] = status
    for s in doc.get("statuses", []):
        statuses[s["code"]].allowed_next.set([statuses[code] for code in s.get("next", [])])

    types = {t.code: t for t in ServiceType.objects.prefetch_related("jurisdictions")}
    for t in doc.get("service_types", []):
        _apply_service_type(t, types, groups, j)
    for section, key in removed:
        if section == "service_type":
            service_type = types[key]
            if set(service_type.jurisdictions.values_list("pk", flat=True)) == {j.pk}:
                service_type.is_active = False  # its requests keep it; it is no longer offered
                service_type.save(update_fields=["is_active"])
            else:
                service_type.jurisdictions.remove(j)
        elif section == "question":
            code, attribute = key.split(" / ", 1)
            ServiceAttribute.objects.filter(service_type__code=code, code=attribute).delete()

    rules = dict(zip(cf.rule_keys([cf._rule(r) for r in cf.routing_rules_of(j)]), cf.routing_rules_of(j)))
    for key, r in zip(cf.rule_keys(doc.get("routing_rules", [])), doc.get("routing_rules", [])):
        rule = rules.get(key) or RoutingRule(jurisdiction=j)
        department = departments[r["department"]]
        rule.name, rule.order, rule.is_active = r.get("name", ""), r["order"], r.get("is_active", True)
        rule.department, rule.area = department, r.get("area")
        rule.district = districts[r["district"]] if r.get("district") else None
        rule.team = teams[cf.team_key(department.slug, r["team"])] if r.get("team") else None
        _save(rule, _("Routing rule “%(key)s”") % {"key": key})
        rule.service_types.set([types[code] for code in r.get("service_types", [])])
    for section, key in removed:
        if section == "routing_rule":
            rules[key].delete()

    for p in doc.get("emergency_phrases", []):
        phrase = EmergencyPhrase.objects.filter(phrase=p["phrase"]).first() or EmergencyPhrase(phrase=p["phrase"])
        for name in cf.PHRASE_FIELDS:
            if name in p:
                setattr(phrase, name, p[name])
        _save(phrase, _("Emergency phrase “%(key)s”") % {"key": p["phrase"]})
    for v in doc.get("emergency_word_variants", []):
        EmergencyWordVariant.objects.update_or_create(word=v["word"], defaults={
            "variants": v["variants"], "language": v.get("language", "")})

    templates = {t.name: t for t in cf.response_templates_of(j)}
    for r in doc.get("response_templates", []):
        template = templates.get(r["name"]) or ResponseTemplate(name=r["name"])
        template.jurisdiction = None if r.get("everywhere") else j
        template.status = statuses[r["status"]] if r.get("status") else None
        template.service_type = types[r["service_type"]] if r.get("service_type") else None
        template.text, template.is_active = r["text"], r.get("is_active", True)
        _save(template, _("Response template “%(key)s”") % {"key": r["name"]})
    for section, key in removed:
        if section == "response_template":
            templates[key].delete()

    notice_templates = {t.slug: t for t in NoticeTemplate.objects.filter(jurisdiction=j)}
    for t in doc.get("notice_templates", []):
        template = notice_templates.get(t["slug"]) or NoticeTemplate(jurisdiction=j, slug=t["slug"])
        template.name = t["name"]
        template.kind = t.get("kind", template.kind)
        template.severity = t.get("severity", template.severity)
        _translated(template, "title", t["title"])
        _translated(template, "body", t["body"])
        _save(template, _("Notice template “%(key)s”") % {"key": t["slug"]})
    for section, key in removed:
        if section == "notice_template":
            notice_templates[key].delete()
    return j


def _apply_service_type(t: dict, types: dict, groups: dict, j: Jurisdiction) -> None:
    service_type = types.get(t["code"]) or ServiceType(code=t["code"])
    is_new = service_type.pk is None
    _translated(service_type, "name", t["name"])
    _translated(service_type, "description", t.get("description", {}))
    _translated(service_type, "keywords", t.get("keywords", {}))
    service_type.group = groups[t["group"]] if t.get("group") else None
    for name in cf.SERVICE_TYPE_FIELDS:
        if name in t:
            setattr(service_type, name, t[name])
    _save(service_type, _("Service type “%(key)s”") % {"key": t["code"]})
    types[t["code"]] = service_type
    if t.get("offered") == "everywhere":
        service_type.jurisdictions.clear()
    elif is_new or service_type.jurisdictions.exists():
        service_type.jurisdictions.add(j)
    else:
        service_type.jurisdictions.set([j])
    attributes = {a.code: a for a in service_type.attributes.all()}
    for q in t.get("questions", []):
        attribute = attributes.get(q["code"]) or ServiceAttribute(service_type=service_type, code=q["code"])
        _translated(attribute, "description", q.get("question", {}))
        _translated(attribute, "datatype_description", q.get("hint", {}))
        for name in cf.QUESTION_FIELDS:
            if name in q:
                setattr(attribute, name, q[name])
        _save(attribute, _("Question “%(key)s”") % {"key": cf.question_key(t["code"], q["code"])})
        values = {v.key: v for v in attribute.values.all()}
        for c in q.get("choices", []):
            value = values.pop(c["key"], None) or AttributeValue(attribute=attribute, key=c["key"])
            _translated(value, "name", c.get("label", {}))
            value.order = c.get("order", 0)
            _save(value, _("Choice “%(key)s” of “%(q)s”") % {"key": c["key"], "q": q["code"]})
        for stale in values.values():
            stale.delete()


def _date(text: str):
    try:
        return cf.parse_date(text)
    except ValueError:
        raise ConfigError([_("“%(text)s” is not a date (write it as 2026-07-04).") % {"text": text}]) from None
