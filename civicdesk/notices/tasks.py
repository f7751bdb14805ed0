"""Background work for notices: telling area subscribers about a published notice, once."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django_tasks import task
from shapely.geometry import shape

log = logging.getLogger(__name__)

EVENT = "notice.published"
TEMPLATE = "notices/notify/published"


@task()
def notify_subscribers(notice_id: int, added_area: dict | None = None,
                       added_district_ids: list[int] | None = None) -> int:
    """Queue the notice for every area subscriber it reaches; returns how many deliveries were new.

    Without `added_*` the whole notice is used (at publishing, or after its kinds of problem widened);
    with them only that part of a grown notice. Every message uses the key `notice:<id>`, so an address
    told before is never told again, whatever the retries or edits. Nothing is sent for a notice that
    was ended or withdrawn before this ran.
    """
    from civicdesk.alerts.services import area_recipients
    from civicdesk.notifications.services import notify

    from .models import ServiceNotice

    notice = (ServiceNotice.objects.select_related("jurisdiction").prefetch_related("service_types", "districts")
              .filter(pk=notice_id).first())
    if notice is None or notice.published_at is None or notice.has_ended():
        return 0
    if added_area is None and added_district_ids is None:
        geometry, district_ids = notice.covered_shape(), [d.pk for d in notice.districts.all()]
    else:
        geometry = shape(added_area) if added_area else None
        district_ids = list(added_district_ids or [])
    type_ids = [t.pk for t in notice.service_types.all()]
    by_scope: dict[str, list] = defaultdict(list)
    for recipient, scope in area_recipients(geometry=geometry, district_ids=district_ids,
                                            service_type_ids=type_ids, event="notice"):
        by_scope[scope].append(recipient)
    context = {"notice": notice, "notice_url": settings.SITE_URL + notice.get_absolute_url()}
    queued = 0
    with transaction.atomic():
        for scope, recipients in by_scope.items():
            queued += notify(event=EVENT, key=notice.notification_key, recipients=recipients, template=TEMPLATE,
                             context=context, scope=scope)
    log.info("notice %s: %s new deliveries to %s subscription scopes", notice.pk, queued, len(by_scope))
    return queued
