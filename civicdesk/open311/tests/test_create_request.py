"""POST requests.{xml,json}: creating a request through submit_request(), with the spec's errors."""

from __future__ import annotations

import jsonschema
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.catalog.models import AttributeValue, ServiceAttribute
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import tasks
from civicdesk.open311 import schemas
from civicdesk.open311.services import issue_api_key, revoke_api_key
from civicdesk.servicerequests.models import Attachment, ServiceRequest

from .conftest import ELM, jpeg, pothole_form


def test_it_creates_the_request_and_answers_with_its_id(api, world, key):
    answer = api.post("requests.json", pothole_form(key, email="zed@example.org", first_name="Zed",
                                                    last_name="Quimby", phone="555-0199", device_id="dev-1"))
    assert answer.status == 200
    created = ServiceRequest.objects.get()
    assert answer.doc == [{"service_request_id": created.public_id, "account_id": None,
                           "service_notice": answer.doc[0]["service_notice"]}]
    assert answer.doc[0]["service_notice"].startswith("We aim to deal with this by ")
    assert (created.channel, created.client_name, created.service_type, created.jurisdiction) == (
        "api", "Test app", world.pothole, world.elm)
    assert (created.contact_name, created.contact_email, created.contact_phone, created.device_id) == (
        "Zed Quimby", "zed@example.org", "555-0199", "dev-1")
    assert created.attributes == {"depth": "deep"} and created.department == world.public_works


def test_it_goes_through_submit_request_with_audit_and_acknowledgement(api, world, key):
    api.post("requests.json", pothole_form(key, email="zed@example.org"))
    created = ServiceRequest.objects.get()
    audit = created.audit_entries().get(action="servicerequest.submitted")
    assert audit.data["channel"] == "api"
    assert created.timeline.filter(kind="submitted", message="Request received via Open311 API.").exists()
    tasks.acknowledge.call(request_pk=created.pk)  # queued with the request, rendered by the worker
    assert Delivery.objects.filter(event="request.received", request=created, address="zed@example.org").exists()


def test_it_answers_in_xml_the_way_fixmystreet_reads_it(api, world, key):
    answer = api.post("requests.xml", pothole_form(key))
    body = answer.response.content.decode()
    created = ServiceRequest.objects.get()
    assert f"<service_requests><request><service_request_id>{created.public_id}</service_request_id>" in body
    assert "<token>" not in body and "<account_id/>" in body
    assert answer.doc["request"][0]["service_request_id"] == created.public_id


def test_it_finds_the_place_from_an_address_string_or_an_address_id(api, world, key):
    by_text = api.post("requests.json", pothole_form(key, lat="", long="", address_string="12 Oak Street"))
    by_id = api.post("requests.json", pothole_form(key, lat=None, long=None, address_id="A2"))
    first = ServiceRequest.objects.get(public_id=by_text.doc[0]["service_request_id"])
    second = ServiceRequest.objects.get(public_id=by_id.doc[0]["service_request_id"])
    assert (first.address, first.district) == ("12 Oak Street", world.west)
    assert (second.address_id, second.district) == ("A2", world.east)


def test_it_accepts_both_spellings_of_a_multivaluelist_answer(api, world, key):
    lanes = ServiceAttribute.objects.create(service_type=world.pothole, code="lanes", description="Which lanes?",
                                            datatype="multivaluelist", order=2)
    for value in ("left", "right", "bus"):
        AttributeValue.objects.create(attribute=lanes, key=value, name=value.title())
    spec = api.post("requests.json", pothole_form(key, **{"attribute[lanes][]": ["left", "bus"]}))
    fms = api.post("requests.json", pothole_form(key, **{"attribute[lanes]": ["right", "left"]}))
    answers = {r.public_id: r.attributes["lanes"] for r in ServiceRequest.objects.all()}
    assert answers == {spec.doc[0]["service_request_id"]: ["left", "bus"],
                       fms.doc[0]["service_request_id"]: ["right", "left"]}


def test_it_stores_and_shows_the_media_url(api, world, key):
    answer = api.post("requests.json", pothole_form(key, media_url="https://photos.example.org/hole.jpg"))
    public_id = answer.doc[0]["service_request_id"]
    assert ServiceRequest.objects.get().media_url == "https://photos.example.org/hole.jpg"
    shown = api.get(f"requests/{public_id}.json", {"jurisdiction_id": ELM}).doc[0]
    assert shown["media_url"] == "https://photos.example.org/hole.jpg"


def test_it_treats_photo_parts_like_web_uploads(api, world, key):
    answer = api.post("requests.json", {**pothole_form(key), "photo1": jpeg("a.jpg"), "photo2": jpeg("b.jpg")})
    assert answer.status == 200
    photos = Attachment.objects.filter(request__public_id=answer.doc[0]["service_request_id"])
    assert [(p.kind, p.content_type, p.width, p.height) for p in photos] == [("photo", "image/jpeg", 64, 48)] * 2
    assert all(p.thumbnail for p in photos)


