"""A jurisdiction's whole configuration as one versioned JSON document, keyed by slugs and codes, never ids.

The document (FORMAT, VERSION) holds the jurisdiction's settings and business hours, holidays, districts,
departments and teams, the catalogue (groups, service types with every setting, their questions and
choices), statuses and their transitions, routing rules, emergency phrases and word variants, response
templates and notice templates. `export_config()` writes it; `records()` flattens a document into
{(section, key): fields}, which is what the import diff compares (see services.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from civicdesk.catalog.models import RoutingRule, ServiceGroup, ServiceType, Status
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.notices.models import NoticeTemplate
from civicdesk.staff.models import ResponseTemplate
from civicdesk.triage.models import EmergencyPhrase, EmergencyWordVariant

FORMAT = "civicdesk-city-config"
VERSION = 1

JURISDICTION_FIELDS = ("open311_id", "time_zone", "languages", "business_hours", "phone", "email", "website",
                       "emergency_number", "is_active", "boundary")
SERVICE_TYPE_FIELDS = ("is_active", "is_private", "is_sensitive", "allow_anonymous", "allows_public_comments",
                       "requires_name", "requires_email", "requires_phone", "sla_hours", "default_priority",
                       "duplicate_radius_m", "order")
QUESTION_FIELDS = ("datatype", "required", "variable", "order")
PHRASE_FIELDS = ("language", "is_active", "action", "window", "except_near")

#: Sections in the order they are applied (a section refers only to sections before it).
SECTIONS = ("jurisdiction", "holiday", "district", "department", "team", "service_group", "status",
            "service_type", "question", "routing_rule", "emergency_phrase", "word_variant", "response_template",
            "notice_template")


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translations(obj, field: str) -> dict[str, str]:
    """{language: text} of a translated field (django-modeltranslation), empty languages left out."""
    return {lang: value for lang in languages() if (value := getattr(obj, f"{field}_{lang}", None))}


def english(names: dict[str, str]) -> str:
    return names.get(settings.MODELTRANSLATION_DEFAULT_LANGUAGE) or next(iter(names.values()), "")


def holiday_names(name) -> dict[str, str]:
    """{language: name} of a holiday entry: files written before holiday names were translated give one
    string, read as the English name."""
    return {settings.MODELTRANSLATION_DEFAULT_LANGUAGE: name} if isinstance(name, str) else name


def team_key(department_slug: str, name: str) -> str:
    return f"{department_slug} / {name}"


def question_key(service_code: str, code: str) -> str:
    return f"{service_code} / {code}"


def rule_keys(rules: list[dict]) -> list[str]:
    """Routing rules have no code of their own: each is known by its order and name (or its target when it has
    no name), numbered when two would read the same."""
    keys, seen = [], {}
    for rule in rules:
        label = rule["name"] or (rule["department"] + (f" / {rule['team']}" if rule.get("team") else "")
                                 + (f" @ {rule['district']}" if rule.get("district") else ""))
        key = f"{rule['order']} · {label}"
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key} ({seen[key]})")
    return keys


# --- export ---------------------------------------------------------------------------------------------

def _jurisdiction(j: Jurisdiction) -> dict:
    doc = {"slug": j.slug, "name": translations(j, "name"), "address": translations(j, "address")}
    doc.update({name: getattr(j, name) for name in JURISDICTION_FIELDS})
    return doc


def _service_type(t: ServiceType, jurisdiction: Jurisdiction | None) -> dict:
    offered = [j.slug for j in t.jurisdictions.all()]
    doc = {"code": t.code, "name": translations(t, "name"), "description": translations(t, "description"),
           "keywords": translations(t, "keywords"), "group": english(translations(t.group, "name")) if t.group else "",
           "offered": "everywhere" if not offered else "here"}
    doc.update({name: getattr(t, name) for name in SERVICE_TYPE_FIELDS})
    doc["questions"] = [
        {"code": a.code, "question": translations(a, "description"), "hint": translations(a, "datatype_description"),
         **{name: getattr(a, name) for name in QUESTION_FIELDS},
         "choices": [{"key": v.key, "label": translations(v, "name"), "order": v.order} for v in a.values.all()]}
        for a in t.attributes.all()]
    return doc


def _rule(rule: RoutingRule) -> dict:
    return {"name": rule.name, "order": rule.order, "is_active": rule.is_active,
            "service_types": sorted(t.code for t in rule.service_types.all()),
            "district": rule.district.slug if rule.district_id else "", "area": rule.area,
            "department": rule.department.slug, "team": rule.team.name if rule.team_id else ""}


def service_types_of(jurisdiction: Jurisdiction | None):
    # Without a jurisdiction, only the types offered everywhere: the others belong to their jurisdictions.
    queryset = (ServiceType.objects.filter(jurisdictions__isnull=True) if jurisdiction is None
                else ServiceType.objects.for_jurisdiction(jurisdiction))
    return (queryset.select_related("group").prefetch_related("jurisdictions", "attributes__values")
            .order_by("code"))


def routing_rules_of(jurisdiction: Jurisdiction) -> list[RoutingRule]:
    return list(RoutingRule.objects.filter(jurisdiction=jurisdiction).select_related("district", "department", "team")
                .prefetch_related("service_types").order_by("order", "id"))


def response_templates_of(jurisdiction: Jurisdiction | None):
    from django.db.models import Q

    scope = Q(jurisdiction__isnull=True) | (Q(jurisdiction=jurisdiction) if jurisdiction else Q(pk__in=[]))
    return ResponseTemplate.objects.filter(scope).select_related("status", "service_type").order_by("name", "id")


def export_config(jurisdiction: Jurisdiction | None) -> dict:
    """The configuration document of `jurisdiction`, sorted so two exports of the same setup are identical.

    With None, only what every jurisdiction shares (catalogue, statuses, phrases, templates offered
    everywhere): what an import compares against when the jurisdiction is new here.
    """
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if jurisdiction is not None:
        doc["jurisdiction"] = _jurisdiction(jurisdiction)
        doc["holidays"] = [{"date": h.date.isoformat(), "name": translations(h, "name")}
                           for h in jurisdiction.holidays.order_by("date")]
        doc["districts"] = [{"slug": d.slug, "name": translations(d, "name"), "boundary": d.boundary}
                            for d in jurisdiction.districts.order_by("slug")]
        doc["departments"] = [
            {"slug": d.slug, "name": translations(d, "name"), "email": d.email, "phone": d.phone,
             "teams": sorted(t.name for t in d.teams.all())}
            for d in jurisdiction.departments.prefetch_related("teams").order_by("slug")]
    doc["service_groups"] = [{"name": translations(g, "name"), "order": g.order}
                             for g in ServiceGroup.objects.order_by("order", "name_en", "id")]
    doc["statuses"] = [
        {"code": s.code, "name": translations(s, "name"), "kind": s.kind, "is_initial": s.is_initial,
         "order": s.order, "next": sorted(n.code for n in s.allowed_next.all())}
        for s in Status.objects.prefetch_related("allowed_next").order_by("order", "code")]
    doc["service_types"] = [_service_type(t, jurisdiction) for t in service_types_of(jurisdiction)]
    doc["routing_rules"] = [_rule(r) for r in routing_rules_of(jurisdiction)] if jurisdiction else []
    doc["emergency_phrases"] = [{"phrase": p.phrase, **{name: getattr(p, name) for name in PHRASE_FIELDS}}
                                for p in EmergencyPhrase.objects.order_by("phrase")]
    doc["emergency_word_variants"] = [{"word": v.word, "variants": v.variants, "language": v.language}
                                      for v in EmergencyWordVariant.objects.order_by("word")]
    doc["response_templates"] = [
        {"name": r.name, "everywhere": r.jurisdiction_id is None, "status": r.status.code if r.status_id else "",
         "service_type": r.service_type.code if r.service_type_id else "", "text": r.text, "is_active": r.is_active}
        for r in response_templates_of(jurisdiction)]
    if jurisdiction is not None:
        doc["notice_templates"] = [
            {"slug": t.slug, "name": t.name, "kind": t.kind, "severity": t.severity,
             "title": translations(t, "title"), "body": translations(t, "body")}
            for t in NoticeTemplate.objects.filter(jurisdiction=jurisdiction).order_by("slug")]
    return doc


# --- flattening for the diff -----------------------------------------------------------------------------

def records(doc: dict) -> dict[tuple[str, str], dict]:
    """{(section, key): fields}: the document flattened so that two documents compare record by record.

    Assumes a document that passed validate(); nested lists (teams, questions) become records of their own.
    """
    out: dict[tuple[str, str], dict] = {}
    if doc.get("jurisdiction"):
        j = dict(doc["jurisdiction"])
        out[("jurisdiction", j.pop("slug"))] = j
    for h in doc.get("holidays", []):
        out[("holiday", h["date"])] = {"name": holiday_names(h["name"])}
    for d in doc.get("districts", []):
        out[("district", d["slug"])] = {k: v for k, v in d.items() if k != "slug"}
    for d in doc.get("departments", []):
        out[("department", d["slug"])] = {k: v for k, v in d.items() if k not in ("slug", "teams")}
        for team in d.get("teams", []):
            out[("team", team_key(d["slug"], team))] = {}
    for g in doc.get("service_groups", []):
        out[("service_group", english(g["name"]))] = dict(g)
    for s in doc.get("statuses", []):
        out[("status", s["code"])] = {k: v for k, v in s.items() if k != "code"}
    for t in doc.get("service_types", []):
        out[("service_type", t["code"])] = {k: v for k, v in t.items() if k not in ("code", "questions")}
        for q in t.get("questions", []):
            out[("question", question_key(t["code"], q["code"]))] = {k: v for k, v in q.items() if k != "code"}
    for key, rule in zip(rule_keys(doc.get("routing_rules", [])), doc.get("routing_rules", [])):
        out[("routing_rule", key)] = dict(rule)
    for p in doc.get("emergency_phrases", []):
        out[("emergency_phrase", p["phrase"])] = {k: v for k, v in p.items() if k != "phrase"}
    for v in doc.get("emergency_word_variants", []):
        out[("word_variant", v["word"])] = {k: val for k, val in v.items() if k != "word"}
    for r in doc.get("response_templates", []):
        out[("response_template", r["name"])] = {k: v for k, v in r.items() if k != "name"}
    for t in doc.get("notice_templates", []):
        out[("notice_template", t["slug"])] = {k: v for k, v in t.items() if k != "slug"}
    return out


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
