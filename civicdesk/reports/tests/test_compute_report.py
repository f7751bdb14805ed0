"""compute_report(): every figure against a plain-Python computation over the same rows."""

from __future__ import annotations

import datetime as dt

import pytest

from civicdesk.reports.services import compute_report, nearest_rank

from .helpers import (CANARY, MONTH, busy_month, days_between, local, make_request, month_of, public_rows,
                      rank_value, sensitive_type)

THIS, PREVIOUS, LAST_YEAR = (2026, 10), (2026, 9), (2025, 10)
END = local(2026, 11, 1, 0, 0)


def approx(value):
    return None if value is None else pytest.approx(value, abs=1e-6)


def expected_for(rows) -> dict:
    received = [r for r in rows if month_of(r.requested_at) == THIS]
    closed = [r for r in rows if r.closed_at and month_of(r.closed_at) == THIS]
    with_sla = [r for r in closed if r.expected_at is not None]
    within = [r for r in with_sla if r.closed_at <= r.expected_at]
    open_at_end = [r for r in rows if r.requested_at < END and (r.closed_at is None or r.closed_at >= END)]
    return {"received": len(received), "closed": len(closed), "with_sla": len(with_sla), "within_sla": len(within),
            "open_at_end": len(open_at_end),
            "median_days": rank_value([days_between(r) for r in closed], 50),
            "p90_days": rank_value([days_between(r) for r in closed], 90)}


def test_it_defines_percentiles_by_nearest_rank():
    assert [nearest_rank(4, 50), nearest_rank(4, 90), nearest_rank(1, 90), nearest_rank(10, 90),
            nearest_rank(11, 90)] == [2, 4, 1, 9, 10]


def test_it_matches_a_direct_computation_for_every_figure(world, django_assert_max_num_queries):
    busy_month(world)
    with django_assert_max_num_queries(16):
        data = compute_report(world.elm, MONTH)
    rows = public_rows(world)
    overall = expected_for(rows)
    assert overall["received"] > 20 and overall["closed"] > 10  # the random month is not trivial
    assert data["received"] == overall["received"]
    assert data["closed"] == overall["closed"]
    assert data["open_at_end"] == overall["open_at_end"]
    assert data["time_to_close"]["median_days"] == approx(overall["median_days"])
    assert data["time_to_close"]["p90_days"] == approx(overall["p90_days"])
    assert data["sla"] == {"closed_with_sla": overall["with_sla"], "within_sla": overall["within_sla"],
                           "closed_without_sla": overall["closed"] - overall["with_sla"],
                           "share": approx(overall["within_sla"] / overall["with_sla"])}

    by_department = {row["id"]: row for row in data["departments"]}
    assert set(by_department) == {world.public_works.pk, world.sanitation.pk, None}
    for key in by_department:
        expected = expected_for([r for r in rows if r.department_id == key])
        row = by_department[key]
        for name in ("received", "closed", "with_sla", "within_sla", "open_at_end"):
            assert row[name] == expected[name], (key, name)
        assert row["median_days"] == approx(expected["median_days"])
        assert row["p90_days"] == approx(expected["p90_days"])
        assert row["sla_share"] == approx(expected["within_sla"] / expected["with_sla"])

    per_type = {}
    for r in rows:
        for name, month in (("received", THIS), ("previous", PREVIOUS), ("last_year", LAST_YEAR)):
            if month_of(r.requested_at) == month:
                per_type.setdefault(r.service_type.code, {"received": 0, "previous": 0, "last_year": 0})[name] += 1
    busiest = sorted(((code, n) for code, n in per_type.items() if n["received"]),
                     key=lambda item: (-item[1]["received"], item[0]))
    assert [(row["name"]["en"], row["received"], row["previous"], row["last_year"]) for row in data["busiest"]] == [
        (world.pothole.__class__.objects.get(code=code).name_en, n["received"], n["previous"], n["last_year"])
        for code, n in busiest]

    daily = {}
    for r in rows:
        for field, moment in (("received", r.requested_at), ("closed", r.closed_at)):
            if moment and month_of(moment) == THIS:
                day = moment.astimezone(local(2026, 10, 1).tzinfo).date().isoformat()
                daily.setdefault(day, {"received": 0, "closed": 0})[field] += 1
    assert len(data["daily"]) == 31
    assert {d["date"]: {"received": d["received"], "closed": d["closed"]} for d in data["daily"]
            if d["received"] or d["closed"]} == daily
    # Nobody answered "was it fixed?" in the busy month (civicdesk/feedback; its numbers are checked there).
    assert data["satisfaction"] == {"answers": 0, "fixed": 0, "fixed_share": None, "rated": 0,
                                    "mean_satisfaction": None}


