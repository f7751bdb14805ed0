"""GET services.{xml,json}: the public catalogue of one jurisdiction."""

from __future__ import annotations

from civicdesk.catalog.models import ServiceType

from .conftest import ELM


def test_it_lists_public_active_types_with_the_spec_fields(api, world):
    answer = api.get("services.json", {"jurisdiction_id": ELM})
    assert answer.status == 200
    by_code = {service["service_code"]: service for service in answer.doc}
    assert set(by_code) == {"pothole", "missed-collection", "graffiti"}
    assert by_code["pothole"] == {
        "service_code": "pothole", "service_name": "Pothole", "description": "A hole in the road surface",
        "metadata": True, "type": "realtime", "keywords": "hole,road,asphalt", "group": "Streets",
    }
    assert by_code["graffiti"]["metadata"] is False
    assert by_code["graffiti"]["description"] is None and by_code["graffiti"]["keywords"] is None


def test_it_leaves_out_private_inactive_and_elsewhere_types(api, world):
    world.graffiti.is_active = False
    world.graffiti.save()
    county_only = ServiceType.objects.create(code="county-ditch", name="Ditch")
    county_only.jurisdictions.add(world.county)
    codes = [s["service_code"] for s in api.get("services.json", {"jurisdiction_id": ELM}).doc]
    assert codes == ["pothole", "missed-collection"]
    county = [s["service_code"] for s in api.get("services.json", {"jurisdiction_id": "maple.example.gov"}).doc]
    assert "county-ditch" in county and "records" not in county


def test_it_writes_xml_with_real_booleans_and_empty_elements(api, world):
    answer = api.get("services.xml", {"jurisdiction_id": ELM})
    body = answer.response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?><services><service><service_code>graffiti<')
    assert "<metadata>true</metadata><type>realtime</type>" in body
    graffiti = next(s for s in answer.doc["service"] if s["service_code"] == "graffiti")
    assert graffiti["metadata"] == "false" and graffiti["keywords"] is None
    assert graffiti["group"] == ["Streets"]  # FixMyStreet forces <group> into a list


def test_it_needs_the_jurisdiction_when_it_serves_several(api, world):
    answer = api.get("services.json")
    assert answer.status == 400
    assert answer.doc == [{"code": 400, "description": "jurisdiction_id was not provided."}]


def test_it_takes_the_only_jurisdiction_when_jurisdiction_id_is_absent_or_empty(api, world):
    world.county.is_active = False
    world.county.save()
    assert api.get("services.json").status == 200
    assert api.get("services.json", {"jurisdiction_id": ""}).status == 200


def test_it_answers_an_unknown_jurisdiction_with_404(api, world):
    answer = api.get("services.xml", {"jurisdiction_id": "nowhere.example.gov"})
    assert answer.status == 404
    assert answer.doc == {"error": [{"code": "404",
                                     "description": "jurisdiction_id nowhere.example.gov was not found."}]}


def test_it_lists_services_in_a_constant_number_of_queries(api, world, django_assert_max_num_queries):
    for n in range(30):
        ServiceType.objects.create(code=f"extra-{n}", name=f"Extra {n}", group=world.pothole.group)
    with django_assert_max_num_queries(3):
        assert len(api.get("services.json", {"jurisdiction_id": ELM}).doc) == 33
