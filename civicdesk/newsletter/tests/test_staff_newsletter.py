"""Composing and previewing issues in the staff console: roles, audit, every language in HTML and text,
script shown as text, and the public archive of sent issues."""

from __future__ import annotations

import pytest

from civicdesk.meetings.tests.helpers import make_meeting
from civicdesk.newsletter import services
from civicdesk.newsletter.models import Issue
from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import make_issue, subscribers

pytestmark = pytest.mark.django_db


def test_it_lets_staff_compose_from_news_and_meetings_and_audits_it(world, client):
    news = make_notice(world, kind=ServiceNotice.Kind.NEWS, area=None, title_en="Leaf pickup starts")
    meeting = make_meeting(world)
    login_verified(client, world.bob)
    page = client.get("/newsletter/staff/new/")
    assert "Leaf pickup starts" in page.content.decode() and "Budget town hall" in page.content.decode()
    response = client.post("/newsletter/staff/new/", {
        "jurisdiction": world.elm.pk, "subject_en": "Autumn news", "subject_es": "", "intro_en": "Hi.",
        "intro_es": "", "links_en": "Parks survey | https://survey.example.org/p", "links_es": "",
        "notices": [news.pk], "meetings": [meeting.pk]})
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert list(issue.notices.all()) == [news] and list(issue.meetings.all()) == [meeting]
    assert issue.audit_entries().filter(action="issue.created", actor=world.bob).exists()
    preview = client.get(f"/newsletter/staff/{issue.pk}/preview/").content.decode()
    assert "A supervisor or an admin sends issues." in preview
    assert client.post(f"/newsletter/staff/{issue.pk}/send/").status_code == 403


def test_it_refuses_a_link_line_without_a_web_address(world, client):
    login_verified(client, world.bob)
    response = client.post("/newsletter/staff/new/", {
        "jurisdiction": world.elm.pk, "subject_en": "X", "links_en": "Survey | javascript:alert(1)"})
    assert response.status_code == 400 and "Each link line needs a web address" in response.content.decode()
    assert not Issue.objects.exists()


def test_it_previews_every_language_as_html_and_text_and_a_supervisor_sends_it(world, client):
    subscribers(2)
    issue = make_issue(world)
    supervisor = seat_people(world).supervisor
    login_verified(client, supervisor)
    page = client.get(f"/newsletter/staff/{issue.pk}/preview/")
    body = page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    for text in ("Elm news, December", "Noticias de Elm, diciembre", "New library hours",
                 "Nuevo horario de la biblioteca", "https://survey.example.org/parks?lang=es", "Send to 2 subscribers"):
        assert text in body
    assert 'data-testid="preview-text-es"' in body and 'data-testid="preview-html-en"' in body
    client.post(f"/newsletter/staff/{issue.pk}/send/")
    client.post(f"/newsletter/staff/{issue.pk}/send/")
    services.deliver_issue(issue.pk)
    issue.refresh_from_db()
    assert issue.status == "sent" and issue.recipients == 2
    assert client.post(f"/newsletter/staff/{issue.pk}/", {"jurisdiction": world.elm.pk, "subject_en": "Changed"}
                       ).status_code in (200, 302)
    issue.refresh_from_db()
    assert issue.subject_en == "Elm news, December"  # a sent issue never changes


def test_it_keeps_the_newsletter_to_the_seats_that_may_use_it(world, client):
    issue = make_issue(world)
    seats = seat_people(world)
    login_verified(client, seats.agent)
    assert client.get("/newsletter/staff/").status_code == 403
    login_verified(client, world.dave)  # Maple County staff
    assert client.get(f"/newsletter/staff/{issue.pk}/preview/").status_code == 404
    client.logout()
    assert client.get("/newsletter/staff/").status_code == 302


def test_it_publishes_sent_issues_only_with_script_as_text(world, client, django_assert_max_num_queries):
    draft = make_issue(world, subject_en="Draft issue never public")
    sent = make_issue(world, subject_en="<script>alert('ocelotcanary')</script>")
    services.send_issue(sent, user=world.bob)
    with django_assert_max_num_queries(8):
        archive = client.get("/newsletter/").content.decode()
    assert "Draft issue never public" not in archive
    assert "<script>alert('ocelotcanary')" not in archive and "ocelotcanary" in archive
    page = client.get(f"/newsletter/issues/{sent.pk}/").content.decode()
    assert "New library hours" in page and "<script>alert('ocelotcanary')" not in page
    assert client.get(f"/newsletter/issues/{draft.pk}/").status_code == 404


def test_it_shows_script_in_the_intro_and_links_as_text(world, client):
    script = "<script>alert('okapicanary')</script>"
    issue = make_issue(world, intro_en=script, links_en=f"{script} | https://survey.example.org/x")
    login_verified(client, world.bob)
    preview = client.get(f"/newsletter/staff/{issue.pk}/preview/").content.decode()
    assert "okapicanary" in preview and "<script>alert('okapicanary')" not in preview
    services.send_issue(issue, user=world.bob)
    page = client.get(f"/newsletter/issues/{issue.pk}/").content.decode()
    assert "okapicanary" in page and "<script>alert('okapicanary')" not in page
