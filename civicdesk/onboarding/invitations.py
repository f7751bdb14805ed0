"""Staff invitations: the signed, expiring, single-use link that lets a new staff member choose a password (then
enrol two-factor through civicdesk/accounts), sending it again, and the note to people given new seats."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import StaffInvitation

INVITE_SALT = "civicdesk.onboarding.staff-invitation"
#: Emails queued per task, so one task never holds a long transaction.
EMAILS_PER_TASK = 100


def _valid_for() -> dt.timedelta:
    return dt.timedelta(days=settings.STAFF_INVITATION_DAYS)


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


def invite_many(pairs: list[tuple], *, invited_by, now: dt.datetime | None = None) -> list[int]:
    """An invitation for each (user, jurisdiction): created, or when the person already has one pending,
    refreshed (a new link and expiry, earlier links stop working). Returns the invitations' ids. Bulk: a few
    queries whatever the number of people."""
    now = now or timezone.now()
    if not pairs:
        return []
    user_ids = [user.pk for user, _jurisdiction in pairs]
    pending: dict[int, StaffInvitation] = {}
    for start in range(0, len(user_ids), 500):
        for invitation in StaffInvitation.objects.filter(user_id__in=user_ids[start:start + 500],
                                                         accepted_at__isnull=True):
            pending[invitation.user_id] = invitation
    new, refreshed = [], []
    for user, jurisdiction in pairs:
        invitation = pending.get(user.pk)
        if invitation is None:
            new.append(StaffInvitation(user=user, jurisdiction=jurisdiction, invited_by=invited_by,
                                       nonce=_new_nonce(), created_at=now, sent_at=now, expires_at=now + _valid_for()))
        else:
            invitation.nonce, invitation.sent_at, invitation.expires_at = _new_nonce(), now, now + _valid_for()
            invitation.times_sent += 1
            refreshed.append(invitation)
    StaffInvitation.objects.bulk_create(new)
    StaffInvitation.objects.bulk_update(refreshed, ["nonce", "sent_at", "expires_at", "times_sent"])
    ids: list[int] = []
    for start in range(0, len(user_ids), 500):
        ids += StaffInvitation.objects.filter(user_id__in=user_ids[start:start + 500],
                                              accepted_at__isnull=True).values_list("pk", flat=True)
    return sorted(ids)


def queue_emails(invitation_ids: list[int], seat_notices: dict[int, list[str]]) -> None:
    """Enqueue the sending tasks (inside the caller's transaction: they run only if it commits)."""
    from .tasks import send_seat_notices, send_staff_invitations

    for start in range(0, len(invitation_ids), EMAILS_PER_TASK):
        send_staff_invitations.enqueue(invitation_ids=invitation_ids[start:start + EMAILS_PER_TASK])
    batch = uuid.uuid4().hex[:12]
    notices = sorted(seat_notices.items())
    for start in range(0, len(notices), EMAILS_PER_TASK):
        send_seat_notices.enqueue(batch=batch, notices=[[user_id, seats]
                                                        for user_id, seats in notices[start:start + EMAILS_PER_TASK]])


# --- the link ------------------------------------------------------------------------------------------

def invitation_token(invitation: StaffInvitation) -> str:
    """The signed token of the invitation's current link (its id and nonce; never the address)."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITE_SALT)


def invitation_url(invitation: StaffInvitation) -> str:
    return settings.SITE_URL + reverse("onboarding:accept_invitation", args=[invitation_token(invitation)])


class InvitationProblem(ValueError):
    """The link cannot be used; str() says why in plain words, `used` is True when it was used already."""

    def __init__(self, message: str, *, used: bool = False):
        super().__init__(message)
        self.used = used


def invitation_for_token(token: str) -> StaffInvitation:
    """The invitation a link names, when it may still be accepted; raises InvitationProblem otherwise."""
    not_valid = _("This link is not valid. Check that you opened the whole address from the email, or ask your "
                  "administrator to send the invitation again.")
    expired = _("This invitation has expired. Ask your administrator to send it again.")
    try:
        payload = signing.loads(token, salt=INVITE_SALT, max_age=_valid_for())
    except signing.SignatureExpired:
        raise InvitationProblem(expired) from None
    except signing.BadSignature:
        raise InvitationProblem(not_valid) from None
    if not isinstance(payload, dict):
        raise InvitationProblem(not_valid)
    invitation = (StaffInvitation.objects.select_related("user", "jurisdiction")
                  .filter(pk=payload.get("i"), user__is_active=True).first())
    if invitation is None:
        raise InvitationProblem(not_valid)
    if invitation.accepted_at is not None:
        raise InvitationProblem(_("This invitation has already been used, and works only once. Sign in with the "
                                  "email address and the password you chose."), used=True)
    if not secrets.compare_digest(str(payload.get("n", "")), invitation.nonce):
        raise InvitationProblem(_("A newer invitation was sent to you after this one. Use the link in the most "
                                  "recent email."))
    if invitation.is_expired():
        raise InvitationProblem(expired)
    return invitation


def accept_invitation(token: str, password: str):
    """Set the invited person's password and spend the link (in one transaction); returns the user.

    Raises InvitationProblem when the link was used meanwhile (two tabs) or is no longer valid. The
    address is verified by the act: only its holder could open the link.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = StaffInvitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationProblem(_("This invitation has already been used, and works only once. Sign in with "
                                      "the email address and the password you chose."), used=True)
        user = invitation.user
        user.set_password(password)
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
        user.save(update_fields=["password", "email_verified_at"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        invitation.log_action("staff_invitation.accepted", user=user)
    return user


def resend(invitation: StaffInvitation, *, actor) -> StaffInvitation:
    """Send a pending invitation again with a new link and expiry (earlier links stop working); counts against
    the invitation limits (raises RateLimited) and is audited."""
    from .staff_import import check_invitation_limits

    if invitation.accepted_at is not None:
        raise ValueError("an accepted invitation is not sent again")
    with transaction.atomic():
        check_invitation_limits(actor, 1)
        invite_many([(invitation.user, invitation.jurisdiction)], invited_by=actor)
        invitation.refresh_from_db()
        invitation.log_action("staff_invitation.resent", user=actor, data={"times_sent": invitation.times_sent})
        queue_emails([invitation.pk], {})
    return invitation
