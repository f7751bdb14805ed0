"""Posting, flagging and moderating any registered content: the rules live here, once.

Content apps call, inside their own transaction:

- `check_author(user, client=...)` before saving a post: verified account, not suspended, rate limits per
  account and per client address (raises `PostRefused` or throttle's `RateLimited`);
- `screen(text)` for the word filter, and `publish_or_hold(obj, premoderated=...)` once the object is built;
- `flag(obj, reader, reason=..., note=..., client=...)` when a reader flags it.

Moderators act through `moderate(obj, actor, action, reason)` and `suspend(user, ...)`: each writes a
`ModerationAct` (the author sees it with its reason), an audit entry, closes the queue item and tells the
author through notify().
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.audit.models import AuditEntry
from civicdesk.lib.markdown import render
from civicdesk.notifications.services import notify
from civicdesk.subscriptions.services import recipients_for_users
from civicdesk.throttle.services import Limit, check

from .models import BlockedWord, Flag, ModerationAct, ModerationState, Review, Suspension


def limit(name: str, default: int) -> int:
    """A rate limit read from settings (`FORUM_*`), so an operator can change it without code."""
    return int(getattr(settings, name, default))


class PostRefused(ValueError):
    """The person may not post this; `message` says why in words for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- who may post ------------------------------------------------------------------------------------------

def suspension_of(user) -> Suspension | None:
    """The suspension in force for `user`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Suspension.objects.in_force().filter(user=user).order_by("-created_at").first()


def is_new_account(user) -> bool:
    """True for accounts younger than FORUM_NEW_ACCOUNT_DAYS (default 7): their links and images are shown as
    plain text, since fresh accounts are what spammers use. Staff are never new."""
    if getattr(user, "is_staff", False):
        return False
    days = limit("FORUM_NEW_ACCOUNT_DAYS", 7)
    return user.date_joined > timezone.now() - dt.timedelta(days=days)


def render_for(author, text: str):
    """`text` as sanitised HTML: links for established accounts, none for new ones. Images are never embedded
    (they would load from other sites, telling them who reads the page, and the Content-Security-Policy blocks
    them anyway): an established account's image is shown as a link to it."""
    trusted = author is not None and not is_new_account(author)
    return render(text, allow_links=trusted, allow_images=False)


def check_author(user, *, client: str, kind: str = "post") -> None:
    """Raise PostRefused unless `user` may post (signed in, email confirmed, not suspended), then count one
    post against the limits per account and per client address (RateLimited when one is full)."""
    if not getattr(user, "is_authenticated", False):
        raise PostRefused(_("Please sign in to post."))
    if not user.is_email_verified and not user.is_staff:
        raise PostRefused(_("Please confirm your email address before posting: follow the link in the email we "
                            "sent when you signed up."))
    suspension = suspension_of(user)
    if suspension is not None:
        if suspension.until:
            until = timezone.localtime(suspension.until).strftime("%Y-%m-%d %H:%M")
            raise PostRefused(_("Your account may not post until %(until)s. Reason: %(reason)s")
                              % {"until": until, "reason": suspension.reason})
        raise PostRefused(_("Your account may not post. Reason: %(reason)s") % {"reason": suspension.reason})
    if user.is_staff:
        return
    check(Limit(f"{kind}:user:{user.pk}:hour", limit("FORUM_POSTS_PER_ACCOUNT_PER_HOUR", 10), 3600),
          Limit(f"{kind}:user:{user.pk}:day", limit("FORUM_POSTS_PER_ACCOUNT_PER_DAY", 50), 86400),
          Limit(f"{kind}:client:{client}", limit("FORUM_POSTS_PER_CLIENT_PER_HOUR", 30), 3600),
          message=_("You have posted a lot in a short time. Please wait a while before posting again."))


# --- the word filter -----------------------------------------------------------------------------------------

def screen(*texts: str) -> tuple[str | None, list[str]]:
    """Check texts against the word filter: (None, []) when clean, else ("hold" or "refuse", the phrases
    found). Phrases match whole words, case-insensitively; "refuse" wins over "hold"."""
    words = " ".join(" ".join(texts).lower().split())
    found: dict[str, str] = {}
    for phrase, action in BlockedWord.objects.values_list("phrase", "action"):
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", words):
            found[phrase] = action
    if not found:
        return None, []
    action = BlockedWord.Action.REFUSE if BlockedWord.Action.REFUSE in found.values() else BlockedWord.Action.HOLD
    return action, sorted(found)


