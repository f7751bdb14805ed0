"""The public survey pages: starting, answering section by section (conditions on the server), one response
per person, closed and not-yet-open surveys, abuse limits, and text rendered as text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from civicdesk.formengine.models import Response
from civicdesk.notifications.models import Delivery
from civicdesk.surveys import services
from civicdesk.surveys.models import Respondent, Survey

from .helpers import choice, park_survey, questions

pytestmark = pytest.mark.django_db


def _answer_all(client, survey, q, *, dog_yes: bool, comment: str = ""):
    url = reverse("surveys:answer", args=[survey.slug])
    page = client.post(url, {q["often"].field_name: choice(q["often"], 4), q["why"].field_name: comment})
    assert page.status_code == 302, page.content.decode()[:2000]
    page = client.post(url, {q["rating"].field_name: "3", q["dog"].field_name: choice(q["dog"], 1 if dog_yes else 2)})
    assert page.status_code == 302
    return page


def test_it_walks_the_sections_and_skips_one_that_does_not_apply(world, client):
    survey = park_survey(world)
    q = questions(survey)
    page = client.get(reverse("surveys:answer", args=[survey.slug]))
    assert "Part 1 of 2" in page.content.decode()  # the dog-park section applies only once asked for
    done = _answer_all(client, survey, q, dog_yes=False, comment="Too far away")
    assert done["Location"] == reverse("surveys:thanks", args=[survey.slug])
    response = Response.objects.get()
    assert response.answers.get(question=q["why"]).text == "Too far away"
    assert "We will publish what we learned" in client.get(done["Location"]).content.decode()


def test_it_asks_the_conditional_section_when_it_applies(world, client):
    survey = park_survey(world)
    q = questions(survey)
    page = _answer_all(client, survey, q, dog_yes=True)
    assert page["Location"] == reverse("surveys:answer", args=[survey.slug])
    third = client.get(page["Location"]).content.decode()
    assert "Where should the dog park go?" in third and "Part 3 of 3" in third
    missing = client.post(page["Location"], {})
    body = missing.content.decode()
    assert 'data-testid="error-summary"' in body and f'href="#id_{q["where"].field_name}_0"' in body
    assert f'aria-describedby="id_{q["where"].field_name}_hint id_{q["where"].field_name}_error"' in body
    done = client.post(page["Location"], {f'{q["where"].field_name}_2': "North lawn"})
    assert done["Location"].endswith("/thanks/")
    assert Response.objects.get().answers.get(question=q["where"]).text == "North lawn"


def test_it_goes_back_keeping_the_answers(world, client):
    survey = park_survey(world)
    q = questions(survey)
    url = reverse("surveys:answer", args=[survey.slug])
    client.post(url, {q["often"].field_name: choice(q["often"], 4), q["why"].field_name: "backwardsword"})
    client.post(url, {"go": "back", q["rating"].field_name: "2"})
    first = client.get(url).content.decode()
    assert "backwardsword" in first and "Part 1 of" in first


def test_it_says_clearly_when_a_survey_is_closed_or_not_open_yet(world, client):
    survey = park_survey(world)
    survey.closes_at = timezone.now() - dt.timedelta(hours=1)
    survey.save()
    page = client.get(survey.get_absolute_url()).content.decode()
    assert "This survey closed on" in page and 'data-testid="start"' not in page
    assert client.get(reverse("surveys:answer", args=[survey.slug]))["Location"] == survey.get_absolute_url()
    survey.opens_at, survey.closes_at = timezone.now() + dt.timedelta(days=2), None
    survey.save()
    assert "This survey is not open yet" in client.get(survey.get_absolute_url()).content.decode()


def test_it_hides_drafts(world, client):
    survey = park_survey(world)
    survey.is_published = False
    survey.save()
    assert client.get(survey.get_absolute_url()).status_code == 404
    assert survey.title not in client.get(reverse("surveys:list")).content.decode()


def test_it_checks_an_email_address_by_a_personal_link_and_takes_one_response(world, client, django_capture_on_commit_callbacks):
    survey = park_survey(world, respondents=Survey.Respondents.EMAIL)
    q = questions(survey)
    assert client.get(reverse("surveys:answer", args=[survey.slug]))["Location"] == survey.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(survey.get_absolute_url(), {"email": "Resident@Example.org"})
    delivery = Delivery.objects.get(event="survey.link")
    assert delivery.address == "resident@example.org" and "List-Unsubscribe" in delivery.headers
    link = next(line for line in delivery.body_text.splitlines() if "/start/" in line).strip()
    assert client.get(link.replace("http://testserver", ""))["Location"] == reverse("surveys:answer", args=[survey.slug])
    _answer_all(client, survey, q, dog_yes=False)
    respondent = Respondent.objects.get()
    assert "resident" not in respondent.identity
    # The same link again: already answered, nothing stored twice.
    client.get(link.replace("http://testserver", ""))
    _answer_all(client, survey, q, dog_yes=False)
    assert Response.objects.count() == 1
    del mail.outbox[:]


def test_it_refuses_a_link_of_another_survey(world, client):
    survey = park_survey(world, respondents=Survey.Respondents.EMAIL)
    other = park_survey(world, slug="other-park", respondents=Survey.Respondents.EMAIL)
    from civicdesk.notifications.services import link_token

    token = link_token(services.LINK_PURPOSE, "email", "x@example.org", f"survey:{other.pk}")
    page = client.get(reverse("surveys:start", args=[survey.slug, token]))
    assert page.status_code == 404 and "This link does not work" in page.content.decode()


def test_it_takes_one_response_per_account(world, client):
    survey = park_survey(world, respondents=Survey.Respondents.ACCOUNT)
    q = questions(survey)
    assert "Sign in to answer" in client.get(survey.get_absolute_url()).content.decode()
    client.force_login(world.alice)
    _answer_all(client, survey, q, dog_yes=False)
    _answer_all(client, survey, q, dog_yes=False)
    assert Response.objects.count() == 1 and Respondent.objects.count() == 1


def test_it_limits_anonymous_answers_per_connection(world, client, settings):
    settings.RATE_LIMITS_ENABLED = True
    survey = park_survey(world)
    q = questions(survey)
    for _n in range(services.ANONYMOUS_PER_CLIENT_PER_HOUR):
        assert _answer_all(client, survey, q, dog_yes=False)["Location"].endswith("/thanks/")
    url = reverse("surveys:answer", args=[survey.slug])
    client.post(url, {q["often"].field_name: choice(q["often"], 4)})
    refused = client.post(url, {q["rating"].field_name: "3", q["dog"].field_name: choice(q["dog"], 2)})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Response.objects.count() == services.ANONYMOUS_PER_CLIENT_PER_HOUR


def test_it_limits_email_links(world, client, settings):
    settings.RATE_LIMITS_ENABLED = True
    survey = park_survey(world, respondents=Survey.Respondents.EMAIL)
    for _n in range(services.LINKS_PER_ADDRESS_PER_HOUR):
        client.post(survey.get_absolute_url(), {"email": "same@example.org"})
    refused = client.post(survey.get_absolute_url(), {"email": "same@example.org"})
    assert refused.status_code == 429


def test_it_shows_script_in_answers_and_texts_as_text(world, client):
    survey = park_survey(world)
    q = questions(survey)
    survey.form.title = {"en": "<script>alert('titlecanary')</script>"}
    survey.form.save()
    q["often"].help_text = {"en": "<img src=x onerror=alert('hintcanary')>"}
    q["often"].save()
    option = q["often"].choices.first()
    option.text = {"en": "<b>optioncanary</b>"}
    option.save()
    url = reverse("surveys:answer", args=[survey.slug])
    first = client.get(url).content.decode()
    assert "<img src=x" not in first and "&lt;b&gt;optioncanary&lt;/b&gt;" in first
    page = client.post(url, {q["often"].field_name: choice(q["often"], 4), q["why"].field_name: "<b>x</b>",
                             q["doing"].field_name: "not-a-number"})
    body = client.get(url).content.decode()
    assert "<script>alert('titlecanary')" not in body and "&lt;script&gt;" in body
    assert page.status_code in (200, 302)


def test_it_embeds_a_card_only_for_listed_sites(world, client, settings):
    survey = park_survey(world)
    closed = client.get(reverse("surveys:embed", args=[survey.slug]))
    assert "frame-ancestors 'none'" in closed["Content-Security-Policy"]
    settings.SURVEY_EMBED_ORIGINS = ["https://www.example.gov"]
    framed = client.get(reverse("surveys:embed", args=[survey.slug]))
    assert "frame-ancestors https://www.example.gov" in framed["Content-Security-Policy"]
    assert "X-Frame-Options" not in framed
    assert 'target="_blank"' in framed.content.decode()
