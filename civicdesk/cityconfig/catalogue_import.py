"""Moving a catalogue in from another system: read it (Open311 server or CSV), propose a mapping, apply the mapping
once staff have reviewed it, and bring the request history across through import_311 with the same mapping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicdesk.catalog.models import (
    AttributeValue,
    RoutingRule,
    ServiceAttribute,
    ServiceGroup,
    ServiceType,
)
from civicdesk.jurisdictions.models import Department, Jurisdiction

from .models import CatalogueSource, ServiceMapping

TIMEOUT = 20  # seconds per HTTP call to the old server
PAGE_SIZE = 1000  # the Open311 cap on one GET requests answer
WINDOW = dt.timedelta(days=89)  # a day under the widest date range CivicDesk (and most Open311 servers) answer
DATATYPES = {choice for choice, _label in ServiceAttribute.Datatype.choices}
#: The columns of a catalogue CSV file (docs/migrating.md); one row per question, or one per type without any.
CSV_COLUMNS = ["service_code", "service_name", "description", "group", "department", "keywords", "sla_hours",
               "question_code", "question", "datatype", "required", "choices"]


class SourceError(Exception):
    """The old system cannot be read (unreachable, an error answer, not Open311 JSON): a sentence in plain words."""


@dataclass
class IncomingService:
    code: str
    name: str
    group: str = ""
    description: str = ""
    attributes: list[dict] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    department: str = ""


# --- reading an Open311 server -------------------------------------------------------------------------------

def _get_json(url: str, *, timeout: float = TIMEOUT):
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "CivicDesk-migration"})
    shown = re.sub(r"api_key=[^&]*", "api_key=…", url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(50 * 1024 * 1024)
    except urllib.error.HTTPError as error:
        said = _error_description(error)
        raise SourceError(_("The old server answered %(url)s with HTTP error %(code)s%(said)s. Check the address, "
                            "the API key and the jurisdiction_id.")
                          % {"url": shown, "code": error.code, "said": f" (“{said}”)" if said else ""}) from None
    except TimeoutError:
        raise SourceError(_("The old server did not answer %(url)s within %(seconds)d seconds.")
                          % {"url": shown, "seconds": timeout}) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise SourceError(_("Cannot reach the old server at %(url)s: %(reason)s.")
                          % {"url": shown, "reason": reason}) from None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SourceError(_("The old server's answer to %(url)s is not valid JSON, so it is not an Open311 JSON "
                            "endpoint (is the address right? it should end in /open311/v2/ or similar).")
                          % {"url": shown}) from None


def _error_description(error: urllib.error.HTTPError) -> str:
    """The `description` of an Open311 error answer ([{"code": 400, "description": "..."}]), "" otherwise."""
    try:
        body = json.loads(error.read(20_000))
        return str(body[0]["description"])[:200] if isinstance(body, list) else str(body["description"])[:200]
    except (ValueError, KeyError, IndexError, TypeError, OSError):
        return ""


def _url(endpoint: str, resource: str, **params: str) -> str:
    base = endpoint if endpoint.endswith("/") else endpoint + "/"
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v})
    return urllib.parse.urljoin(base, resource) + (f"?{query}" if query else "")


def fetch_open311_catalogue(endpoint: str, *, api_key: str = "", jurisdiction_id: str = "",
                            timeout: float = TIMEOUT) -> list[IncomingService]:
    """services.json and, for each service with metadata, services/<code>.json; raises SourceError."""
    listing = _get_json(_url(endpoint, "services.json", jurisdiction_id=jurisdiction_id, api_key=api_key),
                        timeout=timeout)
    if not isinstance(listing, list) or not all(isinstance(s, dict) and s.get("service_code") for s in listing):
        raise SourceError(_("The old server's services.json is not a list of services with a service_code each."))
    found = []
    for entry in listing:
        code = str(entry["service_code"]).strip()
        service = IncomingService(code=code, name=str(entry.get("service_name") or code).strip(),
                                  group=str(entry.get("group") or "").strip(),
                                  description=str(entry.get("description") or "").strip(),
                                  settings={"keywords": str(entry.get("keywords") or "")})
        if entry.get("metadata") in (True, "true", "True"):
            definition = _get_json(_url(endpoint, f"services/{urllib.parse.quote(code, safe='')}.json",
                                        jurisdiction_id=jurisdiction_id, api_key=api_key), timeout=timeout)
            if not isinstance(definition, dict) or not isinstance(definition.get("attributes", []), list):
                raise SourceError(_("The definition of the service “%(code)s” is not an Open311 service "
                                    "definition (an object with a list of attributes).") % {"code": code})
            service.attributes = [_attribute(a) for a in definition.get("attributes", []) if isinstance(a, dict)]
        found.append(service)
    return found


def _attribute(raw: dict) -> dict:
    datatype = str(raw.get("datatype") or "string")
    return {"code": slugify(str(raw.get("code") or ""))[:64] or "question",
            "description": str(raw.get("description") or raw.get("code") or "")[:255],
            "datatype": datatype if datatype in DATATYPES else "string",
            "datatype_description": str(raw.get("datatype_description") or "")[:255],
            "required": raw.get("required") in (True, "true", "True"),
            "variable": raw.get("variable") not in (False, "false", "False"),
            "order": int(raw["order"]) if str(raw.get("order", "")).isdigit() else 0,
            "values": [{"key": str(v.get("key"))[:64], "name": str(v.get("name") or v.get("key"))[:120]}
                       for v in raw.get("values") or [] if isinstance(v, dict) and v.get("key") not in (None, "")]}


# --- reading a CSV file --------------------------------------------------------------------------------------

def csv_template() -> str:
    """The catalogue CSV template: the header and two example rows (one type with a question, one without)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["pothole", "Pothole", "A hole in the road surface", "Streets", "public-works",
                     "hole, road damage", "72", "depth", "How deep is it?", "singlevaluelist", "yes",
                     "shallow=Less than 5 cm|deep=5 cm or more"])
    writer.writerow(["graffiti", "Graffiti", "Paint or marker on public property", "Streets", "public-works", "",
                     "", "", "", "", "", ""])
    return out.getvalue()