def refuse_if_blocked(*texts: str) -> str | None:
    """Raise PostRefused when a "refuse" phrase is in the texts; return a note of held phrases (or None)."""
    action, phrases = screen(*texts)
    if action == BlockedWord.Action.REFUSE:
        raise PostRefused(_("Your post contains words this site does not accept (%(words)s). Please reword it.")
                          % {"words": ", ".join(phrases)})
    if action == BlockedWord.Action.HOLD:
        return ", ".join(phrases)
    return None


# --- publishing -------------------------------------------------------------------------------------------------

def publish_or_hold(obj, *, premoderated: bool, held_words: str | None = None) -> bool:
    """Save `obj` (a Moderated instance) published, or pending with a queue item when its place is
    pre-moderated or it contains held words. Returns True when it was published now."""
    now = timezone.now()
    with transaction.atomic():
        if premoderated or held_words:
            obj.moderation_state = ModerationState.PENDING
            obj.save()
            why = Review.Why.WORD_FILTER if held_words else Review.Why.PREMODERATION
            _open_review(obj, why, detail=held_words or "")
            return False
        obj.moderation_state = ModerationState.PUBLISHED
        obj.published_at = now
        obj.save()
        obj.on_published()
        return True


def _content_type(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)


def _open_review(obj, why: str, *, detail: str = "") -> Review:
    ct = _content_type(obj)
    review = Review.objects.filter(content_type=ct, object_id=obj.pk, closed_at__isnull=True).first()
    if review is not None:
        return review
    try:
        with transaction.atomic():
            return Review.objects.create(content_type=ct, object_id=obj.pk, why=why, detail=detail[:300],
                                         jurisdiction_id=obj.moderation_jurisdiction_id())
    except IntegrityError:  # opened by a concurrent flag
        return Review.objects.get(content_type=ct, object_id=obj.pk, closed_at__isnull=True)


def open_review_for(obj) -> Review | None:
    return Review.objects.filter(content_type=_content_type(obj), object_id=obj.pk, closed_at__isnull=True).first()


# --- flags ------------------------------------------------------------------------------------------------------

