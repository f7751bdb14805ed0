"""SMS: the development outbox, and the Twilio adapter against a local server that plays Twilio's Messages API."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest

from civicdesk.notifications.models import Delivery, SmsMessage, Suppression
from civicdesk.notifications.services import Recipient, notify
from civicdesk.notifications.transports.sms import twilio_signature, twilio_signature_is_valid
from civicdesk.testing.fixtures import run_worker

from .conftest import make_request

# Twilio's published example ("Validating signatures from Twilio", twilio.com/docs/usage/security): auth
# token 12345, this URL and these parameters. The docs show the first signature (Caller +14158675310);
# the test suite of Twilio's own helper library (twilio-node) signs it with Caller +14158675309.
TWILIO_EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"


def twilio_example_params(caller: str) -> dict[str, str]:
    return {"CallSid": "CA1234567890ABCDE", "Caller": caller, "Digits": "1234", "From": caller, "To": "+18005551212"}


@pytest.mark.parametrize(("caller", "signature"), [("+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc="),
                                                   ("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")])
def test_it_signs_twilios_published_example_exactly_as_twilio_does(caller, signature):
    params = twilio_example_params(caller)
    assert twilio_signature(TWILIO_EXAMPLE_URL, params, "12345") == signature
    assert twilio_signature_is_valid(TWILIO_EXAMPLE_URL, params, signature, "12345")
    assert not twilio_signature_is_valid(TWILIO_EXAMPLE_URL, {**params, "Digits": "9999"}, signature, "12345")
    assert not twilio_signature_is_valid(TWILIO_EXAMPLE_URL, params, signature, "54321")
    assert not twilio_signature_is_valid(TWILIO_EXAMPLE_URL, params, "", "12345")


def text(world, *phones: str, key: str = "timeline:1") -> None:
    notify(event="request.status_changed", key=key, template="notifications_test/hello",
           context={"message": "Fixed."}, request=make_request(world),
           recipients=[Recipient(phone=phone, channels=frozenset({"sms"})) for phone in phones])


def test_the_development_backend_keeps_each_text_in_the_outbox(tworld):
    text(tworld, "+1 217 555 4567")

    run_worker()

    [message] = SmsMessage.objects.all()
    delivery = Delivery.objects.get()
    assert message.to == "+12175554567" and message.delivery == delivery
    assert message.body == f"{delivery.request.public_id}: Fixed. Reply STOP to stop."
    assert delivery.status == Delivery.Status.SENT and delivery.provider_id == f"dev-{message.pk}"


def test_it_posts_the_text_to_twilio_and_keeps_the_message_sid(tworld, twilio, settings):
    text(tworld, "+12175554567")

    run_worker()

    [received] = twilio.received
    form = {name: values[0] for name, values in parse_qs(received.body.decode()).items()}
    delivery = Delivery.objects.get()
    assert form == {"To": "+12175554567", "From": "+12175559999",
                    "Body": f"{delivery.request.public_id}: Fixed. Reply STOP to stop.",
                    "StatusCallback": f"{settings.SITE_URL}/notifications/sms/status/"}
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert delivery.status == Delivery.Status.SENT and delivery.provider_id == "SM" + "1".zfill(32)


def test_it_stops_and_suppresses_a_number_twilio_says_can_never_receive(tworld, twilio):
    text(tworld, "+12175550001", "+12175550002")

    run_worker()

    for delivery in Delivery.objects.all():
        assert delivery.status == Delivery.Status.FAILED
    assert "error 21211" in Delivery.objects.get(address="+12175550001").error
    assert "error 21610" in Delivery.objects.get(address="+12175550002").error
    assert sorted(Suppression.objects.values_list("address", "reason")) == [
        ("+12175550001", "bounced"), ("+12175550002", "bounced")]


def test_it_retries_when_twilio_is_busy_or_down(tworld, twilio):
    text(tworld, "+12175550003", "+12175550004")

    run_worker()

    for delivery in Delivery.objects.all():
        assert delivery.status == Delivery.Status.QUEUED and delivery.attempts == 1
    assert "HTTP 429" in Delivery.objects.get(address="+12175550003").error
    assert "HTTP 503" in Delivery.objects.get(address="+12175550004").error
    assert not Suppression.objects.exists()


def test_it_retries_without_blaming_the_number_when_our_credentials_are_wrong(tworld, twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"
    text(tworld, "+12175554567")

    run_worker()

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED and "error 20003" in delivery.error
    assert not Suppression.objects.exists()
    assert delivery.headers == {}  # texts carry no email headers


def test_it_reads_the_twilio_account_without_sending_anything(db, twilio, settings):
    from civicdesk.notifications.transports.sms import TwilioSms

    assert TwilioSms().check_account() == "Town of Elm"
    [received] = twilio.received
    assert (received.method, received.path) == ("GET", "/2010-04-01/Accounts/AC0123.json")
    assert received.headers["Authorization"] == "Basic " + base64.b64encode(b"AC0123:secret-token").decode()


def test_it_says_whose_fault_a_failed_twilio_call_is(db, twilio, settings):
    import socket

    from civicdesk.notifications.transports import TransportError
    from civicdesk.notifications.transports.sms import TwilioSms

    with pytest.raises(TransportError) as refused:
        TwilioSms().send_text("+12175550001", "Hello")
    assert refused.value.kind == "recipient" and refused.value.permanent
    with pytest.raises(TransportError) as busy:
        TwilioSms().send_text("+12175550004", "Hello")
    assert busy.value.kind == "provider" and not busy.value.permanent
    settings.TWILIO_AUTH_TOKEN = "wrong"
    for call in (TwilioSms().check_account, lambda: TwilioSms().send_text("+12175554567", "Hello")):
        with pytest.raises(TransportError) as wrong:
            call()
        assert wrong.value.kind == "credentials" and "error 20003" in wrong.value.message
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.TWILIO_API_BASE = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(TransportError) as down:
        TwilioSms().check_account()
    assert down.value.kind == "unreachable" and not down.value.permanent
