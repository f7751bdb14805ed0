"""ServiceRequest and what hangs off it: timeline entries, attachments and supporters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.catalog.models import Priority
from civicdesk.lib import phones
from civicdesk.lib.contact_details import mask_contact_details
from civicdesk.lib.geo import LATITUDE_BAND_SQL
from civicdesk.lib.ids import new_public_id


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("Open311 API")
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    SOCIAL = "social", _("Social media message")


class LatitudeBand(models.Func):
    """The band of latitude a point lies in, as the duplicate look-up's index files it (see
    `civicdesk.lib.geo.latitude_bands`): `CAST(lat * 1000 AS integer)`, written the same on both databases so
    that the look-up's statement states it in the very form of the index."""

    template = LATITUDE_BAND_SQL % "%(expressions)s"
    arity = 1
    output_field = models.IntegerField()


class ServiceRequestQuerySet(models.QuerySet):
    def public(self):
        """Requests anyone may see: not private, not of a private service type."""
        return self.filter(is_private=False, service_type__is_private=False)

    def open(self):
        return self.filter(is_open=True)

    def near(self, lat: float, long: float, radius_m: float):
        """Requests inside a box around the point; callers refine by exact distance."""
        from civicdesk.lib.geo import bbox

        min_lat, max_lat, min_long, max_long = bbox(lat, long, radius_m)
        return self.filter(lat__gte=min_lat, lat__lte=max_lat, long__gte=min_long, long__lte=max_long)

    def near_public(self, lat: float, long: float, radius_m: float):
        """Requests whose public point (`ServiceRequest.public_point()`) may be within `radius_m` of the point:
        the box of `near()`, widened for sensitive service types by the most snapping moves a point (half a
        grid cell each way). Callers then check the distance to `public_point()`, so a public search around a
        spot never tells more about a sensitive request than its snapped point does."""
        from civicdesk.lib.geo import SENSITIVE_GRID_DEGREES, bbox

        min_lat, max_lat, min_long, max_long = bbox(lat, long, radius_m)
        pad = SENSITIVE_GRID_DEGREES / 2
        return self.filter(
            models.Q(service_type__is_sensitive=False, lat__gte=min_lat, lat__lte=max_lat,
                     long__gte=min_long, long__lte=max_long)
            | models.Q(service_type__is_sensitive=True, lat__gte=min_lat - pad, lat__lte=max_lat + pad,
                       long__gte=min_long - pad, long__lte=max_long + pad))