def flag(obj, reader, *, reason: str, note: str = "", client: str) -> bool:
    """Record that `reader` flags `obj` and put it in the queue. Returns False when they had flagged it already
    (nothing changes). Limited per account and per client address (RateLimited)."""
    if reason not in Flag.Reason.values:
        raise PostRefused(_("Please choose a reason."))
    ct = _content_type(obj)
    if Flag.objects.filter(content_type=ct, object_id=obj.pk, reporter=reader).exists():
        return False
    check(Limit(f"flag:user:{reader.pk}", limit("FORUM_FLAGS_PER_ACCOUNT_PER_DAY", 20), 86400),
          Limit(f"flag:client:{client}", limit("FORUM_FLAGS_PER_CLIENT_PER_DAY", 40), 86400),
          message=_("You have flagged many posts today. Moderators will look at them; please try again tomorrow."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                Flag.objects.create(content_type=ct, object_id=obj.pk, reporter=reader, reason=reason,
                                    note=note.strip()[:500])
        except IntegrityError:
            return False
        review = _open_review(obj, Review.Why.FLAGGED)
        count = Flag.objects.filter(content_type=ct, object_id=obj.pk, resolved_at__isnull=True).count()
        Review.objects.filter(pk=review.pk).update(detail=_("%(count)s open flags") % {"count": count})
    return True


# --- moderators' decisions ---------------------------------------------------------------------------------

#: What each decision does to the content's state (None: state unchanged).
_STATE_AFTER = {
    ModerationAct.Action.APPROVE: ModerationState.PUBLISHED,
    ModerationAct.Action.RESTORE: ModerationState.PUBLISHED,
    ModerationAct.Action.HIDE: ModerationState.HIDDEN,
    ModerationAct.Action.DISMISS: None,
    ModerationAct.Action.WARN: None,
}
#: Decisions the author must be given a reason for.
NEEDS_REASON = {ModerationAct.Action.HIDE, ModerationAct.Action.WARN, ModerationAct.Action.SUSPEND}


def moderate(obj, actor, action: str, *, reason: str = "") -> ModerationAct:
    """Apply a moderator's decision on one piece of content: approve (a held post), hide, restore, dismiss the
    flags, or warn its author. Closes its queue item and resolves its flags; records the act, audits it and
    tells the author (except for a dismissal, which changes nothing for them)."""
    if action not in _STATE_AFTER:
        raise PostRefused(_("Unknown decision."))
    reason = (reason or "").strip()
    if action in NEEDS_REASON and not reason:
        raise PostRefused(_("Please write the reason the author will be shown."))
    now = timezone.now()
    with transaction.atomic():
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        before = obj.moderation_state
        after = _STATE_AFTER[action]
        if after is not None:
            obj.moderation_state = after
            obj.moderation_reason = reason if after == ModerationState.HIDDEN else ""
            first_time = after == ModerationState.PUBLISHED and obj.published_at is None
            if first_time:
                obj.published_at = now
            obj.save(update_fields=["moderation_state", "moderation_reason", "published_at"])
            if first_time:
                obj.on_published()
        ct = _content_type(obj)
        Review.objects.filter(content_type=ct, object_id=obj.pk, closed_at__isnull=True).update(
            closed_at=now, closed_by=actor)
        Flag.objects.filter(content_type=ct, object_id=obj.pk, resolved_at__isnull=True).update(resolved_at=now)
        act = ModerationAct.objects.create(action=action, actor=actor, target_user=obj.author, content_type=ct,
                                           object_id=obj.pk, reason=reason)
        obj.log_action(f"moderation.{action}", user=actor, data={"reason": reason, "before": before,
                                                                 "after": obj.moderation_state})
        if action != ModerationAct.Action.DISMISS:
            _tell_author(act, obj)
    return act


def suspend(user, actor, *, reason: str, days: int | None) -> Suspension:
    """Bar `user` from posting for `days` (None: until lifted); recorded, audited, and the person is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise PostRefused(_("Please write the reason the author will be shown."))
    if days is not None and days < 1:
        raise PostRefused(_("A suspension lasts at least one day."))
    now = timezone.now()
    with transaction.atomic():
        until = now + dt.timedelta(days=days) if days else None
        suspension = Suspension.objects.create(user=user, reason=reason, until=until, created_by=actor)
        act = ModerationAct.objects.create(action=ModerationAct.Action.SUSPEND, actor=actor, target_user=user,
                                           reason=reason)
        _audit_user(user, "moderation.suspend", actor, {"reason": reason, "days": days})
        _tell_author(act, None, until=until)
    return suspension


def lift_suspension(user, actor) -> int:
    """End every suspension in force for `user`; returns how many ended (0: nothing to lift, nothing recorded)."""
    with transaction.atomic():
        lifted = Suspension.objects.in_force().filter(user=user).update(lifted_at=timezone.now())
        if lifted:
            act = ModerationAct.objects.create(action=ModerationAct.Action.LIFT, actor=actor, target_user=user)
            _audit_user(user, "moderation.lift", actor, {})
            _tell_author(act, None)
    return lifted


def _audit_user(user, action: str, actor, data: dict) -> None:
    AuditEntry.objects.create(action=action, actor=actor, object_type=user._meta.label_lower,
                              object_id=str(user.pk), data=data)


def _tell_author(act: ModerationAct, obj, *, until=None) -> None:
    if act.target_user is None or not act.target_user.is_active:
        return
    notify(event=f"moderation.{act.action}", key=f"moderation:{act.pk}",
           recipients=recipients_for_users([act.target_user]), template="moderation/email/decision",
           scope="moderation", context={"act": act, "content": obj, "until": until,
                                        "content_url": obj.get_absolute_url() if obj is not None else ""})


# --- the word filter, edited by the city --------------------------------------------------------------------

def add_blocked_word(phrase: str, action: str, actor) -> BlockedWord:
    phrase = " ".join((phrase or "").lower().split())
    if not phrase:
        raise PostRefused(_("Please type a word or phrase."))
    if action not in BlockedWord.Action.values:
        raise PostRefused(_("Please choose what happens to posts with it."))
    with transaction.atomic():
        word, created = BlockedWord.objects.update_or_create(phrase=phrase, defaults={"action": action})
        word.log_action("moderation.word_added" if created else "moderation.word_changed", user=actor,
                        data={"phrase": phrase, "action": action})
    return word


def remove_blocked_word(word: BlockedWord, actor) -> None:
    with transaction.atomic():
        word.log_action("moderation.word_removed", user=actor, data={"phrase": word.phrase})
        word.delete()
