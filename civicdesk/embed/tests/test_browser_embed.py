"""Acceptance: a page on another origin embeds the report flow with the snippet; a resident files a report in
the frame (every step) and sees the confirmation there while the frame follows the page's height; a site that is
not allowed cannot frame it. axe finds nothing inside the frame, in English and in Spanish, nor on the staff page
whose preview frames the embedded form."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from civicdesk.embed.models import EmbedSettings
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.auth import login_verified
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.one_page_site import one_page_site

pytestmark = pytest.mark.browser


def host_site(html: str):
    """The city's website: one page on 127.0.0.1, another origin than the live server on localhost."""
    return one_page_site(html.encode())


def host_page(live_url: str, kind: str = "report", lang: str = "") -> str:
    extra = f' data-lang="{lang}"' if lang else ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Town of Elm</title></head><body>'
            f'<h1>Town of Elm: city services</h1>'
            f'<div data-civicdesk-embed="{kind}" data-jurisdiction="elm"{extra}></div>'
            f'<script src="{live_url}/static/embed/civicdesk-embed.js" async></script></body></html>')


def frame_height(page) -> int:
    return page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().height")


def test_it_files_a_report_through_a_frame_on_an_allowed_site(live_server, tworld, browser):
    page_html = host_page(live_server.url)
    with host_site(page_html) as allowed, host_site(page_html) as refused:
        EmbedSettings.objects.create(jurisdiction=tworld.elm, allowed_origins=allowed)
        page = new_phone_page(browser)
        try:
            page.goto(allowed)
            frame = page.frame_locator("iframe[title='Report a problem']")
            expect(frame.get_by_role("heading", level=1)).to_be_visible()
            page.wait_for_function("() => document.querySelector('iframe').style.height !== '600px'")
            start_height = frame_height(page)

            frame.get_by_role("link", name=re.compile("^Pothole")).click()
            expect(frame.get_by_role("heading", level=1)).to_have_text("Where is the problem? (Pothole)")
            frame.get_by_label("Street address").fill("12 Oak Street")
            frame.get_by_role("button", name="Continue").click()
            expect(frame.get_by_test_id("resolved-address")).to_have_text("12 Oak Street")
            frame.get_by_role("button", name="Yes, this is the place").click()

            expect(frame.get_by_role("heading", level=1)).to_have_text("Tell us about the problem (Pothole)")
            frame.get_by_label("Describe the problem").fill("Deep hole by the library steps")
            frame.get_by_label("How deep is it?").select_option("deep")
            details_frame = next(f for f in page.frames if "/embed/elm/report/pothole/details/" in f.url)
            assert_no_axe_violations(details_frame, context="embedded details step")
            frame.get_by_role("button", name="Send report").click()

            tracking_number = frame.get_by_test_id("tracking-number")
            expect(tracking_number).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))
            saved = ServiceRequest.objects.get(public_id=tracking_number.inner_text())
            assert saved.description == "Deep hole by the library steps" and saved.address == "12 Oak Street"
            assert page.url == allowed + "/"  # the host page never left
            page.wait_for_function(f"() => Math.abs(document.querySelector('iframe').getBoundingClientRect().height"
                                   f" - {start_height}) > 50")
            confirmation = next(f for f in page.frames if f"/embed/elm/requests/{saved.public_id}/" in f.url)
            assert_no_axe_violations(confirmation, context="embedded confirmation")
        finally:
            page.context.close()

        page = new_phone_page(browser)
        try:
            with page.expect_response(lambda r: "/embed/elm/report/" in r.url) as answered:
                page.goto(refused)
            assert answered.value.status == 200  # served, but the browser refuses to show it in this frame
            page.wait_for_function("() => document.querySelector('iframe')")
            child = page.frames[1]
            child.wait_for_load_state()
            assert child.url.startswith("chrome-error://")  # Chromium's "refused to connect" page instead
            assert "Report a problem" not in child.content() and "cd-embed-body" not in child.content()
            assert frame_height(page) == 600  # no height message came
        finally:
            page.context.close()


def test_it_shows_the_embedded_services_in_spanish_without_axe_violations(live_server, tworld, browser):
    with host_site(host_page(live_server.url, kind="services", lang="es")) as allowed:
        EmbedSettings.objects.create(jurisdiction=tworld.elm, allowed_origins=allowed)
        page = new_phone_page(browser, language="es-ES")
        try:
            page.goto(allowed)
            frame = page.frame_locator("iframe")
            expect(frame.locator("html")).to_have_attribute("lang", "es")
            expect(frame.get_by_role("heading", level=1)).to_be_visible()
            embedded = next(f for f in page.frames if "/embed/elm/es/services/" in f.url)
            assert_no_axe_violations(embedded, context="embedded services A–Z in Spanish")
        finally:
            page.context.close()


def test_it_shows_an_admin_the_snippets_and_a_working_preview(live_server, tworld, browser):
    StaffMembership.objects.create(user=tworld.bob, jurisdiction=tworld.elm, role=StaffMembership.Role.ADMIN)
    client = Client()
    login_verified(client, tworld.bob)
    page = new_phone_page(browser)
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value}])
    try:
        page.goto(f"{live_server.url}/staff/embed/elm/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Embed on your website: Town of Elm")
        preview = page.frame_locator("[data-testid='embed-preview']")
        expect(preview.get_by_role("heading", level=1)).to_be_visible()  # the staff page may frame its own embed
        expect(page.get_by_label("Snippet for Report a problem")).to_contain_text('data-civicdesk-embed="report"')
        assert_no_axe_violations(page, context="embed staff page")
    finally:
        page.context.close()
