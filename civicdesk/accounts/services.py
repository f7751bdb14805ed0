"""Account work: sign-up with email verification."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from civicdesk.throttle.services import Limit

from .models import User

VERIFY_SALT = "civicdesk.accounts.verify-email"
VERIFY_MAX_AGE = 60 * 60 * 24 * 3


def verification_token(user: User) -> str:
    """A signed token naming the user and the address being verified."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification_email(user: User) -> None:
    """Email the user a link that proves they own the address."""
    url = settings.SITE_URL + reverse("accounts:verify", args=[verification_token(user)])
    with translation.override(user.language):
        subject = render_to_string("accounts/email/verify_subject.txt", {"user": user}).strip()
        body = render_to_string("accounts/email/verify.txt", {"user": user, "url": url})
    send_mail(subject, body, None, [user.email])


def send_account_exists_email(email: str) -> None:
    """Tell the holder of `email` that someone tried to sign up with it: it already has an account, so here is
    how to sign in (sent instead of a verification link, so the sign-up page answers the same either way)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return
    url = settings.SITE_URL + reverse("accounts:login")
    with translation.override(user.language):
        subject = render_to_string("accounts/email/account_exists_subject.txt", {"user": user}).strip()
        body = render_to_string("accounts/email/account_exists.txt", {"user": user, "url": url})
    send_mail(subject, body, None, [user.email])


def email_limits(email: str, client: str) -> list[Limit]:
    """The limits every account email to an address someone typed counts against (docs/abuse-limits.md)."""
    return [Limit(f"account-email:to:{email.lower()}", settings.VERIFICATION_EMAILS_PER_ADDRESS_PER_HOUR, 3600),
            Limit(f"account-email:client:{client}", settings.VERIFICATION_EMAILS_PER_CLIENT_PER_HOUR, 3600)]


def verify_email(token: str) -> User | None:
    """Mark the address verified and link earlier anonymous reports made with it; None if the link is bad."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=payload.get("u"), email=payload.get("e")).first()
    if user is None:
        return None
    from civicdesk.servicerequests.models import ServiceRequest

    with transaction.atomic():
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        ServiceRequest.objects.filter(reporter__isnull=True, contact_email__iexact=user.email).update(reporter=user)
    return user
