"""GET requests/{service_request_id}.{xml,json}: one public request, as a list of one."""

from __future__ import annotations

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest

from .conftest import ELM, report


def test_it_answers_with_a_list_of_one(api, world):
    request = report(world)
    answer = api.get(f"requests/{request.public_id}.json", {"jurisdiction_id": ELM})
    assert answer.status == 200
    assert len(answer.doc) == 1 and answer.doc[0]["service_request_id"] == request.public_id
    xml = api.get(f"requests/{request.public_id}.xml", {"jurisdiction_id": ELM})
    assert xml.doc["request"][0]["service_code"] == "pothole"


def test_it_reads_an_id_typed_in_lower_case_or_without_the_dash(api, world):
    request = report(world)
    loose = request.public_id.lower().replace("-", "")
    assert api.get(f"requests/{loose}.json", {"jurisdiction_id": ELM}).doc[0]["service_request_id"] == request.public_id


def test_it_adds_the_extensions_when_asked(api, world):
    request = report(world)
    services.add_note(request, message="Crew on the way")
    shown = api.get(f"requests/{request.public_id}.json", {"jurisdiction_id": ELM, "extensions": "true"}).doc[0]
    assert [note["description"] for note in shown["notes"]] == ["Request received via Web.", "Crew on the way"]


def test_it_answers_unknown_private_and_elsewhere_requests_with_404(api, world):
    private = report(world)
    ServiceRequest.objects.filter(pk=private.pk).update(is_private=True)
    records = report(world, service_type=world.records, attributes={})
    elsewhere = report(world, lat=8.0, long=8.0, service_type=world.graffiti, attributes={})
    for public_id in [private.public_id, records.public_id, elsewhere.public_id, "ZZZZ-ZZZZ", "not an id"]:
        answer = api.get(f"requests/{public_id}.json", {"jurisdiction_id": ELM})
        assert (answer.status, answer.doc) == (404, [{"code": 404, "description":
                                                      f"service_request_id {public_id} was not found."}])
    assert api.get(f"requests/{elsewhere.public_id}.json", {"jurisdiction_id": "maple.example.gov"}).status == 200
