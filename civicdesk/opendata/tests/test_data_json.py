"""/data.json against the Project Open Data metadata schema v1.1 (DCAT-US), required fields written from the spec."""

from __future__ import annotations

import re

from civicdesk.opendata.builtin import BUILTIN
from civicdesk.opendata.exports import export_all

from .helpers import make_request
from .test_published_datasets import make_published

SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
# "Required" fields of the v1.1 catalog and dataset (bureauCode and programCode are for federal agencies only).
CATALOG_REQUIRED = ["conformsTo", "dataset"]
DATASET_REQUIRED = ["title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier",
                    "accessLevel"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?([.,]\d+)?(Z|[+-]\d{2}:?\d{2})?)?$")
PERIODICITY = re.compile(r"^R/P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$")
MEDIA_TYPE = re.compile(r"^[-\w]+/[-\w]+(\.[-\w]+)*([+][-\w]+)?$")


def check_catalog(document: dict) -> list[str]:
    """Problems with the document as the v1.1 schema states them (empty when it conforms)."""
    problems = [f"catalog lacks {name}" for name in CATALOG_REQUIRED if name not in document]
    if document.get("conformsTo") != SCHEMA:
        problems.append("conformsTo must be the v1.1 schema URI")
    if document.get("@type") != "dcat:Catalog":
        problems.append("@type must be dcat:Catalog")
    if "@type" in document and "@context" not in document:
        problems.append("@type needs @context")
    identifiers = set()
    for index, dataset in enumerate(document.get("dataset", [])):
        where = f"dataset[{index}]"
        problems += [f"{where} lacks {name}" for name in DATASET_REQUIRED if not dataset.get(name)]
        if dataset.get("@type") != "dcat:Dataset":
            problems.append(f"{where} @type must be dcat:Dataset")
        if dataset.get("accessLevel") not in ("public", "restricted public", "non-public"):
            problems.append(f"{where} accessLevel")
        if not isinstance(dataset.get("keyword"), list) or not all(isinstance(k, str) and k for k in dataset["keyword"]):
            problems.append(f"{where} keyword must be a non-empty list of words")
        if not ISO_DATE.match(dataset.get("modified", "")):
            problems.append(f"{where} modified must be an ISO 8601 date")
        publisher = dataset.get("publisher", {})
        if not publisher.get("name") or publisher.get("@type") != "org:Organization":
            problems.append(f"{where} publisher needs @type org:Organization and a name")
        contact = dataset.get("contactPoint", {})
        if not contact.get("fn") or not re.match(r"^mailto:[\w.+-]+@[\w-]+(\.[\w-]+)+$", contact.get("hasEmail", "")):
            problems.append(f"{where} contactPoint needs fn and hasEmail as mailto:")
        if dataset.get("identifier") in identifiers:
            problems.append(f"{where} identifier is not unique")
        identifiers.add(dataset.get("identifier"))
        if "accrualPeriodicity" in dataset and not (dataset["accrualPeriodicity"] == "irregular"
                                                    or PERIODICITY.match(dataset["accrualPeriodicity"])):
            problems.append(f"{where} accrualPeriodicity must be ISO 8601 like R/P1D")
        if dataset.get("license") and not dataset["license"].startswith("https://"):
            problems.append(f"{where} license must be a URL")
        if "temporal" in dataset and "/" not in dataset["temporal"]:
            problems.append(f"{where} temporal must be start/end")
        for number, item in enumerate(dataset.get("distribution", [])):
            spot = f"{where}.distribution[{number}]"
            if item.get("@type") != "dcat:Distribution":
                problems.append(f"{spot} @type")
            if "downloadURL" in item and not MEDIA_TYPE.match(item.get("mediaType", "")):
                problems.append(f"{spot} downloadURL needs a mediaType")
            if not item.get("downloadURL") and not item.get("accessURL"):
                problems.append(f"{spot} needs downloadURL or accessURL")
    return problems


def test_it_lists_every_public_dataset_in_the_v1_1_schema(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEFAULT_FROM_EMAIL = "Maple County 311 <no-reply@maple.example.gov>"
    world.elm.email = "311@elm.example.gov"
    world.elm.save()
    make_request(world)
    export_all()
    make_published(world, published=True)
    make_published(world, published=False, title="Draft budget")
    answer = client.get("/data.json")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    document = answer.json()
    assert check_catalog(document) == []
    titles = [dataset["title"] for dataset in document["dataset"]]
    assert "Capital projects" in titles and "Draft budget" not in titles
    assert len(titles) == len(BUILTIN) + 1
    requests = next(d for d in document["dataset"] if d["identifier"].endswith("/open-data/requests/"))
    assert requests["accrualPeriodicity"] == "R/P1D" and requests["temporal"]
    assert {item.get("format") for item in requests["distribution"]} == {"CSV", "JSON", "GeoJSON", "Parquet", "API"}
    assert {item["mediaType"] for item in requests["distribution"]} >= {"text/csv", "application/vnd.apache.parquet",
                                                                        "application/geo+json"}
    assert requests["spatial"].count(",") == 3
    projects = next(d for d in document["dataset"] if d["title"] == "Capital projects")
    assert projects["contactPoint"]["hasEmail"] == "mailto:311@elm.example.gov"
    assert projects["publisher"]["name"] == "Town of Elm" and projects["accrualPeriodicity"] == "R/P3M"


def test_it_flags_a_document_missing_what_the_spec_requires():
    broken = {"conformsTo": SCHEMA, "@type": "dcat:Catalog", "@context": "x",
              "dataset": [{"@type": "dcat:Dataset", "title": "T", "keyword": [], "modified": "last week",
                           "publisher": {"name": "City"}, "contactPoint": {"fn": "Desk", "hasEmail": "desk@x.gov"},
                           "identifier": "a", "accessLevel": "open",
                           "distribution": [{"@type": "dcat:Distribution", "downloadURL": "https://x/a.csv"}]}]}
    problems = check_catalog(broken)
    for words in ("lacks description", "keyword", "modified", "publisher", "contactPoint", "accessLevel",
                  "downloadURL needs a mediaType"):
        assert any(words in problem for problem in problems), words
