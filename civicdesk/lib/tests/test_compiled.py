"""Queries compiled once and replayed with other values give what the ORM gives, or are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Max, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdesk.lib.compiled import CompiledQuery, NotReplayable, as_datetime
from civicdesk.notices.models import ServiceNotice
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_EAST_ELM

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def report(world, **overrides):
    data = dict(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], attributes={"depth": "deep"},
                description="Crater by the Quillfeather bakery")
    data.update(overrides)
    return services.submit_request(**data)


def notice(world, title: str, **fields) -> ServiceNotice:
    return ServiceNotice.objects.create(jurisdiction=world.elm, title=title, body="Details", published_at=T0,
                                        **fields)


def test_it_answers_like_the_orm_for_every_value(world):
    shown, hidden = report(world), report(world)
    ServiceRequest.objects.filter(pk=hidden.pk).update(is_private=True)
    tracked = CompiledQuery(lambda public_id: ServiceRequest.objects.public().filter(public_id=public_id)
                            .values_list("updated_at", "pk", "supporters_count")[:1], public_id=str)
    for public_id in (shown.public_id, hidden.public_id, "RB-0000-000000", "o'brien\"; --"):
        expected = list(ServiceRequest.objects.public().filter(public_id=public_id)
                        .values_list("updated_at", "pk", "supporters_count")[:1])
        got = [(as_datetime(updated), pk, supporters) for updated, pk, supporters in tracked.rows(public_id=public_id)]
        assert got == expected
    assert tracked.first(public_id=hidden.public_id) is None


def test_it_replays_a_moment_used_twice_at_each_boundary(world):
    notice(world, "Quillfeather Road closed", starts_at=T0, ends_at=T0 + dt.timedelta(hours=2))
    notice(world, "Quillfeather water off", starts_at=T0 + dt.timedelta(hours=1))
    active = CompiledQuery(lambda now: ServiceNotice.objects.active(now).order_by("id").values_list("id", "ends_at"),
                           now=dt.datetime)
    for minutes in (-1, 0, 59, 60, 119, 120, 121, 10_000):
        now = T0 + dt.timedelta(minutes=minutes)
        assert [(pk, as_datetime(ends)) for pk, ends in active.rows(now=now)] == list(
            ServiceNotice.objects.active(now).order_by("id").values_list("id", "ends_at")), minutes


def test_it_sends_one_small_statement_and_builds_no_queryset_after_the_first_call(world):
    notice(world, "Quillfeather bridge works", starts_at=T0)
    summary = CompiledQuery(lambda: ServiceNotice.objects.annotate(every=Value(1)).order_by().values("every")
                            .annotate(latest=Max("updated_at"), count=Count("id")).values_list("latest", "count"))
    with CaptureQueriesContext(connection) as sent:
        latest, count = summary.first()
    assert len(sent.captured_queries) == 1 and count == 1  # compiling sends nothing
    assert as_datetime(latest) == ServiceNotice.objects.get().updated_at


def test_it_refuses_a_query_it_could_not_replay(world):
    folded = CompiledQuery(lambda limit: ServiceRequest.objects.values_list("pk", flat=True)[:limit], limit=int)
    with pytest.raises(NotReplayable, match="folded into the SQL: True"):
        folded.rows(limit=3)
    dropped = CompiledQuery(lambda public_id: ServiceRequest.objects.values_list("pk", flat=True), public_id=str)
    with pytest.raises(NotReplayable, match="times sent"):
        dropped.rows(public_id="RB-2026-000001")
    total = CompiledQuery(lambda: ServiceRequest.objects.aggregate(count=Count("id")))
    with pytest.raises(NotReplayable, match="must return a QuerySet"):
        total.rows()
    nothing = CompiledQuery(lambda public_id: ServiceRequest.objects.filter(public_id=public_id, pk__in=[]),
                            public_id=str)
    with pytest.raises(NotReplayable, match="no statement"):
        nothing.rows(public_id="RB-2026-000001")
    translated = CompiledQuery(lambda: ServiceNotice.objects.values_list("title", flat=True))
    with pytest.raises(NotReplayable, match="not the fields"):  # the language's column is picked in Python
        translated.rows()
    with pytest.raises(TypeError, match="str, int, float or datetime"):
        CompiledQuery(lambda amount: ServiceRequest.objects.filter(lat=amount), amount=bytes).rows(amount=b"1")


def test_it_reads_moments_as_each_database_returns_them():
    aware = dt.datetime(2026, 3, 2, 9, 30, 15, 250_000, tzinfo=dt.UTC)
    assert as_datetime("2026-03-02 09:30:15.250000") == aware
    assert as_datetime(dt.datetime(2026, 3, 2, 9, 30, 15, 250_000)) == aware
    assert as_datetime(aware.astimezone(timezone.get_fixed_timezone(-300))) == aware
    assert as_datetime(None) is None


def test_it_replays_real_numbers_used_more_than_once(world):
    from django.db.models import ExpressionWrapper, F, FloatField

    from civicdesk.jurisdictions.models import AddressPoint

    def build(lat: float, low: float):
        near = ExpressionWrapper((F("lat") - Value(lat)) * (F("lat") - Value(lat)), output_field=FloatField())
        return (AddressPoint.objects.filter(lat__gte=low).annotate(near=near).order_by("near", "pk")
                .values_list("address_id", flat=False))

    compiled = CompiledQuery(build, lat=float, low=float)
    points = list(AddressPoint.objects.values_list("lat", flat=True))
    assert points
    for lat, low in [(points[0], -90.0), (points[-1] + 0.5, points[0]), (12.25, 89.0)]:
        assert compiled.rows(lat=lat, low=low) == list(build(lat, low))
