"""Staff two-factor sign-in: enrolment, codes, recovery codes, lockout, and idle staff sessions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.accounts.two_factor import base32_secret
from civicdesk.audit.models import AuditEntry
from civicdesk.testing.auth import current_code, login_verified, totp_device

LOGIN = reverse("accounts:login")
STEP = reverse("accounts:two_factor")
STAFF = reverse("staff:queues")
ADMIN = reverse("admin:index")
PASSWORD = "correct horse battery"
LOCKED = "Too many failed attempts."


def sign_in(client, user, password: str = PASSWORD, next_url: str = STAFF):
    return client.post(LOGIN, {"username": user.email, "password": password, "next": next_url})


def enrol(client, user) -> list[str]:
    """Sign in for the first time and confirm a device; returns the recovery codes shown."""
    sign_in(client, user)
    client.get(STEP, {"next": STAFF})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(STEP, {"token": current_code(device), "next": STAFF})
    return response.context["codes"]


def test_it_sends_staff_without_a_device_to_enrolment(client, world):
    response = sign_in(client, world.bob)
    assert response.status_code == 302 and response["Location"].startswith(STEP)
    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=world.bob, confirmed=False)
    assert "<svg" in html and "Set up two-factor sign-in" in html
    assert base32_secret(device) in html


def test_it_confirms_enrolment_and_shows_ten_recovery_codes_once(client, world):
    codes = enrol(client, world.bob)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=world.bob).confirmed
    assert StaticToken.objects.filter(device__user=world.bob).count() == 10
    assert client.get(STAFF).status_code == 200
    # The codes page is never shown again: the step now just moves on.
    assert client.get(STEP, {"next": STAFF})["Location"] == STAFF
    assert AuditEntry.objects.filter(action="user.two_factor_enrolled", actor=world.bob).exists()


def test_it_refuses_a_wrong_code_at_enrolment(client, world):
    sign_in(client, world.bob)
    client.get(STEP)
    response = client.post(STEP, {"token": "000000", "next": STAFF})
    assert response.status_code == 400 and "That code is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.bob, confirmed=True).exists()
    assert client.get(STAFF)["Location"].startswith(STEP)


def test_it_asks_staff_with_a_device_for_their_code(client, world):
    device = totp_device(world.bob)
    response = sign_in(client, world.bob)
    assert response["Location"].startswith(STEP)
    assert "Enter your 6-digit code" in client.get(response["Location"]).content.decode()
    done = client.post(STEP, {"token": current_code(device), "next": STAFF})
    assert done.status_code == 302 and done["Location"] == STAFF
    assert client.get(STAFF).status_code == 200


def test_it_refuses_a_wrong_code(client, world):
    device = totp_device(world.bob)
    sign_in(client, world.bob)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(STEP, {"token": wrong, "next": STAFF})
    assert response.status_code == 400 and "That code is not right." in response.content.decode()
    assert client.get(STAFF)["Location"].startswith(STEP)


def test_it_accepts_a_recovery_code_only_once(client, world):
    codes = enrol(client, world.bob)
    client.post(reverse("accounts:logout"))
    sign_in(client, world.bob)
    response = client.post(STEP, {"token": codes[0].upper(), "next": STAFF})
    assert response.status_code == 302 and response["Location"] == STAFF
    assert StaticToken.objects.filter(device__user=world.bob).count() == 9
    client.post(reverse("accounts:logout"))
    sign_in(client, world.bob)
    again = client.post(STEP, {"token": codes[0], "next": STAFF})
    assert again.status_code == 400
    assert client.get(STAFF)["Location"].startswith(STEP)


def test_it_keeps_the_staff_console_closed_until_verified(client, world):
    totp_device(world.bob)
    sign_in(client, world.bob)
    response = client.get(reverse("staff:queues"))
    assert response.status_code == 302 and response["Location"].startswith(STEP)
    assert "next=%2Fstaff%2F" in response["Location"]


def test_it_keeps_the_admin_closed_until_verified(client, world):
    world.bob.is_superuser = True
    world.bob.save()
    totp_device(world.bob)
    sign_in(client, world.bob, next_url=ADMIN)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(STEP)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_it_opens_the_admin_once_verified(client, world):
    world.bob.is_superuser = True
    world.bob.save()
    login_verified(client, world.bob)
    assert client.get(ADMIN).status_code == 200


def test_it_leaves_residents_alone(client, world):
    response = sign_in(client, world.alice, next_url=reverse("accounts:my_requests"))
    assert response["Location"] == reverse("accounts:my_requests")
    assert client.get(reverse("accounts:my_requests")).status_code == 200
    assert not TOTPDevice.objects.filter(user=world.alice).exists()


def test_it_locks_an_email_after_repeated_wrong_passwords(client, world, settings):
    settings.SIGN_IN_MAX_FAILURES = 3
    for _ in range(2):
        assert LOCKED not in sign_in(client, world.alice, password="wrong horse battery").content.decode()
    assert LOCKED in sign_in(client, world.alice, password="wrong horse battery").content.decode()
    # The right password is refused too while the lockout lasts.
    refused = sign_in(client, world.alice)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert AuditEntry.objects.filter(action="user.sign_in_locked", object_id=str(world.alice.pk)).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES, seconds=1)):
        assert sign_in(client, world.alice, next_url=reverse("accounts:my_requests")).status_code == 302


def test_it_locks_the_code_step_after_repeated_wrong_codes(client, world, settings):
    settings.SIGN_IN_MAX_FAILURES = 3
    device = totp_device(world.bob)
    sign_in(client, world.bob)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(2):
        assert client.post(STEP, {"token": wrong}).status_code == 400
    locked = client.post(STEP, {"token": wrong})
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    # A right code is refused while the lockout lasts.
    assert client.post(STEP, {"token": current_code(device)}).status_code == 429
    assert AuditEntry.objects.filter(action="user.sign_in_locked", object_id=str(world.bob.pk),
                                     data__step="otp").exists()
    later = timezone.now() + dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES, seconds=1)
    with time_machine.travel(later):
        assert client.post(STEP, {"token": current_code(device), "next": STAFF})["Location"] == STAFF


@pytest.mark.parametrize("minutes, signed_out", [(29, False), (31, True)])
def test_it_signs_out_idle_staff_sessions(client, world, settings, minutes, signed_out):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login_verified(client, world.bob)
        assert client.get(STAFF).status_code == 200
        traveller.shift(dt.timedelta(minutes=minutes))
        response = client.get(STAFF)
    if signed_out:
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session
    else:
        assert response.status_code == 200


def test_it_keeps_resident_sessions_beyond_the_staff_idle_limit(client, world, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(world.alice)
        assert client.get(reverse("accounts:my_requests")).status_code == 200
        traveller.shift(dt.timedelta(hours=5))
        assert client.get(reverse("accounts:my_requests")).status_code == 200


def test_it_sends_the_admin_login_to_the_one_sign_in_form(client, world):
    response = client.get(reverse("admin:login"), {"next": ADMIN})
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
