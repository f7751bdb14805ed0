"""The receipt as a PDF, laid out by WeasyPrint (as civicdesk/reports/pdf.py does): tagged, with language and title.

Nothing is fetched while rendering (no URL fetcher protocols allowed); the styles are inside the template.
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from .models import Payment

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_receipt_pdf(payment: Payment, context: dict) -> bytes:
    """The PDF of the payment's receipt in the active language, as bytes (PDF/UA tagged)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = render_to_string("payments/receipt_pdf.html", context)
    document = weasyprint.HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
