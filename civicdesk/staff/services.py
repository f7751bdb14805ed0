"""Queries behind the staff console: queues, bounded counts, keyset paging, search and @mentions."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.lib import phones
from civicdesk.lib.ids import normalize_public_id
from civicdesk.lib.planner import among_unindexed
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from . import access

#: Counts stop here so a queue of a million requests costs no more than one of a thousand.
COUNT_LIMIT = 1000
DUE_SOON = dt.timedelta(hours=24)
PAGE_SIZE = 50

QUEUES: list[tuple[str, Any]] = [
    ("mine", _("Assigned to me")),
    ("team", _("My team")),
    ("department", _("My department")),
    ("transferred_in", _("Transferred in")),
    ("unassigned", _("Unassigned")),
    ("triage", _("Triage")),
    ("overdue", _("Overdue")),
    ("due_soon", _("Due soon")),
    ("all", _("All I can see")),
]
QUEUE_KEYS = [key for key, _label in QUEUES]

#: Sort name → keyset columns, each (field, descending). The last column is unique so paging is exact.
SORTS: dict[str, list[tuple[str, bool]]] = {
    "newest": [("requested_at", True), ("id", True)],
    "oldest": [("requested_at", False), ("id", False)],
    "priority": [("priority", False), ("requested_at", True), ("id", True)],
    "updated": [("updated_at", True), ("id", True)],
}
DATETIME_FIELDS = {"requested_at", "updated_at"}
CURSOR_INT_LIMIT = 2**63


def _transferred_in(department_ids: list[int]):
    return Exists(TimelineEntry.objects.filter(request=OuterRef("pk"), kind=TimelineEntry.Kind.ROUTED,
                                               data__to_department__in=department_ids))


def queue(user, key: str, now: dt.datetime | None = None) -> QuerySet:
    """The requests of one queue that the user may see; raises KeyError for an unknown queue.

    Department, team, transferred-in and triage queues are built only from
    seats that reach them whole, so they need no visibility filter: a single
    indexed condition lets the database walk (department, is_open,
    requested_at) in order instead of merging alternatives of the visibility
    rule. The other queues are the visible requests narrowed down.
    """
    now = now or timezone.now()
    whole = [s for s in access.seats(user)
             if s.role != access.Role.CONTRACTOR and s.role not in access.NO_REQUEST_ROLES]
    departments = sorted({s.department_id for s in whole if s.department_id})
    teams = sorted({s.team_id for s in whole if s.team_id})
    jurisdictions = sorted({s.jurisdiction_id for s in whole})
    # "is_open IN (1)" rather than is_open=True: Django writes the latter as a
    # bare column on SQLite, which the planner cannot use as the equality on the
    # middle column of the (department, is_open, requested_at) index.
    open_ = Q(is_open__in=[True])
    scoped = {
        "team": open_ & Q(team_id__in=teams, jurisdiction_id__in=jurisdictions),
        "department": open_ & Q(department_id__in=departments, jurisdiction_id__in=jurisdictions),
        # transferred_at narrows the walk to transferred requests (index sr_transferred_open); the timeline
        # says which of them were transferred to these departments.
        "transferred_in": open_ & Q(department_id__in=departments, jurisdiction_id__in=jurisdictions,
                                    transferred_at__isnull=False) & _transferred_in(departments),
        "triage": open_ & Q(department__isnull=True),
    }
    if key in scoped:
        queryset = ServiceRequest.objects.filter(scoped[key])
        if key == "triage":
            # Unrouted open requests are few: SQLite must walk them by (department IS NULL, is_open) in
            # sr_dept_open, not every open request of the jurisdiction by sr_juris_open, which it would
            # otherwise prefer (two equalities against one; a count took 200 ms at 1,000,000 requests).
            if not user.is_superuser:
                queryset = among_unindexed(queryset, "jurisdiction_id", jurisdictions)
            # Triage is the one scoped queue reaching past the seat's department: private service types
            # waiting there are only for the seats that handle them (access.private_types_q).
            sensitive = access.private_types_q(user)
            if sensitive is not None:
                queryset = queryset.filter(sensitive)
        return queryset
    narrowed = {
        "mine": open_ & Q(assignee_id=user.pk),
        "unassigned": open_ & Q(assignee__isnull=True) & Q(department__isnull=False),
        "overdue": open_ & Q(expected_at__lt=now),
        "all": Q(),
    }
    if key == "due_soon":
        from . import sla

        # Business hours of each jurisdiction, as the SLA sweep counts them (one query).
        cals = sla.calendars(None if user.is_superuser else jurisdictions)
        narrowed[key] = open_ & sla.due_soon_q(now, cals)
    return access.requests_visible_to(user).filter(narrowed[key])


def bounded_count(queryset: QuerySet, limit: int = COUNT_LIMIT) -> int:
    """How many rows, counting no further than `limit` (one query, never a full scan)."""
    return queryset.order_by().values("pk")[:limit].count()


def format_count(count: int, limit: int = COUNT_LIMIT) -> str:
    """"999+" once the bound is reached, else the number."""
    return f"{limit - 1}+" if count >= limit else str(count)


def queue_counts(user, now: dt.datetime | None = None) -> list[dict]:
    """Every queue with its label and bounded count, one query per queue."""
    rows = []
    for key, label in QUEUES:
        count = bounded_count(queue(user, key, now))
        rows.append({"key": key, "label": label, "count": count, "display": format_count(count)})
    return rows


def find_tracking_number(user, text: str):
    """The request whose tracking number `text` is ("7kq4 m2xd", "7KQ4M2XD", "7KQ4-M2XD"), if the user may
    see it; None otherwise (no such number, or one the user may not open)."""
    public_id = normalize_public_id(text or "")
    if not public_id:
        return None
    return access.requests_visible_to(user).filter(public_id=public_id).first()


def search_filter(user, text: str) -> Q | None:
    """Match a tracking number exactly, or words in address and description; reporter name, email
    and phone only through seats that may see contact details. None for an empty search."""
    text = (text or "").strip()
    if not text:
        return None
    public_id = normalize_public_id(text)
    condition = Q(address__icontains=text) | Q(description__icontains=text)
    if public_id:
        condition |= Q(public_id=public_id)
    contact = (Q(contact_name__icontains=text) | Q(contact_email__iexact=text) | Q(contact_phone__icontains=text)
               | Q(contact_phone__in=phones.search_forms(text)))
    contact_seats = access.visibility_q(user, roles=access.RULES["see_contact"])
    condition |= contact if contact_seats is None else (contact & contact_seats)
    return condition


def encode_cursor(values: list) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list | None:
    """The keyset values in a cursor, or None when it is malformed."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    columns = SORTS[sort]
    if not isinstance(values, list) or len(values) != len(columns):
        return None
    decoded = []
    for (name, _desc), value in zip(columns, values):
        if name in DATETIME_FIELDS:
            try:
                # A well-formed but impossible moment ("2026-02-30T…") raises instead of returning None.
                value = parse_datetime(value) if isinstance(value, str) else None
            except ValueError:
                return None
            if value is None:
                return None
            if timezone.is_naive(value):
                value = timezone.make_aware(value, dt.timezone.utc)
        elif isinstance(value, bool) or not isinstance(value, int) or not -CURSOR_INT_LIMIT < value < CURSOR_INT_LIMIT:
            # Beyond a 64-bit column the database itself fails (SQLite OverflowError, PostgreSQL DataError).
            return None
        decoded.append(value)
    return decoded


