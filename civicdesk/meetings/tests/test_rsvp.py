"""RSVPs: places, the waiting list moving up on cancellation (told through notify), email confirmation, limits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from civicdesk.accounts.models import User
from civicdesk.meetings import services
from civicdesk.meetings.models import Rsvp
from civicdesk.notifications.models import Delivery
from civicdesk.throttle.services import RateLimited

from .helpers import make_meeting, verified

pytestmark = pytest.mark.django_db


def person(email: str, language: str = "en") -> User:
    return verified(User.objects.create_user(email=email, password="x" * 12, first_name=email.split("@")[0],
                                             language=language))


def test_it_gives_places_up_to_the_capacity_then_a_waiting_list(world):
    meeting = make_meeting(world, capacity=2)
    first, second, third = (services.rsvp_with_account(meeting, user=person(f"p{i}@example.org"), client="1.1.1.1")
                            for i in range(3))
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    assert meeting.places_left() == 0
    assert Delivery.objects.filter(key__startswith=f"meeting-rsvp:{third.pk}:waiting").count() == 1


def test_it_promotes_the_first_person_waiting_when_someone_cancels_and_tells_them(world):
    meeting = make_meeting(world, capacity=1)
    holder = services.rsvp_with_account(meeting, user=person("holder@example.org"), client="1.1.1.1")
    early = services.rsvp_with_account(meeting, user=person("early@example.org", "es"), client="1.1.1.1")
    late = services.rsvp_with_account(meeting, user=person("late@example.org"), client="1.1.1.1")
    promoted = services.cancel_rsvp(holder)
    assert [r.pk for r in promoted] == [early.pk]
    early.refresh_from_db(), late.refresh_from_db()
    assert (early.status, late.status) == ("confirmed", "waiting")
    message = Delivery.objects.get(key__startswith=f"meeting-rsvp:{early.pk}:promoted")
    assert message.address == "early@example.org" and message.language == "es"
    assert "Budget" in message.body_text or "presupuesto" in message.body_text
    # Cancelling twice changes nothing and promotes nobody else.
    assert services.cancel_rsvp(holder) == []
    late.refresh_from_db()
    assert late.status == "waiting"


def test_it_moves_the_waiting_list_up_when_staff_add_places(world):
    meeting = make_meeting(world, capacity=1)
    services.rsvp_with_account(meeting, user=person("a@example.org"), client="1.1.1.1")
    waiting = services.rsvp_with_account(meeting, user=person("b@example.org"), client="1.1.1.1")
    meeting.capacity = 2
    services.save_meeting(meeting, user=world.bob, changed_fields=["capacity"])
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_it_is_idempotent_for_an_account_that_already_has_a_place(world):
    meeting = make_meeting(world)
    alice = verified(world.alice)
    one = services.rsvp_with_account(meeting, user=alice, client="1.1.1.1")
    two = services.rsvp_with_account(meeting, user=alice, client="1.1.1.1")
    assert one.pk == two.pk and Rsvp.objects.filter(meeting=meeting).count() == 1


def test_it_reserves_nothing_for_an_email_rsvp_until_the_link_is_followed(world):
    meeting = make_meeting(world, capacity=1)
    rsvp = services.request_email_rsvp(meeting, name="Rosa Resident", email="Rosa@Example.org", language="es",
                                       client="2.2.2.2")
    assert rsvp.status == "pending" and rsvp.email == "rosa@example.org"
    assert meeting.places_left() == 1
    link = Delivery.objects.get(key__startswith=f"meeting-rsvp:{rsvp.pk}:link")
    assert "/meetings/rsvp/" in link.body_text and "rosa@example.org" not in link.body_text.split("/meetings/")[1]
    token = link.body_text.split("/meetings/rsvp/")[1].split("/")[0]
    assert services.rsvp_from_token(token).pk == rsvp.pk
    services.confirm_rsvp(rsvp)
    services.confirm_rsvp(rsvp)  # twice: still one place
    assert meeting.places_left() == 0
    assert Rsvp.objects.get(pk=rsvp.pk).status == "confirmed"


def test_it_refuses_an_account_rsvp_before_the_address_is_verified(world):
    meeting = make_meeting(world)
    with pytest.raises(services.MeetingRejected):
        services.rsvp_with_account(meeting, user=world.alice, client="1.1.1.1")


def test_it_refuses_rsvps_for_a_draft_a_cancelled_or_a_started_meeting(world):
    import datetime as dt

    from django.utils import timezone

    draft = make_meeting(world, publish=False)
    started = make_meeting(world, starts_at=timezone.now() - dt.timedelta(minutes=5))
    cancelled = make_meeting(world)
    services.cancel_meeting(cancelled, user=world.bob)
    cancelled.refresh_from_db()
    for meeting in (draft, started, cancelled):
        with pytest.raises(services.MeetingRejected):
            services.request_email_rsvp(meeting, name="X", email="x@example.org", language="en", client="3.3.3.3")


def test_it_limits_rsvp_emails_per_address_and_per_client(world, settings):
    settings.MEETING_RSVP_EMAILS_PER_ADDRESS_PER_HOUR = 2
    settings.MEETING_RSVP_EMAILS_PER_CLIENT_PER_HOUR = 3
    meeting = make_meeting(world)
    for _ in range(2):
        services.request_email_rsvp(meeting, name="V", email="victim@example.org", language="en", client="4.4.4.4")
    with pytest.raises(RateLimited):
        services.request_email_rsvp(meeting, name="V", email="victim@example.org", language="en", client="5.5.5.5")
    services.request_email_rsvp(meeting, name="W", email="other@example.org", language="en", client="4.4.4.4")
    with pytest.raises(RateLimited):
        services.request_email_rsvp(meeting, name="Z", email="third@example.org", language="en", client="4.4.4.4")


def test_it_tells_everyone_with_an_rsvp_when_the_meeting_is_cancelled_and_audits_it(world):
    meeting = make_meeting(world, capacity=1)
    services.rsvp_with_account(meeting, user=person("a@example.org"), client="1.1.1.1")
    services.rsvp_with_account(meeting, user=person("b@example.org"), client="1.1.1.1")
    assert services.cancel_meeting(meeting, user=world.bob) == 2
    assert Delivery.objects.filter(key=f"meeting:{meeting.pk}:cancelled").count() == 2
    assert meeting.audit_entries().filter(action="meeting.cancelled", actor=world.bob).exists()


def test_it_needs_an_address_or_an_online_link(world):
    from civicdesk.meetings.models import Meeting

    meeting = Meeting(jurisdiction=world.elm, title_en="Nowhere", address="", online_url="",
                      starts_at=make_meeting(world).starts_at, ends_at=make_meeting(world).ends_at)
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean(exclude=["title", "body", "minutes"])
    assert "address" in caught.value.message_dict
