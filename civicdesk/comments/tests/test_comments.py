"""Public comments on a request's tracking page: where the service type allows it, moderated like the forums."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.comments import services
from civicdesk.comments.models import Comment
from civicdesk.forums.tests.helpers import verified
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.moderation import services as moderation
from civicdesk.moderation.models import ModerationState
from civicdesk.moderation.services import PostRefused
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.world import IN_WEST_ELM
from civicdesk.throttle.services import RateLimited


def _request(world, service_type, **extra) -> ServiceRequest:
    lat, long = IN_WEST_ELM
    data = {"service_type": service_type, "description": "Deep hole by the school", "lat": lat, "long": long,
            "contact_email": "reporter@example.org", "attributes": {"depth": "deep"}}
    data.update(extra)
    return submit_request(**data)


@pytest.fixture
def commented(world):
    world.pothole.allows_public_comments = True
    world.pothole.save()
    verified(world.alice)
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.ADMIN)
    return _request(world, world.pothole)


def test_it_shows_comments_on_the_tracking_page(client, world, commented):
    services.post_comment(commented, world.alice, body="Same at **14 Oak**", client="10.0.0.1")
    html = client.get(commented.get_absolute_url()).content.decode()
    assert "1 public comment" in html and "<strong>14 Oak</strong>" in html
    assert "Sign in to comment" in html and "alice" not in html.lower()


def test_it_posts_a_comment_from_the_page(client, world, commented):
    client.force_login(world.alice)
    url = reverse("comments:post", args=["servicerequests.servicerequest", commented.pk])
    response = client.post(url, {"body": '<script>alert("commentcanary")</script>'})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    html = client.get(commented.get_absolute_url()).content.decode()
    assert '&lt;script&gt;alert("commentcanary")&lt;/script&gt;' in html and "<script>alert(" not in html


def test_it_has_no_comments_where_the_type_does_not_allow_them(client, world, commented):
    other = _request(world, world.graffiti)
    assert "public comment" not in client.get(other.get_absolute_url()).content.decode()
    with pytest.raises(PostRefused):
        services.post_comment(other, world.alice, body="hi", client="10.0.0.1")
    client.force_login(world.alice)
    assert client.post(reverse("comments:post", args=["servicerequests.servicerequest", other.pk]),
                       {"body": "hi"}).status_code == 404


def test_it_has_no_comments_on_private_requests(world, commented):
    commented.is_private = True
    commented.save()
    with pytest.raises(PostRefused):
        services.post_comment(commented, world.alice, body="hi", client="10.0.0.1")


def test_it_marks_staff_replies_official(client, world, commented):
    with pytest.raises(PostRefused):
        services.post_comment(commented, world.alice, body="I am official", client="10.0.0.1", official=True)
    services.post_comment(commented, world.bob, body="Crew booked for Monday.", client="10.0.0.2", official=True)
    html = client.get(commented.get_absolute_url()).content.decode()
    assert "Official answer from the city" in html and "City staff" in html


def test_it_removes_a_hidden_comment_from_the_tracking_page(client, world, commented):
    comment = services.post_comment(commented, world.alice, body="Rude hiddencommentcanary", client="10.0.0.1")
    moderation.flag(comment, world.bob, reason="abuse", client="10.0.0.2")
    moderation.moderate(comment, world.bob, "hide", reason="Rude")
    html = client.get(commented.get_absolute_url()).content.decode()
    assert "hiddencommentcanary" not in html and "0 public comments" in html
    assert comment.audit_entries().get(action="moderation.hide").jurisdiction_id == commented.jurisdiction_id


def test_it_limits_comments_per_account(client, world, commented, settings):
    settings.FORUM_POSTS_PER_ACCOUNT_PER_HOUR = 1
    services.post_comment(commented, world.alice, body="one", client="10.0.0.1")
    with pytest.raises(RateLimited):
        services.post_comment(commented, world.alice, body="two", client="10.0.0.1")
    client.force_login(world.alice)
    response = client.post(reverse("comments:post", args=["servicerequests.servicerequest", commented.pk]),
                           {"body": "threeovercanary"})
    assert response.status_code == 429 and "threeovercanary" in response.content.decode()


def test_it_holds_comments_with_held_words(world, commented):
    from civicdesk.moderation.models import BlockedWord

    BlockedWord.objects.create(phrase="lawsuit", action=BlockedWord.Action.HOLD)
    comment = services.post_comment(commented, world.alice, body="A lawsuit is coming", client="10.0.0.1")
    assert comment.moderation_state == ModerationState.PENDING


def test_it_reads_the_tracking_page_with_few_queries(client, world, commented, django_assert_max_num_queries):
    for n in range(20):
        services.post_comment(commented, world.bob, body=f"note {n}", client="10.0.0.2")
    with django_assert_max_num_queries(25):
        html = client.get(commented.get_absolute_url()).content.decode()
    assert "20 public comments" in html


def test_it_takes_comments_on_a_published_meeting_until_it_starts(client, world):
    import datetime as dt

    from django.utils import timezone

    from civicdesk.meetings.models import Meeting

    verified(world.alice)
    start = timezone.now() + dt.timedelta(days=3)
    meeting = Meeting.objects.create(jurisdiction=world.elm, title="Budget town hall", address="Town hall",
                                     starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                     published_at=timezone.now())
    services.post_comment(meeting, world.alice, body="Please discuss **bike lanes**.", client="10.0.0.1")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 public comment" in html and "<strong>bike lanes</strong>" in html and "Sign in to comment" in html
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    meeting.refresh_from_db()
    with pytest.raises(PostRefused):
        services.post_comment(meeting, world.alice, body="Too late", client="10.0.0.1")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "bike lanes" in html and "New comments are closed." in html
