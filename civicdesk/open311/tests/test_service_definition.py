"""GET services/{service_code}.{xml,json}: a service type's questions."""

from __future__ import annotations

from civicdesk.catalog.models import AttributeValue, ServiceAttribute

from .conftest import ELM


def test_it_describes_the_questions_with_their_choices(api, world):
    answer = api.get("services/pothole.json", {"jurisdiction_id": ELM})
    assert answer.status == 200
    assert answer.doc == {"service_code": "pothole", "attributes": [{
        "variable": True, "code": "depth", "datatype": "singlevaluelist", "required": True,
        "datatype_description": None, "order": 1, "description": "How deep is it?",
        "values": [{"key": "shallow", "name": "Shallow (under 5 cm)"}, {"key": "deep", "name": "Deep (5 cm or more)"}],
    }]}


def test_it_numbers_questions_from_one_in_asking_order(api, world):
    ServiceAttribute.objects.create(service_type=world.pothole, code="note", description="Read this first",
                                    variable=False, order=0)
    ServiceAttribute.objects.create(service_type=world.pothole, code="lanes", description="Lanes blocked?",
                                    datatype="multivaluelist", order=1)
    attributes = api.get("services/pothole.json", {"jurisdiction_id": ELM}).doc["attributes"]
    assert [(a["code"], a["order"]) for a in attributes] == [("note", 1), ("depth", 2), ("lanes", 3)]
    assert attributes[0]["variable"] is False and "values" not in attributes[0]
    assert attributes[2]["values"] == []


def test_it_groups_attributes_and_values_for_fixmystreet(api, world):
    lanes = ServiceAttribute.objects.create(service_type=world.pothole, code="lanes", description="Which lanes?",
                                            datatype="multivaluelist", order=5)
    AttributeValue.objects.create(attribute=lanes, key="1", name="Left")
    doc = api.get("services/pothole.xml", {"jurisdiction_id": ELM}).doc
    assert doc["service_code"] == "pothole"
    assert [a["code"] for a in doc["attributes"]] == ["depth", "lanes"]
    assert doc["attributes"][0]["required"] == "true"
    assert doc["attributes"][1]["values"] == [{"key": "1", "name": "Left"}]


def test_it_answers_a_type_without_questions_with_an_empty_list(api, world):
    assert api.get("services/graffiti.json", {"jurisdiction_id": ELM}).doc == {"service_code": "graffiti",
                                                                                 "attributes": []}
    assert b"<attributes/>" in api.get("services/graffiti.xml", {"jurisdiction_id": ELM}).response.content


def test_it_answers_unknown_private_and_malformed_codes_with_404(api, world):
    for code in ["no-such-type", "records", "pot.hole", "%20"]:
        answer = api.get(f"services/{code}.json", {"jurisdiction_id": ELM})
        assert answer.status == 404, code
        assert answer.doc[0]["code"] == 404
