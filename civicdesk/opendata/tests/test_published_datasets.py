"""A dataset staff published, as the public sees it: page, preview with filters and paging, chart, downloads, API."""

from __future__ import annotations

import csv
import io
import json

from civicdesk.opendata import services
from civicdesk.opendata.queries import PREVIEW_LIMIT

PROJECTS = """Project,Ward,Status,Budget (USD),Start date
Oak Street resurfacing,North,Under way,"$1,250,000",2026-04-01
Main St water main,Central,Planned,"3,400,000",2026-09-15
Riverside Park playground,North,Done,180000,2025-05-20
Elm bridge deck repair,South,Planned,"$2,100,000",2027-03-01
"""


def make_published(world, *, published: bool = True, title: str = "Capital projects", data: str = PROJECTS):
    dataset = services.create_dataset(
        jurisdiction=world.elm, title=title, description="Roads, pipes and parks the city is building.",
        keywords="capital projects, budget", frequency="R/P3M", data=data.encode(), file_name="projects.csv",
        user=world.bob)
    if published:
        services.publish(dataset, user=world.bob)
    return dataset


def test_it_shows_a_published_dataset_with_its_dictionary_preview_and_chart(world, client):
    dataset = make_published(world)
    page = client.get(f"/open-data/{dataset.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Capital projects", "budget_usd", "Whole number", "Oak Street resurfacing", "Every quarter",
                 "ODC-By-1.0", f"/open-data/api/{dataset.slug}.json", f"/open-data/files/{dataset.slug}.csv"):
        assert text in html, text
    assert 'role="img"' in html  # the chart: Budget (USD) by Ward
    chart = page.context["chart"]
    assert (chart.value_column.key, chart.category_column.key) == ("budget_usd", "ward")
    assert [(label, int(total)) for label, total in chart.totals] == [
        ("Central", 3_400_000), ("South", 2_100_000), ("North", 1_430_000)]
    totals = list(csv.reader(io.StringIO(b"".join(client.get(f"/open-data/{dataset.slug}/chart.csv")
                                                  .streaming_content).decode())))
    assert totals[0] == ["Ward", "Budget (USD)"] and totals[1] == ["Central", "3400000"]


def test_it_filters_the_preview_without_javascript(world, client):
    dataset = make_published(world)
    page = client.get(f"/open-data/{dataset.slug}/", {"column": "ward", "op": "equals", "value": "north"})
    assert [row[0] for row in page.context["preview"]] == ["Oak Street resurfacing", "Riverside Park playground"]
    page = client.get(f"/open-data/{dataset.slug}/", {"column": "project", "op": "contains", "value": "WATER"})
    assert [row[0] for row in page.context["preview"]] == ["Main St water main"]
    bad = client.get(f"/open-data/{dataset.slug}/", {"column": "nope", "value": "x"})
    assert bad.status_code == 400 and "Choose one of the dataset" in bad.content.decode()


def test_it_pages_the_preview_by_row_number(world, client):
    rows = "".join(f"Project {n},North,Planned,{n * 1000},2026-01-01\n" for n in range(1, PREVIEW_LIMIT + 6))
    dataset = make_published(world, data=PROJECTS.splitlines()[0] + "\n" + rows)
    first = client.get(f"/open-data/{dataset.slug}/")
    assert len(first.context["preview"]) == PREVIEW_LIMIT and first.context["next_url"]
    second = client.get(f"/open-data/{dataset.slug}/{first.context['next_url']}")
    assert [row[0] for row in second.context["preview"]] == [f"Project {n}" for n in range(PREVIEW_LIMIT + 1,
                                                                                         PREVIEW_LIMIT + 6)]
    assert second.context["next_url"] is None


def test_it_downloads_csv_and_typed_json(world, client):
    dataset = make_published(world)
    answer = client.get(f"/open-data/files/{dataset.slug}.csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert rows[0] == ["Project", "Ward", "Status", "Budget (USD)", "Start date"] and len(rows) == 5
    answer = client.get(f"/open-data/files/{dataset.slug}.json")
    assert answer["Content-Type"] == "application/json"
    data = json.loads(b"".join(answer.streaming_content))
    assert data[0] == {"project": "Oak Street resurfacing", "ward": "North", "status": "Under way",
                       "budget_usd": 1250000, "start_date": "2026-04-01"}


def test_it_answers_the_api_with_filters_and_next_links(world, client):
    dataset = make_published(world)
    body = client.get(f"/open-data/api/{dataset.slug}.json", {"status": "planned", "limit": 1}).json()
    assert [row["project"] for row in body["data"]] == ["Main St water main"]
    body = client.get(body["next"]).json()
    assert [row["project"] for row in body["data"]] == ["Elm bridge deck repair"] and body["next"] is None
    body = client.get(f"/open-data/api/{dataset.slug}.json", {"project__contains": "park"}).json()
    assert [row["budget_usd"] for row in body["data"]] == [180000]
    bad = client.get(f"/open-data/api/{dataset.slug}.json", {"colour": "red"})
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "colour"


def test_it_hides_drafts_and_withdrawn_datasets_from_the_public(world, client):
    draft = make_published(world, published=False)
    for url in (f"/open-data/{draft.slug}/", f"/open-data/files/{draft.slug}.csv", f"/open-data/api/{draft.slug}.json"):
        assert client.get(url).status_code == 404
    assert draft.title not in client.get("/open-data/").content.decode()
    services.publish(draft, user=world.bob)
    assert draft.title in client.get("/open-data/").content.decode()
    services.unpublish(draft, user=world.bob)
    assert client.get(f"/open-data/{draft.slug}/").status_code == 404
    actions = list(draft.audit_entries().order_by("created_at", "id").values_list("action", flat=True))
    assert actions == ["opendata.dataset_created", "opendata.dataset_published", "opendata.dataset_unpublished"]


def test_it_refuses_filter_text_that_cannot_be_searched_for(world, client):
    dataset = make_published(world)
    # A NUL byte cannot even be sent to PostgreSQL (it was a 500); absurdly long text is a mistake.
    for value in ("oak\x00street", "x" * 201):
        page = client.get(f"/open-data/{dataset.slug}/", {"column": "project", "op": "contains", "value": value})
        assert page.status_code == 400
        assert "The text to filter on" in page.content.decode()
        body = client.get(f"/open-data/api/{dataset.slug}.json", {"project__contains": value})
        assert body.status_code == 400 and body.json()["error"]["parameter"] == "project__contains"
