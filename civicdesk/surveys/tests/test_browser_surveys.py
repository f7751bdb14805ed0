"""Surveys in Chromium, each page with no axe-core violation: the staff builder and results, and the park
survey (conditional questions) filled by keyboard alone and with JavaScript off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civicdesk.formengine.models import Question, Response
from civicdesk.insights.tests.test_browser_insights import sign_in
from civicdesk.surveys.demo import add_responses
from civicdesk.testing.axe import assert_no_axe_violations, new_phone_page

from .helpers import park_survey, questions

pytestmark = pytest.mark.browser


def tab_to(page, locator, limit: int = 120) -> None:
    """Press Tab until `locator` has the focus (as a keyboard user would)."""
    for _n in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def tick(page, label: str) -> None:
    """Choose a radio button or checkbox by clicking its label (USWDS draws the label, not the input)."""
    page.locator(f"label:text-is('{label}')").click()


def test_it_builds_a_survey_and_reads_results_in_the_console(live_server, tworld, page):
    park = park_survey(tworld)
    add_responses(park, 12)
    sign_in(page, live_server.url, tworld.bob.email)
    page.get_by_role("link", name="Surveys and their results").click()
    expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()
    assert_no_axe_violations(page, context="survey list")
    page.get_by_label("Title (English)").fill("Snow clearing")
    page.get_by_label("Title (Spanish)").fill("Limpieza de nieve")
    page.get_by_label("Web address (letters, numbers and hyphens)").fill("snow-clearing")
    page.get_by_role("button", name="Create the survey").click()
    expect(page.get_by_role("heading", name="Snow clearing", level=1)).to_be_visible()
    assert_no_axe_violations(page, context="survey builder")
    page.get_by_role("link", name="Add a question to section 1").click()
    page.get_by_label("Kind of question").select_option("single")
    page.get_by_label("Question (English)").fill("Was your street cleared in time?")
    page.get_by_label("Option 1 (English)").fill("Yes")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("at least two options")
    assert_no_axe_violations(page, context="question form with an error")
    page.get_by_label("Option 2 (English)").fill("No")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_test_id("questions")).to_contain_text("Was your street cleared in time?")
    assert Question.objects.filter(text__en="Was your street cleared in time?").exists()
    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_role("group", name="Was your street cleared in time?")).to_be_visible()
    assert_no_axe_violations(page, context="survey preview")

    page.goto(f"{live_server.url}/staff/surveys/{park.pk}/invite/")
    expect(page.get_by_test_id("invited")).to_contain_text("0 addresses invited so far.")
    assert_no_axe_violations(page, context="invitations")
    page.goto(f"{live_server.url}/staff/surveys/{park.pk}/sections/{park.form.sections.first().pk}/")
    expect(page.get_by_label("Section title (Spanish)")).to_have_value("Usted y el parque")
    assert_no_axe_violations(page, context="section form")

    page.goto(f"{live_server.url}/staff/surveys/{park.pk}/results/")
    expect(page.get_by_test_id("total")).to_contain_text("12 responses")
    expect(page.get_by_test_id("crosstab").first).to_be_visible()
    assert_no_axe_violations(page, context="survey results")


def test_it_takes_the_conditional_survey_by_keyboard_alone(live_server, tworld, page):
    survey = park_survey(tworld)
    q = questions(survey)
    page.goto(f"{live_server.url}{survey.get_absolute_url()}")
    assert_no_axe_violations(page, context="survey page")
    tab_to(page, page.get_by_test_id("start"))
    page.keyboard.press("Enter")
    doing = page.get_by_role("group", name="What do you do there?")
    why = page.get_by_label("What keeps you from visiting?")
    expect(doing).to_be_hidden()  # shown only once a visiting answer is chosen
    tab_to(page, page.get_by_label("Every week"))
    page.keyboard.press("Space")
    expect(doing).to_be_visible()
    expect(why).to_be_hidden()
    assert_no_axe_violations(page, context="first section, a visitor")
    for _n in range(3):
        page.keyboard.press("ArrowDown")  # to "Never"
    expect(page.get_by_label("Never")).to_be_checked()
    expect(doing).to_be_hidden()
    page.keyboard.press("Tab")
    expect(why).to_be_focused()
    page.keyboard.type("The gate is locked keyboardcanary")
    tab_to(page, page.get_by_test_id("next"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Improvements")).to_be_visible()
    tab_to(page, page.get_by_test_id("next"))
    page.keyboard.press("Enter")  # nothing answered: the error summary takes the focus
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    assert_no_axe_violations(page, context="second section with errors")
    tab_to(page, page.get_by_role("radio", name="1", exact=True))  # Tab enters a radio group at its first
    for _n in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="4", exact=True)).to_be_checked()
    tab_to(page, page.get_by_label("Yes"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_test_id("next"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="The dog park")).to_be_visible()
    assert_no_axe_violations(page, context="the dog-park section with its map")
    tab_to(page, page.get_by_label("Address or place, in words"))
    page.keyboard.type("North lawn by the river")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("thanks")).to_be_visible()
    assert_no_axe_violations(page, context="thank-you page")
    response = Response.objects.get()
    assert response.answers.get(question=q["why"]).text == "The gate is locked keyboardcanary"
    assert response.answers.get(question=q["where"]).text == "North lawn by the river"
    assert not response.answers.filter(question=q["doing"]).exists()


def test_it_takes_the_conditional_survey_with_javascript_off(live_server, tworld, browser, settings):
    settings.MAP_TILE_URL = ""
    no_js_page = new_phone_page(browser, javascript=False)
    try:
        survey = park_survey(tworld)
        q = questions(survey)
        no_js_page.goto(f"{live_server.url}{survey.get_absolute_url()}")
        no_js_page.get_by_test_id("start").click()
        # Without JavaScript every question of the page shows, the conditional ones saying when they apply.
        expect(no_js_page.get_by_role("group", name="What do you do there?")).to_be_visible()
        expect(no_js_page.get_by_text("Answer only if your answer to “How often do you visit Riverside Park?”").first).to_be_visible()
        tick(no_js_page, "Every month")
        no_js_page.get_by_test_id("next").click()
        expect(no_js_page.get_by_test_id("error-summary")).to_contain_text("What do you do there?")
        assert_no_axe_violations(no_js_page, context="first section with the conditional error, no JavaScript")
        no_js_page.get_by_test_id("error-summary").get_by_role("link").first.click()
        tick(no_js_page, "Picnics")
        no_js_page.get_by_test_id("next").click()
        tick(no_js_page, "5")
        no_js_page.get_by_label("Better lighting").select_option("3")
        no_js_page.get_by_label("A new playground").select_option("3")
        no_js_page.get_by_label("Restrooms").select_option("1")
        tick(no_js_page, "Yes")
        no_js_page.get_by_test_id("next").click()
        expect(no_js_page.get_by_test_id("error-summary")).to_contain_text("different number from 1 to 3")
        no_js_page.get_by_label("A new playground").select_option("2")
        no_js_page.get_by_test_id("next").click()
        expect(no_js_page.locator("#map")).to_be_hidden()  # no map without JavaScript: the fields are the way
        no_js_page.get_by_label("Latitude (optional)").fill("3")
        no_js_page.get_by_label("Longitude (optional)").fill("2.5")
        assert_no_axe_violations(no_js_page, context="map question without JavaScript")
        no_js_page.get_by_test_id("next").click()
        expect(no_js_page.get_by_test_id("thanks")).to_be_visible()
        response = Response.objects.get()
        assert response.district == tworld.west  # found from the pin
        assert response.answers.get(question=q["ranking"], choice__position=3).rank == 1
    finally:
        no_js_page.context.close()


def test_it_lists_surveys_and_explains_a_bad_link_and_shows_the_embeddable_card(live_server, tworld, page, settings):
    survey = park_survey(tworld)
    page.goto(f"{live_server.url}/")
    page.locator(".cd-menu__button").click()  # the phone menu; the footer link is below it
    page.get_by_role("link", name="Surveys", exact=True).click()
    expect(page.get_by_test_id("survey-list")).to_contain_text("Riverside Park: what should change?")
    assert_no_axe_violations(page, context="survey list")
    page.goto(f"{live_server.url}/surveys/{survey.slug}/start/not-a-real-token/")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert_no_axe_violations(page, context="bad link")
    settings.SURVEY_EMBED_ORIGINS = ["https://www.example.gov"]
    page.goto(f"{live_server.url}/surveys/{survey.slug}/embed/")
    expect(page.get_by_role("link", name="Answer the survey (opens in a new tab)")).to_be_visible()
    assert_no_axe_violations(page, context="embeddable card")
