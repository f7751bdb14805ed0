"""POST /staff/feedback/answers/<pk>/reply/: "you said, we did", audited, on the public pages."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.feedback.models import Answer
from civicdesk.feedback.services import publish_reply, record_answer
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import login_verified

from .helpers import ask_after, closed_request, question


@pytest.fixture
def commented(world):
    request = closed_request(world, contact_name="Alice Quartermaine")
    ask_after()
    answer, _created = record_answer(question(request), fixed=True, satisfaction=2,
                                     comment="Crew left cones behind", comment_public=True)
    return answer


def reply(client, answer, text="We picked up the cones on Monday <script>zanzibarcanary()</script>"):
    return client.post(f"/staff/feedback/answers/{answer.pk}/reply/", {"reply": text})


def test_it_publishes_the_reply_with_the_agreed_comment_and_never_the_name(client, world, commented):
    login_verified(client, world.bob)
    assert reply(client, commented).status_code == 302
    commented.refresh_from_db()
    assert commented.reply_by == world.bob and commented.reply_at is not None
    entry = AuditEntry.objects.get(action="feedback.reply_published", object_id=str(commented.pk))
    assert entry.actor == world.bob
    client.logout()
    for url in ("/feedback/replies/", commented.request.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Crew left cones behind" in page and "We picked up the cones on Monday" in page
        assert "Alice" not in page and "alice@example.org" not in page
        assert "<script>zanzibarcanary()" not in page and "&lt;script&gt;zanzibarcanary()" in page


def test_it_leaves_the_comment_out_without_consent(client, world, commented):
    Answer.objects.filter(pk=commented.pk).update(comment_public=False)
    login_verified(client, world.bob)
    reply(client, commented)
    page = client.get("/feedback/replies/").content.decode()
    assert "We picked up the cones on Monday" in page and "Crew left cones behind" not in page


def test_it_publishes_one_reply_only(client, world, commented):
    login_verified(client, world.bob)
    reply(client, commented)
    reply(client, commented, "A second zanzibarcanary reply")
    commented.refresh_from_db()
    assert "second" not in commented.reply
    assert AuditEntry.objects.filter(action="feedback.reply_published").count() == 1


def test_it_refuses_people_outside_the_requests_department(client, world, commented):
    login_verified(client, world.carol)
    assert reply(client, commented).status_code == 404
    StaffMembership.objects.create(user=world.dave, jurisdiction=world.elm, department=world.public_works,
                                   role=StaffMembership.Role.AGENT)
    login_verified(client, world.dave)
    assert reply(client, commented).status_code == 403
    commented.refresh_from_db()
    assert commented.reply_at is None


def test_it_refuses_an_empty_reply(client, world, commented):
    login_verified(client, world.bob)
    response = reply(client, commented, "   ")
    assert response.status_code == 302
    commented.refresh_from_db()
    assert commented.reply_at is None


def test_it_lists_replies_of_public_requests_only(client, world, commented):
    login_verified(client, world.bob)
    reply(client, commented)
    commented.request.is_private = True
    commented.request.save(update_fields=["is_private"])
    client.logout()
    assert "No replies published yet." in client.get("/feedback/replies/").content.decode()


def test_it_reads_the_replies_page_in_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(6):
        request = closed_request(world, contact_email=f"r{n}@example.org")
        ask_after()
        answer, _created = record_answer(question(request, f"email:r{n}@example.org"), fixed=True,
                                         comment=f"Comment {n}", comment_public=True)
        publish_reply(answer, text=f"Reply number {n}", user=world.bob)
    with django_assert_max_num_queries(6):
        page = client.get("/feedback/replies/").content.decode()
    assert all(f"Reply number {n}" in page for n in range(6))
