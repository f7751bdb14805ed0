"""Area subscriptions: "tell me about new and closed requests near here, or in this district"."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.lib import geo

MIN_RADIUS_M = 100
MAX_RADIUS_M = 5000
RADIUS_CHOICES = [
    (100, _("100 meters (330 feet)")),
    (250, _("250 meters (820 feet)")),
    (500, _("500 meters (about 1/3 mile)")),
    (1000, _("1 kilometer (0.6 mile)")),
    (2000, _("2 kilometers (1.2 miles)")),
    (5000, _("5 kilometers (3.1 miles)")),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class AreaSubscriptionQuerySet(models.QuerySet):
    def live(self):
        """Subscriptions that receive messages: active and confirmed."""
        return self.filter(is_active=True, confirmed_at__isnull=False)

    def holding_point(self, lat: float, long: float):
        """Live subscriptions whose stored bounding box holds the point (SQL prefilter only).

        Callers refine each row with `AreaSubscription.covers()`; a district subscription's box is its
        district's bounds, a radius subscription's the box around its circle.
        """
        return self.live().filter(min_lat__lte=lat, max_lat__gte=lat, min_long__lte=long, max_long__gte=long)

    def overlapping_box(self, min_lat: float, max_lat: float, min_long: float, max_long: float):
        """Live subscriptions whose bounding box overlaps the given one (SQL prefilter only)."""
        return self.live().filter(min_lat__lte=max_lat, max_lat__gte=min_lat,
                                  min_long__lte=max_long, max_long__gte=min_long)

    def for_service_types(self, service_type_ids):
        """Subscriptions for every type, or for at least one of `service_type_ids` (empty: no filter)."""
        ids = [int(pk) for pk in service_type_ids]
        if not ids:
            return self
        chosen = AreaSubscription.service_types.through.objects.filter(servicetype_id__in=ids)
        return self.filter(models.Q(all_types=True) | models.Q(pk__in=chosen.values("areasubscription_id")))


class AreaSubscription(LoggedModel):
    """Someone who wants to hear about public requests in an area, by email.

    The area is either a circle (`lat`, `long`, `radius_m` between MIN_RADIUS_M and MAX_RADIUS_M) or a
    `district`, never both. `min_lat`..`max_long` hold the area's bounding box so matching can prefilter
    in SQL; `save()` keeps them in step. `service_types` narrows the subscription to some kinds of
    problem; `all_types` is True when it names none. A subscription sends nothing until `confirmed_at` is
    set (by the emailed link, or at once for a signed-in person with a verified address) and while
    `is_active`. `token` is the secret in its manage and confirm links.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As they happen")
        DAILY = "daily", _("One daily summary")

    email = models.EmailField(_("email"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="area_subscriptions", verbose_name=_("account"))
    language = models.CharField(_("language"), max_length=8, default="en")

    lat = models.FloatField(_("latitude"), null=True, blank=True)
    long = models.FloatField(_("longitude"), null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("radius (metres)"), null=True, blank=True)
    place_name = models.CharField(_("place"), max_length=255, blank=True,
                                  help_text=_("The address the circle was drawn around, as shown to the subscriber."))
    district = models.ForeignKey("jurisdictions.District", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="area_subscriptions", verbose_name=_("district"))
    min_lat = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    min_long = models.FloatField(editable=False)
    max_long = models.FloatField(editable=False)

    all_types = models.BooleanField(_("every kind of problem"), default=True)
    service_types = models.ManyToManyField("catalog.ServiceType", blank=True, related_name="+",
                                           verbose_name=_("kinds of problem"))
    notify_new = models.BooleanField(_("new requests"), default=True)
    notify_closed = models.BooleanField(_("closed requests"), default=True)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATE)

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AreaSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("area subscription")
        verbose_name_plural = _("area subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Matching a request's point: only live subscriptions, narrowed by latitude first.
            models.Index(fields=["min_lat", "max_lat", "min_long", "max_long"],
                         condition=models.Q(is_active=True, confirmed_at__isnull=False), name="alerts_live_box"),
            models.Index(fields=["email", "is_active"], name="alerts_email_active"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(district__isnull=True, lat__isnull=False, long__isnull=False,
                                    radius_m__gte=MIN_RADIUS_M, radius_m__lte=MAX_RADIUS_M)
                           | models.Q(district__isnull=False, lat__isnull=True, long__isnull=True,
                                      radius_m__isnull=True)),
                name="alerts_circle_or_district"),
            models.CheckConstraint(condition=models.Q(notify_new=True) | models.Q(notify_closed=True),
                                   name="alerts_some_event"),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.describe_area()}"

    def save(self, *args, **kwargs) -> None:
        self.update_box()
        super().save(*args, **kwargs)

    def update_box(self) -> None:
        """Store the bounding box of the area (the circle's box, or the district's bounds)."""
        if self.district_id is not None:
            min_long, min_lat, max_long, max_lat = geo.shape(self.district.boundary).bounds
        else:
            min_lat, max_lat, min_long, max_long = geo.bbox(self.lat, self.long, self.radius_m)
        self.min_lat, self.max_lat, self.min_long, self.max_long = min_lat, max_lat, min_long, max_long

    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def is_live(self) -> bool:
        """True when the subscription receives messages (active and confirmed)."""
        return self.is_active and self.confirmed_at is not None

    def covers(self, lat: float, long: float, district_id: int | None) -> bool:
        """True when a request at (lat, long) in `district_id` lies in this subscription's area.

        A district subscription matches by the request's stored district (what routing decided), a
        circle by great-circle distance (the edge counts as inside).
        """
        if self.district_id is not None:
            return district_id == self.district_id
        return geo.distance_m(self.lat, self.long, lat, long) <= self.radius_m

    def wants_type(self, service_type_id: int, chosen_ids: set[int] | None = None) -> bool:
        """True when the subscription asked for this kind of problem (`chosen_ids`: prefetched type ids)."""
        if self.all_types:
            return True
        ids = chosen_ids if chosen_ids is not None else set(self.service_types.values_list("id", flat=True))
        return service_type_id in ids

    def describe_area(self) -> str:
        """The area in a resident's words, e.g. "within 500 m of 12 Oak Street" or "West Elm"."""
        from django.utils.translation import gettext

        if self.district_id is not None:
            return self.district.name
        place = self.place_name or f"{self.lat:.5f}, {self.long:.5f}"
        return gettext("within %(radius)s m of %(place)s") % {"radius": self.radius_m, "place": place}
