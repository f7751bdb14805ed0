""""Was it fixed?": asking after closure, recording the one answer per person, reopening, replying in public.

- `ask_due()` (the periodic job) asks the reporter and the supporters of every request closed long enough ago.
- `record_answer()` is the one way an answer is written (the web form and SMS replies call it). A "not fixed"
  answer reopens the request through `transition()` at most once per answer, whatever is clicked or texted twice.
- `take_sms_reply()` is the inbound SMS handler ("reply 1–5, or 0 if it is not fixed").
- `publish_reply()` puts a staff answer to a comment in public ("you said, we did").
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from civicdesk.catalog.models import Status
from civicdesk.notifications.services import Recipient, link_token, normalise_address, notify
from civicdesk.servicerequests import services as requests
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.subscriptions.services import recipients_for_users, reporter_recipient
from civicdesk.throttle.services import Limit, RateLimited, check

from .models import ASK_WITHIN_DAYS, Answer, FeedbackPolicy, Invitation

log = logging.getLogger(__name__)

EMAIL = "feedback/email/"
#: Requests closed with these statuses are not asked about: nothing was meant to be fixed.
SKIPPED_STATUSES = frozenset({"duplicate", "cancelled", "not_responsible", "referred"})
#: How long after the question an SMS reply still counts as an answer to it.
SMS_REPLY_DAYS = 14
#: Unsubscribe scope of the questions: "stop asking me whether things were fixed".
SCOPE = "feedback"
MAX_COMMENT = 2000


class AnswerRejected(Exception):
    """The answer cannot be taken; `message` says why in the resident's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- asking ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    respondent: str
    role: str
    recipient: Recipient


def _people(request: ServiceRequest) -> list[_Person]:
    """The reporter and the supporters with an account, each once (the reporter first)."""
    from civicdesk.accounts.models import User

    found: dict[str, _Person] = {}
    reporter = reporter_recipient(request)
    if reporter is not None:
        key = f"user:{reporter.user_id}" if reporter.user_id else (
            f"email:{reporter.email.lower()}" if reporter.email else f"sms:{normalise_address('sms', reporter.phone)}")
        found[key] = _Person(key, "reporter", reporter)
    supporters = User.objects.filter(is_active=True, pk__in=request.supports.filter(user__isnull=False)
                                     .values("user_id")).order_by("pk")
    for recipient in recipients_for_users(supporters):
        found.setdefault(f"user:{recipient.user_id}", _Person(f"user:{recipient.user_id}", "supporter", recipient))
    return list(found.values())


def choose_channel(recipient: Recipient, request: ServiceRequest) -> str:
    """The one channel the question goes by: SMS for a request reported by SMS when the person has a number
    we may text, else email when they have one, else SMS; "" when they cannot be reached."""
    email, sms = recipient.address("email"), recipient.address("sms")
    if sms and (request.channel == "sms" or not email):
        return "sms"
    return "email" if email else ""


def answer_url(token: str) -> str:
    return settings.SITE_URL + reverse("feedback:answer", args=[token])


def due_requests(jurisdiction_id: int, now: dt.datetime | None = None):
    """The jurisdiction's closed requests whose question may be due: closed within ASK_WITHIN_DAYS, not
    duplicates, not closed with a status meaning nothing was to be fixed, and never asked about before (the
    per-type delay is applied by `ask_due`). Per jurisdiction so the closed-requests index (jurisdiction,
    closed_at) serves the look-up."""
    now = now or timezone.now()
    return (ServiceRequest.objects.filter(jurisdiction_id=jurisdiction_id, is_open=False,
                                          closed_at__gte=now - dt.timedelta(days=ASK_WITHIN_DAYS),
                                          closed_at__lte=now, duplicate_of__isnull=True)
            .exclude(status__code__in=SKIPPED_STATUSES)
            .exclude(feedback_asked__isnull=False)
            .select_related("service_type", "status", "jurisdiction")
            .order_by("closed_at", "pk"))


