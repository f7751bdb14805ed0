"""Computing, storing and announcing monthly performance reports (definitions: docs/reports.md).

`compute_report()` turns one jurisdiction-month of public requests into a plain JSON-ready dict with a
fixed number of aggregate queries (no per-request Python work: percentiles are picked in SQL by
window functions). `generate_report()` stores that dict with its PDF, replacing an earlier version of
the same month, audits it and announces it as a news notice. The scheduled task, the management
command and the staff "Regenerate" button all call `generate_report()`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone, translation

from civicdesk.catalog.models import ServiceType
from civicdesk.feedback import stats as feedback_stats
from civicdesk.jurisdictions.models import Department, Jurisdiction
from civicdesk.servicerequests.models import ServiceRequest

from .models import MonthlyReport, month_label

log = logging.getLogger(__name__)

#: Version of the `data` layout; templates read older layouts by this number if it ever changes.
DATA_VERSION = 1
#: The percentiles of days to close a report shows (nearest-rank, see `nearest_rank`).
PERCENTILES = (50, 90)
#: How many kinds of problem "busiest" lists.
BUSIEST = 10
#: How many rows each "biggest changes" list keeps.
CHANGES = 5
#: A kind or department enters the volume comparison only with at least this many requests received in
#: one of the two months: a jump from 1 to 3 is noise, not news.
MIN_VOLUME = 5
#: ... and the time-to-close comparison only with at least this many closures in both months.
MIN_CLOSED = 5
#: How long the announcing news item stays on the notices list and the home page.
NOTICE_DAYS = 14


@dataclass(frozen=True)
class MonthWindow:
    """A calendar month of a jurisdiction's time zone as an aware [start, end) interval."""

    month: dt.date
    start: dt.datetime
    end: dt.datetime


def first_of_month(value: dt.date) -> dt.date:
    return value.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after (negative: before) `month`'s month."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_window(month: dt.date, tz: zoneinfo.ZoneInfo) -> MonthWindow:
    """The month as [local midnight of its 1st, local midnight of the next 1st) in `tz`.

    A request made at 23:30 local time on the 31st belongs to that month even when it is already the
    next day in UTC.
    """
    month = first_of_month(month)
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    following = add_months(month, 1)
    return MonthWindow(month, start, dt.datetime(following.year, following.month, 1, tzinfo=tz))


def last_complete_month(jurisdiction: Jurisdiction, now: dt.datetime | None = None) -> dt.date:
    """The first day of the month before the current one in the jurisdiction's own time zone."""
    today = timezone.localtime(now or timezone.now(), jurisdiction.tz).date()
    return add_months(first_of_month(today), -1)


def nearest_rank(count: int, percentile: int) -> int:
    """The 1-based rank of the `percentile`th value among `count` sorted values (nearest-rank method).

    ceil(percentile / 100 × count): the median of 4 values is the 2nd, their 90th percentile the 4th.
    Every reported percentile is a value that was actually observed, never an interpolation.
    """
    return max(1, -(-percentile * count // 100))


# --- the queries --------------------------------------------------------------------------------------

def _duration():
    return ExpressionWrapper(F("closed_at") - F("requested_at"), output_field=DurationField())


def close_time_percentiles(requests, window: MonthWindow, by: str | None) -> dict:
    """{group key: {"closed": n, "p50": seconds, "p90": seconds}} for requests closed inside `window`.

    `by` is the field to group by ("department_id", "service_type_id") or None for one overall group
    (key None). One query: each group's closures are numbered by time to close (ties broken by id) and
    only the rows at the nearest ranks of PERCENTILES come back, so the database sends a few rows
    whatever the month's size.
    """
    partition = [F(by)] if by else []
    duration = _duration()
    ranked = (requests.filter(closed_at__gte=window.start, closed_at__lt=window.end)
              .annotate(took=duration,
                        position=Window(RowNumber(), partition_by=partition, order_by=[duration.asc(), F("id").asc()]),
                        size=Window(Count("id"), partition_by=partition)))
    # (p × n + 99) / 100 in integers is ceil(p × n / 100): see nearest_rank.
    wanted = Q()
    for percentile in PERCENTILES:
        wanted |= Q(position=(F("size") * percentile + 99) / 100)
    fields = ["position", "size", "took"] + ([by] if by else [])
    result: dict = {}
    for position, size, took, *key in ranked.filter(wanted).values_list(*fields):
        group = result.setdefault(key[0] if by else None, {"closed": size})
        for percentile in PERCENTILES:
            if position == nearest_rank(size, percentile):
                group[f"p{percentile}"] = took.total_seconds()
    return result


def _department_counts(requests, window: MonthWindow) -> dict:
    """{department id or None: received, closed, closed with an SLA, closed within it, open at the end}."""
    inside_closed = Q(closed_at__gte=window.start, closed_at__lt=window.end)
    rows = (requests.filter(requested_at__lt=window.end)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=window.start))
            .values("department_id")
            .annotate(received=Count("id", filter=Q(requested_at__gte=window.start)),
                      closed=Count("id", filter=inside_closed),
                      with_sla=Count("id", filter=inside_closed & Q(expected_at__isnull=False)),
                      within_sla=Count("id", filter=inside_closed & Q(closed_at__lte=F("expected_at"))),
                      open_at_end=Count("id", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=window.end))))
    return {row.pop("department_id"): row for row in rows}