def test_it_refuses_a_file_that_is_not_a_photo(api, world, key):
    fake = SimpleUploadedFile("photo1.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    answer = api.post("requests.json", {**pothole_form(key), "photo1": fake})
    assert answer.status == 400
    assert answer.doc[0]["description"].startswith("media: photo1.jpg: This file is not a photo")
    assert not ServiceRequest.objects.exists()


def test_it_refuses_a_missing_invalid_or_revoked_key_with_403(api, world, key):
    revoked, raw_revoked = issue_api_key(name="Old app")
    revoke_api_key(revoked)
    for bad in [None, "", "not-a-key", raw_revoked]:
        answer = api.post("requests.xml", pothole_form(key, api_key=bad))
        assert answer.status == 403
        assert answer.doc == {"error": [{"code": "403", "description":
                                         "Invalid api_key received -- can't proceed with create_request."}]}
    assert not ServiceRequest.objects.exists()


def test_it_refuses_a_key_of_another_jurisdiction(api, world):
    _, county_key = issue_api_key(name="County app", jurisdiction=world.county)
    answer = api.post("requests.json", pothole_form(county_key))
    assert answer.status == 403
    assert answer.doc[0]["description"] == "This api_key is not valid for jurisdiction_id elm.example.gov."


def test_it_uses_the_keys_jurisdiction_when_jurisdiction_id_is_absent(api, world):
    _, elm_key = issue_api_key(name="Elm app", jurisdiction=world.elm)
    assert api.post("requests.json", pothole_form(elm_key, jurisdiction_id=None)).status == 200
    assert ServiceRequest.objects.get().jurisdiction == world.elm


def test_it_answers_unknown_private_and_unoffered_service_codes_with_404(api, world, key):
    for code in ["no-such-type", "records"]:
        answer = api.post("requests.json", pothole_form(key, service_code=code))
        assert (answer.status, answer.doc[0]["description"]) == (404, f"service_code {code} was not found.")


def test_it_needs_a_service_code_and_a_location(api, world, key):
    assert api.post("requests.json", pothole_form(key, service_code="")).doc == [
        {"code": 400, "description": "service_code was not provided."}]
    no_place = api.post("requests.json", pothole_form(key, lat=None, long=None))
    assert (no_place.status, no_place.doc[0]["description"]) == (
        400, "location was not provided: give lat and long, address_string or address_id.")
    half = api.post("requests.json", pothole_form(key, long=None))
    assert half.doc == [{"code": 400, "description": "lat and long must be given together."}]


def test_it_gives_one_error_per_unanswered_question(api, world, key):
    ServiceAttribute.objects.create(service_type=world.pothole, code="size", description="How wide is it?",
                                    datatype="number", required=True, order=2)
    answer = api.post("requests.json", pothole_form(key, **{"attribute[depth]": "", "attribute[size]": "wide"}))
    assert answer.status == 400
    assert answer.doc == [
        {"code": 400, "description": "attribute[depth]: Please answer “How deep is it?”."},
        {"code": 400, "description": "attribute[size]: The answer to “How wide is it?” must be a number."},
    ]


def test_it_checks_a_list_answer_against_the_definitions_keys(api, world, key):
    answer = api.post("requests.json", pothole_form(key, **{"attribute[depth]": "bottomless"}))
    assert answer.doc == [{"code": 400, "description":
                           "attribute[depth]: “bottomless” is not one of the choices for “How deep is it?”."}]


def test_it_asks_for_the_contact_details_the_type_requires(api, world, key):
    form = pothole_form(key, service_code="missed-collection", **{"attribute[depth]": None})
    answer = api.post("requests.json", form)
    assert answer.status == 400
    assert [e["description"] for e in answer.doc] == [
        "email: Please give your email address for this kind of request.",
        "email: This kind of request cannot be anonymous: give an email address or phone number.",
    ]
    assert api.post("requests.json", {**form, "email": "zed@example.org"}).status == 200


def test_it_applies_the_emergency_guard_unless_the_client_confirms(api, world, key):
    answer = api.post("requests.json", pothole_form(key, description="There is a gas leak near the hole"))
    assert answer.status == 400
    assert answer.doc == [{"code": 400, "description": "This sounds like an emergency. Call 911 now."}]
    assert not ServiceRequest.objects.exists()
    confirmed = api.post("requests.json", pothole_form(key, description="The gas leak sign fell in the hole",
                                                       not_emergency="true"))
    assert confirmed.status == 200


def test_it_refuses_a_location_outside_the_named_jurisdiction(api, world, key):
    answer = api.post("requests.json", pothole_form(key, lat="8.0", long="8.0"))
    assert answer.doc == [{"code": 400, "description":
                           "location: This location is served by Maple County, not by Town of Elm."}]


def test_it_refuses_long_descriptions_and_bad_media_urls(api, world, key):
    assert api.post("requests.json", pothole_form(key, description="x" * 4001)).doc == [
        {"code": 400, "description": "description is longer than 4000 characters."}]
    assert api.post("requests.json", pothole_form(key, media_url="javascript:alert(1)")).doc == [
        {"code": 400, "description": "media_url is not a valid http or https URL."}]


def test_it_refuses_nul_characters_before_they_reach_the_database(api, world, key):
    answer = api.post("requests.json", pothole_form(key, description="a\x00b"))
    assert answer.doc == [{"code": 400, "description": "Parameters may not contain NUL characters."}]


def test_it_answers_other_methods_with_405_in_the_error_format(api, world):
    response = api.client.put("/open311/v2/requests.json")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, POST"
    assert response.json() == [{"code": 405, "description": "Method PUT is not allowed here."}]
    jsonschema.validate(response.json(), schemas.ERRORS)
