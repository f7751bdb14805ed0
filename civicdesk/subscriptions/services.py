"""Who hears about a request and how: preferences, phone verification, follows, and the recipients they yield."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from civicdesk.lib.address_digest import address_digest, digest_matches
from civicdesk.lib import phones
from civicdesk.notifications import sms_limits
from civicdesk.notifications.models import SmsPolicy
from civicdesk.notifications.services import Recipient, notify
from civicdesk.throttle.services import Limit, RateLimited, check

from .models import Follow, NotificationPreference, PhoneVerification

CODE_LIFETIME = dt.timedelta(minutes=10)
#: At most this many codes per person per hour: each costs the city an SMS and could pester a stranger.
CODES_PER_HOUR = 5
FOLLOW_SALT = "civicdesk.subscriptions.follow"
FOLLOW_CONFIRM_MAX_AGE = 7 * 24 * 3600
#: An address gets at most this many new unconfirmed follows (each one confirmation email) a day.
FOLLOW_CONFIRMATIONS_PER_DAY = 10


class PreferenceError(Exception):
    """A preference or verification step was refused; `field` names the form field, str() the resident's words."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class PreferenceLimited(PreferenceError):
    """Refused by a rate limit: the person may try again after `retry_after` seconds (HTTP 429)."""

    def __init__(self, field: str, message: str, *, retry_after: int):
        super().__init__(field, message)
        self.retry_after = retry_after


# --- Preferences -----------------------------------------------------------------------------------


def preference_for(user) -> NotificationPreference:
    """The person's preferences; an unsaved row with the defaults (email, their language) when they have none."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user, language=user.language or settings.LANGUAGE_CODE)


def save_preferences(user, *, channels: str, language: str) -> NotificationPreference:
    """Store how the person wants to hear from us; also makes `language` their account language.

    Raises PreferenceError when SMS is chosen without a verified mobile number.
    """
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
            user=user, defaults={"language": user.language or settings.LANGUAGE_CODE})
        if channels in (NotificationPreference.Channels.SMS, NotificationPreference.Channels.BOTH) \
                and not preference.phone:
            raise PreferenceError("channels", gettext(
                "To get text messages, first add and confirm your mobile number below."))
        before = {"channels": preference.channels, "language": preference.language}
        preference.channels, preference.language = channels, language
        preference.save()
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        preference.log_action("preferences.changed", user=user,
                              data={"before": before, "channels": channels, "language": language})
    return preference


def normalize_phone(raw: str) -> str:
    """The number in E.164 form (+12175550142) to text, or "" when it cannot be a full number.

    Read in PHONE_REGION when typed without "+" (civicdesk/lib/phones.py); whether the city may text it is
    `sms_limits.refusal_for()`'s question.
    """
    return phones.sms_number(raw)


def _code_hash(verification_phone: str, code: str) -> str:
    return salted_hmac("civicdesk.subscriptions.phone-code", f"{verification_phone}:{code}",
                       algorithm="sha256").hexdigest()


def start_phone_verification(user, raw_phone: str, *, now: dt.datetime | None = None,
                             client: str = "unknown") -> PhoneVerification:
    """Text a fresh 6-digit code to the number the person typed; return the pending verification.

    The SMS goes through notify() in this transaction (sent by the worker). Raises PreferenceError when the
    person (unless staff) has not confirmed their email address yet, for a number we cannot read or may not text (another
    country, premium-rate, satellite…), after CODES_PER_HOUR codes to this person in the last hour, and when
    the city's SMS budget for this hour is spent; raises PreferenceLimited (a PreferenceError with
    `retry_after`) after SMS_CODES_PER_NUMBER_PER_HOUR codes to this number or SMS_CODES_PER_CLIENT_PER_HOUR
    asked for from `client` (the address from throttle.client_ip()) in the current hour.
    """
    now = now or timezone.now()
    if not (user.is_email_verified or user.is_staff):  # staff accounts are made by the city, not by strangers
        raise PreferenceError("phone", gettext(
            "First confirm your email address with the link we emailed you, then add a mobile number."))
    policy = SmsPolicy.current()
    refusal = sms_limits.refusal_for(raw_phone, policy)
    if refusal is not None:
        raise PreferenceError("phone", gettext("%(reason)s Enter a mobile number we can text, like 217-555-0142.")
                              % {"reason": refusal.message})
    phone = phones.sms_number(raw_phone)
    recent = PhoneVerification.objects.filter(user=user, created_at__gt=now - dt.timedelta(hours=1)).count()
    if recent >= CODES_PER_HOUR:
        raise PreferenceError("phone", gettext(
            "We have sent you several codes already. Wait an hour, then ask for a new one."))
    if sms_limits.budget_left(now=now, policy=policy) <= 0:
        raise PreferenceError("phone", gettext(
            "We cannot send text messages right now. Please try again in an hour."))
    try:
        check(Limit(f"sms-code:number:{phone}", settings.SMS_CODES_PER_NUMBER_PER_HOUR, 3600),
              Limit(f"sms-code:client:{client}", settings.SMS_CODES_PER_CLIENT_PER_HOUR, 3600),
              message=gettext("Too many codes have been sent to this number or from this connection. "
                              "Wait an hour, then ask for a new one."), now=now)
    except RateLimited as exc:
        raise PreferenceLimited("phone", exc.message, retry_after=exc.retry_after) from None
    code = f"{secrets.randbelow(1_000_000):06d}"
    language = preference_for(user).language
    with transaction.atomic():
        verification = PhoneVerification.objects.create(user=user, phone=phone, code_hash=_code_hash(phone, code),
                                                        created_at=now, expires_at=now + CODE_LIFETIME)
        notify(event="phone.verify", key=f"phone-verification:{verification.pk}",
               recipients=[Recipient(phone=phone, language=language, name=user.get_full_name(), user_id=user.pk,
                                     channels=frozenset({"sms"}))],
               template="subscriptions/sms/verify_code",
               context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)})
    return verification


def pending_verification(user) -> PhoneVerification | None:
    """The person's newest code if it is still unused (it may have expired: the page says so)."""
    newest = PhoneVerification.objects.filter(user=user).first()
    return newest if newest is not None and newest.verified_at is None else None


