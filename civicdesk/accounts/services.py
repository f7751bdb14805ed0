"""Account work: sign-up with email verification."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from civicdesk.lib.address_digest import address_digest, digest_matches

from .models import User

VERIFY_SALT = "civicdesk.accounts.verify-email"
VERIFY_MAX_AGE = 60 * 60 * 24 * 3


def verification_token(user: User) -> str:
    """A signed token naming the user and a digest of the address being verified (never the address itself:
    a signed value is readable base64)."""
    return signing.dumps({"u": user.pk, "h": address_digest(user.email, purpose=VERIFY_SALT)}, salt=VERIFY_SALT)


def send_verification_email(user: User) -> None:
    """Email the user a link that proves they own the address."""
    url = settings.SITE_URL + reverse("accounts:verify", args=[verification_token(user)])
    with translation.override(user.language):
        subject = render_to_string("accounts/email/verify_subject.txt", {"user": user}).strip()
        body = render_to_string("accounts/email/verify.txt", {"user": user, "url": url})
    send_mail(subject, body, None, [user.email])


def verify_email(token: str) -> User | None:
    """Mark the address verified and link earlier anonymous reports made with it; None if the link is bad."""
    try:
        payload = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=payload.get("u")).first() if isinstance(payload, dict) else None
    if user is None:
        return None
    # Links sent before the digest carried the address itself ("e"); they keep working until they expire.
    same_address = (digest_matches(payload.get("h", ""), user.email, purpose=VERIFY_SALT) if "h" in payload
                    else payload.get("e") == user.email)
    if not same_address:
        return None
    from civicdesk.servicerequests.models import ServiceRequest

    with transaction.atomic():
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        ServiceRequest.objects.filter(reporter__isnull=True, contact_email__iexact=user.email).update(reporter=user)
    return user
