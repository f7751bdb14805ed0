"""The home page: report, track, common requests, and recent public requests only."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from civicdesk.catalog.models import ServiceType
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

URL = reverse("core:home")


def recent_links(html: str) -> list[str]:
    section = html.split('id="recent-heading"')[1]
    return re.findall(r'href="/requests/([^/"]+)/"', section)


def report(world, **overrides):
    data = dict(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    data.update(overrides)
    return services.submit_request(**data)


def test_it_offers_reporting_tracking_and_the_emergency_number(client, world):
    html = client.get(URL).content.decode()
    assert 'href="/report/"' in html
    assert 'action="/requests/"' in html
    assert 'In an emergency, call <a class="usa-link cd-tel" href="tel:911">911</a>.' in html  # a link that dials it


def test_it_lists_common_public_types_only(client, world):
    ServiceType.objects.create(code="retired", name="Retired service", is_active=False)
    html = client.get(URL).content.decode()
    section = html.split('id="popular-heading"')[1].split("</section>")[0]
    assert re.findall(r'href="/report/([^/"]+)/"', section) == ["pothole", "graffiti", "missed-collection"]


def test_it_shows_recent_public_requests_newest_first(client, world):
    older = report(world, requested_at=timezone.now() - dt.timedelta(hours=2), address="1 Elm Row")
    newer = report(world, service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                   attributes={"depth": "deep"})
    services.transition(older, world.statuses["fixed"], user=world.bob)
    html = client.get(URL).content.decode()
    assert recent_links(html) == [newer.public_id, older.public_id]
    assert "12 Oak Street" in html and "1 Elm Row" in html
    assert 'cd-tag--closed">Fixed<' in html and 'cd-tag--open">Submitted<' in html


def test_it_never_shows_private_requests_or_private_types(client, world):
    public = report(world)
    private = report(world, description="Private matter")
    private.is_private = True
    private.save(update_fields=["is_private"])
    records = report(world, service_type=world.records, contact_email="zed@example.org")
    html = client.get(URL).content.decode()
    assert recent_links(html) == [public.public_id]
    assert private.public_id not in html and records.public_id not in html
    assert "Sealed records request" not in html


def test_it_never_shows_who_reported(client, world):
    report(world, contact_name="Zed Quimby", contact_email="zed@example.org", contact_phone="555-0199",
           description="Tag near Zed's house")
    html = client.get(URL).content.decode()
    assert "Quimby" not in html and "zed@example.org" not in html and "555-0199" not in html
    assert "Tag near" not in html  # descriptions stay on the tracking page


def test_it_shows_at_most_eight_recent_requests(client, world):
    for _ in range(10):
        report(world)
    assert len(recent_links(client.get(URL).content.decode())) == 8


def test_it_says_so_when_nothing_was_reported_yet(client, world):
    assert "No requests yet." in client.get(URL).content.decode()


def test_it_uses_the_same_queries_however_many_requests(client, world, django_assert_max_num_queries):
    report(world)
    # Popular types, recent requests, active service notices, the home jurisdiction named in the header; and
    # the page's validator (core/conditional.py): newest change, notices shown, configuration generation.
    with django_assert_max_num_queries(7) as one:
        client.get(URL)
    for _ in range(19):
        report(world, service_type=world.pothole, attributes={"depth": "deep"})
    with django_assert_max_num_queries(7) as twenty:
        html = client.get(URL).content.decode()
    assert len(recent_links(html)) == 8
    assert len(twenty.captured_queries) == len(one.captured_queries)
