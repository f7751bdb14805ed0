""""Was it fixed?": the per-type policy, the question asked to each person, their one answer, and replies."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel

#: Used for a service type without its own FeedbackPolicy row.
DEFAULT_DELAY_DAYS = 3
DEFAULT_REOPEN_WINDOW_DAYS = 30
#: Requests closed longer ago than this are never asked (so switching the feature on does not ask the past).
ASK_WITHIN_DAYS = 30


class FeedbackPolicy(LoggedModel):
    """How one kind of problem asks "was it fixed?" (staff edit it in the admin; every change is audited).

    A service type without a row uses the defaults: ask 3 days after closing, reopen on "not fixed" within
    30 days of closing.
    """

    service_type = models.OneToOneField("catalog.ServiceType", on_delete=models.CASCADE,
                                        related_name="feedback_policy", verbose_name=_("service type"))
    ask = models.BooleanField(_("ask residents whether it was fixed"), default=True)
    delay_days = models.PositiveSmallIntegerField(
        _("days after closing to ask"), default=DEFAULT_DELAY_DAYS, validators=[MaxValueValidator(ASK_WITHIN_DAYS - 1)])
    reopen_window_days = models.PositiveSmallIntegerField(
        _("days after closing a “not fixed” answer reopens the request"), default=DEFAULT_REOPEN_WINDOW_DAYS,
        help_text=_("0: a “not fixed” answer never reopens the request; staff still see it."))

    class Meta:
        verbose_name = _("“was it fixed?” policy")
        verbose_name_plural = _("“was it fixed?” policies")

    def __str__(self) -> str:
        return str(self.service_type)

    @classmethod
    def for_type(cls, service_type) -> FeedbackPolicy:
        """The type's policy, or an unsaved one holding the defaults when it has none."""
        found = cls.objects.filter(service_type=service_type).first()
        return found or cls(service_type=service_type)

    def reopens(self, closed_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
        """True when a "not fixed" answer given `now` about a request closed at `closed_at` reopens it."""
        if closed_at is None or self.reopen_window_days == 0:
            return False
        return (now or timezone.now()) <= closed_at + dt.timedelta(days=self.reopen_window_days)


class AskedRequest(models.Model):
    """A closed request the periodic job has dealt with (asked its people, or found its type asks nobody).

    Unique per request: the job's twice-safety, and why a request is asked about once, even if it is
    reopened and closed again (one answer per person per request).
    """

    request = models.OneToOneField("servicerequests.ServiceRequest", on_delete=models.CASCADE,
                                   related_name="feedback_asked")
    asked_at = models.DateTimeField(default=timezone.now)
    wanted = models.BooleanField(default=True, help_text="False: the type's policy asks nobody.")

    class Meta:
        verbose_name = _("request asked about")
        verbose_name_plural = _("requests asked about")

    def __str__(self) -> str:
        return str(self.request_id)


class Invitation(models.Model):
    """The question asked to one person about one closed request: one per (request, person), ever.

    `respondent` names the person: "user:<id>" for an account, else "email:<address>" or "sms:<number>".
    `address` is where the question went (personal data: staff-only, never public). `token` is the opaque
    LinkToken of the answer link (notifications.link_token), so the link works without an account.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    request = models.ForeignKey("servicerequests.ServiceRequest", on_delete=models.CASCADE,
                                related_name="feedback_invitations", verbose_name=_("request"))
    respondent = models.CharField(_("respondent"), max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=[("reporter", _("Reporter")),
                                                               ("supporter", _("Supporter"))])
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    language = models.CharField(_("language"), max_length=8, blank=True)
    token = models.CharField(max_length=40, unique=True)
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)

    class Meta:
        verbose_name = _("“was it fixed?” question")
        verbose_name_plural = _("“was it fixed?” questions")
        constraints = [models.UniqueConstraint(fields=["request", "respondent"], name="feedback_one_question")]
        indexes = [models.Index(fields=["channel", "address", "asked_at"], name="feedback_inv_address")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.role}"


class Answer(LoggedModel):
    """One person's answer about one request: whether it was fixed, how satisfied (1–5), and why.

    One per Invitation (so one per person per request). `fixed` never changes after the first answer (the
    reopening it caused cannot be taken back); satisfaction, comment and consent may be changed by the person.
    `effect` records what a "not fixed" answer did. The comment is shown to staff only; it reaches the public
    only when `comment_public` (the person agreed) and staff published a reply to it, and never with a name.
    """

    class Effect(models.TextChoices):
        NONE = "", _("Nothing")
        REOPENED = "reopened", _("Reopened the request")
        ESCALATED = "escalated", _("Reopened and escalated to the supervisors")
        NOTED = "noted", _("Told the team (request already open again)")
        LATE = "late", _("Too late to reopen")

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="answer")
    request = models.ForeignKey("servicerequests.ServiceRequest", on_delete=models.CASCADE,
                                related_name="feedback_answers", verbose_name=_("request"))
    fixed = models.BooleanField(_("fixed"))
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True,
                                                    validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    comment_public = models.BooleanField(_("comment may be published"), default=False)
    channel = models.CharField(_("answered by"), max_length=8, choices=[("web", _("Web")), ("sms", _("SMS"))])
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices, blank=True, default="")
    created_at = models.DateTimeField(_("answered"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    reply = models.TextField(_("public reply"), blank=True, max_length=2000)
    reply_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reply_at = models.DateTimeField(_("reply published"), null=True, blank=True)

    class Meta:
        verbose_name = _("“was it fixed?” answer")
        verbose_name_plural = _("“was it fixed?” answers")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(satisfaction__isnull=True)
                                              | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                                              name="feedback_satisfaction_1_5")]
        indexes = [models.Index(fields=["created_at"], name="feedback_answer_time"),
                   models.Index(fields=["reply_at"], condition=models.Q(reply_at__isnull=False),
                                name="feedback_answer_replied")]

    def __str__(self) -> str:
        return f"{self.request_id} {'fixed' if self.fixed else 'not fixed'}"

    def audit_jurisdiction_id(self) -> int | None:
        return self.request.jurisdiction_id

    def public_comment(self) -> str:
        """The comment as the public may read it: empty without the person's consent; contact details masked."""
        if not self.comment_public or not self.comment:
            return ""
        return self.request.public_text(self.comment)