def ask_due(now: dt.datetime | None = None) -> int:
    """Ask every due request's people "was it fixed?" by their channel; returns how many questions were queued.

    Twice-safe: each request is marked asked (`AskedRequest`, unique) in the transaction that creates its
    questions and queues their messages, and each person has one Invitation per request, ever.
    """
    from .models import AskedRequest

    now = now or timezone.now()
    policies = {p.service_type_id: p for p in FeedbackPolicy.objects.all()}
    asked = 0
    from civicdesk.jurisdictions.models import Jurisdiction

    due = (request for jurisdiction_id in Jurisdiction.objects.order_by("pk").values_list("pk", flat=True)
           for request in due_requests(jurisdiction_id, now).iterator(chunk_size=200))
    for request in due:
        policy = policies.get(request.service_type_id) or FeedbackPolicy(service_type_id=request.service_type_id)
        if request.closed_at > now - dt.timedelta(days=policy.delay_days):
            continue
        try:
            with transaction.atomic():
                AskedRequest.objects.create(request=request, asked_at=now, wanted=policy.ask)
                if policy.ask:
                    asked += _ask(request, now)
        except IntegrityError:  # another run took this request a moment earlier
            continue
    return asked


def _ask(request: ServiceRequest, now: dt.datetime) -> int:
    queued = 0
    for person in _people(request):
        channel = choose_channel(person.recipient, request)
        if not channel:
            continue
        address = person.recipient.address(channel)
        try:
            check(Limit(f"feedback:ask:{channel}:{address}", settings.FEEDBACK_QUESTIONS_PER_ADDRESS_PER_DAY, 86400))
        except RateLimited:
            log.info("feedback question for %s skipped: address over its daily limit", request.public_id)
            continue
        invitation = Invitation.objects.create(
            request=request, respondent=person.respondent, user_id=person.recipient.user_id, role=person.role,
            channel=channel, address=address, language=person.recipient.language_code(), asked_at=now,
            token=link_token("feedback", channel, address, f"request:{request.pk}"))
        queued += notify(event="feedback.asked", key=f"feedback:ask:{invitation.pk}",
                         recipients=[replace(person.recipient, channels=frozenset({channel}))],
                         template=EMAIL + "ask", request=request, scope=SCOPE,
                         context={"link": answer_url(invitation.token), "role": person.role,
                                  "public_message": ""})
    return queued


# --- answering -----------------------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """The question a link's token belongs to, or None (tokens come from notifications.link_token)."""
    from civicdesk.notifications.services import read_link_token

    if read_link_token(token, "feedback") is None:
        return None
    return (Invitation.objects.select_related("request__service_type", "request__status", "request__jurisdiction")
            .filter(token=token).first())


def record_answer(invitation: Invitation, *, fixed: bool | None, satisfaction: int | None = None,
                  comment: str = "", comment_public: bool = False, channel: str = "web",
                  client: str = "") -> tuple[Answer, bool]:
    """Record the person's answer, or change it when they answered before; returns (answer, created).

    A first answer needs `fixed`. A later one may change satisfaction, comment and consent only: `fixed` and
    what it did (reopening, telling the team, escalating) happen once, with the first answer, however often
    the link is clicked or the text sent. Over a limit (per `client` address, per request) raises RateLimited
    and writes nothing; bad values raise AnswerRejected.
    """
    comment = (comment or "").strip()
    if satisfaction is not None and satisfaction not in range(1, 6):
        raise AnswerRejected(gettext("Choose how satisfied you are from 1 to 5."))
    if len(comment) > MAX_COMMENT:
        raise AnswerRejected(gettext("Please keep your comment under %(n)s characters.") % {"n": MAX_COMMENT})
    limits = [Limit(f"feedback:request:{invitation.request_id}", settings.FEEDBACK_ANSWERS_PER_REQUEST_PER_HOUR,
                    3600)]
    if client:
        limits.append(Limit(f"feedback:client:{client}", settings.FEEDBACK_ANSWERS_PER_CLIENT_PER_HOUR, 3600))
    check(*limits, message=gettext("We have received many answers from here in the last hour. "
                                   "Please try again later."))
    try:
        with transaction.atomic():
            return _record(invitation, fixed=fixed, satisfaction=satisfaction, comment=comment,
                           comment_public=comment_public, channel=channel)
    except IntegrityError:
        # Two submissions raced past the lock-free look-up (SQLite has no row locks): the first one won.
        with transaction.atomic():
            return _record(invitation, fixed=fixed, satisfaction=satisfaction, comment=comment,
                           comment_public=comment_public, channel=channel)


