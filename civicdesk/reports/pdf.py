"""The report as a PDF: the page's own template body rendered by WeasyPrint, tagged, with language and title.

WeasyPrint (https://weasyprint.org) lays out HTML and CSS with Pango; it is the only module that imports
it. Nothing is fetched while rendering: the stylesheet is read from the static files and the charts are
inline SVG, so a PDF renders the same on a machine with no network.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from civicdesk.lib.bidi import visual_svg_text

from .models import MonthlyReport

STYLESHEET = "reports/report-print.css"

# WeasyPrint logs every layout step at INFO ("Step 5 - Creating layout - Page 3"): noise in the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_report_pdf(report: MonthlyReport) -> bytes:
    """The PDF of `report` in the active language, as bytes.

    Tagged (PDF/UA structure: headings, tables and reading order for screen readers), with the
    document language from `<html lang>` and the title from `<title>` in its metadata, and set to
    show that title in a reader's window.
    """
    return render_report_document(report).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def render_report_document(report: MonthlyReport):
    """The laid-out WeasyPrint document of `report` (pages of boxes) before it is written as PDF."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    from civicdesk.cities import city

    from .presentation import page_context

    context = page_context(report) | {"site_name": city().site_name(report.jurisdiction),
                                      "page_url": settings.SITE_URL + report.get_absolute_url()}
    html = render_to_string("reports/pdf.html", context)
    if translation.get_language_bidi():
        # WeasyPrint lays out SVG text letter by letter: give it the chart labels already joined and ordered.
        html = visual_svg_text(html)
    with open(finders.find(STYLESHEET), encoding="utf-8") as handle:
        css = weasyprint.CSS(string=handle.read())
    return weasyprint.HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).render(stylesheets=[css])