def read_catalogue_csv(data: bytes) -> list[IncomingService]:
    """Service types and their questions from a catalogue CSV (CSV_COLUMNS); raises SourceError naming the row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(_("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("service_code", "service_name") if c not in header]
    if missing:
        raise SourceError(_("The CSV file lacks the columns %(columns)s (the template lists every column).")
                          % {"columns": ", ".join(missing)})
    services: dict[str, IncomingService] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        code = row.get("service_code", "")
        if not code:
            raise SourceError(_("Row %(n)d has no service_code.") % {"n": number})
        service = services.get(code)
        if service is None:
            sla = row.get("sla_hours", "")
            if sla and not sla.isdigit():
                raise SourceError(_("Row %(n)d: sla_hours must be a whole number of hours, not “%(v)s”.")
                                  % {"n": number, "v": sla})
            service = services[code] = IncomingService(
                code=code, name=row.get("service_name") or code, group=row.get("group", ""),
                description=row.get("description", ""), department=row.get("department", ""),
                settings={"keywords": row.get("keywords", ""), "sla_hours": int(sla) if sla else None})
        if row.get("question_code"):
            datatype = row.get("datatype") or "string"
            if datatype not in DATATYPES:
                raise SourceError(_("Row %(n)d: the datatype “%(v)s” is not one of %(known)s.")
                                  % {"n": number, "v": datatype, "known": ", ".join(sorted(DATATYPES))})
            values = []
            for choice in filter(None, (c.strip() for c in row.get("choices", "").split("|"))):
                key, _sep, label = choice.partition("=")
                values.append({"key": key.strip()[:64], "name": (label or key).strip()[:120]})
            if datatype in ("singlevaluelist", "multivaluelist") and not values:
                raise SourceError(_("Row %(n)d: a “%(v)s” question needs choices, written key=Label|key=Label.")
                                  % {"n": number, "v": datatype})
            service.attributes.append({
                "code": slugify(row["question_code"])[:64] or "question", "description": row.get("question", "")[:255],
                "datatype": datatype, "datatype_description": "", "variable": True,
                "required": row.get("required", "").lower() in ("yes", "true", "1", "y"),
                "order": len(service.attributes) + 1, "values": values})
    if not services:
        raise SourceError(_("The CSV file has no rows below its header."))
    return list(services.values())


# --- the mapping ---------------------------------------------------------------------------------------------

def _routed_department(service_type: ServiceType, jurisdiction: Jurisdiction) -> Department | None:
    rule = (RoutingRule.objects.filter(jurisdiction=jurisdiction, service_types=service_type, is_active=True)
            .select_related("department").order_by("order", "id").first())
    return rule.department if rule else None


@transaction.atomic
def propose_mapping(*, jurisdiction: Jurisdiction, name: str, kind: str, incoming: list[IncomingService],
                    endpoint: str = "", api_key: str = "", remote_jurisdiction: str = "", user=None
                    ) -> CatalogueSource:
    """Save the incoming catalogue as a mapping for staff to review: each incoming service goes to the service type
    here with the same code or name (and the department routing sends it to), or else to a new type. Nothing in
    the catalogue changes until apply_mapping(). Reading the same source again keeps the decisions already made."""
    source, _created = CatalogueSource.objects.update_or_create(
        jurisdiction=jurisdiction, name=name,
        defaults={"kind": kind, "endpoint": endpoint, "api_key": api_key, "remote_jurisdiction": remote_jurisdiction})
    by_code = {t.code.lower(): t for t in ServiceType.objects.all()}
    by_name = {t.name.strip().lower(): t for t in ServiceType.objects.all()}
    departments = {}
    for department in jurisdiction.departments.all():
        # Old systems export the department's name ("Parks & Forestry"), CivicDesk files its short name.
        departments[department.slug] = department
        departments.setdefault(department.name.strip().lower(), department)
    kept = {m.incoming_code: m for m in source.mappings.all()}
    for service in incoming:
        mapping = kept.pop(service.code, None) or ServiceMapping(source=source, incoming_code=service.code)
        mapping.incoming_name, mapping.incoming_group = service.name[:255], service.group[:255]
        mapping.incoming_description, mapping.attributes = service.description, service.attributes
        mapping.settings = service.settings
        if mapping.pk is None:
            match = by_code.get(service.code.lower()) or by_name.get(service.name.strip().lower())
            if match is not None:
                mapping.action, mapping.service_type = ServiceMapping.Action.EXISTING, match
                mapping.department = _routed_department(match, jurisdiction)
            else:
                mapping.action = ServiceMapping.Action.NEW
                mapping.new_code = _free_code(service.code, service.name, by_code)
                by_code[mapping.new_code.lower()] = None
            department = departments.get(service.department) or departments.get(service.department.strip().lower())
            if department is not None:
                mapping.department = department
        mapping.save()
    for stale in kept.values():
        stale.delete()
    source.log_action("cityconfig.catalogue_read", user=user, data={"kind": kind, "services": len(incoming)})
    return source


def _free_code(code: str, name: str, taken: dict) -> str:
    base = (slugify(code) if re.fullmatch(r"[A-Za-z0-9_ -]+", code) else slugify(name))[:56] or "imported"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def apply_mapping(source: CatalogueSource, *, user=None) -> dict[str, int]:
    """Create the new service types (with their questions, in their groups, offered in the jurisdiction) and a
    routing rule for every mapped type that no rule yet sends to its chosen department. One transaction, each
    creation audited. Raises SourceError when a row still lacks a decision."""
    if source.unmapped().exists():
        names = ", ".join(source.unmapped().values_list("incoming_name", flat=True)[:5])
        raise SourceError(_("Choose a department for every new service type and a service type for every mapped "
                            "one first (still open: %(names)s).") % {"names": names})
    jurisdiction = source.jurisdiction
    created = rules = 0
    for mapping in source.mappings.select_related("service_type", "department"):
        if mapping.action == ServiceMapping.Action.SKIP:
            continue
        if mapping.action == ServiceMapping.Action.NEW and mapping.service_type_id is None:
            mapping.service_type = _create_type(mapping, jurisdiction, user=user)
            mapping.save(update_fields=["service_type"])
            created += 1
        if mapping.department_id and not RoutingRule.objects.filter(
                jurisdiction=jurisdiction, department=mapping.department, service_types=mapping.service_type,
                district__isnull=True, area__isnull=True).exists():
            rule = RoutingRule.objects.create(
                jurisdiction=jurisdiction, department=mapping.department, order=100,
                name=_("%(type)s (from %(source)s)") % {"type": mapping.service_type.name, "source": source.name})
            rule.service_types.add(mapping.service_type)
            rule.log_action("catalog.routingrule_created_by_import", user=user, data={"source": source.name})
            rules += 1
    source.applied_at = timezone.now()
    source.save(update_fields=["applied_at"])
    source.log_action("cityconfig.mapping_applied", user=user, data={"types_created": created, "rules_created": rules})
    return {"types_created": created, "rules_created": rules}


def _create_type(mapping: ServiceMapping, jurisdiction: Jurisdiction, *, user) -> ServiceType:
    group = None
    if mapping.incoming_group:
        group = ServiceGroup.objects.filter(name_en=mapping.incoming_group).first() or \
            ServiceGroup.objects.create(name_en=mapping.incoming_group, order=500)
    settings = mapping.settings or {}
    service_type = ServiceType(code=mapping.new_code, name_en=mapping.incoming_name[:120], group=group,
                               description_en=mapping.incoming_description, keywords_en=settings.get("keywords", ""),
                               sla_hours=settings.get("sla_hours"))
    service_type.full_clean(validate_unique=True)
    service_type.save()
    service_type.jurisdictions.add(jurisdiction)
    for spec in mapping.attributes:
        attribute = ServiceAttribute.objects.create(
            service_type=service_type, code=spec["code"], description_en=spec["description"] or spec["code"],
            datatype=spec["datatype"], datatype_description_en=spec.get("datatype_description", ""),
            required=spec.get("required", False), variable=spec.get("variable", True), order=spec.get("order", 0))
        AttributeValue.objects.bulk_create(AttributeValue(attribute=attribute, key=v["key"], name_en=v["name"],
                                                          order=n) for n, v in enumerate(spec.get("values", [])))
    service_type.log_action("catalog.servicetype_created_by_import", user=user, data={
        "source": mapping.source.name, "incoming_code": mapping.incoming_code})
    return service_type


def mapping_csv(source: CatalogueSource) -> str:
    """The mapping as `import_311 --map` reads it: source,service_code (only rows that map somewhere)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["source", "service_code"])
    for mapping in source.mappings.select_related("service_type"):
        if mapping.target_code():
            writer.writerow([mapping.incoming_code, mapping.target_code()])
    return out.getvalue()


