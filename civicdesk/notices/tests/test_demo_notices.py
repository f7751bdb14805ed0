"""The Riverbend demo shows one active disruption and one news item, and loading them twice adds nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.cities.riverbend import Riverbend, _DemoWorld
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.notices.models import ServiceNotice


@pytest.mark.django_db
def test_it_publishes_a_disruption_and_a_news_item_once(client, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=0)
    clear_caches()
    active = ServiceNotice.objects.active()
    assert sorted(active.values_list("kind", flat=True)) == ["disruption", "news"]
    disruption = active.get(kind="disruption")
    assert disruption.covers(40.1010, -88.9520) and not disruption.covers(40.0760, -88.9440)

    page = client.get(reverse("intake:details", args=["water-main-break"]), {"lat": 40.1010, "long": -88.9520})
    assert "Water main repair downtown" in page.content.decode()

    demo = _DemoWorld(jurisdictions={"riverbend": Jurisdiction.objects.get(slug="riverbend")})
    assert Riverbend()._seed_notices(demo, timezone.now()) == 0
    assert ServiceNotice.objects.count() == 2