def _record(invitation: Invitation, *, fixed, satisfaction, comment, comment_public, channel) -> tuple[Answer, bool]:
    # The question's row is the lock: a second submission waits here until the first has committed.
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    existing = Answer.objects.select_related("request").filter(invitation=invitation).first()
    now = timezone.now()
    if existing is not None:
        before = {"satisfaction": existing.satisfaction, "comment": existing.comment,
                  "comment_public": existing.comment_public}
        existing.satisfaction = satisfaction if satisfaction is not None else existing.satisfaction
        existing.comment = comment or existing.comment
        existing.comment_public = comment_public if channel == "web" else existing.comment_public
        after = {"satisfaction": existing.satisfaction, "comment": existing.comment,
                 "comment_public": existing.comment_public}
        if after != before:
            existing.updated_at = now
            existing.save(update_fields=["satisfaction", "comment", "comment_public", "updated_at"])
            existing.log_action("feedback.answer_changed", data={"changed": sorted(k for k in after
                                                                                   if after[k] != before[k])})
        return existing, False
    if fixed is None:
        raise AnswerRejected(gettext("Tell us whether the problem was fixed."))
    answer = Answer.objects.create(invitation=invitation, request=invitation.request, fixed=fixed,
                                   satisfaction=satisfaction, comment=comment, comment_public=comment_public,
                                   channel=channel, created_at=now, updated_at=now)
    answer.log_action("feedback.answered", data={"fixed": fixed, "satisfaction": satisfaction, "channel": channel})
    if not fixed:
        _not_fixed(answer, now)
    return answer, True


def reopen_status(current: Status) -> Status | None:
    """The open status a "not fixed" answer moves a request in `current` to: the first open status the
    configured transitions allow (by order), or None when none is allowed."""
    return current.allowed_next.filter(kind=Status.Kind.OPEN).order_by("order", "code").first()


def _not_fixed(answer: Answer, now: dt.datetime) -> None:
    """What a first "not fixed" answer does (see docs/feedback.md, "What a "not fixed" answer does")."""
    request = ServiceRequest.objects.select_for_update(of=("self",)).select_related(
        "status", "service_type", "department", "team", "assignee").get(pk=answer.request_id)
    earlier = Answer.objects.filter(request=request, effect__in=[Answer.Effect.REOPENED, Answer.Effect.ESCALATED]
                                    ).exclude(pk=answer.pk).exists()
    policy = FeedbackPolicy.for_type(request.service_type)
    target = reopen_status(request.status) if not request.is_open else None
    if request.is_open:
        effect = Answer.Effect.ESCALATED if earlier else Answer.Effect.NOTED
    elif target is not None and policy.reopens(request.closed_at, now):
        with translation.override(settings.LANGUAGE_CODE):
            message = gettext("A resident told us the problem is not fixed, so we reopened this request.")
        requests.transition(request, target, message=message, public=True)
        effect = Answer.Effect.ESCALATED if earlier else Answer.Effect.REOPENED
    else:
        effect = Answer.Effect.LATE
    answer.effect = effect
    answer.save(update_fields=["effect"])
    entry = TimelineEntry.objects.create(
        request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY, is_public=False, created_at=timezone.now(),
        message=_words_for_staff(answer), data={"feedback_answer": answer.pk, "effect": effect})
    answer.log_action("feedback.not_fixed", data={"effect": effect, "entry": entry.pk})
    if effect != Answer.Effect.LATE:
        _tell_team(request, answer, entry)
    if effect == Answer.Effect.ESCALATED:
        _escalate(request, answer, entry)


