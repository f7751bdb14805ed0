"""The public log: every submitted request with its public summary, dates, outcome, days taken and public
documents; never the requester's identity; searchable; keyset-paged; no N+1."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.records import services, views
from civicdesk.records.models import RecordsRequest

#: A small page, so a few requests fill more than one (each request counts against the requester's limit).
PAGE_SIZE = 4

from .helpers import released_in_part, submitted


def test_it_lists_requests_without_the_requesters_identity(client, records_type, world):
    application, _docs = released_in_part(records_type, world)
    submitted(records_type, world.alice, description="Budget of the library zephyrquartz")
    page = client.get(reverse("records:log"))
    text = page.content.decode()
    assert page.status_code == 200 and "zephyrquartz" in text and "Granted in part" in text
    assert "Being answered" in text and "Business days taken" in text
    for identity in filter(None, (world.alice.email, world.alice.first_name, world.alice.last_name)):
        assert identity not in text
    entry = client.get(reverse("records:entry", args=[application.pk])).content.decode()
    assert "budget.pdf" in entry and "complaint.pdf" in entry
    assert "letter.pdf" not in entry and "draft-memo.pdf" not in entry  # not for the log; withheld
    assert world.alice.email not in entry


def test_it_serves_public_documents_only_released_and_marked_public(client, records_type, world):
    application, docs = released_in_part(records_type, world)
    url = lambda name: reverse("records:document", args=[application.pk, docs[name].pk])
    assert client.get(url("full")).status_code == 200
    assert client.get(url("part")).status_code == 200
    assert client.get(url("private")).status_code == 404
    assert client.get(url("kept")).status_code == 404


def test_it_renders_script_in_the_summary_as_text(client, records_type, world):
    application = submitted(records_type, world.alice, description="<script>alert('owlbearwick')</script>")
    page = client.get(reverse("records:log")).content.decode()
    assert "&lt;script&gt;alert(&#x27;owlbearwick&#x27;)&lt;/script&gt;" in page and "<script>alert(" not in page
    services.update_summary(RecordsRequest.objects.get(application=application), user=world.bob,
                            summary="Library budget <b>plumquiver</b>")
    assert "&lt;b&gt;plumquiver" in client.get(reverse("records:entry", args=[application.pk])).content.decode()


def test_it_searches_by_words_and_by_number(client, records_type, world):
    wanted = submitted(records_type, world.alice, description="Snow plough routes of tangerinequill")
    submitted(records_type, world.alice, description="Pool inspection reports")
    found = client.get(reverse("records:log"), {"q": "TANGERINEQUILL"}).content.decode()
    assert "tangerinequill" in found and "Pool inspection" not in found
    by_number = client.get(reverse("records:log"), {"q": f"PRR-{wanted.pk:06d}"}).content.decode()
    assert "tangerinequill" in by_number and "Pool inspection" not in by_number


def test_it_pages_by_keyset_without_n_plus_one(client, records_type, world, django_assert_max_num_queries,
                                               monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", PAGE_SIZE)
    for n in range(PAGE_SIZE + 3):
        submitted(records_type, world.alice, description=f"Request number {n} of marigoldvex")
    with django_assert_max_num_queries(12):
        first = client.get(reverse("records:log"))
    rows = first.context["rows"]
    assert len(rows) == PAGE_SIZE and first.context["next_before"] == rows[-1].application_id
    second = client.get(reverse("records:log"), {"before": first.context["next_before"]})
    assert len(second.context["rows"]) == 3
    assert not {r.pk for r in rows} & {r.pk for r in second.context["rows"]}


@pytest.mark.parametrize("bad", ["abc", "-1", "9" * 30])
def test_it_ignores_a_bad_cursor(client, records_type, world, bad):
    submitted(records_type, world.alice)
    assert client.get(reverse("records:log"), {"before": bad}).status_code == 200


def test_it_gives_the_site_search_the_log_entries_and_never_the_requester(records_type, world):
    from civicdesk.records.search_index import records_documents

    application = submitted(records_type, world.alice, description="Tree survey of saffronmoth avenue")
    documents = list(records_documents())
    assert documents and all("saffronmoth" in d.body for d in documents)
    assert all(world.alice.email not in f"{d.title} {d.body}" for d in documents)
    assert {d.url for d in documents} == {reverse("records:entry", args=[application.pk])}
