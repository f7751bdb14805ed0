"""Signing people in from tests, past the staff two-factor step."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator device, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The six digits the person's authenticator app shows right now."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def login_verified(client, user) -> TOTPDevice:
    """`client.force_login(user)` and mark the session as having passed two-factor sign-in; returns the device."""
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def sign_in_in_browser(page, base: str, user, next_path: str, password: str = "correct horse battery") -> None:
    """Sign `user` in through the real sign-in and two-factor pages of the live server at `base`, then land
    on `next_path` (Playwright page)."""
    device = totp_device(user)
    page.goto(f"{base}/account/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.fill("#id_token", current_code(device))
    page.get_by_role("button", name="Verify").click()
