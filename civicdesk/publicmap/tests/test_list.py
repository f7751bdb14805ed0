"""GET /map/list/: the map's requests as a table, newest first, keyset-paged, the same filters, no JavaScript."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from civicdesk.publicmap import services

from .helpers import make_request, sensitive_type


def tracking_numbers(html: str) -> list[str]:
    return re.findall(r'<a class="usa-link cd-tracking-number" href="/requests/([^/]+)/">', html)


def test_it_lists_public_requests_newest_first_with_their_public_fields(client, world):
    older = make_request(world, ago=dt.timedelta(days=2))
    newer = make_request(world, service_type=world.graffiti, district=world.east, address="",
                         status=world.statuses["fixed"])
    response = client.get("/map/list/")
    assert response.status_code == 200
    html = response.content.decode()
    assert tracking_numbers(html) == [newer.public_id, older.public_id]
    assert "12 Oak Street (West Elm)" in html and "East Elm" in html
    assert "Graffiti" in html and "Fixed" in html and "Submitted" in html
    assert 'href="/map/"' in html


def test_it_names_the_district_never_the_address_of_a_sensitive_request(client, world):
    make_request(world, service_type=sensitive_type(world), address="77 Hidden Lane")
    html = client.get("/map/list/").content.decode()
    assert "Rodents" in html and "West Elm" in html and "77 Hidden Lane" not in html


def test_it_pages_by_keyset_without_missing_or_repeating_a_request(client, world, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 3)
    same_moment = timezone.now() - dt.timedelta(hours=5)  # four requests at one instant: the id breaks the tie
    made = [make_request(world, requested_at=same_moment) if i < 4 else make_request(world, ago=dt.timedelta(hours=i))
            for i in range(8)]
    seen, url, pages = [], "/map/list/?status=open", 0
    while url:
        html = client.get(url).content.decode()
        seen += tracking_numbers(html)
        pages += 1
        found = re.search(r'href="(/map/list/\?[^"]*after=[^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
        if url:
            assert "status=open" in url
    assert pages == 3
    assert sorted(seen) == sorted(sr.public_id for sr in made) and len(seen) == len(set(seen))


def test_it_filters_like_the_map(client, world):
    make_request(world)
    kept = make_request(world, service_type=world.graffiti, district=world.east)
    html = client.get("/map/list/", {"type": "graffiti", "district": world.east.pk}).content.decode()
    assert tracking_numbers(html) == [kept.public_id]
    assert 'href="/map/?type=graffiti&amp;district=%s"' % world.east.pk in html


def test_it_refuses_a_cursor_it_cannot_read(client, world):
    response = client.get("/map/list/", {"after": "not-a-cursor"})
    assert response.status_code == 400
    assert "That page link is not valid" in response.content.decode()


def test_it_makes_the_same_few_queries_however_many_rows(client, world, django_assert_max_num_queries):
    for i in range(40):
        make_request(world, service_type=world.graffiti if i % 2 else world.pothole,
                     district=world.east if i % 3 else world.west)
    # Form choices (types, districts, departments), the types, the page; the session and home jurisdiction.
    with django_assert_max_num_queries(8):
        html = client.get("/map/list/").content.decode()
    assert len(tracking_numbers(html)) == 40
