"""GET /map/: the map page with its filters, a labelled map container and the link to the list."""

from __future__ import annotations

from django.utils.http import urlencode

from civicdesk.cities import city


def test_it_shows_the_map_container_labelled_and_the_list_link(client, world):
    response = client.get("/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="requests-map"' in html and 'aria-label="Map of requests"' in html and 'role="region"' in html
    assert 'href="/map/list/"' in html
    assert 'data-cells-url="/map/cells.json"' in html
    lat, long, zoom = city().map_center
    assert f'data-zoom="{zoom}"' in html
    assert "publicmap/requests_map" in html
    # Every kind of problem the public may report is a filter; private ones are not.
    assert 'value="pothole"' in html and 'value="records"' not in html


def test_it_keeps_the_filters_in_the_links_it_shares(client, world):
    query = urlencode([("type", "pothole"), ("type", "graffiti"), ("status", "open"), ("district", world.west.pk),
                       ("department", world.public_works.pk), ("from", "2026-01-01"), ("to", "2026-02-01")])
    html = client.get(f"/map/?{query}").content.decode()
    shared = ("type=graffiti&amp;type=pothole&amp;status=open&amp;district=%s&amp;department=%s"
              "&amp;from=2026-01-01&amp;to=2026-02-01" % (world.west.pk, world.public_works.pk))
    assert f'href="/map/list/?{shared}"' in html
    assert f'data-query="{shared}"' in html
    assert 'value="graffiti" id="filter-type_' in html.replace("\n", "")
    assert html.count("checked") == 2


def test_it_says_what_is_wrong_with_a_filter(client, world):
    response = client.get("/map/", {"from": "2026-03-01", "to": "2026-02-01"})
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()


def test_it_is_linked_from_every_page(client, world):
    assert 'href="/map/"' in client.get("/").content.decode()


def test_it_opens_where_a_shared_link_points(client, world):
    html = client.get("/map/", {"lat": "40.01234", "long": "-75.5", "zoom": "16", "status": "open"}).content.decode()
    assert 'data-lat="40.012340"' in html and 'data-long="-75.500000"' in html and 'data-zoom="16"' in html
    # The position is not a filter: the list link and the cells' query carry the filters only.
    assert 'data-query="status=open"' in html


def test_it_opens_on_the_city_when_a_shared_position_is_mangled(client, world):
    lat, long, zoom = city().map_center
    for position in ({"lat": "91", "long": "0", "zoom": "12"}, {"lat": "40", "long": "-75", "zoom": "25"},
                     {"lat": "nan-ish", "long": "-75", "zoom": "12"}, {"lat": "40", "long": "-75"}):
        response = client.get("/map/", position)
        assert response.status_code == 200
        assert f'data-zoom="{zoom}"' in response.content.decode()
