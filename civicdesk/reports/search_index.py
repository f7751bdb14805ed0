"""Monthly performance reports as search results, with their headline numbers as the text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document, Source, in_each_language, only, register


def report_documents(ids=None):
    from .models import MonthlyReport
    from .services import notice_body

    for report in only(MonthlyReport.objects.select_related("jurisdiction"), ids).order_by("pk"):
        def build(language, report=report):
            url = report.get_absolute_url()
            return Document(object_id=str(report.pk), language=language, title=report.title(),
                            body=notice_body(report, url), url=url, jurisdiction_id=report.jurisdiction_id,
                            dated=report.generated_at)
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="reports.monthlyreport", kind="report", label=_("Performance reports"),
                    model="reports.MonthlyReport", documents=report_documents, order=50))
