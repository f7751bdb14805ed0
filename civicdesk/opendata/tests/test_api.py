"""/open-data/api/requests.json: keyset pages by (updated_at, id), updated_since, clear 400s, nothing private."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.servicerequests.models import ServiceRequest

from .helpers import assert_no_canary, make_leaky, make_request

URL = "/open-data/api/requests.json"


def test_it_pages_through_every_public_request_in_update_order_even_with_ties(world, client):
    moment = timezone.now() - dt.timedelta(days=1)
    made = [make_request(world) for _ in range(7)]
    ServiceRequest.objects.filter(pk__in=[r.pk for r in made[:4]]).update(updated_at=moment)  # four share a time
    ServiceRequest.objects.filter(pk__in=[r.pk for r in made[4:]]).update(updated_at=moment + dt.timedelta(hours=1))
    seen, url, pages = [], f"{URL}?limit=3", 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
        body = answer.json()
        assert len(body["data"]) <= 3
        seen += [row["service_request_id"] for row in body["data"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == [r.public_id for r in sorted(made, key=lambda r: (r.pk > made[3].pk, r.pk))]


def test_it_returns_only_what_changed_since(world, client):
    old, new = make_request(world), make_request(world)
    ServiceRequest.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=10))
    since = (timezone.now() - dt.timedelta(days=1)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = client.get(URL, {"updated_since": since}).json()
    assert [row["service_request_id"] for row in body["data"]] == [new.public_id]
    assert body["next"] is None
    assert client.get(URL, {"updated_since": "2000-01-01"}).json()["data"][0]["service_request_id"] == old.public_id


def test_it_explains_bad_parameters_with_a_400_json_error(world, client):
    for params, parameter in [({"limit": "0"}, "limit"), ({"limit": "5000"}, "limit"), ({"limit": "ten"}, "limit"),
                              ({"updated_since": "yesterday"}, "updated_since"), ({"after": "not-a-cursor"}, "after"),
                              ({"page": "2"}, "page")]:
        answer = client.get(URL, params)
        assert answer.status_code == 400, params
        error = answer.json()["error"]
        assert error["parameter"] == parameter and error["message"]


def test_it_carries_no_private_data(world, client):
    leaky = make_leaky(world)
    answer = client.get(URL, {"limit": 1000})
    assert_no_canary(answer.content.decode(), where="the API")
    ids = {row["service_request_id"] for row in answer.json()["data"]}
    assert leaky.private.public_id not in ids and leaky.private_type.public_id not in ids
    assert leaky.contact.public_id in ids and leaky.sensitive.public_id in ids


def test_it_reads_a_page_in_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    for _ in range(30):
        make_request(world)
    # The five small tables rows refer to (statuses, types, jurisdictions, departments, districts), the page,
    # its photos: the same for 25 rows as for 1,000.
    with django_assert_max_num_queries(7):
        assert len(client.get(URL, {"limit": 25}).json()["data"]) == 25
