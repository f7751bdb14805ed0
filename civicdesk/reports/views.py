"""Public pages of the monthly reports (archive, one report, its PDF and CSVs) and the staff regenerate button."""

from __future__ import annotations

import csv
import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.staff.access import can_in_jurisdiction, require_staff

from . import presentation, services
from .models import MonthlyReport

#: Who may regenerate a report: those who may publish the jurisdiction's news (supervisors, admins),
#: since regenerating changes a published document and its announcement.
REGENERATE_ACTION = "publish_notice"


def _get_report(slug: str, month: str, *, with_data: bool = True) -> MonthlyReport:
    """The report of that jurisdiction and "YYYY-MM", or Http404."""
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404(_("No report for that month.")) from None
    reports = MonthlyReport.objects.select_related("jurisdiction")
    if not with_data:
        reports = reports.defer("data")
    return get_object_or_404(reports, jurisdiction__slug=slug, jurisdiction__is_active=True, month=first)


def archive(request):
    """Every report, per jurisdiction (alphabetical), newest month first."""
    reports = sorted(MonthlyReport.objects.for_archive().filter(jurisdiction__is_active=True),
                     key=lambda r: (r.jurisdiction.name.lower(), r.jurisdiction_id, -r.month.toordinal()))
    groups = [{"jurisdiction": items[0].jurisdiction, "reports": items}
              for items in (list(g) for _key, g in groupby(reports, key=lambda r: r.jurisdiction_id))]
    return render(request, "reports/archive.html", {"groups": groups})


def detail(request, slug: str, month: str):
    report = _get_report(slug, month)
    may_regenerate = (request.user.is_authenticated
                      and can_in_jurisdiction(request.user, REGENERATE_ACTION, report.jurisdiction_id))
    return render(request, "reports/detail.html", presentation.page_context(report) | {
        "may_regenerate": may_regenerate})


def pdf(request, slug: str, month: str):
    """The stored PDF in the reader's language (else the default language's), downloaded under a readable name
    (Content-Disposition: attachment)."""
    report = _get_report(slug, month, with_data=False)
    name, language = report.pdf_name_for(get_language())
    if not name:
        raise Http404(_("This report has no PDF."))
    try:
        handle = report.pdf.storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(_("This report has no PDF.")) from None
    response = FileResponse(handle, as_attachment=True, filename=report.pdf_filename(language),
                            content_type="application/pdf")
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def table_csv(request, slug: str, month: str, table: str):
    """One of the report's tables as CSV (the numbers behind a chart), from the stored figures."""
    report = _get_report(slug, month)
    found = presentation.tables(report.data).get(table)
    if found is None:
        raise Http404(_("This report has no such table."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="{report.jurisdiction.slug}-{report.month_slug}-'
                                       f'{found.slug}.csv"')
    writer = csv.writer(response)
    writer.writerow(found.headers)
    writer.writerows(found.rows)
    return response


@login_required
@require_POST
def regenerate(request, slug: str, month: str):
    """Recompute the report from today's data (audited as report.regenerated with the staff member)."""
    require_staff(request.user)
    report = _get_report(slug, month, with_data=False)
    if not can_in_jurisdiction(request.user, REGENERATE_ACTION, report.jurisdiction_id):
        raise PermissionDenied(_("Only supervisors and administrators may regenerate a report."))
    services.generate_report(report.jurisdiction, report.month, user=request.user)
    messages.success(request, _("The report was regenerated from today's data."))
    return redirect(report.get_absolute_url())