def _received_by(requests, field: str, windows: dict[str, MonthWindow]) -> dict:
    """{value of `field`: {window name: requests received}} over several months, in one query."""
    inside = {name: Q(requested_at__gte=w.start, requested_at__lt=w.end) for name, w in windows.items()}
    any_window = Q()
    for condition in inside.values():
        any_window |= condition
    rows = (requests.filter(any_window).values(field)
            .annotate(**{name: Count("id", filter=condition) for name, condition in inside.items()}))
    return {row.pop(field): row for row in rows}


def _per_day(requests, field: str, window: MonthWindow, tz) -> dict[dt.date, int]:
    rows = (requests.filter(**{f"{field}__gte": window.start, f"{field}__lt": window.end})
            .annotate(day=TruncDate(field, tzinfo=tz)).values("day").annotate(n=Count("id")).values_list("day", "n"))
    return dict(rows)


def _names(model, which) -> dict[int, dict[str, str]]:
    """{id: {language: name}} for translated names (django-modeltranslation columns name_en, name_es...).

    `which` is a collection of ids or a Q object.
    """
    languages = [code for code, _ in settings.LANGUAGES]
    found = model.objects.filter(which if isinstance(which, Q) else Q(pk__in=which))
    rows = found.values("pk", *[f"name_{code}" for code in languages])
    return {row["pk"]: {code: row[f"name_{code}"] for code in languages if row[f"name_{code}"]} for row in rows}


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 86400


def _share(part: int, whole: int) -> float | None:
    return None if not whole else part / whole


def _changes(rows: list[dict], current: str, other: str, *, minimum: int, both: bool) -> list[dict]:
    """The CHANGES rows whose `current` value moved most against `other`, largest absolute change first."""
    found = []
    for row in rows:
        now, then = row.get(current), row.get(other)
        if now is None or then is None:
            continue
        counts = (row.get(f"{current}_n", now), row.get(f"{other}_n", then))
        if (min(counts) if both else max(counts)) < minimum:
            continue
        found.append({"key": row["key"], "name": row["name"], "now": now, "then": then, "change": now - then,
                      "percent": None if not then else (now - then) / then * 100})
    found.sort(key=lambda r: (-abs(r["change"]), r["name"].get("en", ""), r["key"] or 0))
    return found[:CHANGES]


