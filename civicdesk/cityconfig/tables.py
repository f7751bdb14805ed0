"""Statuses and routing rules from CSV: each file replaces one part of the jurisdiction's configuration document,
so it goes through the same checks, diff, transaction and audit as a whole configuration file."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.utils.translation import gettext as _

from .services import ConfigError, current_document

STATUS_COLUMNS = ["code", "name", "kind", "is_initial", "order", "next"]
RULE_COLUMNS = ["order", "name", "service_codes", "district", "department", "team", "is_active"]
KINDS = {"statuses": STATUS_COLUMNS, "routing_rules": RULE_COLUMNS}


def template(kind: str) -> str:
    """A CSV template for `kind` ("statuses" or "routing_rules") with an example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    if kind == "statuses":
        writer.writerow(STATUS_COLUMNS + [f"name_{lang}" for lang, _n in settings.LANGUAGES[1:]])
        writer.writerow(["open", "Open", "open", "yes", "1", "in_progress|closed"])
    else:
        writer.writerow(RULE_COLUMNS)
        writer.writerow(["10", "Potholes north", "pothole|sinkhole", "north", "public-works", "Streets crew", "yes"])
    return out.getvalue()


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1", "y")


def _rows(data: bytes, needed: list[str]) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError([_("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in needed if c not in [h.strip() for h in reader.fieldnames or []]]
    if missing:
        raise ConfigError([_("The CSV file lacks the columns %(columns)s (the template lists every column).")
                           % {"columns": ", ".join(missing)}])
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def _number(value: str, row: int, column: str) -> int:
    try:
        return int(value or 0)
    except ValueError:
        raise ConfigError([_("Row %(n)d: %(column)s must be a whole number, not “%(v)s”.")
                           % {"n": row, "column": column, "v": value}]) from None


def document_with_csv(slug: str, kind: str, data: bytes) -> dict:
    """The jurisdiction's current configuration with its statuses or routing rules replaced by the CSV's rows.
    Raises ConfigError for an unknown jurisdiction or a malformed file; references are checked by validate()."""
    doc = current_document(slug)
    if "jurisdiction" not in doc:
        raise ConfigError([_("There is no jurisdiction with the short name “%(slug)s”.") % {"slug": slug}])
    if kind == "statuses":
        statuses = []
        for n, row in enumerate(_rows(data, STATUS_COLUMNS[:3]), start=2):
            if row["kind"] not in ("open", "closed"):
                raise ConfigError([_("Row %(n)d: kind must be open or closed, not “%(v)s”.") % {"n": n, "v": row["kind"]}])
            names = {"en": row["name"], **{lang: row[f"name_{lang}"] for lang, _n in settings.LANGUAGES
                                           if row.get(f"name_{lang}")}}
            statuses.append({"code": row["code"], "name": names, "kind": row["kind"],
                             "is_initial": _yes(row.get("is_initial", "")),
                             "order": _number(row.get("order", ""), n, "order"),
                             "next": sorted(filter(None, (c.strip() for c in row.get("next", "").split("|"))))})
        doc["statuses"] = statuses
    elif kind == "routing_rules":
        rules = []
        for n, row in enumerate(_rows(data, ["order", "department"]), start=2):
            rules.append({"name": row.get("name", ""), "order": _number(row["order"], n, "order"),
                          "is_active": _yes(row.get("is_active") or "yes"),
                          "service_types": sorted(filter(None, (c.strip() for c in
                                                                row.get("service_codes", "").split("|")))),
                          "district": row.get("district", ""), "area": None, "department": row["department"],
                          "team": row.get("team", "")})
        doc["routing_rules"] = rules
    else:
        raise ValueError(kind)
    return doc
