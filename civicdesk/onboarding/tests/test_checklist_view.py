"""The go-live checklist page: admins of a jurisdiction see its checks with links to fix them; test email and
test text (against the local server playing Twilio, see civicdesk/notifications/tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

pytestmark = pytest.mark.django_db
URL = reverse("onboarding:checklist")


@pytest.fixture(autouse=True)
def _forget_the_last_mail_server_test():
    """The checklist remembers the last mail server test in the cache: each test starts without one."""
    from django.core.cache import cache

    from civicdesk.onboarding.checklist import EMAIL_CHECK_CACHE_KEY, SMS_CHECK_CACHE_KEY

    cache.delete_many([EMAIL_CHECK_CACHE_KEY, SMS_CHECK_CACHE_KEY])
    yield
    cache.delete_many([EMAIL_CHECK_CACHE_KEY, SMS_CHECK_CACHE_KEY])


def test_it_lists_every_check_with_a_reason_and_a_fix_link(client, world, django_assert_max_num_queries):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    with django_assert_max_num_queries(40):
        page = client.get(URL)
    body = page.content.decode()
    assert page.status_code == 200
    assert page.context["jurisdiction"] == world.elm
    keys = [check.key for check in page.context["checks"]]
    assert keys == ["routing", "departments", "districts", "addresses", "two_factor", "contact", "open311",
                    "email", "sms", "worker"]
    failing = {check.key for check in page.context["checks"] if not check.ok}
    # Elm staffs both departments, has addresses and a seat with two-factor (the admin's); no rule sends
    # public records requests anywhere.
    assert failing == {"routing", "contact", "open311", "email", "sms", "worker"}
    assert "<li>Sealed records request</li>" in body
    assert "Town of Elm: 6 items block going live" in body
    assert reverse("admin:open311_apikey_add") in body
    assert reverse("admin:jurisdictions_jurisdiction_change", args=[world.elm.pk]) in body


def test_it_sends_a_test_email_to_the_admin_through_real_smtp(client, world, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "311@elm.example.gov"
    seats = seat_people(world)
    login_verified(client, seats.admin)
    page = client.post(URL, {"jurisdiction": "elm"})
    email = next(c for c in page.context["checks"] if c.key == "email")
    assert email.ok and "accepted a test message to ada@elm.example.gov" in email.reason
    assert smtp_server.wait_for(1)[0]["To"] == "ada@elm.example.gov"
    assert AuditEntry.objects.filter(action="onboarding.test_email_sent", jurisdiction_id=world.elm.pk).exists()
    for _ in range(4):
        client.post(URL, {"jurisdiction": "elm"})
    limited = client.post(URL, {"jurisdiction": "elm"}, follow=True)
    assert "too many times" in limited.content.decode()
    assert len(smtp_server.messages) == 5


def test_it_never_contacts_the_mail_server_on_a_visit_and_shows_the_last_test(client, world, smtp_server, settings,
                                                                              monkeypatch):
    settings.DEFAULT_FROM_EMAIL = "311@elm.example.gov"
    seats = seat_people(world)
    login_verified(client, seats.admin)

    def hung(*args, **kwargs):
        raise AssertionError("a plain visit opened a connection to the mail server")

    from django.core.mail.backends.smtp import EmailBackend

    monkeypatch.setattr(EmailBackend, "open", hung)
    page = client.get(URL)
    email = next(c for c in page.context["checks"] if c.key == "email")
    assert not email.ok and "has not been tested in the last 10 minutes" in email.reason
    body = page.content.decode()
    assert 'name="action" value="test"' in body and 'name="action" value="send"' in body
    monkeypatch.undo()

    tested = client.post(URL, {"jurisdiction": "elm", "action": "test"})
    email = next(c for c in tested.context["checks"] if c.key == "email")
    assert email.ok and "answers" in email.reason and not smtp_server.messages
    assert AuditEntry.objects.filter(action="onboarding.mail_server_tested", jurisdiction_id=world.elm.pk).exists()

    monkeypatch.setattr(EmailBackend, "open", hung)
    again = client.get(URL)
    email = next(c for c in again.context["checks"] if c.key == "email")
    assert email.ok and "answers" in email.reason and "(tested at " in email.reason


def test_it_gives_up_on_a_mail_server_that_does_not_answer(client, world, settings):
    import socket

    settings.DEFAULT_FROM_EMAIL = "311@elm.example.gov"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection but never greets: a hung server
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    from civicdesk.onboarding import checklist

    try:
        found = checklist.check_email(timeout=0.5)
    finally:
        listener.close()
    assert not found.ok and "did not answer" in found.reason
    seats = seat_people(world)
    login_verified(client, seats.admin)
    email = next(c for c in client.get(URL).context["checks"] if c.key == "email")
    assert not email.ok and "did not answer" in email.reason and "(tested at " in email.reason


def sms_check(page):
    return next(c for c in page.context["checks"] if c.key == "sms")


def texts(server) -> list[dict[str, str]]:
    """The texts the Twilio stand-in was asked to send (form fields of each POST to Messages.json)."""
    from urllib.parse import parse_qs

    return [{name: values[0] for name, values in parse_qs(got.body.decode()).items()}
            for got in server.received if got.method == "POST"]


def test_it_sends_a_test_text_through_twilio_and_passes_until_the_settings_change(client, world, twilio, settings):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    before = client.get(URL)
    assert not sms_check(before).ok and "No test text has been sent with the current settings" in sms_check(
        before).reason
    assert not twilio.received  # a visit sends nothing

    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "(217) 555-4567"})
    sms = sms_check(page)
    assert page.status_code == 200
    assert sms.ok and sms.reason == "TwilioSms accepted a test text to +12175554567 (account Town of Elm)."
    assert [got.method for got in twilio.received] == ["GET", "POST"]  # the account first, then the text
    [sent] = texts(twilio)
    assert sent["To"] == "+12175554567" and sent["From"] == "+12175559999"
    assert sent["Body"] == "CivicDesk test message: text messages work."
    assert 'data-testid="sms-result"' in page.content.decode()
    entry = AuditEntry.objects.get(action="onboarding.test_sms_sent", jurisdiction_id=world.elm.pk)
    assert entry.data == {"to": "…67", "passed": True, "development": False}

    again = client.get(URL)
    assert sms_check(again).ok and "(tested at " in sms_check(again).reason
    settings.TWILIO_FROM_NUMBER = "+12175558888"
    changed = client.get(URL)
    assert not sms_check(changed).ok and "No test text has been sent with the current settings" in sms_check(
        changed).reason


def test_it_says_twilio_refused_our_credentials_and_sends_nothing(client, world, twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong-token"
    seats = seat_people(world)
    login_verified(client, seats.admin)
    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"})
    sms = sms_check(page)
    assert not sms.ok
    assert sms.reason.startswith("TwilioSms refused our account: check the account SID and auth token")
    assert "Traceback" not in page.content.decode()
    assert not texts(twilio)
    assert not sms_check(client.get(URL)).ok


def test_it_says_twilio_could_not_be_reached(client, world, twilio, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{port}"
    seats = seat_people(world)
    login_verified(client, seats.admin)
    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"})
    sms = sms_check(page)
    assert not sms.ok and sms.reason.startswith("TwilioSms could not be reached")
    assert AuditEntry.objects.get(action="onboarding.test_sms_sent").data["passed"] is False


def test_it_says_twilio_refused_the_number(client, world, twilio):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "+1 217 555 0001"})
    sms = sms_check(page)
    assert not sms.ok and sms.reason.startswith("TwilioSms refused the number: it cannot receive texts")


@pytest.mark.parametrize(("typed", "error"), [
    ("call me", "Enter a phone number using digits only, like 217-555-0142."),
    ("555-0142", "Include the area code, like 217-555-0142."),
    ("+1 900 555 1234", "We cannot send text messages to premium-rate or shared-cost numbers."),
    ("", "This field is required."),
])
def test_it_refuses_a_number_it_cannot_text_with_a_clear_error(client, world, twilio, typed, error):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": typed})
    assert page.status_code == 400
    assert page.context["sms_form"].errors == {"number": [error]}
    body = page.content.decode()
    assert 'aria-invalid="true"' in body and error.replace("'", "&#x27;") in body
    assert not twilio.received
    assert not AuditEntry.objects.filter(action="onboarding.test_sms_sent").exists()


def test_it_refuses_a_test_text_from_staff_who_are_not_admins(client, world, twilio):
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"})
    assert page.status_code == 403
    assert not twilio.received


def test_it_needs_the_csrf_token_for_a_test_text(world, twilio):
    from django.test import Client

    seats = seat_people(world)
    client = Client(enforce_csrf_checks=True)
    login_verified(client, seats.admin)
    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"})
    assert page.status_code == 403
    assert not twilio.received


def test_it_stops_test_texts_at_the_hourly_limit(client, world, twilio):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    for _ in range(5):
        assert sms_check(client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"})).ok
    limited = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"}, follow=True)
    assert "too many times" in limited.content.decode()
    assert len(texts(twilio)) == 5
    assert AuditEntry.objects.filter(action="onboarding.test_sms_sent").count() == 5


def test_it_keeps_a_demo_test_text_in_the_development_outbox(client, world, settings):
    from civicdesk.notifications.models import SmsMessage

    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.DevelopmentSms"}
    seats = seat_people(world)
    login_verified(client, seats.admin)
    body = client.get(URL).content.decode()
    assert "This site uses the development SMS backend" in body and "nothing leaves this machine" in body

    page = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"})
    sms = sms_check(page)
    [message] = SmsMessage.objects.all()
    assert message.to == "+12175554567" and message.body == "CivicDesk test message: text messages work."
    assert not sms.ok  # residents still get no texts
    assert "kept the test text to +12175554567 in its outbox" in sms.reason
    assert "nothing left this machine" in sms.reason
    assert sms.fix_url == reverse("admin:notifications_smsmessage_changelist")
    assert "nothing left this machine" in sms_check(client.get(URL)).reason


def test_it_refuses_staff_who_are_not_admins(client, world):
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    assert client.get(URL).status_code == 403


def test_it_shows_a_superuser_any_jurisdiction(client, world):
    seats = seat_people(world)
    login_verified(client, seats.root)
    page = client.get(URL, {"jurisdiction": "maple"})
    assert page.context["jurisdiction"] == world.county
    assert "Maple County: " in page.content.decode()


def test_it_speaks_spanish(client, world):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    spanish = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Lista de comprobación para empezar" in spanish
    assert "Town of Elm: 6 puntos impiden empezar" in spanish


def test_it_speaks_spanish_and_arabic_about_test_texts(client, world, twilio, settings):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    spanish = client.get(URL, HTTP_ACCEPT_LANGUAGE="es")
    assert "No se ha enviado ningún mensaje de prueba con la configuración actual" in sms_check(spanish).reason
    body = spanish.content.decode()
    assert "Enviar un mensaje de prueba" in body and "Número de móvil para un mensaje de prueba" in body
    assert "Abrir esta página no envía ningún mensaje" in body
    settings.TWILIO_AUTH_TOKEN = "wrong-token"
    arabic = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"},
                         HTTP_ACCEPT_LANGUAGE="ar")
    assert sms_check(arabic).reason.startswith("رفض TwilioSms حسابنا")
    assert "لم تُرسل" in arabic.content.decode()
    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.DevelopmentSms"}
    demo = client.post(URL, {"jurisdiction": "elm", "action": "sms", "number": "217-555-4567"},
                       HTTP_ACCEPT_LANGUAGE="es")
    assert sms_check(demo).reason.startswith("El sistema de desarrollo guardó el mensaje de prueba para +12175554567")
    assert "Este sitio usa el sistema de SMS de desarrollo" in demo.content.decode()
