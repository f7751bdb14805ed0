"""Notifications: one Delivery per message and channel, the addresses that opted out, the SMS outbox, webhooks."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class Delivery(models.Model):
    """One message to one address on one channel, rendered when it was queued.

    `(key, channel, address)` is unique: that is the at-most-once guarantee. `key` names the occurrence of
    the event ("timeline:123"), so calling `notify()` twice for the same occurrence queues nothing new.

    Lifecycle: QUEUED (waiting until `next_attempt_at`) → SENDING (claimed by a worker until
    `claimed_until`, under `claim_token`) → SENT, or FAILED (permanent error, or out of attempts), or back to
    QUEUED after a transient error. SKIPPED rows were never sent (the address had opted out or bounced).
    UNKNOWN rows were in flight when their worker died on a channel where sending again could reach the
    person twice (see docs/notifications.md, "Recovery"); they are never resent automatically.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")
        UNKNOWN = "unknown", _("Unknown (worker stopped mid-send)")

    channel = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    address = models.CharField(_("address"), max_length=500)
    event = models.CharField(_("event"), max_length=80)
    key = models.CharField(_("key"), max_length=200)
    template = models.CharField(_("template"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    scope = models.CharField(_("unsubscribe scope"), max_length=80, blank=True)
    request = models.ForeignKey("servicerequests.ServiceRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="deliveries", verbose_name=_("request"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="deliveries", verbose_name=_("user"))
    endpoint = models.ForeignKey("notifications.WebhookEndpoint", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="deliveries", verbose_name=_("webhook endpoint"))

    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(_("claim"), max_length=32, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    receipt = models.CharField(_("delivery receipt"), max_length=40, blank=True,
                               help_text=_("The last state the provider reported (e.g. delivered, undelivered)."))
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel", "address"], name="delivery_once"),
        ]
        indexes = [
            # The worker's "due" query and the recovery of expired claims only ever look at these two states.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="queued"), name="delivery_due"),
            models.Index(fields=["claimed_until"], condition=models.Q(status="sending"), name="delivery_claimed"),
            models.Index(fields=["claim_token"], condition=models.Q(status="sending"), name="delivery_claim_token"),
            models.Index(fields=["provider_id"], condition=~models.Q(provider_id=""), name="delivery_provider"),
            models.Index(fields=["channel", "address", "created_at"], name="delivery_address"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.address}: {self.event} ({self.status})"

    def message_id(self) -> str:
        """The email Message-ID of this delivery: the same on every attempt, so receivers collapse a resend."""
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        digest = hashlib.sha256(f"{self.key}|{self.channel}|{self.address}".encode()).hexdigest()[:16]
        return f"<notification.{self.pk}.{digest}@{domain}>"

    def retry_delay(self) -> timedelta:
        """How long to wait after the `attempts`-th failed attempt: exponential, capped at six hours."""
        base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
        return timedelta(seconds=min(base * 2 ** max(self.attempts - 1, 0), 6 * 60 * 60))

    def is_final(self) -> bool:
        """True once nothing more will happen to this delivery without a person stepping in."""
        return self.status in (self.Status.SENT, self.Status.FAILED, self.Status.SKIPPED, self.Status.UNKNOWN)


class Suppression(LoggedModel):
    """An address that must not get messages on a channel: for one `scope`, or for everything (scope "").

    Scopes are the ones `notify()` is given ("follow:12", "area:5", "request:ABCD-2345", "staff").
    A permanent bounce and an SMS "STOP" suppress everything.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        STOP = "stop", _("Replied STOP")

    channel = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    address = models.CharField(_("address"), max_length=500)
    scope = models.CharField(_("scope"), max_length=80, blank=True, help_text=_("Empty means everything."))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address", "scope"], name="suppression_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address} ({self.scope or 'everything'}: {self.reason})"


class SmsMessage(models.Model):
    """A text message the development SMS backend "sent": the outbox staff read in the admin."""

    to = models.CharField(_("to"), max_length=32)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("delivery"))

    class Meta:
        verbose_name = _("SMS message (development outbox)")
        verbose_name_plural = _("SMS messages (development outbox)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"to {self.to} at {self.created_at:%Y-%m-%d %H:%M}"


class WebhookEndpointQuerySet(models.QuerySet):
    def for_event(self, event: str) -> list[WebhookEndpoint]:
        """Active endpoints subscribed to `event` (an empty list of events, or "*", means every event)."""
        return [endpoint for endpoint in self.filter(active=True).order_by("pk") if endpoint.wants(event)]


class WebhookEndpoint(LoggedModel):
    """A city system that gets a signed JSON POST for chosen events (see transports/webhook.py)."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200,
                              help_text=_("Shared with the receiving system; it checks X-CivicDesk-Signature."))
    events = models.JSONField(_("events"), default=list, blank=True,
                              help_text=_('Event names such as "request.status_changed"; empty or "*" for all.'))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        """True when this endpoint is subscribed to `event` (whether or not it is active)."""
        return not self.events or "*" in self.events or event in self.events


def new_link_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class LinkToken(models.Model):
    """An opaque reference to an address, for the links in our messages ("unsubscribe", "all my area alerts").

    The link carries only `token`, 32 random characters: unlike a signed value, it never reveals the
    address it was sent to (signed values are readable base64), and it can be revoked by deleting the row.
    One row per (purpose, channel, address, scope), reused by every message to that address.
    """

    token = models.CharField(max_length=40, unique=True, default=new_link_token, editable=False)
    purpose = models.CharField(_("purpose"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=500)
    scope = models.CharField(_("scope"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("link token")
        verbose_name_plural = _("link tokens")
        constraints = [models.UniqueConstraint(fields=["purpose", "channel", "address", "scope"],
                                               name="one_link_token_per_address")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.channel}"


def _default_sms_countries() -> str:
    return ",".join(getattr(settings, "SMS_ALLOWED_COUNTRIES", None) or [getattr(settings, "PHONE_REGION", "US")])


def _default_sms_budget() -> int:
    return getattr(settings, "SMS_HOURLY_BUDGET", 500)


def _default_sms_per_number() -> int:
    return getattr(settings, "SMS_PER_NUMBER_PER_HOUR", 10)


class SmsPolicy(LoggedModel):
    """What the city lets text messages cost: one row, edited by staff in the admin (every change audited).

    Every text to any number counts against `hourly_budget` (all numbers together) and `per_number_per_hour`
    (one number); texts over either wait in the queue for the next hour rather than being sent. Numbers
    outside `countries`, and premium-rate, shared-cost, satellite and other non-mobile numbers, are never
    texted (civicdesk/lib/phones.py). Until staff save this row the environment's defaults apply
    (SMS_HOURLY_BUDGET, SMS_PER_NUMBER_PER_HOUR, SMS_ALLOWED_COUNTRIES; see docs/abuse-limits.md).
    """

    hourly_budget = models.PositiveIntegerField(
        _("texts per hour, all numbers together"), default=_default_sms_budget,
        help_text=_("Texts over this wait for the next hour. 0 sends no texts at all."))
    per_number_per_hour = models.PositiveIntegerField(
        _("texts per hour to one number"), default=_default_sms_per_number,
        help_text=_("Counts every kind of text (codes, acknowledgements, updates, alerts). 0 means no limit."))
    countries = models.CharField(
        _("countries texts may go to"), max_length=200, default=_default_sms_countries,
        help_text=_('Two-letter country codes separated by commas, e.g. "US" or "US,CA". Caribbean +1 numbers '
                    'count as their own countries.'))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SMS budget and countries")
        verbose_name_plural = _("SMS budget and countries")

    def __str__(self) -> str:
        return str(_("SMS budget and countries"))

    def audit_jurisdiction_id(self) -> int | None:
        return None

    def country_set(self) -> frozenset[str]:
        """The allowed countries as upper-case ISO codes (empty entries ignored)."""
        return frozenset(code.strip().upper() for code in self.countries.split(",") if code.strip())

    def clean(self) -> None:
        import phonenumbers
        from django.core.exceptions import ValidationError

        unknown = sorted(code for code in self.country_set()
                         if code not in phonenumbers.SUPPORTED_REGIONS)
        if unknown:
            raise ValidationError({"countries": _("Not a country code: %(codes)s.") % {"codes": ", ".join(unknown)}})
        self.countries = ",".join(sorted(self.country_set()))

    @classmethod
    def current(cls) -> SmsPolicy:
        """The saved policy, or an unsaved one holding the environment's defaults when staff never saved one."""
        found = cls.objects.order_by("pk").first()
        if found is not None:
            return found
        return cls()
