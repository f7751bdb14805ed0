"""Account work: sign-up with email verification, password reset, email change and closing an account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import AuditEntry
from civicdesk.lib.address_digest import address_digest, digest_matches
from civicdesk.throttle.services import Limit, RateLimited, check

from . import two_factor
from .models import User
from .signals import account_closing

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


def send_account_exists_email(email: str) -> None:
    """Tell the holder of `email` that someone tried to sign up with it: it already has an account, so here is
    how to sign in (sent instead of a verification link, so the sign-up page answers the same either way)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return
    url = settings.SITE_URL + reverse("accounts:login")
    reset_url = settings.SITE_URL + reverse("accounts:password_reset")
    with translation.override(user.language):
        subject = render_to_string("accounts/email/account_exists_subject.txt", {"user": user}).strip()
        body = render_to_string("accounts/email/account_exists.txt",
                                {"user": user, "url": url, "reset_url": reset_url})
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


# --- password reset ----------------------------------------------------------------------------

#: Reset emails one address may receive, and reset requests one client may make, per hour.
RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 10


def request_password_reset(email: str, *, client: str) -> None:
    """Queue a reset link for the active account with this address, if there is one.

    Answers the same whatever the address: nothing tells the caller whether an account exists, and
    the email is sent by the task worker so even the time taken is alike. Raises RateLimited when
    this client asked too often; an address asked for too often gets nothing more, silently.
    """
    email = email.strip().lower()
    check(Limit(f"password-reset:client:{client}", RESET_PER_CLIENT, 3600),
          message=_("You have asked for too many reset links. Please wait an hour and try again."))
    try:
        check(Limit(f"password-reset:email:{email}", RESET_PER_ADDRESS, 3600))
    except RateLimited:
        return
    from .tasks import send_password_reset

    for user in User.objects.filter(email__iexact=email, is_active=True):
        if user.has_usable_password():
            transaction.on_commit(lambda pk=user.pk: send_password_reset.enqueue(user_pk=pk))


def send_password_reset_email(user: User) -> None:
    """Email the user a one-use link to choose a new password, in their language."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid,
                                                                              default_token_generator.make_token(user)])
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    with translation.override(user.language):
        subject = render_to_string("accounts/email/password_reset_subject.txt", {"user": user}).strip()
        body = render_to_string("accounts/email/password_reset.txt", {"user": user, "url": url, "hours": hours})
    send_mail(subject, body, None, [user.email])


def log_account(user: User, action: str, *, actor=None, data: dict | None = None) -> None:
    """Audit one change to an account (users are not LoggedModels: accounts sits below audit's mixin users)."""
    AuditEntry.objects.create(action=action, actor=actor if actor is not None else user,
                              object_type="accounts.user", object_id=str(user.pk), data=data or {})


# --- email change ------------------------------------------------------------------------------

EMAIL_CHANGE_SALT = "civicdesk.accounts.change-email"
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24


def start_email_change(user: User, new_email: str, *, client: str) -> None:
    """Send a confirmation link to the new address and a notice to the current one; nothing changes yet.

    Raises RateLimited after a few requests an hour from one account or one client.
    """
    check(Limit(f"email-change:user:{user.pk}", 3, 3600), Limit(f"email-change:client:{client}", 10, 3600),
          message=_("You have asked for too many changes. Please wait an hour and try again."))
    token = signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=EMAIL_CHANGE_SALT)
    url = settings.SITE_URL + reverse("accounts:email_change_confirm", args=[token])
    context = {"user": user, "url": url, "new_email": new_email, "reset_url": settings.SITE_URL
               + reverse("accounts:password_reset")}
    with translation.override(user.language):
        confirm = (render_to_string("accounts/email/email_change_subject.txt", context).strip(),
                   render_to_string("accounts/email/email_change.txt", context))
        notice = (render_to_string("accounts/email/email_change_notice_subject.txt", context).strip(),
                  render_to_string("accounts/email/email_change_notice.txt", context))
    old_email = user.email
    log_account(user, "user.email_change_requested", data={"to": new_email})

    def send() -> None:
        send_mail(*confirm, None, [new_email])
        send_mail(*notice, None, [old_email])

    transaction.on_commit(send)


class EmailChangeFailed(ValueError):
    """The link is broken, expired or already used, or the address was taken meanwhile. str() says which."""


def email_change_target(token: str) -> tuple[User, str]:
    """The account and new address a confirmation link names; raises EmailChangeFailed."""
    try:
        payload = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise EmailChangeFailed(_("This link is not valid any more. Links work for one day and only once: "
                                  "ask for a new one from your account.")) from None
    user = User.objects.filter(pk=payload.get("u"), email=payload.get("old"), is_active=True).first()
    if user is None:
        raise EmailChangeFailed(_("This link is not valid any more. Links work for one day and only once: "
                                  "ask for a new one from your account."))
    new_email = payload["new"]
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailChangeFailed(_("Another account now uses this email address, so it cannot be yours."))
    return user, new_email


def confirm_email_change(token: str) -> User:
    """Switch the account to the new address the link names (now proven); raises EmailChangeFailed."""
    with transaction.atomic():
        user, new_email = email_change_target(token)
        old_email = user.email
        user.email = new_email
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email", "email_verified_at"])
        log_account(user, "user.email_changed", data={"from": old_email, "to": new_email})
    return user


# --- closing an account ------------------------------------------------------------------------

class CannotCloseAccount(ValueError):
    """Staff accounts are closed by an administrator, never by their owner."""


def can_close_own_account(user: User) -> bool:
    """True for residents; staff (and anyone with a staff seat or two-factor duty) ask an administrator."""
    return not (user.is_staff or user.is_superuser or two_factor.needs_two_factor(user))


def close_account(user: User) -> None:
    """Close a resident's account for good, keeping their reports but nothing that names them.

    Other apps answer `account_closing` (reports lose their contact details and reporter, follows,
    preferences and area subscriptions go). The user row stays, scrubbed and unable to sign in,
    because the audit log refers to it. Raises CannotCloseAccount for staff.
    """
    if not can_close_own_account(user):
        raise CannotCloseAccount("staff accounts are closed by an administrator")
    with transaction.atomic():
        email = user.email
        account_closing.send(sender=User, user=user, email=email)
        two_factor.clear_password_failures(email)
        user.email = f"closed-{user.pk}@accounts.invalid"
        user.first_name = user.last_name = user.phone = ""
        user.email_verified_at = None
        user.is_active = False
        user.set_unusable_password()
        user.save()
        log_account(user, "user.closed")
