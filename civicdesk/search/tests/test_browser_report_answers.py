"""Answers before a report in Chromium: as a resident types the description, "Is this what you need?" lists
the matching answers under the field without taking the focus; following one counts; without JavaScript the
page shows them after the description is sent. English and Spanish, no axe-core violation."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from civicdesk.search.models import AnswerFollow
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page
from civicdesk.testing.world import IN_EAST_ELM

from .helpers import register_answer_source

pytestmark = pytest.mark.browser


@pytest.fixture
def answers(tworld):
    from django.core.cache import cache

    cache.clear()
    unregister = register_answer_source()
    yield tworld
    unregister()


def details_url(base: str) -> str:
    return f"{base}/report/pothole/details/?" + urlencode(
        {"lat": IN_EAST_ELM[0], "long": IN_EAST_ELM[1], "address": "12 Oak Street"})


def test_it_offers_answers_as_the_description_is_typed(live_server, answers, page):
    page.goto(details_url(live_server.url))
    field = page.get_by_label("Describe the problem")
    field.focus()
    page.keyboard.type("When do you pick up an old mattress?")
    box = page.get_by_test_id("answers")
    expect(box.get_by_role("heading", name="Is this what you need?")).to_be_visible()
    expect(box.get_by_role("link", name="When is bulk trash pickup?")).to_be_visible()
    expect(page.get_by_test_id("answers-status")).to_have_text("1 answer may help.")
    expect(field).to_be_focused()  # the answers never take the focus
    assert_no_axe_violations(page, context="report form with answers")
    box.get_by_role("link", name="When is bulk trash pickup?").click()
    expect(page).to_have_url(f"{live_server.url}/help/answers/bulk/")
    assert AnswerFollow.objects.filter(object_id="bulk", channel="web").count() == 1


def test_it_shows_answers_in_spanish_and_without_javascript(live_server, answers, browser):
    for javascript in (True, False):
        page = new_phone_page(browser, javascript=javascript, language="es")
        try:
            page.goto(details_url(live_server.url))
            field = page.get_by_label("Describa el problema")
            field.fill("¿Cuándo recogen un colchón viejo?")
            if not javascript:
                page.get_by_role("button", name="Enviar reporte").click()  # a question is unanswered: the page returns
            box = page.get_by_test_id("answers")
            expect(box.get_by_role("heading", name="¿Es esto lo que necesita?")).to_be_visible()
            expect(box.get_by_role("link", name="¿Cuándo recogen los objetos voluminosos?")).to_be_visible()
            assert_no_axe_violations(page, context=f"Spanish report form, javascript={javascript}")
        finally:
            page.context.close()
