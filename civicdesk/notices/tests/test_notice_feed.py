"""The Atom feed of notices."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

from django.urls import reverse
from django.utils import timezone

from .helpers import make_notice

ATOM = "{http://www.w3.org/2005/Atom}"


def test_it_lists_started_published_notices_newest_first(client, world, django_assert_max_num_queries):
    make_notice(world, title_en="First")
    make_notice(world, kind="news", severity="info", title_en="Second")
    make_notice(world, publish=False, title_en="Draft")
    make_notice(world, title_en="Later", starts_at=timezone.now() + dt.timedelta(days=2), ends_at=None)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("notices:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Second", "Major disruption: First"]
    summary = next(feed.iter(f"{ATOM}entry")).find(f"{ATOM}summary").text
    assert "Water is off while crews work." in summary and "From " in summary
