"""Step 1 of the web report, the category page: grouped, public only, searchable without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from civicdesk.catalog.models import ServiceGroup, ServiceType

URL = reverse("intake:start")


def group_headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', html)


def category_links(html: str) -> list[str]:
    return re.findall(r'href="/report/([^/"]+)/"', html)


def test_it_lists_public_types_under_their_groups_in_order(client, world):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert group_headings(html) == ["Streets", "Trash and recycling"]
    streets, waste = html.split('id="group-2"')
    assert "Pothole" in streets and "Graffiti" in streets and "Missed collection" not in streets
    assert "Missed collection" in waste
    assert "A hole in the road surface" in streets  # the description helps residents choose


def test_it_hides_private_and_inactive_types(client, world):
    ServiceType.objects.create(code="old-bins", name="Old bin exchange", group=world.garbage.group, is_active=False)
    html = client.get(URL).content.decode()
    assert "records" not in category_links(html) and "Sealed records request" not in html
    assert "old-bins" not in category_links(html) and "Old bin exchange" not in html
    assert sorted(category_links(html)) == ["graffiti", "missed-collection", "pothole"]


def test_it_puts_types_without_a_group_under_other(client, world):
    ServiceType.objects.create(code="noise", name="Noise complaint")
    html = client.get(URL).content.decode()
    assert group_headings(html)[-1] == "Other"
    assert html.index("Noise complaint") > html.index(">Other<")


@pytest.mark.parametrize(("query", "found"), [
    ("pothole", ["pothole"]),            # English name
    ("ASPHALT", ["pothole"]),            # English keyword, any case
    ("road surface", ["pothole"]),       # every word must match, across fields
    ("bache", ["pothole"]),              # Spanish name
    ("recogida", ["missed-collection"]),  # Spanish name of another type
    ("socavón", ["pothole"]),            # Spanish keyword (set below)
])
def test_it_searches_english_and_spanish_names_and_keywords(client, world, query, found):
    world.pothole.keywords_es = "socavón, hoyo, calle"
    world.pothole.save()
    response = client.get(URL, {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert category_links(html) == found
    assert "1 match for “" in html


def test_it_never_finds_private_types(client, world):
    html = client.get(URL, {"q": "records"}).content.decode()
    assert category_links(html) == []
    assert "Nothing matches that search" in html
    assert "0 matches for “records”" in html


def test_it_works_without_javascript(client, world):
    # The search is a plain GET form and each category a plain link to the next step.
    html = client.get(URL, {"q": "graffiti"}).content.decode()
    assert re.search(r'<form method="get"[^>]*role="search"', html)
    assert 'name="q" value="graffiti"' in html
    assert 'href="/report/graffiti/"' in html
    assert 'href="/report/"' in html  # "Show everything" clears the search


def test_it_escapes_the_search_text(client, world):
    html = client.get(URL, {"q": '<script>alert("x")</script>'}).content.decode()
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;" in html


def test_it_shows_spanish_names_to_spanish_readers(client, world):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in html
    assert "Bache" in html and "Calles" in html and "Recogida no realizada" in html


def test_it_uses_the_same_few_queries_however_long_the_catalogue(client, world, django_assert_max_num_queries):
    # The catalogue, and the home jurisdiction named in the header; and the configuration generation in the
    # page's validator (core/conditional.py).
    with django_assert_max_num_queries(3) as small:
        client.get(URL)
    group = ServiceGroup.objects.create(name="Parks", order=3)
    for number in range(20):
        ServiceType.objects.create(code=f"parks-{number}", name=f"Park problem {number}", group=group)
    with django_assert_max_num_queries(3) as large:
        html = client.get(URL).content.decode()
    assert len(category_links(html)) == 23
    assert len(large.captured_queries) == len(small.captured_queries)


# --- emergencies typed into the search --------------------------------------------------------------

@pytest.mark.parametrize("query", ["gas leak", "smell gas", "gasleak", "huele a gas", "downed power line"])
def test_it_says_call_911_when_the_search_reads_like_an_emergency(client, world, query):
    from civicdesk.triage.services import load_emergency_phrases

    load_emergency_phrases()
    html = client.get(URL, {"q": query}).content.decode()
    alert = html.split('id="search-emergency"', 1)[1].split("</div>\n</div>", 1)[0]
    assert 'role="alert"' in html.split('id="search-emergency"', 1)[0][-200:] + alert[:200]
    assert " hidden>" not in alert[:120]
    assert 'Call <a class="usa-link cd-tel" href="tel:911">911</a> now.' in alert
    assert "0 matches for" in html or "match" in html


def test_it_keeps_the_911_alert_hidden_for_ordinary_searches(client, world):
    from civicdesk.triage.services import load_emergency_phrases

    load_emergency_phrases()
    for query in ["fire hydrant leaking", "pothole", ""]:
        html = client.get(URL, {"q": query}).content.decode()
        assert re.search(r'id="search-emergency"[^>]*\shidden>', html), query


def test_it_uses_the_jurisdictions_shared_emergency_number(client, world):
    from civicdesk.jurisdictions.models import Jurisdiction

    Jurisdiction.objects.update(emergency_number="112")
    html = client.get(URL, {"q": "there is a fire in the bin"}).content.decode()
    assert 'href="tel:112">112</a>' in html


def test_it_ranks_a_forgiving_search_first(client, world):
    html = client.get(URL, {"q": "potholes on my street"}).content.decode()
    assert category_links(html)[0] == "pothole"
    assert client.get(URL, {"q": "grafitti"}).context["results"][0] == world.graffiti
