"""The help hub and the editor in Chromium, in English and Spanish: no axe-core violation at all on the hub, an
article (with and without its Spanish text), the FAQ, the glossary, and the editor's edit page with its live
preview (and the Preview button with JavaScript off) and history."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from civicdesk.testing.auth import login_verified
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import article, editors, faq, publish, term, topic

pytestmark = pytest.mark.browser


def _content(world):
    erin, eve = editors(world)
    trash = publish(topic(world), erin, eve)
    entry = publish(faq(world, answer="Every Tuesday at the **curb**."), erin, eve)
    entry.topics.set([trash])
    item = publish(article(world, featured=True, body={"en": "## Before\n\nPut bulky items at the curb on Monday.",
                                                      "es": "## Antes\n\nSaque los objetos al bordillo el lunes."}),
                   erin, eve)
    item.topics.set([trash])
    item.faqs.set([entry])
    english_only = publish(article(world, "block-party", title={"en": "Block party permits"}, summary={},
                                   body={"en": "Apply 30 days ahead."}), erin, eve)
    publish(term(world, "curb", "curb", "The edge of the street.", es_name="bordillo"), erin, eve)
    return {"article": item, "english_only": english_only, "erin": erin}


def _signed_in(browser, live_server, user, *, language="en", javascript=True):
    client = Client()
    login_verified(client, user)
    page = new_phone_page(browser, javascript=javascript, language=language)
    page.context.add_cookies([
        {"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
         "url": live_server.url},
        {"name": "django_language", "value": language, "url": live_server.url}])
    return page


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_shows_the_help_pages_accessibly(live_server, tworld, browser, language):
    made = _content(tworld)
    page = new_phone_page(browser, language=language)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    try:
        page.goto(f"{live_server.url}/help/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_test_id("hub-sections")).to_be_visible()
        assert_no_axe_violations(page, context=f"the help hub ({language})")

        page.goto(f"{live_server.url}{made['article'].get_absolute_url()}")
        expect(page.get_by_test_id("article-body").locator("a.cd-term")).to_have_count(1)
        assert_no_axe_violations(page, context=f"an article ({language})")

        page.goto(f"{live_server.url}{made['english_only'].get_absolute_url()}")
        notice = page.get_by_test_id("fallback-notice")
        if language == "es":
            expect(notice).to_contain_text("Aún no está traducido")
        else:
            expect(notice).to_have_count(0)
        assert_no_axe_violations(page, context=f"an article in English only ({language})")

        page.goto(f"{live_server.url}/help/faq/")
        expect(page.get_by_test_id("faq-group")).to_have_count(1)
        assert_no_axe_violations(page, context=f"the FAQ ({language})")

        page.goto(f"{live_server.url}/help/glossary/")
        expect(page.get_by_test_id("glossary")).to_be_visible()
        assert_no_axe_violations(page, context=f"the glossary ({language})")
    finally:
        page.context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_previews_markdown_live_in_an_accessible_editor(live_server, tworld, browser, language):
    made = _content(tworld)
    page = _signed_in(browser, live_server, made["erin"], language=language)
    try:
        page.goto(f"{live_server.url}/staff/content/article/{made['article'].pk}/")
        body = page.locator("#id_body__en")
        body.fill("Some **wombatbold** words")
        expect(page.locator("#id_body__en-preview strong")).to_have_text("wombatbold")
        assert_no_axe_violations(page, context=f"the editor ({language})")
        page.goto(f"{live_server.url}/staff/content/article/{made['article'].pk}/history/")
        expect(page.get_by_test_id("revisions")).to_be_visible()
        assert_no_axe_violations(page, context=f"the history ({language})")
        page.goto(f"{live_server.url}/staff/content/")
        assert_no_axe_violations(page, context=f"the content list ({language})")
    finally:
        page.context.close()


def test_it_previews_with_the_button_when_javascript_is_off(live_server, tworld, browser):
    made = _content(tworld)
    page = _signed_in(browser, live_server, made["erin"], javascript=False)
    try:
        page.goto(f"{live_server.url}/staff/content/article/{made['article'].pk}/")
        page.locator("#id_body__en").fill("A *numbatitalic* word")
        page.get_by_role("button", name="Preview", exact=True).click()
        expect(page.get_by_test_id("preview").locator("em")).to_have_text("numbatitalic")
        expect(page.locator("#id_body__en")).to_have_value("A *numbatitalic* word")
    finally:
        page.context.close()
