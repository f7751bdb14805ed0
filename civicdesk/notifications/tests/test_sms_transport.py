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


@pytest.fixture
def twilio(settings, http_server):
    """Point the Twilio adapter at a local server that behaves like Twilio's Messages resource."""
    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.TwilioSms"}
    settings.TWILIO_API_BASE = http_server.url
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC0123", "secret-token"
    settings.TWILIO_FROM_NUMBER = "+12175559999"
    errors = {"+12175550001": (400, {"code": 21211, "message": "The 'To' number is not a valid phone number.",
                                     "status": 400}),
              "+12175550002": (400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                                     "status": 400}),
              "+12175550003": (429, {"code": 20429, "message": "Too Many Requests", "status": 429}),
              "+12175550004": (503, {"message": "Service Unavailable"})}

    def answer(received):
        expected_auth = "Basic " + base64.b64encode(b"AC0123:secret-token").decode()
        if received.path != "/2010-04-01/Accounts/AC0123/Messages.json":
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        if received.headers["Authorization"] != expected_auth:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        form = {name: values[0] for name, values in parse_qs(received.body.decode()).items()}
        if form["To"] in errors:
            return errors[form["To"]]
        return 201, {"sid": f"SM{len(http_server.received):032d}", "status": "queued", "to": form["To"],
                     "from": form["From"], "body": form["Body"]}

    http_server.answer = answer
    return http_server


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