def test_it_ranks_the_biggest_changes_by_their_definition(world):
    busy_month(world, count=260)
    data = compute_report(world.elm, MONTH)
    rows = public_rows(world)
    for group, key_of in (("types", lambda r: r.service_type_id), ("departments", lambda r: r.department_id)):
        keys = {key_of(r) for r in rows}
        counts = {k: {m: sum(1 for r in rows if key_of(r) == k and month_of(r.requested_at) == m)
                      for m in (THIS, PREVIOUS, LAST_YEAR)} for k in keys}
        medians = {k: {m: [days_between(r) for r in rows if key_of(r) == k and r.closed_at
                           and month_of(r.closed_at) == m] for m in (THIS, PREVIOUS, LAST_YEAR)} for k in keys}
        for name, other in (("previous", PREVIOUS), ("last_year", LAST_YEAR)):
            volume = sorted((abs(c[THIS] - c[other]), c[THIS] - c[other]) for k, c in counts.items()
                            if max(c[THIS], c[other]) >= 5)
            expected = [change for _abs, change in sorted(volume, key=lambda v: -v[0])][:5]
            assert sorted(r["change"] for r in data["changes"][group][f"volume_{name}"]) == sorted(expected)
            times = [rank_value(m[THIS], 50) - rank_value(m[other], 50) for m in medians.values()
                     if len(m[THIS]) >= 5 and len(m[other]) >= 5]
            expected_times = sorted(times, key=abs, reverse=True)[:5]
            assert sorted(r["change"] for r in data["changes"][group][f"time_{name}"]) == pytest.approx(
                sorted(expected_times))
    assert data["changes"]["types"]["volume_previous"], "the random months differ enough to list a change"


def test_it_reports_an_empty_month_without_failing(world):
    make_request(world, requested_at=local(2026, 8, 3), closed_at=None)  # open since before the month
    data = compute_report(world.elm, MONTH)
    assert (data["received"], data["closed"], data["open_at_end"]) == (0, 0, 1)
    assert data["time_to_close"] == {"closed": 0, "median_days": None, "p90_days": None}
    assert data["sla"]["share"] is None
    assert data["busiest"] == []
    assert all(day["received"] == day["closed"] == 0 for day in data["daily"])
    assert [row["name"]["en"] for row in data["departments"]] == ["Public Works", "Sanitation"]


def test_it_keeps_a_department_without_closures_with_no_time_to_close(world):
    make_request(world, requested_at=local(2026, 10, 5), department="sanitation")
    make_request(world, requested_at=local(2026, 10, 5), closed_at=local(2026, 10, 6, 12))
    rows = {row["name"]["en"]: row for row in compute_report(world.elm, MONTH)["departments"]}
    assert rows["Sanitation"]["received"] == 1 and rows["Sanitation"]["closed"] == 0
    assert rows["Sanitation"]["median_days"] is None and rows["Sanitation"]["sla_share"] is None
    assert rows["Public Works"]["median_days"] == pytest.approx(1.0)
    assert rows["Public Works"]["p90_days"] == pytest.approx(1.0)


def test_it_draws_month_boundaries_in_the_jurisdictions_time_zone(world):
    # 23:30 in Chicago on Oct 31 is already Nov 1 in UTC: it belongs to October.
    late = make_request(world, requested_at=local(2026, 10, 31, 23, 30), closed_at=local(2026, 10, 31, 23, 50))
    assert late.requested_at.astimezone(dt.timezone.utc).month == 11
    # 23:50 local on Sep 30 is Oct 1 in UTC, and 00:05 local on Nov 1 is still local November: neither counts.
    make_request(world, requested_at=local(2026, 9, 30, 23, 50))
    make_request(world, requested_at=local(2026, 11, 1, 0, 5))
    data = compute_report(world.elm, MONTH)
    assert data["received"] == 1 and data["closed"] == 1
    assert data["daily"][-1] == {"date": "2026-10-31", "received": 1, "closed": 1}
    assert data["period"] == {"start": "2026-10-01T00:00:00-05:00", "end": "2026-11-01T00:00:00-05:00"}


def test_it_counts_only_public_requests_and_sensitive_ones_without_place(world):
    make_request(world, requested_at=local(2026, 10, 2), **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), private=True, **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), service_type=world.records, **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), service_type=sensitive_type(world), **CANARY)
    data = compute_report(world.elm, MONTH)
    assert data["received"] == 2
    assert sorted(row["name"]["en"] for row in data["busiest"]) == ["Pothole", "Rodents"]
    text = repr(data)
    for value in CANARY.values():
        assert value not in text
    assert "Sealed records request" not in text

    def keys(value):
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        return {k for v in value for k in keys(v)} if isinstance(value, list) else set()

    assert not keys(data) & {"lat", "long", "address", "public_id", "description", "contact_email", "district"}


def test_it_reports_only_its_own_jurisdiction(world):
    make_request(world, requested_at=local(2026, 10, 2), jurisdiction=world.county, department="roads")
    data = compute_report(world.elm, MONTH)
    assert data["received"] == 0
    assert compute_report(world.county, MONTH)["received"] == 1


def test_it_compares_nothing_with_a_month_that_has_no_requests_at_all(world):
    for day in range(1, 8):
        make_request(world, requested_at=local(2026, 10, day))
    data = compute_report(world.elm, MONTH)
    assert data["comparable"] == {"previous": False, "last_year": False}
    assert all(not rows for group in data["changes"].values() for rows in group.values())
    make_request(world, requested_at=local(2026, 9, 3))
    data = compute_report(world.elm, MONTH)
    assert data["comparable"] == {"previous": True, "last_year": False}
    assert [(r["now"], r["then"], r["change"]) for r in data["changes"]["types"]["volume_previous"]] == [(7, 1, 6)]
