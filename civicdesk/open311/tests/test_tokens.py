"""GET tokens/{token}.{xml,json}: requests are created in real time, so a token is the request's id."""

from __future__ import annotations

from .conftest import ELM, report


def test_it_answers_a_token_with_the_request_it_stands_for(api, world):
    request = report(world)
    answer = api.get(f"tokens/{request.public_id}.json", {"jurisdiction_id": ELM})
    assert answer.doc == [{"service_request_id": request.public_id, "token": request.public_id}]
    xml = api.get(f"tokens/{request.public_id}.xml", {"jurisdiction_id": ELM})
    assert xml.doc == {"request": [{"service_request_id": request.public_id, "token": request.public_id}]}


def test_it_answers_an_unknown_token_with_404(api, world):
    answer = api.get("tokens/12345.json", {"jurisdiction_id": ELM})
    assert (answer.status, answer.doc) == (404, [{"code": 404, "description": "token 12345 was not found."}])