def confirm_phone(user, code: str, *, now: dt.datetime | None = None) -> NotificationPreference:
    """Check the code against the newest one sent; on success the number becomes the verified phone.

    Raises PreferenceError (field "code") for no pending code, an expired code, too many wrong
    guesses, or a wrong code (saying how many tries are left); a wrong guess is counted all the same.
    """
    now = now or timezone.now()
    code = re.sub(r"\s", "", code or "")
    wrong = ""
    with transaction.atomic():
        verification = PhoneVerification.objects.select_for_update().filter(user=user).first()
        if verification is None or verification.verified_at is not None:
            raise PreferenceError("code", gettext("Ask for a code first: enter your mobile number above."))
        if verification.is_expired(now):
            raise PreferenceError("code", gettext("That code has expired. Ask for a new one."))
        if verification.attempts_left() == 0:
            raise PreferenceError("code", gettext("Too many wrong codes. Ask for a new one."))
        if not constant_time_compare(verification.code_hash, _code_hash(verification.phone, code)):
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            left = verification.attempts_left()
            wrong = (gettext("That code is not right, and that was the last try. Ask for a new code.") if not left
                     else gettext("That code is not right. Check the text message and try again "
                                  "(%(n)d tries left).") % {"n": left})
        else:
            verification.verified_at = now
            verification.save(update_fields=["verified_at"])
            preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
                user=user, defaults={"language": user.language or settings.LANGUAGE_CODE})
            preference.phone, preference.phone_verified_at = verification.phone, now
            preference.save()
            preference.log_action("preferences.phone_verified", user=user)
    if wrong:
        # Raised after the block so the wrong guess stays counted.
        raise PreferenceError("code", wrong)
    return preference


def remove_phone(user) -> NotificationPreference:
    """Forget the verified number; whoever chose text messages gets email instead."""
    with transaction.atomic():
        preference = NotificationPreference.objects.select_for_update().filter(user=user).first()
        if preference is None or not preference.phone:
            raise PreferenceError("phone", gettext("There is no mobile number to remove."))
        preference.phone, preference.phone_verified_at = "", None
        if preference.channels in (NotificationPreference.Channels.SMS, NotificationPreference.Channels.BOTH):
            preference.channels = NotificationPreference.Channels.EMAIL
        preference.save()
        preference.log_action("preferences.phone_removed", user=user)
    return preference


# --- Recipients ------------------------------------------------------------------------------------


def _recipient(user, preference: NotificationPreference) -> Recipient | None:
    channels = preference.channel_set()
    if not user.is_active or not channels:
        return None
    return Recipient(email=(user.email or "").lower() if "email" in channels else "",
                     phone=preference.phone if "sms" in channels else "",
                     language=preference.language or user.language or "", name=user.get_full_name(),
                     user_id=user.pk, channels=channels)


def recipient_for_user(user) -> Recipient | None:
    """How to reach this person: their channels, language and verified phone; None if they chose nothing."""
    if user is None:
        return None
    return _recipient(user, preference_for(user))


def recipients_for_users(users: Iterable) -> list[Recipient]:
    """recipient_for_user() for many people with one query for their preferences; people who chose nothing
    are left out."""
    users = [u for u in users if u is not None]
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users])}
    chosen = (_recipient(u, found.get(u.pk) or NotificationPreference(user=u, language=u.language or ""))
              for u in users)
    return [r for r in chosen if r is not None]


def reporter_recipient(request) -> Recipient | None:
    """The person who reported `request`, or None when there is nobody to tell.

    With an account: their preferences (channels, language, verified phone). Without one: the
    request's contact email in the request's language; a request that came in by SMS is answered by
    SMS too, since the message itself proved the number (when it reads as a mobile number).
    """
    if request.reporter_id is not None:
        return recipient_for_user(request.reporter)
    email = (request.contact_email or "").strip().lower()
    phone = normalize_phone(request.contact_phone) if request.channel == "sms" else ""
    channels = frozenset(({"email"} if email else set()) | ({"sms"} if phone else set()))
    if not channels:
        return None
    return Recipient(email=email, phone=phone, language=request.language or "", name=request.contact_name,
                     channels=channels)


