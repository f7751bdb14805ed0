"""A stored report's figures as the page, the PDF and the CSV downloads show them: tables and their charts.

Everything here reads `MonthlyReport.data` only (never the live tables), so the page of an archived
month shows the same numbers for ever; only the wording follows the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from civicdesk.lib.svgcharts import Series, bar_chart, line_chart

from .models import MonthlyReport, localized, month_label


@dataclass
class Table:
    """One data table: its slug (the CSV's name), caption, column headings and rows of display text."""

    slug: str
    caption: str
    headers: list[str]
    rows: list[list[str]]
    chart: SafeString | None = None
    notes: list[str] = field(default_factory=list)


def number(value: int | None) -> str:
    return "" if value is None else str(value)


def days(value: float | None) -> str:
    """Days with one decimal ("3.5"); "" when there is no value (nothing was closed)."""
    return "" if value is None else f"{value:.1f}"


def percent(share: float | None) -> str:
    """A share 0..1 as a percentage with one decimal ("87.5%"); "" without a base (nothing to share)."""
    return "" if share is None else f"{share * 100:.1f}%"


def signed(value: float, *, decimals: int = 0) -> str:
    return f"{value:+.{decimals}f}"


def _month(iso: str) -> str:
    return month_label(dt.date.fromisoformat(iso))


def daily_table(data: dict) -> Table:
    rows = [[day["date"], number(day["received"]), number(day["closed"])] for day in data["daily"]]
    labels = [formats.date_format(dt.date.fromisoformat(day["date"]), "M j") for day in data["daily"]]
    chart = line_chart(labels, [Series(_("Received"), [day["received"] for day in data["daily"]]),
                                Series(_("Closed"), [day["closed"] for day in data["daily"]])],
                       title=_("Requests received and closed per day"))
    return Table("daily", _("Requests received and closed per day"), [_("Date"), _("Received"), _("Closed")],
                 rows, chart)


def department_name(row: dict) -> str:
    """The department's name as stored with the report, in the reader's language ("No department" for none)."""
    return localized(row["name"]) or _("No department")


def departments_table(data: dict) -> Table:
    rows = []
    for row in data["departments"]:
        rows.append([department_name(row), number(row["received"]), number(row["closed"]),
                     days(row["median_days"]) or _("none closed"), days(row["p90_days"]) or _("none closed"),
                     number(row["within_sla"]), number(row["with_sla"]),
                     percent(row["sla_share"]) or _("no SLA"), number(row["open_at_end"])])
    overall = data["time_to_close"]
    rows.append([_("All departments"), number(data["received"]), number(data["closed"]),
                 days(overall["median_days"]) or _("none closed"), days(overall["p90_days"]) or _("none closed"),
                 number(data["sla"]["within_sla"]), number(data["sla"]["closed_with_sla"]),
                 percent(data["sla"]["share"]) or _("no SLA"), number(data["open_at_end"])])
    closed = [row for row in data["departments"] if row["median_days"] is not None]
    chart = bar_chart([department_name(row) for row in closed], [row["median_days"] for row in closed],
                      title=_("Median days to close, by department"), value_format=lambda v: f"{v:.1f}") \
        if closed else None
    return Table("departments", _("Requests and time to close by department"),
                 [_("Department"), _("Received"), _("Closed"), _("Median days to close"),
                  _("90th percentile days to close"), _("Closed within the SLA"), _("Closed with an SLA"),
                  _("Share within the SLA"), _("Open at month end")], rows, chart)


def sla_chart(data: dict) -> SafeString | None:
    with_sla = [row for row in data["departments"] if row["sla_share"] is not None]
    if not with_sla:
        return None
    return bar_chart([department_name(row) for row in with_sla], [row["sla_share"] * 100 for row in with_sla],
                     title=_("Share closed within the SLA, by department"), value_format=lambda v: f"{v:.1f}%")


def busiest_table(data: dict) -> Table:
    rows = [[localized(row["name"]), number(row["received"]), number(row["previous"]), number(row["last_year"])]
            for row in data["busiest"]]
    chart = bar_chart([localized(row["name"]) for row in data["busiest"]],
                      [row["received"] for row in data["busiest"]],
                      title=_("Busiest kinds of problem")) if data["busiest"] else None
    return Table("busiest", _("Requests received by kind of problem"),
                 [_("Kind of problem"), _("Received"), _("Previous month (%(month)s)") % {
                     "month": _month(data["previous_month"])},
                  _("Same month last year (%(month)s)") % {"month": _month(data["last_year_month"])}], rows, chart)


def change_groups(data: dict) -> list[dict]:
    """The four "biggest changes" lists per group (kinds, departments), with their headings and rows."""
    previous, last_year = _month(data["previous_month"]), _month(data["last_year_month"])
    groups = []
    for group, label in (("types", _("Kinds of problem")), ("departments", _("Departments"))):
        lists = []
        for key, heading, then in (
                ("volume_previous", _("Requests received, against %(month)s"), previous),
                ("volume_last_year", _("Requests received, against %(month)s"), last_year),
                ("time_previous", _("Median days to close, against %(month)s"), previous),
                ("time_last_year", _("Median days to close, against %(month)s"), last_year)):
            is_time = key.startswith("time")
            rows = []
            for row in data["changes"][group][key]:
                name = localized(row["name"]) if group == "types" else department_name(row)
                if is_time:
                    cells = [name, days(row["now"]), days(row["then"]), signed(row["change"], decimals=1)]
                else:
                    cells = [name, number(row["now"]), number(row["then"]), signed(row["change"])]
                cells.append("" if row["percent"] is None else f"{row['percent']:+.0f}%")
                rows.append(cells)
            other = "previous" if key.endswith("previous") else "last_year"
            empty = (_("Not enough requests to compare.") if data["comparable"][other] else
                     _("No requests were recorded in %(month)s, so there is nothing to compare with.") % {
                         "month": then})
            lists.append({"key": key, "heading": heading % {"month": then}, "then": then, "rows": rows,
                          "is_time": is_time, "empty": empty})
        groups.append({"key": group, "label": label, "lists": lists})
    return groups


def changes_table(data: dict) -> Table:
    """All the "biggest changes" lists as one flat table (the CSV download)."""
    rows = []
    for group in change_groups(data):
        for change in group["lists"]:
            for cells in change["rows"]:
                rows.append([group["label"], change["heading"], *cells])
    return Table("changes", _("Biggest changes"), [_("Group"), _("Comparison"), _("Name"), _("This month"),
                                                   _("Then"), _("Change"), _("Change (%)")], rows)


def tables(data: dict) -> dict[str, Table]:
    """Every table of the report, by slug (the CSV downloads)."""
    return {table.slug: table for table in (daily_table(data), departments_table(data), busiest_table(data),
                                            changes_table(data))}


def _satisfaction(stored: dict | None) -> dict | None:
    """The "was it fixed?" figures as shown; None for a report made before residents were asked."""
    if stored is None:
        return None
    mean = stored["mean_satisfaction"]
    return {"answers": stored["answers"], "fixed_share": percent(stored["fixed_share"]), "rated": stored["rated"],
            "mean": None if mean is None else f"{mean:.2f}"}


def page_context(report: MonthlyReport) -> dict:
    """What templates/reports/includes/report_body.html needs, from the stored figures."""
    data = report.data
    return {
        "report": report,
        "data": data,
        "title": report.title(),
        "month_label": report.month_label,
        "previous_label": _month(data["previous_month"]),
        "last_year_label": _month(data["last_year_month"]),
        "figures": {
            "received": data["received"], "closed": data["closed"], "open_at_end": data["open_at_end"],
            "median": days(data["time_to_close"]["median_days"]), "p90": days(data["time_to_close"]["p90_days"]),
            "sla_share": percent(data["sla"]["share"]),
        },
        "satisfaction": _satisfaction(data.get("satisfaction")),
        "daily": daily_table(data),
        "departments": departments_table(data),
        "sla_chart": sla_chart(data),
        "busiest": busiest_table(data),
        "changes": change_groups(data),
        "thresholds": data["thresholds"],
        "change_columns": [_("Change"), _("Change (%)")],
    }
