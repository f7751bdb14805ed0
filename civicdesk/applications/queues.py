"""The staff console's application queues: what each queue holds, its bounded count and its pages, read so that
a million applications cost what a thousand do.

What a user reaches is a union of simple reaches (access.reaches: a jurisdiction, a department's applications,
those assigned to the user). An OR of department and assignee in one query leaves a planner no single index, so
every count and page is read reach by reach, the reaches made disjoint (each excludes what the ones before it
hold), each part on its own index (see the indexes of models.Application):

- a count is the sum of one bounded count per reach, capped at the bound, in one query;
- a page merges, in one query, the first rows of every reach and status (an index over (reach column, status,
  due date) yields them already in order, so each part stops after the rows the page needs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from civicdesk.lib.planner import among_unindexed
from civicdesk.staff.services import COUNT_LIMIT

from . import access
from .models import Application, ApplicationType, ReviewStep

Status = Application.Status
#: "Due soon": the decision is due within this many calendar days.
DUE_SOON_DAYS = 7
MINE = "mine"


@dataclass(frozen=True)
class Queue:
    """One queue of the console: applications in one of `statuses`, at a step of `step_kind` when given, that also
    pass `extra`."""

    key: str
    label: str
    statuses: tuple[str, ...]
    extra: Q = field(default_factory=Q)
    step_kind: str | None = None
    #: Only applications whose clock runs (not paused while waiting for the applicant).
    running: bool = False

    @property
    def q(self) -> Q:
        q = Q(status__in=self.statuses) & self.extra
        if self.running:
            q &= Q(paused_since__isnull=True)
        return q & at_step(self.step_kind) if self.step_kind else q


def at_step(kind: str) -> Q:
    """Applications whose current step is of `kind`: the step's id among those steps (a subquery on the small
    steps table), which an index on the step column serves; a join to the steps would not."""
    return Q(step_id__in=ReviewStep.objects.filter(kind=kind).values("pk"))


def all_queues(today: dt.date, user) -> list[Queue]:
    """Every queue, in the order the console lists them."""
    active = tuple(Application.ACTIVE)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    return [
        Queue("active", gettext_lazy("All open"), active),
        Queue("intake", gettext_lazy("Intake check"), active, step_kind=ReviewStep.Kind.INTAKE),
        Queue("review", gettext_lazy("Department review"), active, step_kind=ReviewStep.Kind.REVIEW),
        Queue("decision", gettext_lazy("Decision"), active, step_kind=ReviewStep.Kind.DECISION),
        Queue("info_requested", gettext_lazy("Waiting for the applicant"), (Status.INFO_REQUESTED,)),
        Queue(MINE, gettext_lazy("Assigned to me"), active, Q(assignee_id=user.pk)),
        Queue("due_soon", gettext_lazy("Due within a week"), active,
              Q(decision_due_on__gte=today, decision_due_on__lte=soon), running=True),
        Queue("overdue", gettext_lazy("Overdue"), active, Q(decision_due_on__lt=today), running=True),
        Queue("decided", gettext_lazy("Decided"), (Status.APPROVED, Status.DENIED)),
    ]


def reach_queryset(reach: access.Reach) -> QuerySet:
    """The (non-draft) applications of one reach, filtered so that SQLite, which plans without statistics, takes
    the index the reach leads with: the department's or the assignee's (the jurisdiction hidden from the index
    chooser of either database, civicdesk/lib/planner.py), or the jurisdiction's for a whole jurisdiction."""
    queryset = Application.objects.exclude(status=Status.DRAFT)
    if reach.department_id is None and reach.assignee_id is None:
        return queryset.filter(jurisdiction_id=reach.jurisdiction_id)
    queryset = among_unindexed(queryset, "jurisdiction_id", [reach.jurisdiction_id], every_database=True)
    if reach.department_id is not None:
        queryset = queryset.filter(department_id=reach.department_id)
    if reach.assignee_id is not None:
        queryset = queryset.filter(assignee_id=reach.assignee_id)
    return queryset