def _after(columns: list[tuple[str, bool]], values: list) -> Q:
    """Rows strictly after `values` in the lexicographic order of `columns`."""
    # The first column's bound repeats what the OR says so the database can
    # start an index range there instead of scanning from the top.
    first, first_desc = columns[0]
    bound = Q(**{f"{first}__{'lte' if first_desc else 'gte'}": values[0]})
    condition = Q(pk__in=[])
    for index, (name, descending) in enumerate(columns):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier, (earlier_name, _desc) in enumerate(columns[:index]):
            step &= Q(**{earlier_name: values[earlier]})
        condition |= step
    return bound & condition


@dataclass
class Page:
    rows: list
    next_cursor: str


#: Nullable relations are prefetched, not joined: a join there turns into an inner join
#: when the queue filters on the column, and the database then starts from the small table.
LIST_JOINS = ("service_type", "status")
LIST_PREFETCH = ("department", "team", "assignee", "district")


def page_of(queryset: QuerySet, *, sort: str = "newest", cursor: str = "", size: int = PAGE_SIZE) -> Page:
    """One page in `sort` order after `cursor`, fetched with a single LIMIT query (no OFFSET, no COUNT)."""
    columns = SORTS.get(sort) or SORTS["newest"]
    sort = sort if sort in SORTS else "newest"
    if cursor:
        values = decode_cursor(cursor, sort)
        if values is not None:
            queryset = queryset.filter(_after(columns, values))
    ordering = [f"-{name}" if descending else name for name, descending in columns]
    rows = list(queryset.order_by(*ordering)[:size + 1])
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, name) for name, _desc in columns])
    return Page(rows, next_cursor)