class ServiceRequest(LoggedModel):
    """One report or request from a resident, from submission to closure.

    `public_id` is also its Open311 `service_request_id`. Reporter details
    (`contact_*`, `reporter`) are private: only staff with the right seat see them.
    `is_open` mirrors `status.kind` so open-request queries need no join.
    """

    public_id = models.CharField(_("tracking number"), max_length=9, unique=True, default=new_public_id,
                                 editable=False)
    # Five keys have no index of their own (db_index=False): each leads a composite index below (sr_juris_open,
    # sr_type_time, sr_district_time, sr_dept_open, sr_assignee_open), which serves every look-up by the key
    # alone; one index fewer each for every insert and bulk load to keep up (migration 0014).
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, db_index=False,
                                     related_name="requests", verbose_name=_("jurisdiction"))
    service_type = models.ForeignKey("catalog.ServiceType", on_delete=models.PROTECT, related_name="requests",
                                     db_index=False, verbose_name=_("service type"))
    status = models.ForeignKey("catalog.Status", on_delete=models.PROTECT, related_name="requests",
                               verbose_name=_("status"))
    is_open = models.BooleanField(_("open"), default=True)
    priority = models.IntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(_("description"), blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)

    lat = models.FloatField(_("latitude"))
    long = models.FloatField(_("longitude"))
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_id = models.CharField(_("address id"), max_length=64, blank=True)
    district = models.ForeignKey("jurisdictions.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 db_index=False, related_name="requests", verbose_name=_("district"))

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="service_requests", verbose_name=_("reporter account"))
    contact_name = models.CharField(_("name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    device_id = models.CharField(_("device id"), max_length=120, blank=True)
    client_name = models.CharField(_("client application"), max_length=120, blank=True)

    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   db_index=False, related_name="requests", verbose_name=_("department"))
    team = models.ForeignKey("jurisdictions.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="requests", verbose_name=_("team"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 db_index=False, related_name="assigned_requests", verbose_name=_("assignee"))
    routing_rule = models.ForeignKey("catalog.RoutingRule", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    routing_note = models.CharField(_("routing"), max_length=255, blank=True)

    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    expected_at = models.DateTimeField(_("expected (SLA due)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    #: When staff last transferred it to another department (services.transfer); None if never. Lets the staff
    #: console's "Transferred in" queue read the few transferred requests (index sr_transferred_open) instead of
    #: every open request of the department.
    transferred_at = models.DateTimeField(_("last transferred"), null=True, blank=True)

    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, db_index=False,
                                     related_name="duplicates", verbose_name=_("duplicate of"))
    supporters_count = models.PositiveIntegerField(_("supporters"), default=0)
    is_private = models.BooleanField(_("private"), default=False)
    #: The text matched an emergency phrase only loosely, or the resident confirmed "not an emergency"
    #: although it matched: staff should look at it first (triage.detect_emergency, submit_request).
    possible_emergency = models.BooleanField(_("possible emergency"), default=False)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["requested_at"], name="sr_requested"),
            # Partial indexes: "open public requests of this type near here" is the hot path of every
            # submission (the duplicate look-up, triage.services.nearest_open), and SQLite only uses an index on
            # a bare boolean when it is the condition. By band of latitude, then longitude: the look-up walks a
            # few short stretches, not every open request of the kind on its latitude; and it covers the
            # look-up's columns, so only the few nearest rows are read from the table.
            models.Index(models.F("service_type"), LatitudeBand("lat"), models.F("long"), models.F("lat"),
                         models.F("requested_at"),
                         condition=models.Q(is_open=True, is_private=False, duplicate_of__isnull=True),
                         name="sr_open_type_band"),
            models.Index(fields=["duplicate_of"], condition=models.Q(duplicate_of__isnull=False),
                         name="sr_duplicate_of"),
            # Staff queues: "assigned to me" and "overdue / due soon".
            models.Index(fields=["assignee", "is_open", "requested_at"], name="sr_assignee_open"),
            models.Index(fields=["is_open", "expected_at"], name="sr_open_expected"),
            models.Index(fields=["department", "is_open", "requested_at"], name="sr_dept_open"),
            # "Transferred in": the same walk over transferred requests only.
            models.Index(fields=["department", "is_open", "requested_at"],
                         condition=models.Q(transferred_at__isnull=False), name="sr_transferred_open"),
            models.Index(fields=["jurisdiction", "is_open", "requested_at"], name="sr_juris_open"),
            # "Triage": the open, unrouted requests of a jurisdiction with their kind (which decides who may see
            # a private one), read from the index alone on PostgreSQL (INCLUDE; SQLite has no covering indexes
            # and walks sr_dept_open). A capped count at 10,000,000 took 116 ms through sr_open_juris_status.
            models.Index(fields=["jurisdiction", "department"], include=["service_type"],
                         condition=models.Q(is_open=True, department__isnull=True), name="sr_triage"),
            models.Index(fields=["contact_email"], name="sr_contact_email"),
            models.Index(fields=["contact_phone"], name="sr_contact_phone"),
            models.Index(fields=["updated_at"], name="sr_updated"),
            # Dashboards: open requests counted by status and by department from the index alone, and
            # time to close over recently closed requests (bench/suite.py, "dashboard counts").
            models.Index(fields=["jurisdiction", "status", "department"], condition=models.Q(is_open=True),
                         name="sr_open_juris_status"),
            models.Index(fields=["jurisdiction", "closed_at", "requested_at"],
                         condition=models.Q(closed_at__isnull=False), name="sr_juris_closed"),
            # The public map: the requests inside a map view (publicmap.services.map_cells).
            models.Index(fields=["lat", "long"], name="sr_position"),
            # The map's list, newest first within a district, a department or one kind of problem
            # (publicmap.services.list_page walks one of these and stops after a page).
            models.Index(fields=["district", "requested_at", "id"], name="sr_district_time"),
            models.Index(fields=["department", "requested_at", "id"], name="sr_dept_time"),
            models.Index(fields=["service_type", "requested_at", "id"], name="sr_type_time"),
        ]

    def __str__(self) -> str:
        return self.public_id

    def save(self, *args, **kwargs) -> None:
        # Stored in E.164 so the caller look-up and searches match however the number was typed; text that
        # cannot be read is kept as typed (civicdesk/lib/phones.py).
        self.contact_phone = phones.normalise_or_keep(self.contact_phone)[:32]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("servicerequests:track", args=[self.public_id])

    def is_overdue(self, now=None) -> bool:
        """True when the request is still open past its SLA due time (False with no SLA)."""
        if not self.is_open or self.expected_at is None:
            return False
        return (now or timezone.now()) > self.expected_at

    def is_publicly_visible(self) -> bool:
        """True when the request may appear on public pages."""
        return not self.is_private and not self.service_type.is_private

    def public_point(self) -> tuple[float, float]:
        """(lat, long) as the public may see it: exact, or snapped to a coarse grid when the service type is
        marked sensitive (catalog.ServiceType.is_sensitive; lib.geo.snap_to_grid). Every public surface (map,
        lists, Open311 reads, feeds, exports) shows this, never `lat`/`long`."""
        from civicdesk.lib.geo import snap_to_grid

        if self.service_type.is_sensitive:
            return snap_to_grid(self.lat, self.long)
        return self.lat, self.long

    def public_address(self) -> str:
        """The address as the public may see it: empty for a sensitive service type (a street number would
        undo the snapping of `public_point`); public pages then name the district instead."""
        return "" if self.service_type.is_sensitive else self.address

    def public_description(self) -> str:
        """The description as the public may read it: email addresses and phone numbers typed into it are
        replaced by "[email removed]" / "[phone removed]". Staff read `description`, the original."""
        return self.public_text(self.description)

    def public_text(self, text: str) -> str:
        """Any text about this request on its way to the public or to someone other than the reporter
        (description, public updates, status notes): contact details masked, except the city's own
        published 311 number and email and those of the handling department."""
        return mask_contact_details(text, keep=self.published_contacts)

    def published_contacts(self) -> list[str]:
        """The phone numbers and email addresses the city publishes for this request's handlers."""
        values = [self.jurisdiction.phone, self.jurisdiction.email]
        if self.department_id:
            values += [self.department.phone, self.department.email]
        return [value for value in values if value]

    def public_timeline(self):
        return self.timeline.filter(is_public=True).select_related("status_to").order_by("created_at", "id")

    def visible_photos(self):
        return self.attachments.filter(hidden=False).order_by("id")

    def answer_pairs(self) -> list[tuple[str, str]]:
        """The resident's answers as (question, answer) labels in the active language, in question order.

        A choice shows its label ("Mattress or box spring"), never its key; several choices are joined
        with commas; a date and time is shown in the jurisdiction's words. An answer to a question since
        removed from the catalogue keeps its code as the label, so staff still see what was said.
        Returns an empty list when there are no answers.
        """
        from civicdesk.catalog.services import questions

        answers = self.attributes if isinstance(self.attributes, dict) else {}
        if not answers:
            return []
        pairs = []
        known = set()
        for question in questions(self.service_type):
            known.add(question.code)
            if question.code in answers and answers[question.code] not in (None, "", []):
                pairs.append((str(question.description), _answer_label(question, answers[question.code])))
        pairs.extend((str(code), _answer_label(None, value)) for code, value in answers.items()
                     if code not in known and value not in (None, "", []))
        return pairs


def _answer_label(question, value) -> str:
    """One answer as a resident would say it (see ServiceRequest.answer_pairs)."""
    from django.utils import formats
    from django.utils.dateparse import parse_datetime

    values = value if isinstance(value, list) else [value]
    labels = {}
    if question is not None and question.has_values:
        labels = {choice.key: str(choice.name) for choice in question.values.all()}
    if question is not None and question.datatype == question.Datatype.DATETIME:
        shown = []
        for one in values:
            try:
                parsed = parse_datetime(str(one))
            except ValueError:
                parsed = None
            shown.append(formats.date_format(parsed, "DATETIME_FORMAT") if parsed else str(one))
        return ", ".join(shown)
    return ", ".join(labels.get(str(one), str(one)) for one in values)


class TimelineEntry(models.Model):
    """Something that happened to a request. Public entries show on the tracking page."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ROUTED = "routed", _("Routed")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PUBLIC_NOTE = "public_note", _("Update")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        SUPPORTED = "supported", _("Supported")
        # A resident's email or SMS reply (civicdesk.inbound): the text is staff-only; a message-less
        # public entry of the same kind tells the public timeline that the resident replied.
        RESIDENT_REPLY = "resident_reply", _("Reply from the resident")

    #: No index of its own: tl_request_time (request, created_at) leads by it and serves every look-up by the
    #: request alone (migration 0016), one index fewer for each of the few entries every report writes.
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="timeline", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_public = models.BooleanField(_("public"), default=False)
    message = models.TextField(_("message"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    status_from = models.ForeignKey("catalog.Status", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    status_to = models.ForeignKey("catalog.Status", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    data = models.JSONField(default=dict, blank=True)
    #: System messages (servicerequests.timeline): worded in the reader's language when shown.
    message_code = models.CharField(max_length=40, blank=True, default="")
    message_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="tl_request_time")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"

    def display_message(self) -> str:
        """The message in the active language: a system message (message_code) is worded now, from its
        code and params; anything else (what staff wrote, rows older than message codes) as stored.
        An "received via" entry without params names the request's own channel."""
        from .timeline import render

        if not self.message_code:
            return self.message
        params = dict(self.message_params)
        if self.message_code == "received_via" and "channel" not in params:
            params["channel"] = self.request.channel
        worded = render(self.message_code, params)
        return self.message if worded is None else worded

    def public_message(self) -> str:
        """The message as the public and other residents may read it (see ServiceRequest.public_text)."""
        message = self.display_message()
        if not message:
            return ""
        # The request (and its published contacts) is only loaded when the message holds contact details.
        return mask_contact_details(message, keep=lambda: self.request.published_contacts())


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"requests/{timezone.now():%Y/%m}/{instance.request.public_id}/{filename}"


class Attachment(models.Model):
    """A photo or short video a resident attached. Photos are re-encoded with metadata removed."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    thumbnail = models.FileField(upload_to=attachment_path, max_length=255, blank=True)
    content_type = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(_("hidden from the public"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of {self.request_id}"


class Support(models.Model):
    """A resident saying "this affects me too" on an open request, counted once per person."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    session_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="one_support_per_user",
                                    condition=models.Q(user__isnull=False)),
            models.UniqueConstraint(fields=["request", "session_key"], name="one_support_per_session",
                                    condition=models.Q(user__isnull=True)),
        ]
