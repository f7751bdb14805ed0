"""/feedback/<token>/: the answer page the question's link opens (no account, no JavaScript needed)."""

from __future__ import annotations

import pytest

from civicdesk.feedback.models import Answer

from .helpers import ask_after, closed_request, question, team_messages


@pytest.fixture
def asked(world):
    request = closed_request(world)
    ask_after()
    return request


def url(request) -> str:
    return f"/feedback/{question(request).token}/"


def test_it_shows_the_question_and_changes_nothing_on_get(world, client, asked):
    response = client.get(url(asked))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Was the problem fixed?" in page and asked.public_id in page and 'name="satisfaction"' in page
    assert "alice@example.org" not in page
    assert not Answer.objects.exists()


def test_it_records_a_fixed_answer_with_rating_comment_and_consent(world, client, asked):
    response = client.post(url(asked), {"fixed": "yes", "satisfaction": "5", "comment": "Quick work",
                                        "comment_public": "on"}, follow=True)
    assert "Thank you: we have your answer." in response.content.decode()
    answer = Answer.objects.get()
    assert answer.fixed and answer.satisfaction == 5 and answer.comment_public and answer.channel == "web"


def test_it_shows_the_answer_given_on_a_second_click_and_never_reopens_twice(world, client, asked):
    client.post(url(asked), {"fixed": "no", "comment": "Still there"})
    page = client.get(url(asked)).content.decode()
    assert "You said it is not fixed." in page and "We reopened the request" in page
    assert 'name="fixed"' not in page
    response = client.post(url(asked), {"fixed": "no", "satisfaction": "1", "comment": "Still there!"}, follow=True)
    assert "we have changed your answer" in response.content.decode()
    answer = Answer.objects.get()
    assert answer.satisfaction == 1 and answer.comment == "Still there!"
    assert team_messages(asked).count() == 1


def test_it_says_clearly_what_is_missing(world, client, asked):
    response = client.post(url(asked), {"satisfaction": "4"})
    assert response.status_code == 200
    assert "Tell us whether the problem was fixed." in response.content.decode()
    assert not Answer.objects.exists()


def test_it_renders_script_in_the_comment_as_text(world, client, asked):
    client.post(url(asked), {"fixed": "yes", "comment": "<script>alert('zanzibarcanary')</script>"})
    page = client.get(url(asked)).content.decode()
    assert "<script>alert('zanzibarcanary')" not in page
    assert "&lt;script&gt;alert(&#x27;zanzibarcanary&#x27;)" in page


def test_it_answers_an_unknown_link_with_404(world, client):
    response = client.get("/feedback/not-a-real-token-at-all/")
    assert response.status_code == 404 and "This link does not work" in response.content.decode()


def test_it_refuses_with_429_over_the_client_limit(world, client, asked, settings):
    settings.FEEDBACK_ANSWERS_PER_CLIENT_PER_HOUR = 1
    client.post(url(asked), {"fixed": "yes"})
    response = client.post(url(asked), {"satisfaction": "2"})
    assert response.status_code == 429 and response["Retry-After"]
    assert Answer.objects.get().satisfaction is None


def test_it_does_not_offer_publishing_on_a_private_request(world, client):
    request = closed_request(world)
    request.is_private = True
    request.save(update_fields=["is_private"])
    ask_after()
    page = client.get(url(request)).content.decode()
    assert 'name="comment_public"' not in page


def test_it_speaks_spanish(world, client, asked):
    page = client.get(url(asked), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¿Se resolvió el problema?" in page
