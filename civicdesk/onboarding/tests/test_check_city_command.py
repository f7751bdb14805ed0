"""manage.py check_city: a brand-new deployment walked from failing to passing, one fix at a time."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from civicdesk.accounts.models import User
from civicdesk.catalog.models import RoutingRule, ServiceType
from civicdesk.jurisdictions.models import AddressPoint, Department, Jurisdiction, StaffMembership
from civicdesk.testing.auth import totp_device
from civicdesk.testing.fixtures import run_worker

from . import files


@pytest.fixture(autouse=True)
def _forget_the_last_test_text():
    """The checklist remembers the last test text in the cache: each test starts without one."""
    from django.core.cache import cache

    from civicdesk.onboarding.checklist import SMS_CHECK_CACHE_KEY

    cache.delete(SMS_CHECK_CACHE_KEY)
    yield
    cache.delete(SMS_CHECK_CACHE_KEY)


def check(*args) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("check_city", *args, stdout=out)
    except CommandError as exc:
        assert exc.returncode == 1
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def failing(output: str) -> list[str]:
    return [line.split(":")[0].replace("FAIL", "").strip() for line in output.splitlines() if "FAIL" in line]


def test_it_walks_a_new_deployment_from_failing_to_passing(transactional_db, tmp_path, settings, smtp_server,
                                                           twilio):
    passed, output = check()
    assert not passed and "There is no jurisdiction yet" in output

    path = tmp_path / "town.kml"
    path.write_bytes(files.kml())
    call_command("import_boundaries", str(path), "--kind", "jurisdiction", stdout=io.StringIO())
    town = Jurisdiction.objects.get(slug="fallsburg")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.DevelopmentSms"}
    passed, output = check("--jurisdiction", "fallsburg")
    assert not passed
    assert failing(output) == ["Service types and routing", "People for every department",
                               "Address list", "Staff with two-factor sign-in", "Privacy notice and contact page",
                               "Open311 keys", "Outgoing email", "Text messages (SMS)", "Background worker"]
    assert "No service type is offered here" in output and "fix: Add a service type (/admin/" in output

    pothole = ServiceType.objects.create(code="pothole", name="Pothole")
    streetlight = ServiceType.objects.create(code="streetlight", name="Streetlight out")
    works = Department.objects.create(jurisdiction=town, name="Public Works", slug="public-works")
    Department.objects.create(jurisdiction=town, name="Parks", slug="parks")
    path = tmp_path / "wards.zip"
    path.write_bytes(files.shapefile_zip())
    call_command("import_boundaries", str(path), "--kind", "district", "--jurisdiction", "fallsburg",
                 "--name-field", "WARD_NAME", stdout=io.StringIO())
    north = town.districts.get(name="North Ward")
    RoutingRule.objects.create(jurisdiction=town, name="North roads", department=works,
                               district=north).service_types.add(pothole)
    RoutingRule.objects.create(jurisdiction=town, name="North lights", department=works,
                               district=north).service_types.add(streetlight)
    passed, output = check("--jurisdiction", "fallsburg")
    assert "- Streetlight out" not in output and "Every service type is sent to a department" in output
    assert "A department for every district: No routing rule covers these districts" in output
    assert "- South Ward" in output and "- Parks" in output

    RoutingRule.objects.create(jurisdiction=town, name="Everything else", department=works, order=900)
    ada = User.objects.create_user(email="ada@fallsburg.example.gov", password="correct horse battery",
                                   is_staff=True)
    StaffMembership.objects.create(user=ada, jurisdiction=town, department=works,
                                   role=StaffMembership.Role.ADMIN)
    parks = Department.objects.get(name="Parks")
    StaffMembership.objects.create(user=ada, jurisdiction=town, department=parks)
    totp_device(ada)
    AddressPoint.objects.create(address_id="F1", number="1", street="Main Street", full_address="1 Main Street",
                                jurisdiction=town, lat=files.IN_NORTH_WARD[0], long=files.IN_NORTH_WARD[1])
    town.email = "311@fallsburg.example.gov"
    town.phone = "706-555-0100"
    town.save()
    from civicdesk.open311.services import issue_api_key

    issue_api_key(name="Fallsburg phone app", jurisdiction=town)
    passed, output = check("--jurisdiction", "fallsburg")
    assert failing(output) == ["Outgoing email", "Text messages (SMS)", "Background worker"]
    assert "Outgoing email is not configured" in output

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "311@fallsburg.example.gov"
    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.TwilioSms"}
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC0123", "secret-token"  # the Twilio stand-in's
    settings.TWILIO_FROM_NUMBER = "+17065550100"
    passed, output = check("--jurisdiction", "fallsburg", "--test-email", "ada@fallsburg.example.gov")
    assert failing(output) == ["Text messages (SMS)", "Background worker"]
    assert "No test text has been sent with the current settings" in output and "--test-sms NUMBER" in output
    assert smtp_server.wait_for(1)[0]["Subject"] == "CivicDesk test message"
    assert not twilio.received

    passed, output = check("--jurisdiction", "fallsburg", "--test-sms", "706 555 0142")
    assert failing(output) == ["Background worker"]
    assert "Text messages (SMS): TwilioSms accepted a test text to +17065550142 (account Town of Elm)." in output
    assert [got.method for got in twilio.received] == ["GET", "POST"]

    from civicdesk.accounts.tasks import send_password_reset

    send_password_reset.enqueue(user_pk=ada.pk)
    run_worker()
    passed, output = check("--jurisdiction", "fallsburg")
    assert passed, output
    assert "Ready to go live." in output


def test_it_names_a_mail_server_that_does_not_answer(db, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.DEFAULT_FROM_EMAIL = "311@fallsburg.example.gov"
    files.make_town()
    passed, output = check()
    assert not passed
    assert f"Outgoing email: The mail server 127.0.0.1:{port} refused or did not answer" in output


def test_it_sends_one_test_text_however_many_jurisdictions_it_checks(world, twilio):
    passed, output = check("--test-sms", "+1 217 555 4567")
    assert not passed
    assert output.count("ok   Text messages (SMS): TwilioSms accepted a test text to +12175554567") == 2
    assert [got.method for got in twilio.received] == ["GET", "POST"]


def test_it_names_twilio_refusing_our_credentials(world, twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong-token"
    passed, output = check("--jurisdiction", "elm", "--test-sms", "217-555-4567")
    assert not passed
    assert "FAIL Text messages (SMS): TwilioSms refused our account: check the account SID and auth token" in output
    assert "Traceback" not in output
    assert [got.method for got in twilio.received] == ["GET"]  # nothing was sent


def test_it_names_twilio_not_answering(world, twilio, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{port}"
    passed, output = check("--jurisdiction", "elm", "--test-sms", "217-555-4567")
    assert not passed and "FAIL Text messages (SMS): TwilioSms could not be reached" in output


def test_it_names_a_number_twilio_refuses(world, twilio):
    passed, output = check("--jurisdiction", "elm", "--test-sms", "+12175550001")
    assert not passed and "FAIL Text messages (SMS): TwilioSms refused the number" in output


@pytest.mark.parametrize(("typed", "error"), [
    ("call me", "Enter a phone number using digits only, like 217-555-0142."),
    ("+44 20 7946 0018", "We can only send text messages to phone numbers in these countries: US."),
])
def test_it_refuses_a_number_it_cannot_text_before_checking_anything(world, twilio, typed, error):
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("check_city", "--jurisdiction", "elm", "--test-sms", typed, stdout=out)
    assert str(refused.value) == f"--test-sms {typed!r}: {error}"
    assert out.getvalue() == "" and not twilio.received


def test_it_keeps_a_demo_test_text_in_the_development_outbox(world, settings):
    from civicdesk.notifications.models import SmsMessage

    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.DevelopmentSms"}
    passed, output = check("--jurisdiction", "elm", "--test-sms", "217-555-4567")
    assert not passed
    assert ("FAIL Text messages (SMS): The development backend kept the test text to +12175554567 in its outbox "
            "(Admin → SMS messages): nothing left this machine.") in output
    assert SmsMessage.objects.get().to == "+12175554567"


def test_it_sends_no_test_text_over_the_sms_budget(world, twilio):
    from civicdesk.notifications.models import SmsPolicy

    SmsPolicy.objects.create(hourly_budget=0)
    passed, output = check("--jurisdiction", "elm", "--test-sms", "217-555-4567")
    assert not passed
    assert "FAIL Text messages (SMS): The hourly limit of text messages (for the whole site, or to this number" in output
    assert not twilio.received
