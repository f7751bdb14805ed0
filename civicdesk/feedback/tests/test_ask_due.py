""""services.ask_due()" (the periodic job): who is asked, when, by which channel, and only once."""

from __future__ import annotations

from django.utils import timezone

from civicdesk.feedback.models import AskedRequest, FeedbackPolicy, Invitation
from civicdesk.feedback.tasks import ask_due_task
from civicdesk.notifications.models import Delivery
from civicdesk.notifications.services import opt_out
from civicdesk.servicerequests.models import Support
from civicdesk.subscriptions.models import NotificationPreference

from .helpers import ALICE_PHONE, ask_after, closed_request


def asks(request):
    return Delivery.objects.filter(request=request, event="feedback.asked")


def test_it_asks_the_reporter_by_email_with_a_link_after_three_days(world):
    request = closed_request(world)
    assert ask_after(2) == 0 and not asks(request).exists()
    assert ask_after(3.1) == 1
    [email] = asks(request)
    invitation = Invitation.objects.get(request=request)
    assert email.channel == "email" and email.address == "alice@example.org"
    assert f"/feedback/{invitation.token}/" in email.body_text and "alice@example.org" not in invitation.token
    assert "Was it fixed?" in email.subject and "/notifications/unsubscribe/" in email.body_text


def test_it_asks_only_once_however_often_it_runs(world):
    request = closed_request(world)
    ask_after()
    assert ask_after() == 0 and ask_after(5) == 0
    assert asks(request).count() == 1 and AskedRequest.objects.filter(request=request).count() == 1
    assert ask_due_task.call() == 0


def test_it_asks_supporters_with_accounts_in_their_language(world):
    request = closed_request(world)
    world.mallory.language = "es"
    world.mallory.save()
    Support.objects.create(request=request, user=world.mallory)
    Support.objects.create(request=request, session_key="anonymous-session")
    ask_after()
    assert set(Invitation.objects.filter(request=request).values_list("role", flat=True)) == {"reporter",
                                                                                              "supporter"}
    spanish = asks(request).get(address="mallory@example.net")
    assert spanish.language == "es" and "¿Se ha resuelto?" in spanish.body_text


def test_it_asks_an_sms_reporter_by_sms_in_english_and_spanish(world):
    request = closed_request(world, contact_email="", contact_phone=ALICE_PHONE, channel="sms")
    spanish = closed_request(world, contact_email="", contact_phone="+12175550199", channel="sms", language="es")
    ask_after()
    [text] = asks(request)
    assert text.channel == "sms" and "Reply 1-5" in text.body_text and "0 (or NO) if it is NOT fixed" in text.body_text
    assert "STOP" in text.body_text
    assert "Responda" in asks(spanish).get().body_text


def test_it_uses_an_accounts_verified_mobile_when_sms_is_its_only_channel(world):
    NotificationPreference.objects.create(user=world.alice, channels="sms", phone=ALICE_PHONE,
                                          phone_verified_at=timezone.now())
    request = closed_request(world, contact_email="", reporter=world.alice)
    ask_after()
    assert asks(request).get().channel == "sms"


def test_it_skips_types_that_do_not_ask_and_requests_closed_as_duplicates(world):
    FeedbackPolicy.objects.create(service_type=world.pothole, ask=False)
    quiet = closed_request(world, service_type=world.pothole, attributes={"depth": "deep"})
    cancelled = closed_request(world, status="cancelled")
    ask_after()
    assert not asks(quiet).exists() and not asks(cancelled).exists()
    assert AskedRequest.objects.get(request=quiet).wanted is False


def test_it_waits_the_types_own_delay(world):
    FeedbackPolicy.objects.create(service_type=world.graffiti, delay_days=7)
    request = closed_request(world)
    ask_after(4)
    assert not asks(request).exists()
    ask_after(7.1)
    assert asks(request).count() == 1


def test_it_honours_an_opt_out_of_the_questions(world):
    opt_out("email", "alice@example.org", "feedback")
    request = closed_request(world)
    ask_after()
    assert asks(request).get().status == Delivery.Status.SKIPPED


def test_it_limits_questions_to_one_address_per_day(world, settings):
    settings.FEEDBACK_QUESTIONS_PER_ADDRESS_PER_DAY = 2
    for _ in range(3):
        closed_request(world)
    ask_after()
    assert Delivery.objects.filter(event="feedback.asked").count() == 2
