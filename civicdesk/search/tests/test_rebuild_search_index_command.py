"""manage.py rebuild_search_index: the index made to match every source, from scratch or per source."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from civicdesk.notices.tests.helpers import make_notice
from civicdesk.search.models import SearchEntry


def test_it_writes_every_public_page_and_says_how_many(world):
    make_notice(world, title_en="Leaf collection")
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    count = SearchEntry.objects.count()
    assert count > 2 and f"{count} entries" in out.getvalue()
    call_command("rebuild_search_index", "--from-scratch", "--source", "notices.servicenotice", stdout=out)
    assert SearchEntry.objects.count() == count
    assert f"{len(settings.LANGUAGES)} added" in out.getvalue().splitlines()[-1]


def test_it_refuses_an_unknown_source(world):
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("rebuild_search_index", "--source", "nope.nothing", stderr=err)
    assert "Unknown source nope.nothing" in err.getvalue() and "notices.servicenotice" in err.getvalue()
