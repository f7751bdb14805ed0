"""A survey (a form engine Form with dates, a thank-you text and a rule on who may answer), the people
invited to it, and the one-response-per-person register."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.formengine.text import pick


class SurveyQuerySet(models.QuerySet):
    def open_now(self, now=None):
        """Published surveys taking answers now."""
        now = now or timezone.now()
        return self.filter(is_published=True).filter(
            models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now)).filter(
            models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=now))


class Survey(LoggedModel):
    """A survey of a jurisdiction. Takes answers while published and between `opens_at` and `closes_at` (each
    optional). `respondents` says who may answer and how often: once per verified email address, once per
    account, or anonymously (rate-limited per client address, see docs/surveys.md)."""

    class Respondents(models.TextChoices):
        EMAIL = "email", _("Anyone with an email address, once per address (checked by a link)")
        ACCOUNT = "account", _("Signed-in residents, once per account")
        ANONYMOUS = "anonymous", _("Anyone, without giving a name or address")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="surveys",
                                     verbose_name=_("jurisdiction"))
    form = models.OneToOneField("formengine.Form", on_delete=models.PROTECT, related_name="survey")
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    thank_you = models.JSONField(_("thank-you text"), default=dict, blank=True)
    respondents = models.CharField(_("who may answer"), max_length=10, choices=Respondents.choices,
                                   default=Respondents.EMAIL)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self.form.title) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.slug])

    def status(self, now=None) -> str:
        """One of Status: draft (not published), scheduled (before `opens_at`), closed (from `closes_at`), or
        open."""
        now = now or timezone.now()
        if not self.is_published:
            return self.Status.DRAFT
        if self.opens_at and now < self.opens_at:
            return self.Status.SCHEDULED
        if self.closes_at and now >= self.closes_at:
            return self.Status.CLOSED
        return self.Status.OPEN

    def status_label(self) -> str:
        return self.Status(self.status()).label

    def is_open(self, now=None) -> bool:
        return self.status(now) == self.Status.OPEN

    def identity_key(self, kind: str, value: str) -> str:
        """A keyed hash naming one respondent of this survey ("email", address) or ("account", user id): the
        register stores this, never the address, and it means nothing outside this survey."""
        message = f"{self.pk}:{kind}:{value.strip().lower()}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class Respondent(models.Model):
    """Who has answered a survey (a keyed hash, see Survey.identity_key): at most one response each."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents_register")
    identity = models.CharField(max_length=64)
    response = models.OneToOneField("formengine.Response", on_delete=models.CASCADE, related_name="respondent")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "identity"], name="one_response_per_respondent")]


class Invitation(models.Model):
    """One address invited to a survey (staff see how many; results never show it). `district` is the
    district the audience chose them by, kept with their response for cross-tabs."""

    class Source(models.TextChoices):
        DISTRICT_REPORTERS = "district", _("Reporters in chosen districts")
        AREA_SUBSCRIBERS = "subscribers", _("Area subscribers")
        PROBLEM_REPORTERS = "problem", _("Reporters of a kind of problem")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    district = models.ForeignKey("jurisdictions.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    source = models.CharField(max_length=12, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "email"], name="one_invitation_per_address")]
