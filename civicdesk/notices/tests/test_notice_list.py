"""The public list of notices: current disruptions, news, what is coming up; never drafts."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from civicdesk.notices import services

from .helpers import make_notice


def test_it_lists_published_notices_by_section_without_drafts(client, world, django_assert_max_num_queries):
    now = timezone.now()
    make_notice(world, title_en="Road closed", districts=[world.west])
    make_notice(world, kind="news", severity="info", title_en="New recycling bins", area=None)
    services.end_early(make_notice(world, kind="news", title_en="Old news"), user=None)
    services.end_early(make_notice(world, title_en="Fixed already"), user=None)
    make_notice(world, title_en="Planned works", starts_at=now + dt.timedelta(days=3), ends_at=None)
    make_notice(world, publish=False, title_en="Secret draft")
    with django_assert_max_num_queries(6):
        page = client.get(reverse("notices:list")).content.decode()
    current = page[page.index("Current disruptions"):page.index('id="news-heading"')]
    news = page[page.index('id="news-heading"'):page.index("Coming up")]
    assert "Road closed" in current and "Major disruption" in current
    assert "New recycling bins" in news and "Old news" in news
    assert "Planned works" in page[page.index("Coming up"):]
    assert "Fixed already" not in page and "Secret draft" not in page
    assert reverse("notices:feed") in page


def test_it_says_so_when_nothing_is_disrupted(client, world):
    page = client.get(reverse("notices:list")).content.decode()
    assert "No services are disrupted right now." in page
