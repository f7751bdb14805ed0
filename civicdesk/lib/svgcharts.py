"""Server-rendered SVG charts for dashboards and reports: no JavaScript, no inline style, printable.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>` (what it shows
and its extremes), so a screen reader announces it as one image; the numbers themselves belong in the
data table that every page puts beside its chart (the chart never replaces the table). Colours are
presentation attributes, not `style`, so the Content-Security-Policy (no inline styles) allows them, and
WeasyPrint renders the same markup into PDF reports. Lines are told apart by dash pattern and marker
shape as well as colour (WCAG 1.4.1), and every colour has at least 3:1 contrast on white (WCAG 1.4.11).

    bar_chart(["Pothole", "Graffiti"], [120, 45], title="Requests by kind of problem")
    line_chart(["Nov 2", "Nov 9"], [Series("2026", [10, 12]), Series("2025", [8, None])], title="Per week")

In a right-to-left language (Arabic) the charts are mirrored, as readers of that language expect: bar
labels on the right and bars growing to the left, the value axis on the right and time running from
right to left. The SVG itself always says `direction="ltr"` and the mirroring is done on the coordinates
(x becomes width - x, text anchors start and end swap), because browsers apply an inherited `dir="rtl"`
to text-anchor while WeasyPrint does not: this way both draw the same picture.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

#: Dark enough for 3:1 against white; in order of use for the series of a line chart.
COLOURS = ("#005ea2", "#b50909", "#2e6b33", "#6b3fa0", "#8a5300", "#1a4480")
#: Dash patterns in the same order ("" = solid), so series differ without colour.
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5", "8 8")
AXIS = "#565c65"
GRID = "#dfe1e2"
TEXT = "#1b1b1b"
#: A generous width of one character at font-size 13, so labels are sized and cut before they overflow.
CHAR_WIDTH = 8
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name (shown in the legend) and one value per x label (None = no data)."""

    name: str
    values: Sequence[float | None]


def _r(value: float) -> str:
    """A coordinate with one decimal (format_html escapes its arguments before formatting them)."""
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (1 for 0 or less): a readable axis maximum."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10 ** exponent
        if candidate >= value - 1e-9:
            return float(candidate)
    return float(10 ** (exponent + 1))


class _Mirror:
    """Horizontal coordinates and text anchors as drawn: unchanged left to right, mirrored right to left."""

    def __init__(self, width: int, rtl: bool | None):
        self.width = width
        self.rtl = get_language_bidi() if rtl is None else rtl

    def x(self, value: float) -> str:
        return _r(self.width - value if self.rtl else value)

    def box(self, left: float, width: float) -> str:
        """The left edge of a box drawn from `left` over `width` to the right (to the left when mirrored)."""
        return _r(self.width - left - width if self.rtl else left)

    def anchor(self, anchor: str) -> str:
        if not self.rtl:
            return anchor
        return {"start": "end", "end": "start"}.get(anchor, anchor)


def _frame(width: int, height: int, title: str, description: str, body: list[str]) -> SafeString:
    ident = f"chart-{secrets.token_hex(4)}"
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" direction="ltr" aria-labelledby="{}-t {}-d" font-family="{}" font-size="13" '
        'fill="{}"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        width, height, ident, ident, FONT, TEXT, ident, title, ident, description)
    return mark_safe(head + "".join(body) + "</svg>")


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str, description: str = "",
              value_format: Callable[[float], str] = _number, width: int = 640,
              rtl: bool | None = None) -> SafeString:
    """Horizontal bars, one per label, each with its value written at its end.

    Horizontal so long labels ("Missed bulk item pickup") stay readable on a phone. `description`
    defaults to the largest and smallest bar in words. `rtl` mirrors the chart (default: when the
    active language is written right to left).
    """
    mirror = _Mirror(width, rtl)
    labels = [str(label) for label in labels]
    values = [float(value or 0) for value in values]
    row, top = 26, 8
    label_width = min(280, max([60] + [CHAR_WIDTH * len(label) + 8 for label in labels]))
    plot_width = width - label_width - 70
    height = top * 2 + row * max(1, len(values))
    maximum = nice_ceiling(max(values, default=0))
    if not description and values:
        high = max(range(len(values)), key=values.__getitem__)
        low = min(range(len(values)), key=values.__getitem__)
        description = _("Highest: %(high)s (%(high_value)s). Lowest: %(low)s (%(low_value)s).") % {
            "high": labels[high], "high_value": value_format(values[high]),
            "low": labels[low], "low_value": value_format(values[low])}
    elif not values:
        description = _("No data.")
    body = [format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
                        mirror.x(label_width), top, mirror.x(label_width), height - top, AXIS)]
    for index, (label, value) in enumerate(zip(labels, values)):
        y = top + index * row
        bar = 0 if maximum == 0 else plot_width * value / maximum
        fits = (label_width - 8) // CHAR_WIDTH
        shown = label if len(label) <= fits else label[:fits - 1] + "…"
        body.append(format_html(
            '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
            '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle">{}</text>',
            mirror.x(label_width - 6), _r(y + row / 2), mirror.anchor("end"), shown,
            mirror.box(label_width, bar), y + 4, _r(bar), row - 8, COLOURS[0],
            mirror.x(label_width + bar + 4), _r(y + row / 2), mirror.anchor("start"), value_format(value)))
    return _frame(width, height, title, description, body)