def compute_report(jurisdiction: Jurisdiction, month: dt.date) -> dict:
    """Every figure of the monthly report of `jurisdiction` for `month`, as plain JSON-ready data.

    Counts only public requests (`ServiceRequest.objects.public()`: private requests and private kinds
    of problem are left out entirely); sensitive kinds are counted like any other (a report shows no
    place). Times to close are in seconds. The definitions are in docs/reports.md. About a dozen
    queries whatever the number of requests, departments or kinds.
    """
    tz = jurisdiction.tz
    this = month_window(month, tz)
    previous = month_window(add_months(this.month, -1), tz)
    last_year = month_window(add_months(this.month, -12), tz)
    requests = ServiceRequest.objects.public().filter(jurisdiction=jurisdiction)

    counts = _department_counts(requests, this)
    times = {name: close_time_percentiles(requests, window, "department_id")
             for name, window in (("this", this), ("previous", previous), ("last_year", last_year))}
    overall = close_time_percentiles(requests, this, None).get(None, {})
    type_times = {name: close_time_percentiles(requests, window, "service_type_id")
                  for name, window in (("this", this), ("previous", previous), ("last_year", last_year))}
    windows = {"this": this, "previous": previous, "last_year": last_year}
    by_type = _received_by(requests, "service_type_id", windows)
    by_department = _received_by(requests, "department_id", windows)
    # The jurisdiction's departments (all of them, so one without requests still shows), and any department
    # of another jurisdiction that requests are still filed under after a transfer: one query.
    department_ids = {k for group in (counts, by_department, *times.values()) for k in group if k}
    departments = _names(Department, Q(jurisdiction=jurisdiction) | Q(pk__in=department_ids))
    type_ids = set(by_type) | {k for window in type_times.values() for k in window}
    type_names = _names(ServiceType, type_ids)

    department_rows = []
    for key in sorted(set(departments) | {k for k in counts if k is not None} | ({None} & set(counts)),
                      key=lambda k: (k is None, departments.get(k, {}).get("en", "").lower(), k or 0)):
        row = counts.get(key, {"received": 0, "closed": 0, "with_sla": 0, "within_sla": 0, "open_at_end": 0})
        took = times["this"].get(key, {})
        department_rows.append({
            "id": key, "name": departments.get(key, {}), **row,
            "sla_share": _share(row["within_sla"], row["with_sla"]),
            "median_days": _days(took.get("p50")), "p90_days": _days(took.get("p90"))})
    totals = {name: sum(row[name] for row in department_rows)
              for name in ("received", "closed", "with_sla", "within_sla", "open_at_end")}

    busiest = sorted(((key, row) for key, row in by_type.items() if row["this"]),
                     key=lambda item: (-item[1]["this"], type_names.get(item[0], {}).get("en", "")))[:BUSIEST]

    def comparison_rows(volumes: dict, close_times: dict, names) -> list[dict]:
        rows = []
        for key in set(volumes) | {k for window in close_times.values() for k in window}:
            volume = volumes.get(key, {})
            row = {"key": key, "name": names(key)}
            for name in windows:
                row[f"received_{name}"] = volume.get(name, 0)
                took = close_times[name].get(key)
                if took:
                    row[f"median_{name}"] = _days(took["p50"])
                    row[f"median_{name}_n"] = took["closed"]
            rows.append(row)
        return rows

    type_rows = comparison_rows(by_type, type_times, lambda key: type_names.get(key, {}))
    department_changes = comparison_rows(by_department, times, lambda key: departments.get(key, {}))

    # A month without a single public request (before the city started using CivicDesk) is no baseline:
    # every kind would show as "+N against 0". Its comparisons stay empty and the page says why.
    comparable = {name: any(row[name] for row in by_type.values()) for name in ("previous", "last_year")}

    def change_lists(rows: list[dict]) -> dict:
        lists = {}
        for other in ("previous", "last_year"):
            lists[f"volume_{other}"] = _changes(rows, "received_this", f"received_{other}", minimum=MIN_VOLUME,
                                                both=False) if comparable[other] else []
            lists[f"time_{other}"] = _changes(rows, "median_this", f"median_{other}", minimum=MIN_CLOSED,
                                              both=True) if comparable[other] else []
        return lists

    received_daily = _per_day(requests, "requested_at", this, tz)
    closed_daily = _per_day(requests, "closed_at", this, tz)
    days_in_month = calendar.monthrange(this.month.year, this.month.month)[1]
    daily = []
    for day_number in range(1, days_in_month + 1):
        day = this.month.replace(day=day_number)
        daily.append({"date": day.isoformat(), "received": received_daily.get(day, 0),
                      "closed": closed_daily.get(day, 0)})

    return {
        "version": DATA_VERSION,
        "jurisdiction": {"id": jurisdiction.pk, "slug": jurisdiction.slug, "name": jurisdiction.name,
                         "time_zone": jurisdiction.time_zone},
        "month": this.month.isoformat(),
        "period": {"start": this.start.isoformat(), "end": this.end.isoformat()},
        "previous_month": previous.month.isoformat(),
        "last_year_month": last_year.month.isoformat(),
        "received": totals["received"],
        "closed": totals["closed"],
        "open_at_end": totals["open_at_end"],
        "time_to_close": {"closed": overall.get("closed", 0), "median_days": _days(overall.get("p50")),
                          "p90_days": _days(overall.get("p90"))},
        "sla": {"closed_with_sla": totals["with_sla"], "within_sla": totals["within_sla"],
                "closed_without_sla": totals["closed"] - totals["with_sla"],
                "share": _share(totals["within_sla"], totals["with_sla"])},
        "departments": department_rows,
        "busiest": [{"id": key, "name": type_names.get(key, {}), "received": row["this"],
                     "previous": row["previous"], "last_year": row["last_year"]} for key, row in busiest],
        "changes": {"types": change_lists(type_rows), "departments": change_lists(department_changes)},
        "comparable": comparable,
        "daily": daily,
        # "Was it fixed?" answers given in the month about the jurisdiction's public requests (civicdesk.feedback);
        # reports generated before the feature stored None and keep saying that no figure exists.
        "satisfaction": feedback_stats.as_data(feedback_stats.total(feedback_stats.between(
            feedback_stats.scoped(feedback_stats.public_answers(), jurisdiction_id=jurisdiction.pk),
            this.start, this.end))),
        "thresholds": {"min_volume": MIN_VOLUME, "min_closed": MIN_CLOSED},
    }


