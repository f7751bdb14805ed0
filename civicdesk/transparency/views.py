"""The public dashboard (/dashboard/) and the CSV download of each of its tables."""

from __future__ import annotations

import csv
import math

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from civicdesk.lib import svgcharts

from .dashboard import (Dashboard, age_chart_labels, age_labels, build_dashboard, satisfaction_rows,
                        summary_rows)
from .forms import DEFAULT_PERIOD, DashboardFilters
from .rollups import Scope

TABLES = ("summary", "weekly", "backlog", "kinds", "satisfaction")


def read_filters(request) -> tuple[DashboardFilters, Scope, int, list[str]]:
    """The form, the scope and period it asks for (invalid values are ignored), and the chosen filters' names."""
    query = request.GET.copy()
    if not query.get("period"):
        query["period"] = str(DEFAULT_PERIOD)  # so the period list shows the period the page shows
    form = DashboardFilters(query)
    form.is_valid()  # the valid filters stay in cleaned_data; the others show their error and are ignored
    data = form.cleaned_data
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].id_for_label}-error"
    chosen = [str(data[name].name) for name in ("jurisdiction", "department", "type", "district") if data.get(name)]
    scope = Scope(jurisdiction_id=getattr(data.get("jurisdiction"), "pk", None),
                  department_id=getattr(data.get("department"), "pk", None),
                  service_type_id=getattr(data.get("type"), "pk", None),
                  district_id=getattr(data.get("district"), "pk", None))
    return form, scope, data.get("period") or DEFAULT_PERIOD, chosen


def dashboard(request):
    form, scope, period, chosen = read_filters(request)
    board = build_dashboard(scope, period_days=period)
    labels = age_labels()
    week_labels = [formats.date_format(week.start, "M j") for week in board.weeks]
    context = {
        "form": form, "board": board, "chosen": chosen, "query": request.GET.urlencode(),
        "summary": summary_rows(board),
        "satisfaction": satisfaction_rows(board),
        "backlog_rows": [(labels[key], count) for key, count in board.backlog.items()],
        "weekly_chart": svgcharts.line_chart(week_labels, [
            svgcharts.Series(_("Last %(days)d days") % {"days": period}, [w.received for w in board.weeks]),
            svgcharts.Series(_("Same weeks last year"), [w.received_last_year for w in board.weeks]),
        ], title=_("Requests received per week")),
        "backlog_chart": svgcharts.bar_chart(age_chart_labels(), list(board.backlog.values()), width=420,
                                             title=_("Open requests by age")),
        "kinds_chart": svgcharts.bar_chart([k.name for k in board.kinds], [k.received for k in board.kinds],
                                           title=_("Busiest kinds of problem")),
    }
    return render(request, "transparency/dashboard.html", context)


def _csv_rows(board: Dashboard, table: str) -> tuple[list[str], list[list]]:
    if table == "summary":
        return ([_("measure"), _("label"), _("this period"), _("same period last year")],
                [list(row) for row in summary_rows(board)] + [["open_backlog", _("Open requests now"),
                                                               board.backlog_total, ""]])
    if table == "weekly":
        return ([_("week start"), _("week end"), _("requests received"), _("received the same week last year")],
                [[w.start.isoformat(), w.end.isoformat(), w.received, w.received_last_year] for w in board.weeks])
    if table == "satisfaction":
        return [_("measure"), _("label"), _("this period")], [list(row) for row in satisfaction_rows(board)]
    if table == "backlog":
        labels = age_labels()
        return [_("age"), _("open requests")], [[labels[key], count] for key, count in board.backlog.items()]
    return ([_("kind of problem"), _("requests received"), _("received the same period last year"), _("change"),
             _("change (%)")],
            [[k.name, k.received, k.received_last_year, k.change,
              "" if k.change_percent is None else round(k.change_percent, 1)] for k in board.kinds])


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float) and math.isinf(value):
        return ">365"
    return value


def dashboard_csv(request, table: str):
    if table not in TABLES:
        raise Http404
    _form, scope, period, _chosen = read_filters(request)
    board = build_dashboard(scope, period_days=period)
    header, rows = _csv_rows(board, table)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{table}-{board.today.isoformat()}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return response