def line_chart(labels: Sequence[str], series: Sequence[Series], *, title: str, description: str = "",
               value_format: Callable[[float], str] = _number, width: int = 640, height: int = 260,
               rtl: bool | None = None) -> SafeString:
    """One line per series over the x labels, with a legend, gridlines and the y axis from 0.

    A None value breaks the line (no data that week, or the period before the data starts). At most
    eight x labels are written; every point still has its own `<title>` tooltip for mouse users.
    `rtl` mirrors the chart (default: when the active language is written right to left).
    """
    mirror = _Mirror(width, rtl)
    labels = [str(label) for label in labels]
    left, right, top, bottom = 56, 30, 12, 46 + 18 * ((len(series) + 2) // 3)
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [float(v) for one in series for v in one.values if v is not None]
    maximum = nice_ceiling(max(known, default=0))
    if not description:
        if known:
            description = _("From %(first)s to %(last)s; highest value %(high)s.") % {
                "first": labels[0] if labels else "", "last": labels[-1] if labels else "",
                "high": value_format(max(known))}
        else:
            description = _("No data.")
    step = plot_w / max(1, len(labels) - 1)
    body = []
    for tick in range(5):
        value = maximum * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
            '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle">{}</text>',
            mirror.x(left), _r(y), mirror.x(left + plot_w), _r(y), GRID if tick else AXIS, mirror.x(left - 6), _r(y),
            mirror.anchor("end"), value_format(value)))
    every = max(1, math.ceil(len(labels) / 8))
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1 and len(labels) <= 8:
            body.append(format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>',
                                    mirror.x(left + index * step), top + plot_h + 18, label))
    for number, one in enumerate(series):
        colour, dash = COLOURS[number % len(COLOURS)], DASHES[number % len(DASHES)]
        points, segments, current = [], [], []
        for index, value in enumerate(one.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            x = left + index * step
            y = top + plot_h - (plot_h * float(value) / maximum if maximum else 0)
            current.append(f"{mirror.x(x)},{y:.1f}")
            points.append((x, y, labels[index] if index < len(labels) else "", value))
        if current:
            segments.append(current)
        for segment in segments:
            body.append(format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>',
                " ".join(segment), colour, dash or "none"))
        for x, y, label, value in points:
            marker = (format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}">', mirror.x(x), _r(y), colour)
                      if number % 2 == 0 else
                      format_html('<rect x="{}" y="{}" width="7" height="7" fill="{}">', mirror.box(x - 3.5, 7),
                                  _r(y - 3.5), colour))
            closing = "</circle>" if number % 2 == 0 else "</rect>"
            body.append(marker + format_html("<title>{}: {}, {}</title>", one.name, label, value_format(value))
                        + mark_safe(closing))
        legend_x = left + (number % 3) * (plot_w / 3)
        legend_y = height - bottom + 34 + 18 * (number // 3)
        body.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>'
            '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle">{}</text>',
            mirror.x(legend_x), legend_y, mirror.x(legend_x + 24), legend_y, colour, dash or "none",
            mirror.x(legend_x + 30), legend_y, mirror.anchor("start"), one.name))
    return _frame(width, height, title, description, body)


__all__ = ["Series", "bar_chart", "line_chart", "nice_ceiling"]
