"""Saving, publishing and ending service notices: each change audited, subscribers told once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from .models import NoticeTemplate, ServiceNotice

#: Below this many square degrees (about 1 m² at the equator) a difference between two outlines is
#: rounding from redrawing a corner, not a bigger area.
AREA_EPSILON = 1e-10


class NoticeRejected(Exception):
    """The change is not allowed in the notice's current state; the message says why, for staff."""


def save_notice(notice: ServiceNotice, *, user, districts: Iterable, service_types: Iterable,
                changed_fields: Iterable[str] = ()) -> ServiceNotice:
    """Create or update `notice` (validated field values already set on it), all or nothing.

    Sets its districts and related service types, recomputes its coverage and bbox, and writes one audit
    entry ("notice.created" or "notice.changed" with the changed field names). When a published notice
    that has not ended grows (a bigger area, more districts) or starts to apply to more kinds of
    problem, a task tells the subscribers it newly reaches; everyone told before is skipped, because
    every message uses the key `notice:<id>`.
    """
    districts, service_types = list(districts), list(service_types)
    creating = notice.pk is None
    with transaction.atomic():
        before = None
        if not creating:
            before = ServiceNotice.objects.select_for_update().prefetch_related("service_types").get(pk=notice.pk)
        else:
            notice.author = user if getattr(user, "is_authenticated", False) else None
        notice.update_coverage([district.boundary for district in districts])
        notice.save()
        notice.districts.set(districts)
        notice.service_types.set(service_types)
        notice.log_action("notice.created" if creating else "notice.changed", user=user, data={
            "fields": sorted(set(changed_fields)), "title": notice.title, "state": notice.state()})
        if before is not None and before.published_at is not None and not notice.has_ended():
            _tell_newly_reached(notice, before, {d.pk for d in districts}, {t.pk for t in service_types})
    return notice


def _tell_newly_reached(notice: ServiceNotice, before: ServiceNotice, district_ids: set[int],
                        type_ids: set[int]) -> None:
    """Enqueue a message to subscribers the edited notice reaches and the old one did not."""
    from .tasks import notify_subscribers

    old_types = {t.pk for t in before.service_types.all()}
    widened = bool(old_types) and (not type_ids or bool(type_ids - old_types))
    if widened:  # more kinds of problem: anyone in the whole area may now be concerned
        notify_subscribers.enqueue(notice.pk)
        return
    added = notice.covered_shape().difference(before.covered_shape())
    old_districts = set(before.districts.values_list("pk", flat=True))
    added_districts = sorted(district_ids - old_districts)
    if added.area > AREA_EPSILON or added_districts:
        notify_subscribers.enqueue(notice.pk, added_area=mapping(added) if added.area > AREA_EPSILON else None,
                                   added_district_ids=added_districts)


def publish(notice: ServiceNotice, *, user, now: dt.datetime | None = None) -> ServiceNotice:
    """Put a draft in front of residents now (or at its start), audit it, and queue telling subscribers.

    Raises NoticeRejected when it is already published or its end has passed. Subscribers whose area
    meets the notice's area are told once, in the background (see tasks.notify_subscribers).
    """
    from .tasks import notify_subscribers

    now = now or timezone.now()
    with transaction.atomic():
        notice = ServiceNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.published_at is not None:
            raise NoticeRejected(_("This notice is already published."))
        if notice.has_ended(now):
            raise NoticeRejected(_("This notice's end has already passed. Change the end date, then publish it."))
        notice.published_at = now
        notice.save(update_fields=["published_at", "updated_at"])
        notice.log_action("notice.published", user=user, data={"title": notice.title, "state": notice.state(now)})
        notify_subscribers.enqueue(notice.pk)
    return notice


def end_early(notice: ServiceNotice, *, user, now: dt.datetime | None = None) -> ServiceNotice:
    """End a published notice now (one not yet started is called off), and audit it.

    Raises NoticeRejected for drafts and for notices that have already ended. Nobody is messaged.
    """
    now = now or timezone.now()
    with transaction.atomic():
        notice = ServiceNotice.objects.select_for_update().get(pk=notice.pk)
        state = notice.state(now)
        if state == "draft":
            raise NoticeRejected(_("A draft is not public, so there is nothing to end."))
        if state == "ended":
            raise NoticeRejected(_("This notice has already ended."))
        previous_end = notice.ends_at
        if state == "scheduled":
            notice.starts_at = now
        notice.ends_at = now
        notice.save(update_fields=["starts_at", "ends_at", "updated_at"])
        notice.log_action("notice.ended", user=user, data={
            "title": notice.title, "was": state, "planned_end": previous_end})
    return notice


def save_template(template: NoticeTemplate, *, user, changed_fields: Iterable[str] = ()) -> NoticeTemplate:
    """Save a notice template and audit it (notice_template.created, or .changed with the fields changed)."""
    with transaction.atomic():
        created = template.pk is None
        template.save()
        if created:
            template.log_action("notice_template.created", user=user, data={"name": template.name})
        else:
            template.log_action("notice_template.changed", user=user, data={"fields": sorted(changed_fields)})
    return template


def delete_template(template: NoticeTemplate, *, user) -> None:
    """Delete a notice template (notices written from it keep their text), audited first."""
    with transaction.atomic():
        template.log_action("notice_template.deleted", user=user, data={"name": template.name,
                                                                       "slug": template.slug})
        template.delete()
