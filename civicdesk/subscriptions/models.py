"""What a person wants to hear and how: notification preferences, phone verification, follows of requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class NotificationPreference(LoggedModel):
    """How one person (resident or staff) wants to be told things: channels, language, a verified mobile.

    `phone` only ever holds a number the person proved they own (see PhoneVerification); SMS is used
    only with it. A person without a row gets the defaults: email, in their account's language.
    """

    class Channels(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message (SMS)")
        BOTH = "both", _("Email and text message")
        NONE = "none", _("Nothing: do not send me updates")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference", verbose_name=_("person"))
    channels = models.CharField(_("send me updates by"), max_length=8, choices=Channels.choices,
                                default=Channels.EMAIL)
    language = models.CharField(_("language of messages"), max_length=8, choices=settings.LANGUAGES, default="en")
    phone = models.CharField(_("verified mobile number"), max_length=16, blank=True,
                             help_text=_("In international form, e.g. +15551234567; set only by verification."))
    phone_verified_at = models.DateTimeField(_("mobile verified at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_channels_display()}"

    def channel_set(self) -> frozenset[str]:
        """The channels that actually reach this person; empty when they chose nothing.

        SMS needs a verified phone: when SMS was chosen but the number has since been removed, the
        person falls back to email rather than silently hearing nothing.
        """
        wanted = {self.Channels.EMAIL: {"email"}, self.Channels.SMS: {"sms"},
                  self.Channels.BOTH: {"email", "sms"}, self.Channels.NONE: set()}[self.channels]
        if "sms" in wanted and not self.phone:
            wanted = (wanted - {"sms"}) or {"email"}
        return frozenset(wanted)


class PhoneVerification(models.Model):
    """One 6-digit code sent by SMS to prove a person owns `phone`.

    Only a keyed hash of the code is stored. A code works until `expires_at`, for at most
    `MAX_ATTEMPTS` wrong guesses, and only the newest code of a person counts.
    """

    MAX_ATTEMPTS = 5

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_verifications")
    phone = models.CharField(_("mobile number"), max_length=16)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(_("wrong guesses"), default=0)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="phoneverif_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def attempts_left(self) -> int:
        return max(0, self.MAX_ATTEMPTS - self.attempts)


class FollowQuerySet(models.QuerySet):
    def confirmed(self):
        """Follows that receive messages: confirmed, whether by a signed-in person or by email link."""
        return self.filter(confirmed_at__isnull=False)


class Follow(LoggedModel):
    """Someone who wants updates about a public request they did not report.

    Either `user` (a signed-in resident, confirmed at once) or `email` (no account; confirmed when
    they follow the link emailed to them). Unconfirmed follows receive nothing but the
    confirmation message. A follow never exposes the request's reporter or anything private.
    """

    request = models.ForeignKey("servicerequests.ServiceRequest", on_delete=models.CASCADE, related_name="follows",
                                verbose_name=_("request"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="follows", verbose_name=_("person"))
    email = models.EmailField(_("email"), blank=True, help_text=_("Only for people without an account."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="one_follow_per_user",
                                    condition=models.Q(user__isnull=False)),
            models.UniqueConstraint(fields=["request", "email"], name="one_follow_per_email",
                                    condition=models.Q(user__isnull=True)),
            models.CheckConstraint(condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                                   name="follow_has_user_or_email"),
        ]
        indexes = [models.Index(fields=["request", "confirmed_at"], name="follow_request_confirmed"),
                   models.Index(fields=["email", "created_at"], name="follow_email_time")]

    def __str__(self) -> str:
        return f"follow {self.pk} of {self.request_id}"

    def audit_jurisdiction_id(self) -> int | None:
        return None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def scope(self) -> str:
        """The notifications unsubscribe scope that ends this follow ("follow:<id>")."""
        return f"follow:{self.pk}"
