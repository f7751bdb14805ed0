"""Two-factor sign-in for staff: who needs it, devices, recovery codes and failed-attempt lockout."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.audit.models import AuditEntry

from .models import SignInFailure, User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


class VerificationRequired(Exception):
    """Raised by access helpers when a staff member has signed in with a password but not yet a code.

    accounts.middleware turns it into a redirect to the two-factor step.
    """


def needs_two_factor(user) -> bool:
    """True for people who must pass the second step: superusers, `is_staff`, and anyone with a staff seat.

    The answer is remembered on the user object, so a request asks the database at most once.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_needs_two_factor", None)
    if cached is None:
        from civicdesk.jurisdictions.models import StaffMembership

        cached = bool(user.is_staff or user.is_superuser
                      or StaffMembership.objects.filter(user_id=user.pk).exists())
        user._needs_two_factor = cached
    return cached


def awaiting_verification(user) -> bool:
    """True when `user` (a request's user, set up by django-otp's middleware) still owes their code.

    A user object loaded outside a web request has no session to verify and is never held back.
    """
    is_verified = getattr(user, "is_verified", None)
    return is_verified is not None and needs_two_factor(user) and not is_verified()


def require_verified(user) -> None:
    """Raise VerificationRequired when `user` signed in with a password but still owes their code."""
    if awaiting_verification(user):
        raise VerificationRequired


def safe_next(request, default: str = "") -> str:
    """The `next` address from the query or form when it stays on this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return default


# --- Devices ---------------------------------------------------------------

def confirmed_totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator-app device, or None before enrolment."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page, created on first visit and reused after."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps expect it typed: base32 without padding."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no <?xml?> prolog, safe to embed)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, title=str(device.name))


@transaction.atomic
def confirm_enrolment(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a pending device with the first code from the app and issue fresh recovery codes.

    Returns the recovery codes (the only time they can be read in full), or
    None when the code is wrong. Earlier devices of the user are replaced.
    """
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = issue_recovery_codes(device.user)
    AuditEntry.objects.create(action="user.two_factor_enrolled", actor=device.user,
                              object_type="accounts.user", object_id=str(device.user_id))
    return codes


def issue_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new single-use ones and return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def match_code(user, token: str):
    """The device that accepts `token`: a current authenticator code, or a recovery code (used up).

    Returns None when nothing accepts it.
    """
    token = token.strip().replace(" ", "").lower()
    if not token:
        return None
    with transaction.atomic():
        totp = confirmed_totp_device(user)
        if totp is not None and token.isdigit() and totp.verify_token(token):
            return totp
        for device in StaticDevice.objects.filter(user=user, confirmed=True):
            # StaticDevice.verify_token deletes the matching token, so each code works once.
            if device.verify_token(token):
                return device
    return None


# --- Lockout ---------------------------------------------------------------

@dataclass(frozen=True)
class Lockout:
    """Sign-in is refused for this key until `until`."""

    until: dt.datetime


def password_key(email: str, client: str = "") -> str:
    """The lockout key of wrong passwords for `email` typed from `client` (an address from client_ip()).

    Locking the pair, not the account, means a stranger who types a staff member's address wrongly five
    times locks only themselves out, never the staff member (docs/abuse-limits.md explains the choice).
    """
    return "password:" + (email or "").strip().lower() + (f"|{client}" if client else "")


def otp_key(user) -> str:
    return f"otp:{user.pk}"


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def lockout_for(key: str) -> Lockout | None:
    """The lockout in force for `key`, or None while fewer than SIGN_IN_MAX_FAILURES failures fall in the window.

    The lockout lifts when the oldest counted failure leaves the window.
    """
    now = timezone.now()
    recent = list(SignInFailure.objects.filter(key=key, created_at__gt=_window_start(now))
                  .order_by("-created_at").values_list("created_at", flat=True)[:settings.SIGN_IN_MAX_FAILURES])
    if len(recent) < settings.SIGN_IN_MAX_FAILURES:
        return None
    return Lockout(until=recent[-1] + dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES))


def record_failure(key: str, *, user=None) -> Lockout | None:
    """Count one failure for `key`; returns the lockout when this failure starts one (and audits it)."""
    now = timezone.now()
    # Failures outside the window never count again; dropping them all keeps the table small under attack.
    SignInFailure.objects.filter(created_at__lte=_window_start(now)).delete()
    SignInFailure.objects.create(key=key, created_at=now)
    lockout = lockout_for(key)
    if lockout is not None:
        kind, _sep, subject = key.partition(":")
        if kind == "password" and "|" in subject:
            subject = subject.rpartition("|")[0]
        if user is None and kind == "password":
            user = User.objects.filter(email=subject).first()
        AuditEntry.objects.create(
            action="user.sign_in_locked", actor=None, object_type="accounts.user",
            object_id=str(user.pk) if user is not None else "",
            data={"step": kind, "until": lockout.until, "email": user.email if user is not None else subject})
    return lockout


def clear_failures(key: str) -> None:
    """Forget the failures for `key` after a successful step."""
    SignInFailure.objects.filter(key=key).delete()


def clear_password_failures(email: str) -> None:
    """Forget wrong passwords for `email` from every client (after a password reset or closing the account)."""
    key = password_key(email)
    SignInFailure.objects.filter(Q(key=key) | Q(key__startswith=key + "|")).delete()