MENTION = re.compile(r"(?<![\w.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


def mentioned_colleagues(text: str) -> list[User]:
    """Staff named in `text` as @email or @local-part of their email (any department or jurisdiction)."""
    tokens = {token.rstrip(".").lower() for token in MENTION.findall(text or "")}
    if not tokens:
        return []
    condition = Q(pk__in=[])
    for token in tokens:
        condition |= Q(email__iexact=token) if "@" in token else Q(email__istartswith=f"{token}@")
    staff = StaffMembership.objects.values("user_id")
    return list(User.objects.filter(condition).filter(Q(pk__in=staff) | Q(is_superuser=True)).distinct())


def mentions_who_may_read(text: str, request: ServiceRequest) -> tuple[list[User], list[User]]:
    """The staff @mentioned in `text`, split into those who may open `request` in the console (they are
    notified) and those who may not (they are not sent the note; the author is told). Uses the same rule as
    the detail page (access.can(..., "view", ...))."""
    allowed, refused = [], []
    for person in mentioned_colleagues(text):
        (allowed if access.can(person, "view", request) else refused).append(person)
    return allowed, refused


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def same_phone(a: str, b: str) -> bool:
    """Whether two phone numbers are the same line, however written: "+1 (217) 555-0199" is "555-0199"
    when one side leaves out the country or area code; at least 7 digits must agree."""
    da, db = _digits(a), _digits(b)
    if len(da) < 7 or len(db) < 7:
        return bool(da) and da == db
    return da.endswith(db) or db.endswith(da)


def caller_history(user, *, phone: str = "", email: str = "", limit: int = 20) -> list:
    """A caller's earlier requests by phone or email, newest first, among those whose contact details
    the user may see (so a search by phone never reveals requests through a contractor seat).

    Phones are stored in E.164, so a full number typed any way is matched exactly (phones.search_forms);
    a local number without its area code ("555-0199", kept as typed) is matched on its digits.
    """
    phone, email = (phone or "").strip(), (email or "").strip().lower()
    digits = _digits(phone)
    if not digits and not email:
        return []
    match = Q(pk__in=[])
    local_only = 0 < len(digits) < 10
    if digits:
        match |= Q(contact_phone__in=phones.search_forms(phone))
        if local_only and len(digits) >= 7:
            match |= Q(contact_phone__contains=digits[-4:])
    if email:
        match |= Q(contact_email=email)
    seats = access.visibility_q(user, roles=access.RULES["see_contact"])
    queryset = ServiceRequest.objects.filter(match)
    if seats is not None:
        queryset = queryset.filter(seats)
    queryset = queryset.select_related("service_type", "status").order_by("-requested_at", "-id")
    if not local_only:
        return list(queryset[:limit])
    found = []
    for sr in queryset[:limit * 10]:
        if (email and sr.contact_email == email) or same_phone(sr.contact_phone, phone):
            found.append(sr)
        if len(found) == limit:
            break
    return found


def known_caller(earlier: list) -> dict[str, str]:
    """What the caller told us last time, from their earlier requests (newest first): name, email, phone
    and language, each from the newest request that has it; {} when there are none."""
    known: dict[str, str] = {}
    for sr in earlier:
        for key, value in (("name", sr.contact_name), ("email", sr.contact_email), ("phone", sr.contact_phone),
                           ("language", sr.language)):
            if value and key not in known:
                known[key] = value
    if known:
        known["from_request"] = earlier[0].public_id
    return known


def save_view(user, *, name: str, query: str):
    """Save (or overwrite, under the same name) a queue view for `user`; return the SavedView.

    `query` is the queue page's query string; only the parameters the filter
    form knows are kept, and never the paging cursor. Raises ValueError for
    an empty name.
    """
    from django.http import QueryDict

    from .forms import QueueFilterForm
    from .models import SavedView

    name = (name or "").strip()
    if not name:
        raise ValueError(_("Give the view a name."))
    params = QueryDict(query or "", mutable=True)
    known = set(QueueFilterForm.base_fields) - {"after"}
    for key in list(params):
        if key not in known:
            del params[key]
    view, _created = SavedView.objects.update_or_create(owner=user, name=name[:80],
                                                        defaults={"query": params.urlencode()[:1000]})
    return view
