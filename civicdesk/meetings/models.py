"""Meetings and town halls a jurisdiction holds, their documents, and residents' RSVPs."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class MeetingQuerySet(models.QuerySet):
    def published(self):
        """Meetings residents may see (drafts never show in public); cancelled ones stay, marked cancelled."""
        return self.filter(published_at__isnull=False)

    def upcoming(self, now: dt.datetime | None = None):
        """Meetings that have not ended yet."""
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now: dt.datetime | None = None):
        """Meetings that have ended."""
        return self.filter(ends_at__lte=now or timezone.now())


class Meeting(LoggedModel):
    """A council meeting, town hall or workshop of one jurisdiction, in a place, online, or both.

    Title, description and minutes are stored per language (django-modeltranslation: `title_en`,
    `title_es`, ...), English being the fallback. Times are stored in UTC and shown in the jurisdiction's
    time zone (`local_tz()`). `capacity` caps confirmed RSVPs (None: no cap); further RSVPs join the waiting
    list and move up, in the order they joined it, when someone cancels. Residents see a meeting once
    `published_at` is set; a cancelled meeting (`cancelled_at`) stays visible, marked as cancelled.
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council meeting")
        TOWN_HALL = "town_hall", _("Town hall")
        WORKSHOP = "workshop", _("Workshop")
        HEARING = "hearing", _("Public hearing")
        COMMITTEE = "committee", _("Committee meeting")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="meetings", verbose_name=_("jurisdiction"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COUNCIL)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(10000)])
    address = models.CharField(_("address"), max_length=300, blank=True,
                               help_text=_("Where people meet, as residents would write it."))
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    long = models.FloatField(_("longitude"), null=True, blank=True,
                             validators=[MinValueValidator(-180), MaxValueValidator(180)])
    online_url = models.URLField(_("online link"), max_length=500, blank=True,
                                 help_text=_("A video call or live stream residents can join."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    rsvp_enabled = models.BooleanField(_("take RSVPs"), default=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Leave empty for no limit. Beyond it, people join a "
                                                       "waiting list."))
    minutes = models.TextField(_("minutes"), blank=True, validators=[MaxLengthValidator(50000)])
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["published_at", "starts_at"], name="meetings_published_starts"),
                   models.Index(fields=["jurisdiction", "starts_at"], name="meetings_jurisdiction_starts")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="meetings_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    def clean(self) -> None:
        """The end comes after the start; a meeting happens somewhere (an address or an online link); a pin
        needs both coordinates."""
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if not self.address.strip() and not self.online_url.strip():
            errors["address"] = _("Give an address, an online link, or both.")
        if (self.lat is None) != (self.long is None):
            errors["lat"] = _("Give both the latitude and the longitude of the place, or neither.")
        if errors:
            raise ValidationError(errors)

    def local_tz(self) -> zoneinfo.ZoneInfo:
        """The jurisdiction's time zone (settings.TIME_ZONE when it has none)."""
        name = getattr(self.jurisdiction, "time_zone", "") or settings.TIME_ZONE
        return zoneinfo.ZoneInfo(name)

    def local_starts(self) -> dt.datetime:
        return timezone.localtime(self.starts_at, self.local_tz())

    def local_ends(self) -> dt.datetime:
        return timezone.localtime(self.ends_at, self.local_tz())

    def is_past(self, now: dt.datetime | None = None) -> bool:
        """True once the meeting has ended."""
        return self.ends_at <= (now or timezone.now())

    def has_place(self) -> bool:
        return self.lat is not None and self.long is not None

    def confirmed_count(self) -> int:
        return self.rsvps.filter(status=Rsvp.Status.CONFIRMED).count()

    def waiting_count(self) -> int:
        return self.rsvps.filter(status=Rsvp.Status.WAITING).count()

    def places_left(self) -> int | None:
        """Free places (0 when full), or None when there is no cap."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_count())

    def takes_rsvps(self, now: dt.datetime | None = None) -> bool:
        """True when residents may RSVP now: published, RSVPs on, not cancelled and not yet started."""
        now = now or timezone.now()
        return (self.published_at is not None and self.rsvp_enabled and self.cancelled_at is None
                and self.starts_at > now)

    def state(self, now: dt.datetime | None = None) -> str:
        """One of "draft", "cancelled", "upcoming", "past"."""
        if self.published_at is None:
            return "draft"
        if self.cancelled_at is not None:
            return "cancelled"
        return "past" if self.is_past(now) else "upcoming"

    def state_label(self, now: dt.datetime | None = None) -> str:
        return str({"draft": _("Draft"), "cancelled": _("Cancelled"), "upcoming": _("Upcoming"),
                    "past": _("Held")}[self.state(now)])

    @property
    def scope(self) -> str:
        """The notify() scope of messages about this meeting (what an unsubscribe link stops)."""
        return f"meeting:{self.pk}"


def document_path(instance: MeetingDocument, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class MeetingDocument(models.Model):
    """An agenda, minutes or other paper published with a meeting: a PDF or an image, checked by content."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        OTHER = "other", _("Other document")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.AGENDA)
    title = models.CharField(_("title"), max_length=160)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["kind", "uploaded_at", "id"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:document", args=[self.meeting_id, self.pk])

    def size_label(self) -> str:
        """"240 KB" or "1.3 MB" (civicdesk/lib/documents.py)."""
        from civicdesk.lib.documents import size_label

        return size_label(self.size)


class Rsvp(models.Model):
    """One person's RSVP to a meeting, by account (`user`) or by an email address they confirmed.

    Status: `pending` until an emailed RSVP is confirmed through its link; then `confirmed` (has a place)
    or `waiting` (on the waiting list, in `queued_at` order); `cancelled` when the person or staff cancel it.
    One row per (meeting, email): RSVPing again re-uses it. Names and addresses are shown to staff only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="meeting_rsvps")
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"))
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When it last became confirmed or waiting.")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["meeting", "email"], name="meetings_one_rsvp_per_email")]
        indexes = [models.Index(fields=["meeting", "status", "queued_at"], name="meetings_rsvp_queue")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.status}"

    def is_active(self) -> bool:
        return self.status in {self.Status.CONFIRMED, self.Status.WAITING}

    def display_name(self) -> str:
        """The name for staff lists: the given name, the account's name, or the address."""
        if self.name:
            return self.name
        if self.user_id and self.user.get_full_name():
            return self.user.get_full_name()
        return self.email
