"""POST /inbound/sms/twilio/: Twilio's incoming-message webhook, answered with TwiML."""

from __future__ import annotations

import itertools
from xml.etree import ElementTree

from django.utils import timezone

from civicdesk.inbound.models import InboundMessage
from civicdesk.notifications.services import is_suppressed
from civicdesk.notifications.transports.sms import twilio_signature
from civicdesk.servicerequests import services as requests
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.subscriptions.models import NotificationPreference

from .conftest import ALICE_PHONE, SITE, report

URL = "/inbound/sms/twilio/"
TOKEN = "twilio-token-for-tests"
_SIDS = itertools.count(1)


def text(client, body: str, *, sender: str = ALICE_PHONE, sid: str = "", token: str = TOKEN, **extra):
    """Post what Twilio posts for one incoming SMS, signed as Twilio signs it."""
    params = {"MessageSid": sid or f"SM{next(_SIDS):032x}", "AccountSid": "AC" + "1" * 32,
              "From": sender, "To": "+15550100311", "Body": body, "NumMedia": "0", "FromCountry": "US", **extra}
    signature = twilio_signature(SITE + URL, params, token)
    return client.post(URL, data=params, headers={"X-Twilio-Signature": signature})


def answer(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    document = ElementTree.fromstring(response.content)
    assert document.tag == "Response"
    messages = document.findall("Message")
    return messages[0].text if messages else ""


def replies(request):
    return TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY, is_public=False)


def test_it_threads_a_text_to_the_newest_open_request_reported_from_that_phone(world, client):
    older = report(world)
    newer = report(world, phone="555.123.4567")
    requests.transition(newer, world.statuses["fixed"], user=world.bob)
    latest_open = report(world, phone="+1 (555) 123-4567")
    requests.transition(older, world.statuses["in_progress"], user=world.bob)
    reply = answer(text(client, "There are two more tags around the corner."))
    assert latest_open.public_id in reply
    [entry] = replies(latest_open)
    assert entry.message == "There are two more tags around the corner."
    assert entry.data["channel"] == "sms" and entry.data["from"] == ALICE_PHONE
    assert not replies(older).exists() and not replies(newer).exists()
    assert TimelineEntry.objects.filter(request=latest_open, kind=TimelineEntry.Kind.RESIDENT_REPLY,
                                        is_public=True, message="").count() == 1


def test_it_keeps_mms_picture_links_for_staff(world, client):
    request = report(world)
    answer(text(client, "See picture", NumMedia="1", MediaUrl0="https://api.twilio.com/2010-04-01/Media/ME1",
                MediaContentType0="image/jpeg"))
    entry = replies(request).get()
    assert entry.data["media_urls"] == ["https://api.twilio.com/2010-04-01/Media/ME1"]
    assert "https://api.twilio.com/2010-04-01/Media/ME1" in entry.message


def test_it_threads_through_an_account_with_that_verified_mobile(world, client):
    NotificationPreference.objects.create(user=world.alice, phone="+15559876543", language="es",
                                          phone_verified_at=timezone.now())
    mine = report(world, phone="", reporter=world.alice)
    answer(text(client, "Sigue ahí", sender="+15559876543"))
    assert replies(mine).get().message == "Sigue ahí"


def test_it_does_nothing_twice_for_the_same_message_sid(world, client):
    request = report(world)
    first = answer(text(client, "More paint today", sid="SM" + "a" * 32))
    again = answer(text(client, "More paint today", sid="SM" + "a" * 32))
    assert again == first
    assert replies(request).count() == 1
    assert InboundMessage.objects.filter(channel="sms").count() == 1


def test_it_refuses_a_wrong_signature_and_saves_nothing(world, client):
    request = report(world)
    assert text(client, "Forged", token="not-the-token").status_code == 403
    params = {"MessageSid": "SM" + "b" * 32, "From": ALICE_PHONE, "Body": "No signature"}
    assert client.post(URL, data=params).status_code == 403
    assert not replies(request).exists() and not InboundMessage.objects.exists()


def test_it_opts_the_number_out_on_stop_and_back_in_on_start(world, client):
    reply = answer(text(client, "STOP"))
    assert "no more text messages" in reply
    assert is_suppressed("sms", ALICE_PHONE)
    answer(text(client, " start "))
    assert not is_suppressed("sms", ALICE_PHONE)
    for word in ("stopall", "Unsubscribe", "CANCEL", "end", "QUIT"):
        answer(text(client, word))
        assert is_suppressed("sms", ALICE_PHONE), word
        answer(text(client, "UNSTOP"))
        assert not is_suppressed("sms", ALICE_PHONE)


def test_it_explains_itself_on_help(world, client):
    reply = answer(text(client, "help"))
    assert "STATUS" in reply and "STOP" in reply and f"{SITE}/report/" in reply


def test_it_answers_status_for_a_public_request_with_its_last_public_update(world, client):
    request = report(world, phone="")
    requests.transition(request, world.statuses["in_progress"], user=world.bob,
                        message="Crew <B> scheduled for Tuesday & Wednesday")
    requests.add_internal_note(request, message="Secret staff note", user=world.bob)
    reply = answer(text(client, f"status {request.public_id.lower().replace('-', ' ')}", sender="+15550001111"))
    assert reply.startswith(f"Request {request.public_id} (Graffiti): In progress.")
    assert "Crew <B> scheduled for Tuesday & Wednesday" in reply  # escaped in the XML, intact once parsed
    assert "Secret" not in reply
    assert reply.endswith(f"{SITE}/requests/{request.public_id}/")


def test_it_answers_status_for_a_private_request_only_to_its_reporter(world, client):
    private = report(world, service_type=world.records)
    stranger = answer(text(client, f"STATUS {private.public_id}", sender="+15550001111"))
    unknown = answer(text(client, "STATUS ZZZZ-ZZZZ", sender="+15550001111"))
    assert stranger == f"We could not find request {private.public_id}. Check the tracking number and try again."
    assert unknown == "We could not find request ZZZZ-ZZZZ. Check the tracking number and try again."
    own = answer(text(client, f"STATUS {private.public_id}"))
    assert own.startswith(f"Request {private.public_id} (Sealed records request): Submitted.")
    assert not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.RESIDENT_REPLY).exists()


def test_it_answers_status_in_the_senders_language(world, client):
    request = report(world, service_type=world.pothole, language="es")
    reply = answer(text(client, f"STATUS {request.public_id}"))
    assert "Bache" in reply
    english = answer(text(client, f"STATUS {request.public_id}", sender="+15550001111"))
    assert "Pothole" in english


def test_it_answers_status_in_arabic_when_asked_in_arabic(world, client):
    request = report(world, service_type=world.pothole)
    reply = answer(text(client, f"حالة {request.public_id}", sender="+15550003333"))
    assert reply.startswith(f"الطلب {request.public_id} (Pothole): ")
    assert "Request" not in reply


def test_it_helps_a_sender_it_does_not_know(world, client):
    reply = answer(text(client, "Hello, is anyone there?", sender="+15550002222"))
    assert "could not find an open request" in reply and f"{SITE}/report/" in reply
    assert InboundMessage.objects.get().reason == "no_open_request"
    assert not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.RESIDENT_REPLY).exists()


def test_it_treats_a_keyword_inside_a_sentence_as_a_reply(world, client):
    request = report(world)
    answer(text(client, "Stop by tomorrow please, the hole is bigger"))
    assert not is_suppressed("sms", ALICE_PHONE)
    assert replies(request).get().message == "Stop by tomorrow please, the hole is bigger"
