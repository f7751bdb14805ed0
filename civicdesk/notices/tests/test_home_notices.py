"""Active notices on the home page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from civicdesk.notices import services

from .helpers import make_notice


def test_it_shows_active_notices_only_with_their_severity_in_words(client, world, django_assert_max_num_queries):
    make_notice(world, title_en="Road closed")
    make_notice(world, kind="news", severity="info", title_en="New recycling bins")
    make_notice(world, publish=False, title_en="Secret draft")
    make_notice(world, title_en="Planned works", starts_at=timezone.now() + dt.timedelta(days=1), ends_at=None)
    services.end_early(make_notice(world, title_en="Fixed already"), user=None)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("core:home")).content.decode()
    section = page[page.index('data-testid="home-notices"'):page.index('id="track-heading"')]
    assert "Road closed" in section and "Major disruption" in section and "usa-alert--error" in section
    assert "New recycling bins" in section and "News" in section
    for hidden in ("Secret draft", "Planned works", "Fixed already"):
        assert hidden not in page


def test_it_shows_no_notice_section_when_there_is_none(client, world):
    assert 'data-testid="home-notices"' not in client.get(reverse("core:home")).content.decode()
