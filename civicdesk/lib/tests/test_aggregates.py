"""JoinedText: a group's values joined into one text, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from civicdesk.lib.aggregates import JoinedText, joined_parts
from civicdesk.notices.models import ServiceNotice
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.testing.world import IN_EAST_ELM


def report(world):
    return services.submit_request(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   attributes={"depth": "deep"}, description="Crater by the Wendelmoor kiosk")


def test_it_joins_a_groups_values_and_gives_none_for_an_empty_one(world):
    quiet = report(world)
    busy = report(world)
    TimelineEntry.objects.filter(request=quiet).delete()
    expected = sorted(str(pk) for pk in TimelineEntry.objects.filter(request=busy).values_list("pk", flat=True))
    assert len(expected) >= 2
    entries = Subquery(TimelineEntry.objects.filter(request=OuterRef("pk")).order_by().values("request")
                       .annotate(ids=JoinedText("id")).values("ids"))
    found = dict(ServiceRequest.objects.filter(pk__in=[quiet.pk, busy.pk]).annotate(entries=entries)
                 .values_list("pk", "entries"))
    assert found[quiet.pk] is None and joined_parts(found[quiet.pk]) == []
    assert joined_parts(found[busy.pk]) == expected


def test_it_joins_text_as_it_is():
    assert joined_parts("12,3,7") == ["12", "3", "7"]  # sorted as text: a key to compare, not a list to show
    assert joined_parts("") == [] and joined_parts(None) == []


def test_it_works_as_a_plain_aggregate_too(db):
    assert ServiceNotice.objects.aggregate(ids=JoinedText("id"))["ids"] is None