def parts(user, queue: Queue, extra: Q | None = None, *,
          reaches: list[access.Reach] | None = None) -> list[QuerySet]:
    """The queue's applications the user reaches (`reaches`, read from the seats when not given), as disjoint
    querysets, one per reach. "Assigned to me" needs only the user's own reach per jurisdiction: their
    applications in a department they reach are assigned to them too, and every reach of a jurisdiction covers
    what is assigned to them there."""
    reaches = access.reaches(user) if reaches is None else reaches
    if queue.key == MINE:
        reaches = [access.Reach(jurisdiction, assignee_id=user.pk)
                   for jurisdiction in dict.fromkeys(reach.jurisdiction_id for reach in reaches)]
    found = []
    for index, reach in enumerate(reaches):
        queryset = reach_queryset(reach).filter(queue.q)
        if extra is not None:
            queryset = queryset.filter(extra)
        for before in reaches[:index]:
            queryset = queryset.exclude(before.q())
        found.append(queryset)
    return found


def _sql(queryset: QuerySet) -> tuple[str, tuple] | None:
    """The queryset's SQL and parameters; None when it can match nothing (an empty IN list)."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return None


def bounded_counts(user, queues: list[Queue], limit: int = COUNT_LIMIT) -> dict[str, int]:
    """{queue key: how many applications of the queue the user reaches, counting no further than `limit`}, in one
    query: per reach a count that stops at `limit` rows, summed."""
    reaches = access.reaches(user)  # once for every queue (a superuser's are a query)
    selects, params, reads = [], [], []
    for queue in queues:
        terms = []
        for part in parts(user, queue, reaches=reaches):
            found = _sql(part.order_by().values("pk")[:limit])
            if found is not None:
                terms.append(f"(SELECT COUNT(*) FROM ({found[0]}) bounded_{len(selects)}_{len(terms)})")
                params.extend(found[1])
        if terms:
            selects.append(" + ".join(terms))
        reads.append(bool(terms))
    values = iter(())
    if selects:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            values = iter(cursor.fetchone())
    return {queue.key: min(limit, next(values)) if read else 0 for queue, read in zip(queues, reads)}


def page_parts(user, queue: Queue, *, wanted: int, extra: Q | None = None,
               step_kind: str | None = None) -> list[QuerySet]:
    """The first `wanted` rows (id and due date, nearest deadline first, then oldest id) of every reach, status
    and step of the queue's applications the user reaches (also passing `extra`, at a step of `step_kind` when
    given): each part reads its rows in order from an index that ends with the due date, so none is sorted."""
    kinds = {kind for kind in (queue.step_kind, step_kind) if kind}
    if len(kinds) > 1:
        return []  # at two kinds of step at once: none
    steps = [None] if not kinds else list(ReviewStep.objects.filter(kind=kinds.pop()).values_list("pk", flat=True))
    reaches = access.reaches(user)  # once for every status (a superuser's are a query)
    statuses = list(queue.statuses)
    unpaused_types = []
    if queue.running and Status.INFO_REQUESTED in statuses:
        # Waiting for the applicant, the clock runs only for types that do not pause it (paused_since is set when
        # more information is asked of the others): reading only those types' rows spares walking every paused
        # application in due order to find none running, and none at all when every type pauses.
        unpaused_types = list(ApplicationType.objects.filter(pauses_clock=False).values_list("pk", flat=True))
        if not unpaused_types:
            statuses.remove(Status.INFO_REQUESTED)
    found = []
    for status in statuses:
        # One status at a time (not also "status IN" the queue's, which would leave the planner free to read
        # the index by all of them, out of due order).
        for of_status in parts(user, replace(queue, statuses=(status,)), extra, reaches=reaches):
            if queue.running and status == Status.INFO_REQUESTED:
                of_status = of_status.filter(application_type_id__in=unpaused_types)
            for step in steps:
                rows = of_status if step is None else of_status.filter(step_id=step)
                found.append(rows.order_by("decision_due_on", "id").values("id", "decision_due_on")[:wanted])
    return found


def page_ids(user, queue: Queue, *, extra: Q | None = None, step_kind: str | None = None, offset: int = 0,
             size: int = 50) -> list[int]:
    """Ids of the queue's applications the user reaches (see page_parts), rows `offset` to `offset + size`: one
    query merging the page parts."""
    pieces, params = [], []
    for part in page_parts(user, queue, wanted=offset + size, extra=extra, step_kind=step_kind):
        found = _sql(part)
        if found is not None:
            pieces.append(f"SELECT * FROM ({found[0]}) page_{len(pieces)}")
            params.extend(found[1])
    if not pieces:
        return []
    sql = (f"SELECT id FROM ({' UNION ALL '.join(pieces)}) merged "
           f"ORDER BY decision_due_on, id LIMIT {int(size)} OFFSET {int(offset)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
