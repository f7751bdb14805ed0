"""Staff pages about the site search (civicdesk/search) for editors and jurisdiction admins: what residents
looked for and did not find, and the answers that saved a report ("deflected contacts"). Read-only pages over
counts without personal data, so reads are not audited."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.lib import svgcharts
from civicdesk.search import deflection
from civicdesk.search.misses import MISS_DAYS
from civicdesk.search.models import AnswerFollow, SearchMiss

from . import access

#: Seats that read the search pages: content editors (the role issue 14 adds) and jurisdiction admins.
READER_ROLES = {"editor", access.Role.ADMIN}
#: Rows shown of the searches without results (the most frequent first).
MAX_ROWS = 200


def may_read_search_insights(user) -> bool:
    """True for superusers and every editor or jurisdiction admin seat."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(seat.role in READER_ROLES for seat in access.seats(user))


def _require_reader(user) -> None:
    access.require_staff(user)
    if not may_read_search_insights(user):
        raise PermissionDenied(_("These pages are for content editors and jurisdiction administrators."))


class PeriodForm(forms.Form):
    """The period (and, for searches, the language) a page counts."""

    PERIODS = [(7, gettext_lazy("Last 7 days")), (30, gettext_lazy("Last 30 days")),
               (90, gettext_lazy("Last 90 days")), (MISS_DAYS, gettext_lazy("Last 180 days"))]
    days = forms.TypedChoiceField(label=gettext_lazy("Period"), choices=PERIODS, coerce=int, required=False,
                                  empty_value=30, widget=forms.Select(attrs={"class": "usa-select"}))
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False,
                                 widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Every language"))] + [
            (code, _(name)) for code, name in settings.LANGUAGES]

    def period(self) -> tuple[int, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("days") or 30, data.get("language") or ""


@login_required
def misses(request):
    """"What people looked for and did not find": searches without results in the period, the most frequent
    first (normalised and redacted when they were logged), with their last day seen and language; then, in a
    second table, the searches that found only a few results (fewer than settings.SEARCH_FEW_RESULTS), with
    the most results any of them found."""
    _require_reader(request.user)
    form = PeriodForm(request.GET or None)
    days, language = form.period()
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    logged = SearchMiss.objects.filter(day__gte=since)
    if language:
        logged = logged.filter(language=language)

    def most_frequent(found_rows):
        return list(found_rows.values("query", "language").annotate(
            searches=Sum("count"), last_seen=Max("last_seen"), most=Max("found"))
            .order_by("-searches", "-last_seen", "query")[:MAX_ROWS])

    return render(request, "search/staff/misses.html", {
        "form": form, "rows": most_frequent(logged.filter(found=0)),
        "few_rows": most_frequent(logged.filter(found__gt=0)), "few": settings.SEARCH_FEW_RESULTS,
        "days": days, "max_rows": MAX_ROWS, "keep_days": MISS_DAYS})


def _answer_counts(request) -> tuple[PeriodForm, int, dt.datetime, list[dict], list[dict]]:
    """The period form, its days, its start, and the follows per answer page and per week (every week of the
    period, oldest first, weeks without a follow counted as zero) for the answers page and its CSV."""
    _require_reader(request.user)
    form = PeriodForm(request.GET or None)
    days, _language = form.period()
    now = timezone.now()
    start = now - dt.timedelta(days=days)
    by_page = deflection.counts_by_page(start, now, now=now)
    found = {timezone.localtime(row["week"]).date() if isinstance(row["week"], dt.datetime) else row["week"]: row
             for row in deflection.counts_by_week(start, now, now=now)}
    first = timezone.localtime(start).date()
    week = first - dt.timedelta(days=first.weekday())
    last = timezone.localdate(now)
    by_week = []
    while week <= last:
        by_week.append({"week": week, "counts": found[week]["counts"] if week in found
                        else deflection.Counts(0, 0, 0, 0)})
        week += dt.timedelta(days=7)
    return form, days, start, by_page, by_week


#: Answer pages drawn in the chart per page (the table lists them all).
CHART_PAGES = 15


@login_required
def answers(request):
    """Answers before a report: per answer page and per week, how often an answer offered under a report's
    description was followed, how often a report came anyway, and the deflected contacts; a chart beside each
    table and a CSV of each."""
    form, days, _start, by_page, by_week = _answer_counts(request)
    totals = deflection.Counts(*(sum(getattr(row["counts"], name) for row in by_page)
                                 for name in ("followed", "came_back", "deflected", "pending")))
    weeks = [formats.date_format(row["week"], "SHORT_DATE_FORMAT") for row in by_week]
    week_chart = svgcharts.line_chart(weeks, [
        svgcharts.Series(_("Deflected contacts"), [row["counts"].deflected for row in by_week]),
        svgcharts.Series(_("Reported anyway"), [row["counts"].came_back for row in by_week]),
        svgcharts.Series(_("Followed"), [row["counts"].followed for row in by_week]),
    ], title=_("Answers followed and deflected contacts per week"))
    drawn = by_page[:CHART_PAGES]
    page_chart = svgcharts.bar_chart([row["title"] for row in drawn], [row["counts"].deflected for row in drawn],
                                     title=_("Deflected contacts per answer page"))
    return render(request, "search/staff/answers.html", {
        "form": form, "by_page": by_page, "by_week": list(reversed(by_week)), "totals": totals, "days": days,
        "window": AnswerFollow.FINISH_WINDOW_HOURS, "week_chart": week_chart, "page_chart": page_chart,
        "chart_pages": CHART_PAGES, "query": request.GET.urlencode()})


def _spreadsheet_safe(value):
    """A text cell starting with = + - @ would run as a formula in a spreadsheet: quote it."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


@login_required
def answers_csv(request, by: str):
    """The answers page's table per answer page (`by` = "page") or per week ("week") as CSV: page titles,
    addresses and counts only (nothing about who followed an answer is stored)."""
    if by not in ("page", "week"):
        raise Http404
    _form, _days, start, by_page, by_week = _answer_counts(request)
    end = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="answers-by-{by}-{timezone.localtime(start).date().isoformat()}-{end.isoformat()}.csv"')
    writer = csv.writer(response)
    counted = [_("followed"), _("deflected contacts"), _("reported anyway"), _("waiting")]
    if by == "page":
        writer.writerow([_("answer page"), _("address")] + counted)
        rows = [[row["title"], row["url"]] + _counted_cells(row["counts"]) for row in by_page]
    else:
        writer.writerow([_("week of")] + counted)
        rows = [[row["week"].isoformat()] + _counted_cells(row["counts"]) for row in by_week]
    for row in rows:
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    return response


def _counted_cells(counts: deflection.Counts) -> list[int]:
    return [counts.followed, counts.deflected, counts.came_back, counts.pending]