# --- storing ------------------------------------------------------------------------------------------

def generate_report(jurisdiction: Jurisdiction, month: dt.date, *, user=None, only_missing: bool = False,
                    announce: bool = True, now: dt.datetime | None = None) -> MonthlyReport | None:
    """Compute, render and store the report of `jurisdiction` for `month`; returns it.

    With `only_missing`, an existing report is left exactly as it is and None is returned (what the
    scheduled task does, so running it twice changes nothing). Otherwise an existing report is
    replaced in place (same row, new figures, new PDF) and "report.regenerated" is audited with the
    user who asked; a new one is audited as "report.generated". With `announce`, the report of the last
    complete month is announced as a news notice (`announce_report`); older months are not. A month that has not ended yet in the
    jurisdiction's time zone is refused with ValueError: its figures would still move.
    """
    from .pdf import render_report_pdf

    month = first_of_month(month)
    now = now or timezone.now()
    if month_window(month, jurisdiction.tz).end > now:
        raise ValueError(f"{month:%Y-%m} has not ended yet in {jurisdiction.time_zone}")
    if only_missing and MonthlyReport.objects.filter(jurisdiction=jurisdiction, month=month).exists():
        return None
    data = compute_report(jurisdiction, month)
    draft = MonthlyReport(jurisdiction=jurisdiction, month=month, data=data, generated_at=now)
    storage_field = MonthlyReport._meta.get_field("pdf")
    storage = storage_field.storage
    new_names: dict[str, str] = {}  # language -> stored name, the default language's included
    try:
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                pdf_bytes = render_report_pdf(draft)
            suffix = "" if language == settings.LANGUAGE_CODE else f".{language}"
            new_names[language] = storage.save(f"reports/{jurisdiction.slug}/{month:%Y-%m}{suffix}.pdf",
                                               ContentFile(pdf_bytes))
        with transaction.atomic():
            report = (MonthlyReport.objects.select_for_update()
                      .filter(jurisdiction=jurisdiction, month=month).first())
            created = report is None
            if created:
                report = draft
            elif only_missing:
                _delete_files(storage, new_names.values())  # someone else generated it meanwhile
                return None
            old_names = [] if created else [report.pdf.name, *(report.translated_pdfs or {}).values()]
            report.data, report.generated_at = data, now
            report.pdf.name = new_names.pop(settings.LANGUAGE_CODE)
            report.translated_pdfs = dict(new_names)
            new_names[settings.LANGUAGE_CODE] = report.pdf.name
            report.save()
            report.log_action("report.generated" if created else "report.regenerated", user=user, data={
                "month": report.month_slug, "received": data["received"], "closed": data["closed"]})
            # Only the newest month is news: back-filling older months (`--recent 3`, the demo) announces
            # nothing, so the home page does not fill up with old reports. A notice already out is updated.
            if announce and (report.notice_id or month == last_complete_month(jurisdiction, now)):
                announce_report(report, now=now)
            replaced = [name for name in old_names if name and name not in new_names.values()]
            if replaced:
                transaction.on_commit(lambda: _delete_files(storage, replaced))
    except IntegrityError:
        # Another process stored the same month between our look-up and our insert (the unique constraint).
        _delete_files(storage, new_names.values())
        if only_missing:
            return None
        raise
    except BaseException:
        _delete_files(storage, new_names.values())
        raise
    log.info("monthly report %s %s: %s received, %s closed", jurisdiction.slug, report.month_slug,
             data["received"], data["closed"])
    return report


