"""Step 2 of the web report, the location: a pin or an address, and "Already reported?"."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from civicdesk.jurisdictions.models import AddressPoint
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, IN_WEST_ELM, OUTSIDE_EVERYTHING

POTHOLE_WHERE = reverse("intake:where", args=["pothole"])
POTHOLE_DETAILS = reverse("intake:details", args=["pothole"])
# About 10 m north of IN_WEST_ELM: well inside the pothole type's 50 m duplicate radius.
NEAR_WEST_ELM = (IN_WEST_ELM[0] + 0.00009, IN_WEST_ELM[1])


def report_pothole(world, lat_long=IN_WEST_ELM, **overrides):
    data = dict(service_type=world.pothole, lat=lat_long[0], long=lat_long[1], attributes={"depth": "deep"},
                description="Deep hole in the cycle lane")
    data.update(overrides)
    return services.submit_request(**data)


def details_query(response) -> dict[str, str]:
    """The query string of a redirect to the details step, one value per key."""
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == POTHOLE_DETAILS
    return {key: values[0] for key, values in parse_qs(target.query, keep_blank_values=True).items()}


def test_it_shows_the_address_form_and_the_map_outlines(client, world):
    response = client.get(POTHOLE_WHERE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="address"' in html and 'id="map"' in html
    assert '"Town of Elm"' in html and '"West Elm"' in html  # outlines for the map, as JSON


def test_it_continues_to_details_with_the_pinned_position_and_nearest_address(client, world):
    response = client.get(POTHOLE_WHERE, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]})
    query = details_query(response)
    assert (float(query["lat"]), float(query["long"])) == IN_WEST_ELM
    assert query["address"] == "12 Oak Street" and query["address_id"] == "A1"


def test_it_continues_with_a_pin_far_from_any_known_address(client, world):
    query = details_query(client.get(POTHOLE_WHERE, {"lat": IN_EAST_ELM[0], "long": IN_EAST_ELM[1]}))
    assert (float(query["lat"]), float(query["long"])) == IN_EAST_ELM
    assert query["address"] == "" and query["address_id"] == ""


def test_it_matches_a_typed_address_despite_a_typo_and_asks_is_this_right(client, world):
    response = client.get(POTHOLE_WHERE, {"address": "12 Oak Stret"})
    html = response.content.decode()
    assert response.status_code == 200  # not straight on to the next step
    assert "Is this the right place?" in html
    assert '<p class="cd-confirm__address" data-testid="resolved-address"><strong>12 Oak Street</strong></p>' in html
    assert 'data-pin-lat="3.000100"' in html and 'data-readonly="1"' in html
    assert "Looked after by Town of Elm." in html
    assert 'href="/report/pothole/?change=1&amp;address=12+Oak+Stret"' in html
    query = details_query(client.get(POTHOLE_WHERE, {"address": "12 Oak Street", "address_id": "A1",
                                                     "confirmed": "1"}))
    assert query["address"] == "12 Oak Street" and query["address_id"] == "A1"
    assert (float(query["lat"]), float(query["long"])) == (3.0001, 2.5001)


def test_it_shows_the_typed_address_again_to_change_it(client, world):
    html = client.get(POTHOLE_WHERE, {"change": "1", "address": "12 Oak Stret"}).content.decode()
    assert 'value="12 Oak Stret"' in html and "Is this the right place?" not in html
    assert 'role="alert"' not in html


def test_it_offers_did_you_mean_choices_naming_another_jurisdiction(client, world):
    AddressPoint.objects.create(address_id="N7", number="7", street="N Birch St", full_address="7 N Birch St",
                                jurisdiction=world.elm, lat=3.0003, long=2.5003)
    AddressPoint.objects.create(address_id="S7", number="7", street="S Birch St", full_address="7 S Birch St",
                                jurisdiction=world.county, lat=IN_COUNTY_ONLY[0], long=IN_COUNTY_ONLY[1])
    response = client.get(POTHOLE_WHERE, {"address": "7 Brich St"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Did you mean…?" in html and "Is this the right place?" not in html
    assert 'value="N7"' in html and 'value="S7"' in html
    assert "7 S Birch St <span class=\"cd-other-jurisdiction\">(looked after by Maple County)</span>" in html
    # Choosing one shows it on the map to confirm; it is not filed or continued yet.
    chosen = client.get(POTHOLE_WHERE, {"address": "7 Brich St", "address_id": "S7"}).content.decode()
    assert "Is this the right place?" in chosen and "Looked after by Maple County." in chosen


def test_it_never_continues_with_a_guess(client, world):
    # The only Oak Street address numbers are 12 and 14: "13 Oak Street" is not silently one of them.
    response = client.get(POTHOLE_WHERE, {"address": "13 Oak Street"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no number 13 on Oak Street" in html and "Did you mean…?" in html


def test_it_lists_open_public_reports_near_the_pin_without_personal_data(client, world):
    existing = report_pothole(world, contact_name="Zed Quimby", contact_email="zed@example.org")
    hidden = report_pothole(world, description="private one")
    hidden.is_private = True
    hidden.save(update_fields=["is_private"])
    html = client.get(reverse("intake:where", args=["graffiti"]),
                      {"change": "1", "lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}).content.decode()
    assert "Open reports near here" in html
    listed = html.split('id="reports-near-list"')[1].split("</ul>")[0]
    assert f'href="/requests/{existing.public_id}/"' in listed and hidden.public_id not in listed
    assert "Zed" not in listed


def test_it_explains_when_a_typed_address_is_unknown(client, world):
    response = client.get(POTHOLE_WHERE, {"address": "99 Nowhere Lane"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find “99 Nowhere Lane” in the city&#x27;s address list" in html
    assert 'value="99 Nowhere Lane"' in html  # what they typed is kept to correct


def test_it_asks_for_a_location_when_none_is_given(client, world):
    html = client.get(POTHOLE_WHERE, {"address": ""}).content.decode()
    assert "Tell us where the problem is" in html


def test_it_names_the_jurisdictions_we_serve_for_a_pin_outside_them_all(client, world):
    response = client.get(POTHOLE_WHERE, {"lat": OUTSIDE_EVERYTHING[0], "long": OUTSIDE_EVERYTHING[1]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "outside the area we serve" in html
    assert "Maple County" in html and "Town of Elm" in html
    assert 'role="alert"' in html


def test_it_refuses_coordinates_that_are_not_on_the_map(client, world):
    # lat and long are hidden inputs the map fills in, so the message must show at the top.
    for lat, long in [("95", "3"), ("north", "3"), ("3", "200")]:
        html = client.get(POTHOLE_WHERE, {"lat": lat, "long": long}).content.decode()
        alert = html.split('data-testid="error-summary"')[1].split("</ul>")[0]
        assert "The location is not a valid map position." in alert


def test_it_accepts_a_pin_in_the_county_outside_the_town(client, world):
    query = details_query(client.get(POTHOLE_WHERE, {"lat": IN_COUNTY_ONLY[0], "long": IN_COUNTY_ONLY[1]}))
    assert (float(query["lat"]), float(query["long"])) == IN_COUNTY_ONLY


def test_it_offers_open_reports_of_the_same_problem_nearby(client, world):
    existing = report_pothole(world)
    response = client.get(POTHOLE_WHERE, {"lat": NEAR_WEST_ELM[0], "long": NEAR_WEST_ELM[1]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Already reported?" in html
    assert f'action="/requests/{existing.public_id}/support"' in html
    assert f'href="/requests/{existing.public_id}/"' in html
    assert "Deep hole in the cycle lane" in html and "10 m away" in html
    continue_link = html.split("No, mine is a different problem")[0].rsplit('href="', 1)[1].split('"')[0]
    assert continue_link.replace("&amp;", "&").startswith(POTHOLE_DETAILS + "?lat=3.000090&long=2.500000")


def test_it_never_shows_contact_details_of_nearby_reports(client, world):
    report_pothole(world, contact_name="Zed Quimby", contact_email="zed@example.org", contact_phone="555-0199")
    html = client.get(POTHOLE_WHERE, {"lat": NEAR_WEST_ELM[0], "long": NEAR_WEST_ELM[1]}).content.decode()
    assert "Already reported?" in html
    assert "Zed" not in html and "zed@example.org" not in html and "555-0199" not in html


def test_it_continues_past_nearby_reports_when_asked(client, world):
    report_pothole(world)
    response = client.get(POTHOLE_WHERE, {"lat": NEAR_WEST_ELM[0], "long": NEAR_WEST_ELM[1], "skip_nearby": "1"})
    query = details_query(response)
    assert float(query["lat"]) == NEAR_WEST_ELM[0]


def test_it_does_not_offer_closed_reports(client, world):
    existing = report_pothole(world)
    services.transition(existing, world.statuses["fixed"], user=world.bob)
    details_query(client.get(POTHOLE_WHERE, {"lat": NEAR_WEST_ELM[0], "long": NEAR_WEST_ELM[1]}))


def test_it_does_not_offer_private_reports(client, world):
    existing = report_pothole(world)
    existing.is_private = True
    existing.save(update_fields=["is_private"])
    details_query(client.get(POTHOLE_WHERE, {"lat": NEAR_WEST_ELM[0], "long": NEAR_WEST_ELM[1]}))


def test_it_does_not_offer_reports_of_another_type_or_beyond_the_radius(client, world):
    services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    report_pothole(world, lat_long=(IN_WEST_ELM[0] + 0.001, IN_WEST_ELM[1]))  # about 110 m away
    details_query(client.get(POTHOLE_WHERE, {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]}))


def test_it_never_offers_duplicates_for_a_type_with_no_radius(client, world):
    services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1])
    response = client.get(reverse("intake:where", args=["graffiti"]), {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1]})
    assert response.status_code == 302


def test_it_404s_for_private_inactive_and_unknown_types(client, world):
    world.graffiti.is_active = False
    world.graffiti.save()
    for code in ["records", "graffiti", "no-such-thing"]:
        assert client.get(reverse("intake:where", args=[code])).status_code == 404


def test_it_offers_sensitive_reports_only_from_the_same_snapped_square_and_without_a_distance(client, world):
    from civicdesk.catalog.models import ServiceType
    from civicdesk.lib.geo import snap_to_grid

    rodents = ServiceType.objects.create(code="rodents", name="Rodents", is_sensitive=True, duplicate_radius_m=50)
    # Two reports 20 m apart on either side of a grid line: a "within 50 m" list would show the other one.
    same_square = services.submit_request(service_type=rodents, lat=3.0014, long=2.5065, address="12 Oak Street")
    next_square = services.submit_request(service_type=rodents, lat=3.0017, long=2.5065)
    assert snap_to_grid(3.0014, 2.5065) != snap_to_grid(3.0017, 2.5065)
    html = client.get(reverse("intake:where", args=["rodents"]), {"lat": 3.0012, "long": 2.5066}).content.decode()
    already = html.split('id="nearby-heading"')[1].split('id="reports-near-heading"')[0]
    assert same_square.public_id in already and next_square.public_id not in already
    assert "in the same area (about 500 meters across)" in already
    assert " m away" not in already and "12 Oak Street" not in html
