"""manage.py check_city: a brand-new deployment walked from failing to passing, one fix at a time."""

from __future__ import annotations

import io

from django.core.management import CommandError, call_command

from civicdesk.accounts.models import User
from civicdesk.catalog.models import RoutingRule, ServiceType
from civicdesk.jurisdictions.models import AddressPoint, Department, Jurisdiction, StaffMembership
from civicdesk.testing.auth import totp_device
from civicdesk.testing.fixtures import run_worker

from . import files


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


def test_it_walks_a_new_deployment_from_failing_to_passing(transactional_db, tmp_path, settings, smtp_server):
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
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC-fallsburg", "token-fallsburg"
    settings.TWILIO_FROM_NUMBER = "+17065550100"
    passed, output = check("--jurisdiction", "fallsburg", "--test-email", "ada@fallsburg.example.gov")
    assert failing(output) == ["Background worker"]
    assert smtp_server.wait_for(1)[0]["Subject"] == "CivicDesk test message"

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
