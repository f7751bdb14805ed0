"""What the directory computes from the catalogue and the routing rules: the A–Z list, who handles a service type,
what a department handles, and how long a type is expected to take."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from civicdesk.catalog.models import Priority, RoutingRule, ServiceType
from civicdesk.jurisdictions.models import Department, Jurisdiction

from .models import PermitGuide, expected_time, working_hours_per_day
from .text import pick


def fold(text: str) -> str:
    """Case- and accent-folded, for sorting and letters ("Árbol" → "arbol")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def letter_of(title: str) -> str:
    """The index letter of a title: its first letter without accent, upper case; "#" for a digit or sign."""
    for ch in fold(title.strip()):
        return ch.upper() if ch.isalpha() else "#"
    return "#"


@dataclass(frozen=True)
class Entry:
    """One line of the A–Z list: a service type (kind "service") or a permit or licence guide."""

    title: str
    url: str
    kind: str
    summary: str
    letter: str


def az_entries(jurisdiction: Jurisdiction | None) -> list[Entry]:
    """Every public, active service type offered in `jurisdiction` and every published permit or licence guide
    of it, sorted A–Z in the reader's language (two queries)."""
    types = ServiceType.objects.public()
    permits = PermitGuide.objects.public()
    if jurisdiction is not None:
        types = types.for_jurisdiction(jurisdiction)
        permits = permits.filter(jurisdiction=jurisdiction)
    entries = [Entry(t.name, reverse("directory:service", args=[t.code]), "service", t.description,
                     letter_of(t.name)) for t in types.order_by()]
    for guide in permits.order_by():
        title = pick(guide.title)
        entries.append(Entry(title, guide.get_absolute_url(), guide.kind, _first_line(pick(guide.summary)),
                             letter_of(title)))
    return sorted(entries, key=lambda entry: (fold(entry.title), entry.url))


def _first_line(text: str) -> str:
    return text.strip().split("\n\n")[0].replace("\n", " ")


def letters(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """The entries grouped by letter, in list order."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.letter].append(entry)
    return sorted(groups.items(), key=lambda item: (item[0] == "#", item[0]))


@dataclass(frozen=True)
class Handler:
    """Who handles a service type in one jurisdiction: its departments (the usual one first)."""

    jurisdiction: Jurisdiction
    departments: list[Department]
    expected: str


def handlers_for(service_type: ServiceType) -> list[Handler]:
    """Per jurisdiction offering the type, the departments its active routing rules send it to: the rules that
    name the type, else the rules for every type; in rule order, each department once. One query for the
    rules (with their departments and jurisdictions) and one for where the type is offered."""
    offered = {j.pk for j in service_type.jurisdictions.all()}
    through = RoutingRule.service_types.through
    names_type = Exists(through.objects.filter(routingrule_id=OuterRef("pk"), servicetype_id=service_type.pk))
    for_every_type = ~Exists(through.objects.filter(routingrule_id=OuterRef("pk")))
    rules = (RoutingRule.objects.filter(is_active=True, jurisdiction__is_active=True)
             .annotate(names_type=names_type).filter(Q(names_type=True) | for_every_type)
             .select_related("department", "jurisdiction").order_by("jurisdiction__name", "order", "id"))
    by_jurisdiction: dict[int, tuple[Jurisdiction, list, list]] = {}
    for rule in rules:
        if offered and rule.jurisdiction_id not in offered:
            continue
        _j, named, general = by_jurisdiction.setdefault(rule.jurisdiction_id, (rule.jurisdiction, [], []))
        (named if rule.names_type else general).append(rule.department)
    handlers = []
    for jurisdiction, named, general in by_jurisdiction.values():
        departments = list({d.pk: d for d in (named or general)}.values())
        handlers.append(Handler(jurisdiction, departments,
                                expected_time(service_type.sla_hours,
                                              working_hours_per_day(jurisdiction.business_hours))))
    return handlers


def is_emergency(service_type: ServiceType) -> bool:
    """True for types whose default priority is urgent (a collapsed street, a water main break, a dark traffic
    signal): their pages say "call 911 if anyone is in danger" before the Report button."""
    return service_type.default_priority == Priority.URGENT


def types_handled_by(department: Department) -> list[ServiceType]:
    """The public, active service types the department's active routing rules send to it, A–Z in the reader's
    language: the types its rules name, and, when it has a rule for every type, the types offered in its
    jurisdiction that no active rule there names. Three queries."""
    through = RoutingRule.service_types.through
    rows = list(through.objects.filter(routingrule__jurisdiction_id=department.jurisdiction_id,
                                       routingrule__is_active=True)
                .values_list("routingrule__department_id", "servicetype_id"))
    mine = {type_id for department_id, type_id in rows if department_id == department.pk}
    named_anywhere = {type_id for _department_id, type_id in rows}
    catch_all = (RoutingRule.objects.filter(department=department, is_active=True)
                 .exclude(pk__in=through.objects.values("routingrule_id")).exists())
    types = ServiceType.objects.public().for_jurisdiction(department.jurisdiction)
    if catch_all:
        types = types.filter(Q(pk__in=mine) | ~Q(pk__in=named_anywhere))
    else:
        types = types.filter(pk__in=mine)
    return sorted(types.order_by(), key=lambda t: fold(t.name))
