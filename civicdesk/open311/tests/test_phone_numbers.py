"""POST requests: a phone is stored in E.164, and a number that cannot be one is refused in the Open311 format."""

from __future__ import annotations

from civicdesk.servicerequests.models import ServiceRequest

from .conftest import pothole_form


def test_it_stores_the_phone_in_e164(api, world, key):
    answer = api.post("requests.json", pothole_form(key, phone="(217) 555-0142"))
    assert answer.status == 200
    assert ServiceRequest.objects.get().contact_phone == "+12175550142"


def test_it_refuses_a_hundred_thousand_digit_phone_instead_of_cutting_it(api, world, key):
    answer = api.post("requests.json", pothole_form(key, phone="2" * 100_000))
    assert answer.status == 400
    assert answer.doc == [{"code": 400, "description":
                           "phone: That phone number is too long. Enter one number, like 217-555-0142."}]
    assert not ServiceRequest.objects.exists()


def test_it_refuses_words_in_the_phone_in_xml_too(api, world, key):
    answer = api.post("requests.xml", pothole_form(key, phone="call me maybe"))
    assert answer.status == 400 and b"digits only" in answer.response.content
    assert not ServiceRequest.objects.exists()


def test_it_refuses_a_post_without_an_api_key(api, world):
    answer = api.post("requests.json", pothole_form(None))
    assert answer.status == 403 and not ServiceRequest.objects.exists()
