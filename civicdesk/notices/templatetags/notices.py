"""Template helpers for notices: their dates in words, in the jurisdiction's own time zone."""

from __future__ import annotations

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def notice_dates(notice) -> str:
    """"From 3 March 2027, 8 a.m. until 5 March 2027, 5 p.m." (or "… until further notice")."""
    tz = notice.jurisdiction.tz
    start = formats.date_format(timezone.localtime(notice.starts_at, tz), "DATETIME_FORMAT")
    if notice.ends_at is None:
        return _("From %(start)s until further notice") % {"start": start}
    end = formats.date_format(timezone.localtime(notice.ends_at, tz), "DATETIME_FORMAT")
    return _("From %(start)s until %(end)s") % {"start": start, "end": end}


@register.filter
def alert_class(notice) -> str:
    """The USWDS alert variant for the severity; the severity is always written out too, never colour alone."""
    return {"major": "usa-alert--error", "minor": "usa-alert--warning"}.get(notice.severity, "usa-alert--info")
