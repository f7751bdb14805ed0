"""1,000 requests created through the API, read back by window, status and code, page by page: none lost,
none repeated, even where a page edge falls between requests made in the same second."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import time_machine

from .conftest import ELM, pothole_form

START = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.timezone.utc)
TOTAL = 1000
SAME_SECOND = 4  # requests sharing one requested_datetime, so page edges cut through ties
PAGE_SIZE = 37   # not a multiple of SAME_SECOND
CODES = ["pothole", "graffiti", "missed-collection"]


def _form(key: str, n: int) -> dict:
    code = CODES[n % 3]
    extra = {"attribute[depth]": "deep" if code == "pothole" else None,
             "email": "resident@example.org" if code == "missed-collection" else None}
    # Each at its own spot in East Elm, as real reports are: no two are duplicate candidates of each other.
    lat, long = 2.05 + (n % 45) * 0.04, 3.02 + (n // 45) * 0.04
    return pothole_form(key, service_code=code, description=f"Round trip {n}", lat=f"{lat:.6f}", long=f"{long:.6f}",
                        **extra)


def _read_all(api, fmt: str, **filters) -> list[dict]:
    """Every page of one query, until an empty page."""
    found, page = [], 1
    while True:
        answer = api.get(f"requests.{fmt}", {"jurisdiction_id": ELM, "page": page, "page_size": PAGE_SIZE, **filters})
        assert answer.status == 200
        items = answer.doc if fmt == "json" else answer.doc.get("request", [])
        if not items:
            return found
        assert len(items) <= PAGE_SIZE
        found += items
        page += 1


def test_it_round_trips_a_thousand_requests_through_every_filter_and_page(api, world, key):
    created = {}
    for n in range(TOTAL):
        when = START + dt.timedelta(minutes=41) * (n // SAME_SECOND)  # about 7 days in all
        with time_machine.travel(when, tick=False):
            answer = api.post("requests.json", _form(key, n))
            assert answer.status == 200, answer.doc
            public_id = answer.doc[0]["service_request_id"]
            status = "open"
            if n % 5 == 0:
                closed = api.post("servicerequestupdates.json", {
                    "api_key": key, "jurisdiction_id": ELM, "service_request_id": public_id, "update_id": f"c{n}",
                    "status": "CLOSED", "updated_datetime": when.isoformat(), "description": "Done"})
                assert closed.status == 200, closed.doc
                status = "closed"
        created[public_id] = (CODES[n % 3], status, when)
    assert len(created) == TOTAL

    end = START + dt.timedelta(minutes=41) * (TOTAL // SAME_SECOND)
    windows = [(START + dt.timedelta(days=d), START + dt.timedelta(days=d + 2) - dt.timedelta(microseconds=1))
               for d in range(0, (end - START).days + 1, 2)]
    seen = Counter()
    with time_machine.travel(end + dt.timedelta(days=1), tick=False):
        for first, last in windows:
            for status in ("open", "closed"):
                for code in CODES:
                    items = _read_all(api, "json", status=status, service_code=code,
                                      start_date=first.isoformat(), end_date=last.isoformat())
                    times = [dt.datetime.fromisoformat(i["requested_datetime"]) for i in items]
                    assert times == sorted(times, reverse=True)
                    for item, when in zip(items, times):
                        assert created[item["service_request_id"]][:2] == (code, status)
                        assert first <= when <= last
                        seen[item["service_request_id"]] += 1
        assert set(seen) == set(created), f"lost: {len(set(created) - set(seen))}"
        assert max(seen.values()) == 1, "a request came back twice"

        # The same thousand once more, unfiltered, in XML: one window (the spec's default of 90 days).
        everything = _read_all(api, "xml")
        assert len(everything) == TOTAL == len({item["service_request_id"] for item in everything})
        assert Counter(item["status"] for item in everything) == Counter(s for _, s, _ in created.values())