def follower_recipients(request) -> list[tuple[Recipient, str]]:
    """(recipient, unsubscribe scope) for every confirmed follow of a publicly visible request.

    A follow by email whose address has an account uses that account's preferences. Private
    requests have no followers to tell.
    """
    if not request.is_publicly_visible():
        return []
    follows = list(Follow.objects.confirmed().filter(request=request).select_related("user"))
    by_email = {u.email: u for u in get_user_model().objects.filter(
        email__in=[f.email for f in follows if f.user_id is None])}
    people = [f.user or by_email.get(f.email) for f in follows]
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(
        user__in=[p.pk for p in people if p is not None])}
    found = []
    for follow, person in zip(follows, people):
        if person is not None:
            recipient = _recipient(person, preferences.get(person.pk)
                                   or NotificationPreference(user=person, language=person.language or ""))
        else:
            recipient = Recipient(email=follow.email, language=follow.language, channels=frozenset({"email"}))
        if recipient is not None:
            found.append((recipient, follow.scope))
    return found


# --- Follows ---------------------------------------------------------------------------------------


def follow_as_user(request, user) -> tuple[Follow, bool]:
    """Follow a public request as a signed-in person (confirmed at once); (follow, created)."""
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            request=request, user=user,
            defaults={"confirmed_at": timezone.now(), "language": preference_for(user).language})
        if created:
            follow.log_action("follow.created", user=user, data={"request": request.public_id})
    return follow, created


def follow_token(follow: Follow) -> str:
    """The signed token in a confirmation link: names the follow and a digest of the address it was sent to
    (never the address itself: a signed value is readable base64)."""
    return signing.dumps({"f": follow.pk, "h": address_digest(follow.email, purpose=FOLLOW_SALT)}, salt=FOLLOW_SALT)


def follow_by_email(request, email: str, *, language: str, now: dt.datetime | None = None) -> Follow | None:
    """Record an unconfirmed follow for `email` and email it a confirmation link; None when nothing was sent.

    Answers the same whether or not the address already follows, so nobody learns who follows what.
    At most one confirmation per request and address per hour is sent, and an address gets at most
    FOLLOW_CONFIRMATIONS_PER_DAY new unconfirmed follows a day (whoever types it in).
    """
    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        # get_or_create() copes with a twin request creating the same follow a moment earlier.
        follow, created = Follow.objects.get_or_create(request=request, user=None, email=email,
                                                       defaults={"language": language, "created_at": now})
        if follow.is_confirmed:
            return None
        sent_today = Follow.objects.filter(email=email, user=None, created_at__gt=now - dt.timedelta(days=1),
                                           confirmed_at__isnull=True).count()
        if created and sent_today > FOLLOW_CONFIRMATIONS_PER_DAY:
            follow.delete()
            return None
        if created:
            follow.log_action("follow.requested", data={"request": request.public_id})
        url = settings.SITE_URL + reverse("subscriptions:confirm_follow", args=[follow_token(follow)])
        sent = notify(event="follow.confirm", key=f"follow:{follow.pk}:confirm:{now:%Y%m%d%H}",
                      recipients=[Recipient(email=email, language=language)],
                      template="subscriptions/email/confirm_follow", request=request, scope=follow.scope,
                      context={"confirm_url": url, "service_request": request})
    return follow if sent else None


def follow_from_token(token: str) -> Follow | None:
    """The follow a confirmation link names, or None when the link is bad, too old or the follow gone."""
    try:
        payload = signing.loads(token, salt=FOLLOW_SALT, max_age=FOLLOW_CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    follow = Follow.objects.select_related("request").filter(pk=payload.get("f"), user=None).first()
    if follow is None:
        return None
    # Links sent before the digest carried the address itself ("e"); they keep working until they expire.
    if "h" in payload:
        return follow if digest_matches(payload["h"], follow.email, purpose=FOLLOW_SALT) else None
    return follow if payload.get("e") == follow.email else None


def confirm_follow(follow: Follow) -> bool:
    """Start sending updates to an email follow; False when it was confirmed already."""
    with transaction.atomic():
        changed = Follow.objects.filter(pk=follow.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        if changed:
            follow.log_action("follow.confirmed", data={"request": follow.request.public_id})
    follow.refresh_from_db()
    return bool(changed)


def unfollow(follow: Follow, *, user=None) -> None:
    """Stop a follow for good (the row goes; the audit entry stays)."""
    with transaction.atomic():
        follow.log_action("follow.removed", user=user, data={"request": follow.request.public_id})
        follow.delete()


def follows_of(user):
    """Confirmed follows of this person on public requests: their own, and email follows of their verified
    address."""
    mine = Q(user=user)
    if user.is_email_verified:
        mine |= Q(user=None, email=user.email)
    return (Follow.objects.confirmed().filter(mine, request__is_private=False,
                                              request__service_type__is_private=False)
            .select_related("request__service_type", "request__status").order_by("-confirmed_at", "-id"))