def _words_for_staff(answer: Answer) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext("“Was it fixed?”: the resident says it is NOT fixed.")
        if answer.satisfaction:
            text += " " + gettext("Satisfaction %(n)s of 5.") % {"n": answer.satisfaction}
        if answer.comment:
            text += "\n\n" + answer.comment
    return text


def _inbox(department) -> list[Recipient]:
    """The department's shared mailbox when nobody holds the seat we look for."""
    return [Recipient(email=department.email.lower(), name=department.name)] if department and department.email \
        else []


def _department_staff(department) -> list:
    from civicdesk.accounts.models import User

    if department is None:
        return []
    return list(User.objects.filter(is_active=True, memberships__department=department).distinct().order_by("pk"))


def _tell_team(request: ServiceRequest, answer: Answer, entry: TimelineEntry) -> None:
    """The assignee, else the team lead, else the department's supervisors, else its shared mailbox, else
    everyone with a seat in the department: someone always hears that the work did not hold."""
    from civicdesk.servicerequests.receivers import department_supervisors

    people = [request.assignee] if request.assignee_id and request.assignee.is_active else []
    if not people and request.team_id and request.team.lead_id and request.team.lead.is_active:
        people = [request.team.lead]
    people = people or department_supervisors(request.department)
    recipients = (recipients_for_users(people) or _inbox(request.department)
                  or recipients_for_users(_department_staff(request.department)))
    notify(event="feedback.not_fixed", key=f"feedback:{answer.pk}:team", recipients=recipients,
           template=EMAIL + "staff_not_fixed", request=request, scope="staff",
           context={"answer": answer, "entry": entry, "public_message": ""})


def _escalate(request: ServiceRequest, answer: Answer, entry: TimelineEntry) -> None:
    """A second "not fixed" on one request goes to the department's supervisors (else its mailbox)."""
    from civicdesk.servicerequests.receivers import department_supervisors

    recipients = recipients_for_users(department_supervisors(request.department)) or _inbox(request.department)
    notify(event="feedback.escalated", key=f"feedback:{answer.pk}:escalated", recipients=recipients,
           template=EMAIL + "staff_escalated", request=request, scope="staff",
           context={"answer": answer, "entry": entry, "public_message": ""})


# --- SMS replies ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^([0-5])(?:/5)?[.!,]?$")
NOT_FIXED_WORDS = frozenset({"NO", "NOT"})


def parse_sms_answer(text: str) -> tuple[bool, int | None, str] | None:
    """(fixed, satisfaction, comment) from a reply such as "4", "5 thanks!", "0 still there" or "NO"; None when
    the text is not an answer. 1–5: fixed, with that satisfaction; 0, NO or NOT: not fixed. Words after the
    first one are the comment ("NO FIXED"/"NO ARREGLADO" drop the second word)."""
    words = (text or "").split()
    if not words:
        return None
    first = words[0].upper()
    rest = words[1:]
    if match := _NUMBER.match(first):
        number = int(match.group(1))
        return (number > 0, number or None, " ".join(rest))
    if first.strip(".!,") in NOT_FIXED_WORDS:
        if rest and rest[0].upper().strip(".!,") in {"FIXED", "ARREGLADO", "ARREGLADA"}:
            rest = rest[1:]
        return (False, None, " ".join(rest))
    return None