def _delete_files(storage, names) -> None:
    """Delete stored files by name (a PDF this run wrote and no report keeps, or one a regeneration replaced)."""
    for name in list(names):
        if name:
            storage.delete(name)


def announce_report(report: MonthlyReport, *, now: dt.datetime | None = None):
    """Publish (or, for a regenerated report, update) the jurisdiction-wide news item about the report.

    A news notice (kind "news", severity "information", no area: the whole jurisdiction) shows on the
    notices list, the notices Atom feed and the home page for NOTICE_DAYS days. It is saved as published
    through notices.services.save_notice, which audits it but messages nobody: area subscribers asked for
    disruptions near them, not for a monthly statistics release (the reports' own Atom feed carries those).
    """
    from civicdesk.notices.models import ServiceNotice
    from civicdesk.notices.services import save_notice

    now = now or timezone.now()
    notice = report.notice or ServiceNotice(jurisdiction=report.jurisdiction, kind=ServiceNotice.Kind.NEWS,
                                            severity=ServiceNotice.Severity.INFO, starts_at=now,
                                            ends_at=now + dt.timedelta(days=NOTICE_DAYS), published_at=now)
    url = settings.SITE_URL + report.get_absolute_url()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            setattr(notice, f"title_{language}", report.title())
            setattr(notice, f"body_{language}", notice_body(report, url))
    save_notice(notice, user=None, districts=[], service_types=[], changed_fields=["title", "body"])
    if report.notice_id != notice.pk:
        report.notice = notice
        report.save(update_fields=["notice"])
    return notice


def notice_body(report: MonthlyReport, url: str) -> str:
    """The announcement's text in the active language: the headline numbers and where to read the rest."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext, ngettext

    data = report.data
    received = ngettext("%(count)s request received", "%(count)s requests received", data["received"]) % {
        "count": number_format(data["received"], force_grouping=True)}
    closed = ngettext("%(count)s closed", "%(count)s closed", data["closed"]) % {
        "count": number_format(data["closed"], force_grouping=True)}
    return gettext("How %(jurisdiction)s answered requests in %(month)s: %(received)s, %(closed)s. Times to "
                   "close per department, the share closed on time and the biggest changes are in the "
                   "report: %(url)s") % {
        "jurisdiction": report.jurisdiction.name, "month": month_label(report.month), "received": received,
        "closed": closed, "url": url}


def generate_due_reports(*, now: dt.datetime | None = None) -> list[MonthlyReport]:
    """Generate last month's report for every active jurisdiction that does not have it yet.

    "Last month" is worked out in each jurisdiction's own time zone. Safe to run any number of times:
    an existing report is never touched.
    """
    now = now or timezone.now()
    made = []
    for jurisdiction in Jurisdiction.objects.filter(is_active=True).order_by("pk"):
        report = generate_report(jurisdiction, last_complete_month(jurisdiction, now), only_missing=True, now=now)
        if report is not None:
            made.append(report)
    return made
