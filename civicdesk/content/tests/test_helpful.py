"""'Was this page helpful?': the no-JavaScript form, its limits, and the editors' results page."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.testing.auth import login_verified

from .. import services
from ..models import HelpfulVote
from .helpers import article, editor, editors, publish


def _article(world):
    erin, eve = editors(world)
    return publish(article(world), erin, eve), erin


def test_it_records_an_answer_with_a_comment_and_thanks(client, world):
    item, _erin = _article(world)
    response = client.post(reverse("content:helpful", args=[item.slug]), {"helpful": "no", "comment": "Say the time"})
    assert response.status_code == 302 and response["Location"].endswith("#helpful")
    vote = HelpfulVote.objects.get()
    assert (vote.helpful, vote.comment, vote.language) == (False, "Say the time", "en")
    assert "Thank you for your answer" in client.get(response["Location"]).content.decode()


def test_it_asks_for_yes_or_no(client, world):
    item, _erin = _article(world)
    response = client.post(reverse("content:helpful", args=[item.slug]), {"comment": "hmm"})
    assert response.status_code == 400 and not HelpfulVote.objects.exists()
    assert "This field is required." in response.content.decode()


def test_it_limits_answers_per_client_and_article(client, world, settings):
    settings.RATE_LIMITS_ENABLED = True
    item, _erin = _article(world)
    url = reverse("content:helpful", args=[item.slug])
    for _ in range(services.PER_CLIENT_PER_ARTICLE):
        assert client.post(url, {"helpful": "yes"}).status_code == 302
    response = client.post(url, {"helpful": "yes"})
    assert response.status_code == 429 and "Retry-After" in response
    assert HelpfulVote.objects.count() == services.PER_CLIENT_PER_ARTICLE


def test_it_limits_answers_per_client_over_every_article(client, world, settings, monkeypatch):
    settings.RATE_LIMITS_ENABLED = True
    monkeypatch.setattr(services, "PER_CLIENT", 2)
    erin, eve = editors(world)
    items = [publish(article(world, f"page-{n}"), erin, eve) for n in range(3)]
    codes = [client.post(reverse("content:helpful", args=[i.slug]), {"helpful": "yes"}).status_code for i in items]
    assert codes == [302, 302, 429]


def test_it_limits_answers_overall(client, world, settings, monkeypatch):
    settings.RATE_LIMITS_ENABLED = True
    monkeypatch.setattr(services, "OVERALL", 1)
    item, _erin = _article(world)
    url = reverse("content:helpful", args=[item.slug])
    assert client.post(url, {"helpful": "yes"}, REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(url, {"helpful": "yes"}, REMOTE_ADDR="10.0.0.2").status_code == 429


def test_it_refuses_answers_to_a_draft(client, world):
    from civicdesk.editorial import services as editorial

    erin, _eve = editors(world)
    draft = article(world, "draft-page")
    editorial.save_draft(draft, user=erin)
    assert client.post(reverse("content:helpful", args=[draft.slug]), {"helpful": "yes"}).status_code == 404


def test_it_shows_editors_counts_share_and_comments_never_the_public(client, world):
    item, erin = _article(world)
    url = reverse("content:helpful", args=[item.slug])
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "no", "comment": "<b>wombatcomment</b>"})
    assert "wombatcomment" not in client.get(item.get_absolute_url()).content.decode()
    login_verified(client, erin)
    assert f'href="{reverse("content_staff:helpful_results")}"' in client.get(reverse("editorial:list")).content.decode()
    html = client.get(reverse("content_staff:helpful_results")).content.decode()
    assert "<td>2</td><td>1</td><td>67 %</td>" in html
    assert "&lt;b&gt;wombatcomment&lt;/b&gt;" in html


def test_it_refuses_the_results_to_staff_without_an_editor_seat(client, world):
    login_verified(client, world.bob)
    assert client.get(reverse("content_staff:helpful_results")).status_code == 403


def test_it_shows_results_only_for_the_editors_jurisdictions(client, world):
    item, _erin = _article(world)
    client.post(reverse("content:helpful", args=[item.slug]), {"helpful": "no", "comment": "emuelsewhere"})
    outsider = editor(world, "otto@maple.example.gov", jurisdiction=world.county)
    login_verified(client, outsider)
    html = client.get(reverse("content_staff:helpful_results")).content.decode()
    assert "emuelsewhere" not in html and "Bulk item pickup" not in html


def test_it_reads_the_results_in_few_queries(client, world, django_assert_max_num_queries):
    erin, eve = editors(world)
    for n in range(5):
        item = publish(article(world, f"page-{n}"), erin, eve)
        HelpfulVote.objects.create(article=item, helpful=True, comment=f"comment {n}")
    login_verified(client, erin)
    client.get(reverse("content_staff:helpful_results"))
    with django_assert_max_num_queries(10):
        client.get(reverse("content_staff:helpful_results"))