def take_sms_reply(message):
    """The inbound SMS handler (inbound.handlers): an answer to our latest question texted to this number
    in the last SMS_REPLY_DAYS days; None for any other text (it then goes on as a reply to an open request)."""
    from civicdesk.inbound.handlers import SmsHandled

    parsed = parse_sms_answer(message.text)
    if parsed is None:
        return None
    phone = normalise_address("sms", message.phone)
    invitation = (Invitation.objects.select_related("request").filter(
        channel=Invitation.Channel.SMS, address=phone,
        asked_at__gte=timezone.now() - dt.timedelta(days=SMS_REPLY_DAYS)).order_by("-asked_at", "-pk").first())
    if invitation is None:
        return None
    fixed, satisfaction, comment = parsed
    request = invitation.request
    try:
        check(Limit(f"feedback:sms:{phone}", settings.FEEDBACK_SMS_ANSWERS_PER_NUMBER_PER_HOUR, 3600))
        answer, created = record_answer(invitation, fixed=fixed, satisfaction=satisfaction, comment=comment,
                                        channel="sms")
    except RateLimited:
        return SmsHandled(gettext("We have received many messages from this number in the last hour. "
                                  "Please try again later."), request=request)
    except AnswerRejected as rejected:
        return SmsHandled(rejected.message, request=request)
    return SmsHandled(sms_thanks(answer, created), request=request)


def sms_thanks(answer: Answer, created: bool) -> str:
    """The text sent back after an SMS answer, in the active language."""
    values = {"id": answer.request.public_id}
    if not created:
        return gettext("We already had your answer about request %(id)s. We kept any new rating or words. "
                       "Thank you.") % values
    if answer.effect in (Answer.Effect.REOPENED, Answer.Effect.ESCALATED):
        return gettext("Thank you. We reopened request %(id)s and told the team.") % values
    if answer.effect == Answer.Effect.NOTED:
        return gettext("Thank you. Request %(id)s is open again and the team has your answer.") % values
    if answer.effect == Answer.Effect.LATE:
        return gettext("Thank you. Request %(id)s was closed too long ago to reopen: please report the problem "
                       "again at %(url)s.") % {**values, "url": f"{settings.SITE_URL}/report/"}
    return gettext("Thank you for your answer about request %(id)s.") % values


# --- replies in public ("you said, we did") ------------------------------------------------------------------


def publish_reply(answer: Answer, *, text: str, user) -> TimelineEntry:
    """Publish staff's reply to an answer: shown on the public replies page and, as a public update, on the
    request's tracking page (which also tells the reporter and followers). The resident's comment goes with it
    only when they agreed; their name never does. Audited. Raises AnswerRejected without text or when the
    request is private, or when a reply was already published."""
    text = (text or "").strip()
    if not text:
        raise AnswerRejected(gettext("Write the reply first."))
    if len(text) > MAX_COMMENT:
        raise AnswerRejected(gettext("Please keep your reply under %(n)s characters.") % {"n": MAX_COMMENT})
    request = answer.request
    if not request.is_publicly_visible():
        raise AnswerRejected(gettext("This request is private: a reply cannot be published."))
    with transaction.atomic():
        locked = Answer.objects.select_for_update().get(pk=answer.pk)
        if locked.reply_at is not None:
            raise AnswerRejected(gettext("A reply to this answer was already published."))
        now = timezone.now()
        Answer.objects.filter(pk=answer.pk).update(reply=text, reply_by=user, reply_at=now)
        with translation.override(settings.LANGUAGE_CODE):
            said = answer.public_comment()
            note = (gettext("You said: “%(said)s”. We did: %(did)s") % {"said": said, "did": text}
                    if said else gettext("In answer to a resident's feedback: %(did)s") % {"did": text})
        entry = requests.add_note(request, message=note, user=user, public=True)
        answer.log_action("feedback.reply_published", user=user, data={"entry": entry.pk, "reply": text,
                                                                     "with_comment": bool(said)})
    answer.refresh_from_db()
    return entry


def published_replies():
    """Answers with a published reply on public requests, newest first (the public "you said, we did" page)."""
    public = ServiceRequest.objects.public()
    return (Answer.objects.filter(reply_at__isnull=False, request__in=public)
            .select_related("request__service_type", "request__district", "request__jurisdiction",
                            "request__department")
            .order_by("-reply_at", "-pk"))


def answers_visible_to(user):
    """The answers about requests `user` may open in the staff console (staff.access rules)."""
    from civicdesk.staff import access

    condition = access.visibility_q(user)
    if condition is None:
        return Answer.objects.all()
    return Answer.objects.filter(request__in=ServiceRequest.objects.filter(condition).values("pk"))
