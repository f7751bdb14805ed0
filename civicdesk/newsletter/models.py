"""Newsletter subscribers (double opt-in by email) and the issues staff compose and send."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel

#: The notify() scope of every newsletter message: what its one-click unsubscribe stops.
SCOPE = "newsletter"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Subscribers who followed their confirmation link (unsubscribing is a notifications Suppression)."""
        return self.filter(confirmed_at__isnull=False)


class Subscriber(models.Model):
    """An email address that asked for the newsletter, in a language. Confirmed once its link was followed;
    only confirmed subscribers get issues. The address is personal data: staff see counts, never a list."""

    email = models.EmailField(_("email"), unique=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")

    def __str__(self) -> str:
        return f"subscriber {self.pk}"


class Issue(LoggedModel):
    """One newsletter issue: a subject and an introduction per language, news items and service notices,
    upcoming meetings, and free links (a survey, an event), sent once to every confirmed subscriber.

    `status` moves draft → sending → sent and never back: `services.send_issue()` takes the draft under a
    row lock, so pressing "send" twice sends once; every message carries the key `newsletter-issue:<id>`,
    so a worker that restarts mid-way skips everyone already queued.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="newsletter_issues", verbose_name=_("from"))
    subject = models.CharField(_("subject"), max_length=160)
    intro = models.TextField(_("introduction"), blank=True, validators=[MaxLengthValidator(5000)])
    links = models.TextField(_("links"), blank=True, validators=[MaxLengthValidator(5000)],
                             help_text=_('One link per line: "Text | https://…", for example a survey.'))
    notices = models.ManyToManyField("notices.ServiceNotice", blank=True, related_name="+",
                                     verbose_name=_("news and notices"))
    meetings = models.ManyToManyField("meetings.Meeting", blank=True, related_name="+",
                                      verbose_name=_("meetings"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:issue", args=[self.pk])

    @property
    def notification_key(self) -> str:
        return f"newsletter-issue:{self.pk}"

    def link_list(self) -> list[tuple[str, str]]:
        """The free links as (text, url), in the active language; lines without an http(s) URL are left out."""
        found = []
        for line in (self.links or "").splitlines():
            text, _sep, url = line.rpartition("|")
            url = url.strip()
            if url.startswith(("https://", "http://")):
                found.append(((text.strip() or url)[:200], url[:500]))
        return found
