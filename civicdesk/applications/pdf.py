"""The issued permit or licence as a PDF: a template rendered by WeasyPrint (as civicdesk/reports/pdf.py),
with the verification URL and its QR code (segno, drawn as inline SVG). Nothing is fetched while rendering."""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string

from civicdesk.formengine.text import pick

from .models import Permit

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def verification_url(permit: Permit) -> str:
    return settings.SITE_URL + permit.get_verification_url()


def qr_svg(url: str) -> str:
    """The URL as a QR code, an SVG element (medium error correction: a creased or stained paper still scans)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, title=url)


def permit_context(permit: Permit) -> dict:
    """What the PDF shows: the permit's facts, the holder's name (the PDF is the holder's document) and the
    verification URL with its QR code."""
    from civicdesk.cities import city

    application = permit.application
    url = verification_url(permit)
    return {"permit": permit, "application": application, "type_name": pick(application.application_type.name),
            "holder": application.applicant.get_full_name() or application.applicant.email,
            "site_name": city().site_name(application.jurisdiction), "verification_url": url, "qr": qr_svg(url)}


def render_permit_pdf(permit: Permit) -> bytes:
    """The permit as PDF bytes in the active language (tagged, titled)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = render_to_string("applications/pdf/permit.html", permit_context(permit))
    document = weasyprint.HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
