"""InboundMessage: every email or SMS that reached an inbound channel, and what became of it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    """One message received by the SMTP receiver, the mail webhook or the SMS webhook.

    The row is the idempotency record: (`channel`, `key`) is unique, so a provider retrying a
    webhook or a mail server delivering twice gets the first outcome again (and, for SMS, the same
    answer) without a second timeline entry. `key` is Twilio's MessageSid for SMS and a hash of the
    Message-ID (or of the whole message when it has none) and the reply address for email.

    `sender` is personal data: the row is readable by admins only and is never shown in public.
    `reason` is a short code saying why a message was ignored or rejected (see `Reason`).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Added to a request")
        ANSWERED = "answered", _("Answered")
        IGNORED = "ignored", _("Ignored")
        REJECTED = "rejected", _("Rejected")

    class Reason(models.TextChoices):
        NONE = "", _("None")
        AUTO_REPLY = "auto_reply", _("Automatic reply or bounce")
        BAD_ADDRESS = "bad_address", _("Reply address not ours or not signed for this sender")
        UNKNOWN_REQUEST = "unknown_request", _("No such request")
        EMPTY = "empty", _("No text and no attachment")
        TOO_MANY = "too_many", _("Too many replies to this request in the last hour")
        MALFORMED = "malformed", _("Not a readable message")
        COMMAND = "command", _("SMS keyword (STOP, START, HELP, STATUS)")
        NO_OPEN_REQUEST = "no_open_request", _("No open request from this phone number")
        HANDLED = "handled", _("Answer to a question we asked (e.g. “was it fixed?”)")
        NEW_REPORT = "new_report", _("A new report (filed or waiting in the triage queue)")
        DUPLICATE = "duplicate", _("The same report received before")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    key = models.CharField(_("message key"), max_length=128)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    request = models.ForeignKey("servicerequests.ServiceRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="inbound_messages", verbose_name=_("request"))
    entry = models.ForeignKey("servicerequests.TimelineEntry", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("timeline entry"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    answer = models.TextField(_("answer sent back"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="inbound_once_per_key")]
        indexes = [models.Index(fields=["request", "created_at"], name="inbound_request_time")]

    def __str__(self) -> str:
        return f"{self.channel} {self.key[:16]} {self.outcome}"

    @property
    def is_delivered(self) -> bool:
        """True when the sender should be told the message arrived (SMTP 250, webhook 2xx)."""
        return self.outcome != self.Outcome.REJECTED
