"""The information hub in Arabic (right to left) in Chromium, on a phone and on a desktop screen: the help hub, a
topic, the FAQ, the glossary, the documents library and a document, the services A–Z, a service page, a permit
guide, the departments directory and a department page, each with `dir="rtl"`, Arabic text (no "not yet
translated" notice), no sideways scrolling and no axe-core violation at all.

Set CIVICDESK_SCREENSHOTS=/some/dir to keep a full-page screenshot of each page (to check the mirrored layout by eye).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from civicdesk.content.tests.helpers import article, faq, publish, term, topic
from civicdesk.content.tests.helpers import editors as content_editors
from civicdesk.documents.tests.helpers import make_document
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import make_guide, make_permit, make_profile

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}


def _arabic_content(world) -> dict:
    writer, reviewer = content_editors(world)
    trash = topic(world)
    trash.title["ar"], trash.summary = "النفايات وإعادة التدوير", {"en": "Carts.", "ar": "الحاويات."}
    publish(trash, writer, reviewer)
    entry = faq(world, answer="Every Tuesday at the **curb**.")
    entry.question["ar"], entry.answer["ar"] = "متى تُجمع النفايات؟", "كل يوم ثلاثاء عند **حافة الرصيف**."
    publish(entry, writer, reviewer).topics.set([trash])
    item = article(world)
    item.title["ar"], item.summary["ar"] = "جمع الأغراض الكبيرة", "كيف تتخلص من أريكة."
    item.body["ar"] = "## قبل الجمع\n\nضع الأغراض الكبيرة عند حافة الرصيف يوم الاثنين."
    publish(item, writer, reviewer).topics.set([trash])
    glossary = term(world, "curb", "curb", "The edge of the street.", es_name="bordillo")
    glossary.term["ar"], glossary.definition["ar"] = "حافة الرصيف", "الحافة بين الشارع والرصيف."
    publish(glossary, writer, reviewer)

    document = make_document(world, title={"en": "Noise bylaw", "es": "Reglamento de ruido", "ar": "لائحة الضوضاء"},
                             summary={"en": "Quiet hours.", "es": "Horas de silencio.", "ar": "ساعات الهدوء."})
    make_profile(world.public_works, summary={"en": "We fix the streets.", "ar": "نصلح الشوارع."},
                 address={"en": "Elm Town Hall\n1 Oak Street", "ar": "مبنى بلدية Elm\n1 Oak Street"},
                 special_days=[{"date": "2030-01-02", "hours": [], "note": {"en": "Inventory", "ar": "الجرد"}}])
    permit = make_permit(
        world, title={"en": "Fence permit", "ar": "تصريح السياج"}, summary={"en": "Fences.", "ar": "الأسوار."},
        requirements={"en": "A site plan", "ar": "مخطط الموقع"}, apply_steps={"en": "Apply", "ar": "قدّم الطلب"},
        fees=[{"amount_cents": 5000, "currency": "USD", "covers": {"en": "Permit", "ar": "التصريح"}},
              {"amount_cents": 1250, "currency": "USD", "covers": {"en": "Tag", "ar": "القلادة"}, "unit": "year"}])
    make_guide(world.pothole, world.elm, covers={"en": "Holes.", "ar": "الحفر في شوارع المدينة."},
               not_covers={"en": "Driveways.", "ar": "ممرات السيارات الخاصة."})
    return {"topic": trash, "document": document, "permit": permit}


def _page(browser, live_server, viewport: str):
    if viewport == "phone":
        page = new_phone_page(browser, language="ar")
    else:
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ar",
                                      extra_http_headers={"Accept-Language": "ar"})
        page = context.new_page()
        page.set_default_timeout(15000)
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    return page


def _assert_on_the_right(page, selector: str, what: str) -> None:
    """The element ends at the right edge of its content column, as text does in a right-to-left page."""
    box = page.locator(selector).bounding_box()
    column = page.locator("main").bounding_box()
    assert box and column and box["x"] + box["width"] > column["x"] + column["width"] * 0.6, f"{what} is not on the right"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_it_shows_the_hub_right_to_left_accessibly(live_server, tworld, browser, settings, viewport):
    settings.MAP_TILE_URL = ""
    made = _arabic_content(tworld)
    page = _page(browser, live_server, viewport)
    shots = os.environ.get("CIVICDESK_SCREENSHOTS")
    pages = [
        ("hub", "/help/", None),
        ("topic", made["topic"].get_absolute_url(), "النفايات وإعادة التدوير"),
        ("faq", "/help/faq/", "متى تُجمع النفايات؟"),
        ("glossary", "/help/glossary/", "الحافة بين الشارع والرصيف."),
        ("documents", "/documents/", "لائحة الضوضاء"),
        ("document", made["document"].get_absolute_url(), "ساعات الهدوء."),
        ("services", "/services/?in=elm", None),
        ("service", "/services/pothole/", "الحفر في شوارع المدينة."),
        ("permit", made["permit"].get_absolute_url(), "القلادة"),
        ("departments", "/departments/", None),
        ("department", "/departments/elm/public-works/", "نصلح الشوارع."),
    ]
    try:
        for name, path, arabic in pages:
            page.goto(f"{live_server.url}{path}")
            html = page.locator("html")
            expect(html).to_have_attribute("lang", "ar")
            expect(html).to_have_attribute("dir", "rtl")
            if arabic:
                expect(page.locator("main")).to_contain_text(arabic)
            expect(page.get_by_test_id("fallback-notice")).to_have_count(0)
            width = VIEWPORTS[viewport][0]
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
            if name == "department":
                _assert_on_the_right(page, "[data-testid=contact] dd a", "the phone number")
                _assert_on_the_right(page, "[data-testid=address] span >> nth=1", "the street line of the address")
                expect(page.get_by_test_id("address").locator("span").nth(1)).to_have_attribute("dir", "auto")
            assert_no_axe_violations(page, context=f"{name} in Arabic ({viewport})")
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(shots) / f"{name}-{viewport}.png"), full_page=True)
    finally:
        page.context.close()
