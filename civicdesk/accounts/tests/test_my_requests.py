""""My requests": a signed-in resident sees their own requests and nobody else's."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

URL = reverse("accounts:my_requests")


def report(world, **overrides) -> ServiceRequest:
    data = dict(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    data.update(overrides)
    return services.submit_request(**data)


def listed(html: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a class="usa-link" href="/requests/[^"]+/">([^<]+)</a>', html)


def test_it_needs_a_signed_in_resident(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_it_lists_a_report_made_while_signed_in_on_the_web(client, world):
    client.force_login(world.alice)
    client.post(reverse("intake:details", args=["pothole"]), {
        "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "12 Oak Street",
        "attribute_depth": "shallow", "name": "Alice", "email": "alice@example.org"})
    mine = ServiceRequest.objects.get(reporter=world.alice)
    html = client.get(URL).content.decode()
    assert f'<a class="usa-link" href="/requests/{mine.public_id}/">{mine.public_id}</a>' in html
    assert "Pothole" in html and "12 Oak Street" in html and "Submitted" in html


def test_it_never_lists_anyone_elses_requests(client, world):
    mine = report(world, reporter=world.alice)
    mallorys = report(world, reporter=world.mallory, description="Mallory's report")
    anonymous_with_my_address = report(world, contact_email="alice@example.org")  # not verified: not linked
    client.force_login(world.alice)
    html = client.get(URL).content.decode()
    assert mine.public_id in html
    assert mallorys.public_id not in html and anonymous_with_my_address.public_id not in html

    client.force_login(world.mallory)
    html = client.get(URL).content.decode()
    assert mallorys.public_id in html and mine.public_id not in html


def test_it_says_so_when_there_is_nothing_yet(client, world):
    report(world, reporter=world.mallory)
    client.force_login(world.alice)
    html = client.get(URL).content.decode()
    assert "You have not reported anything yet." in html and 'href="/report/"' in html


def test_it_shows_the_current_status(client, world):
    mine = report(world, reporter=world.alice)
    services.transition(mine, world.statuses["fixed"], user=world.bob)
    client.force_login(world.alice)
    assert "Fixed" in client.get(URL).content.decode()


def test_it_pages_newest_first_with_bounded_queries(client, world, django_assert_max_num_queries):
    now = timezone.now()
    made = [report(world, reporter=world.alice, requested_at=now - dt.timedelta(hours=n)) for n in range(25)]
    client.force_login(world.alice)
    with django_assert_max_num_queries(6):  # 5, and the home jurisdiction named in the header
        first = client.get(URL).content.decode()
    assert listed(first) == [r.public_id for r in made[:20]] and "Page 1 of 2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert listed(second) == [r.public_id for r in made[20:]] and "Page 2 of 2" in second
