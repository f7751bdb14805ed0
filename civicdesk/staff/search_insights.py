"""Staff pages about the site search (civicdesk/search) for editors and jurisdiction admins: what residents
looked for and did not find, and the answers that saved a report ("deflected contacts"). Read-only pages over
counts without personal data, so reads are not audited."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

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
    first (normalised and redacted when they were logged), with their last day seen and language."""
    _require_reader(request.user)
    form = PeriodForm(request.GET or None)
    days, language = form.period()
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    rows = SearchMiss.objects.filter(day__gte=since)
    if language:
        rows = rows.filter(language=language)
    rows = list(rows.values("query", "language").annotate(searches=Sum("count"), last_seen=Max("last_seen"))
                .order_by("-searches", "-last_seen", "query")[:MAX_ROWS])
    return render(request, "search/staff/misses.html", {
        "form": form, "rows": rows, "days": days, "max_rows": MAX_ROWS, "keep_days": MISS_DAYS})


@login_required
def answers(request):
    """Answers before a report: per answer page and per week, how often an answer offered under a report's
    description was followed, how often a report came anyway, and the deflected contacts."""
    _require_reader(request.user)
    form = PeriodForm(request.GET or None)
    days, _language = form.period()
    now = timezone.now()
    start = now - dt.timedelta(days=days)
    by_page = deflection.counts_by_page(start, now, now=now)
    by_week = deflection.counts_by_week(start, now, now=now)
    totals = deflection.Counts(*(sum(getattr(row["counts"], name) for row in by_page)
                                 for name in ("followed", "came_back", "deflected", "pending")))
    return render(request, "search/staff/answers.html", {
        "form": form, "by_page": by_page, "by_week": by_week, "totals": totals, "days": days,
        "window": AnswerFollow.FINISH_WINDOW_HOURS})