# --- the history ---------------------------------------------------------------------------------------------

def fetch_history(source: CatalogueSource, stream, *, since: dt.datetime, until: dt.datetime,
                  timeout: float = TIMEOUT) -> int:
    """Write every request the old server lists between `since` and `until` to `stream`, one JSON object a line
    (what `import_311 --format open311` reads): 90-day windows, each read page by page until a short page.
    Returns the number written; raises SourceError."""
    written = 0
    start, until = since.astimezone(dt.UTC), until.astimezone(dt.UTC)
    while start < until:
        end = min(start + WINDOW - dt.timedelta(seconds=1), until)
        page = 1
        while True:
            answer = _get_json(_url(source.endpoint, "requests.json", jurisdiction_id=source.remote_jurisdiction,
                                    api_key=source.api_key, start_date=start.isoformat(), end_date=end.isoformat(),
                                    page=str(page), page_size=str(PAGE_SIZE)), timeout=timeout)
            if not isinstance(answer, list):
                raise SourceError(_("The old server's requests.json is not a list of requests."))
            for item in answer:
                stream.write(json.dumps(item) + "\n")
            written += len(answer)
            if len(answer) < PAGE_SIZE:
                break
            page += 1
        start = end + dt.timedelta(seconds=1)
    return written


def import_history(source: CatalogueSource, *, since: dt.datetime, until: dt.datetime | None = None,
                   work_dir: Path | None = None, timeout: float = TIMEOUT):
    """Read the old server's request history and load it with import_311's importer under the saved mapping, as
    source `source.name` (so a second run skips every request it already loaded). Returns the ImportSummary."""
    from civicdesk.datasets.importer import import_file

    if source.kind != CatalogueSource.Kind.OPEN311 or not source.endpoint:
        raise SourceError(_("The source “%(name)s” is not an Open311 server; load its history from a file with "
                            "import_311 and the mapping file.") % {"name": source.name})
    until = until or timezone.now()
    # Kept after the run, under the deployment's var folder: the import run names the file, and the rejects sit
    # beside it for staff to read.
    base = work_dir or Path(settings.VAR_DIR) / "imports"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"history-{source.name}-", dir=base))
    history, mapping = folder / "requests.jsonl", folder / "mapping.csv"
    with history.open("w", encoding="utf-8") as stream:
        fetch_history(source, stream, since=since, until=until, timeout=timeout)
    mapping.write_text(mapping_csv(source), encoding="utf-8")
    summary = import_file(history, fmt="open311", source=source.name, jurisdiction=source.jurisdiction,
                          mapping_path=mapping, reject_path=folder / "rejects.csv")
    source.log_action("cityconfig.history_imported", data={"read": summary.read, "loaded": summary.loaded,
                                                           "skipped": summary.skipped, "rejected": summary.rejected})
    return summary
