"""Conversations (reports by text message and direct message), email reports, and the photos waiting for them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class Conversation(LoggedModel):
    """One resident's report by text message (or a social platform's direct messages), step by step.

    The state lives here, not in memory, so a restarted worker carries on where the last message left it.
    `step` is the question the resident was asked last; `state` holds the answers so far (the description,
    the offered kinds, the chosen kind's id, question answers, the offered or chosen address). A conversation
    is `open` until it is filed, stopped as an emergency, abandoned (NEW, idle for
    CONVERSATIONS_IDLE_MINUTES) or handed to an agent (`taken_over`: the engine stays silent and the agent
    answers from the console). `needs_agent` marks one the engine could not finish (three failed answers,
    a report the rules refused): it heads the console's queue.

    `sender` (a phone number or a platform's user id) and the messages are personal data: only staff of the
    jurisdiction read them, and closed conversations are deleted after CONVERSATIONS_RETENTION_DAYS.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TAKEN_OVER = "taken_over", _("Taken over by an agent")
        FILED = "filed", _("Filed")
        EMERGENCY = "emergency", _("Stopped: emergency")
        ABANDONED = "abandoned", _("Abandoned")

    class Step(models.TextChoices):
        DESCRIBE = "describe", _("What is the problem?")
        KIND = "kind", _("Which kind of problem?")
        KIND_NAME = "kind_name", _("The kind's name")
        QUESTION = "question", _("A question about the problem")
        WHERE = "where", _("Where is it?")
        CONFIRM_ADDRESS = "confirm_address", _("Did you mean…?")
        PHOTO = "photo", _("A photo?")
        DONE = "done", _("Done")

    OPEN_STATUSES = (Status.OPEN, Status.TAKEN_OVER)

    channel = models.CharField(_("channel"), max_length=40, help_text=_("sms, or social:<platform>"))
    sender = models.CharField(_("sender"), max_length=128, db_index=True)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("jurisdiction"))
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    step = models.CharField(_("step"), max_length=20, choices=Step.choices, default=Step.DESCRIBE)
    state = models.JSONField(_("answers so far"), default=dict, blank=True)
    failures = models.PositiveSmallIntegerField(_("answers not understood"), default=0)
    needs_agent = models.BooleanField(_("needs an agent"), default=False)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("agent"))
    request = models.ForeignKey("servicerequests.ServiceRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("request"))
    close_reason = models.CharField(_("why it ended"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["channel", "sender", "status"], name="conversation_sender_status")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.status}"

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id

    @property
    def is_open(self) -> bool:
        """True while the resident may still answer (open or with an agent)."""
        return self.status in self.OPEN_STATUSES

    def is_idle(self, now=None) -> bool:
        """True when an open conversation has had no message for CONVERSATIONS_IDLE_MINUTES (it then ends); never
        for one waiting for an agent, which stays in the console's queue until an agent handles it."""
        now = now or timezone.now()
        return self.status == self.Status.OPEN and not self.needs_agent and (
            now - self.last_message_at > timedelta(minutes=settings.CONVERSATIONS_IDLE_MINUTES))

    def close(self, status: str, reason: str, *, now=None) -> None:
        """End the conversation (not saved: the caller saves it with its other changes)."""
        self.status, self.close_reason, self.closed_at = status, reason[:40], now or timezone.now()
        self.step = self.Step.DONE


class ConversationMessage(models.Model):
    """One message in a conversation: the resident's (in) or ours (out, by the engine or an agent).

    `provider_id` is the platform's message id: (channel, provider_id) is unique, so a platform delivering the
    same message twice does not move the conversation twice.
    """

    class Direction(models.TextChoices):
        IN = "in", _("From the resident")
        OUT = "out", _("To the resident")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(_("channel"), max_length=40)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    text = models.TextField(_("text"), blank=True)
    media_urls = models.JSONField(_("media links"), default=list, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=128, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("agent"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation message")
        verbose_name_plural = _("conversation messages")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["channel", "provider_id"], condition=~Q(provider_id=""),
                                               name="conversation_message_once")]

    def __str__(self) -> str:
        return f"{self.direction} {self.created_at:%Y-%m-%d %H:%M}"


class EmailReport(LoggedModel):
    """A new report that arrived by email to the city's report address: filed at once, or waiting for an agent.

    Filed at once when the suggested kind's confidence reaches CONVERSATIONS_EMAIL_AUTO_FILE_CONFIDENCE and the
    text names one address the never-guess rules resolve; otherwise `queued` in the console's triage queue,
    where an agent files or discards it. `message_key` (the Message-ID) and `body_hash` (sender, subject and
    text) make one report per message even when it arrives twice. The sender and text are personal data.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting in the triage queue")
        FILED = "filed", _("Filed")
        DISCARDED = "discarded", _("Discarded")

    message_key = models.CharField(_("Message-ID"), max_length=300, unique=True)
    body_hash = models.CharField(_("text fingerprint"), max_length=64, db_index=True)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("jurisdiction"))
    sender = models.EmailField(_("from"))
    sender_name = models.CharField(_("sender's name"), max_length=120, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    suggested_type = models.ForeignKey("catalog.ServiceType", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("suggested kind"))
    confidence = models.FloatField(_("confidence"), default=0.0)
    address_text = models.CharField(_("address found in the text"), max_length=255, blank=True)
    address_id = models.CharField(_("address id"), max_length=64, blank=True)
    possible_emergency = models.BooleanField(_("possible emergency"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    why_queued = models.CharField(_("why it waits"), max_length=255, blank=True)
    request = models.ForeignKey("servicerequests.ServiceRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("request"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("handled by"))
    discard_reason = models.CharField(_("why it was discarded"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("email report")
        verbose_name_plural = _("email reports")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["status", "received_at"], name="emailreport_status_time")]

    def __str__(self) -> str:
        return f"email report #{self.pk} {self.status}"

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id


class ReportPhoto(models.Model):
    """A photo already checked and re-encoded by lib.media, waiting for its conversation or email to be filed.

    Filing hands it to submit_request() (which stores the request's own copy); the row and file are then
    deleted. Photos of a discarded or abandoned report go with it.
    """

    conversation = models.ForeignKey(Conversation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="photos")
    email_report = models.ForeignKey(EmailReport, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="photos")
    file = models.FileField(_("file"), upload_to="conversations/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=60)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name
