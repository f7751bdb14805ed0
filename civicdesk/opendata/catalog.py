"""What the catalogue lists, and the same list as a Project Open Data (DCAT-US 1.1) `data.json` document."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone, translation

from civicdesk.cities import city
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.lib import geo

from .builtin import BUILTIN, REQUEST_DATASETS, public_requests
from .exports import FORMATS, current_files
from .models import ExportFile, PublishedDataset

SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
#: Licence ids (SPDX) a city pack may name, and the page each points to.
LICENCES = {
    "ODC-By-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def licence_url() -> str:
    """The URL of the city pack's open-data licence (`open_data_licence`, an SPDX id)."""
    licence = city().open_data_licence
    return LICENCES.get(licence, f"https://spdx.org/licenses/{licence}.html")


def catalogue_entries() -> list[dict]:
    """One dict per public dataset for the catalogue page: built-in first, then published ones by title."""
    files: dict[str, list[ExportFile]] = {}
    for item in ExportFile.objects.all():
        files.setdefault(item.dataset, []).append(item)
    entries = []
    for slug, dataset in BUILTIN.items():
        mine = files.get(slug, [])
        entries.append({
            "slug": slug, "title": dataset.title, "description": dataset.description,
            "url": reverse("opendata:dataset", args=[slug]),
            "formats": [FORMATS[fmt][1] for fmt in dataset.formats],
            "last_updated": max((f.generated_at for f in mine), default=None),
            "row_count": next((f.row_count for f in mine if f.format == "csv"), None),
            "publisher": None,
        })
    for dataset in PublishedDataset.objects.published().select_related("jurisdiction"):
        entries.append({
            "slug": dataset.slug, "title": dataset.title, "description": dataset.description,
            "url": dataset.get_absolute_url(), "formats": ["CSV", "JSON"], "last_updated": dataset.updated_at,
            "row_count": dataset.row_count, "publisher": dataset.jurisdiction.name,
        })
    return entries


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _contact(jurisdiction: Jurisdiction | None) -> dict:
    """vcard:Contact of the publisher: its 311 email, else the site's sender address."""
    email = (jurisdiction.email if jurisdiction is not None else "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    name = jurisdiction.name if jurisdiction is not None else str(city().name)
    return {"@type": "vcard:Contact", "fn": f"{name} {city().short_name}".strip(), "hasEmail": f"mailto:{email}"}


def _spatial() -> str | None:
    """The bounding box of the active jurisdictions as "west,south,east,north" (WGS84 degrees)."""
    bounds = []
    for boundary in Jurisdiction.objects.filter(is_active=True).values_list("boundary", flat=True):
        try:
            bounds.append(geo.shape(boundary).bounds)
        except ValueError:
            continue
    if not bounds:
        return None
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}"


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def data_json_document() -> dict:
    """The Project Open Data metadata schema v1.1 catalogue: every public dataset, its files and its API."""
    with translation.override(settings.LANGUAGE_CODE):
        return _document()


def _document() -> dict:
    home = city().home_jurisdiction()
    spatial = _spatial()
    licence = licence_url()
    datasets = []
    for slug, dataset in BUILTIN.items():
        files = current_files(slug)
        page = _absolute(reverse("opendata:dataset", args=[slug]))
        distribution = [{
            "@type": "dcat:Distribution", "title": f"{dataset.title} ({FORMATS[fmt][1]})",
            "downloadURL": _absolute(reverse("opendata:download", args=[slug, fmt])),
            "mediaType": FORMATS[fmt][0].split(";")[0], "format": FORMATS[fmt][1],
        } for fmt in dataset.formats if fmt in files]
        if slug == "requests":
            distribution.append({
                "@type": "dcat:Distribution", "title": f"{dataset.title} (API)",
                "accessURL": _absolute(reverse("opendata:api", args=[slug])), "format": "API",
                "mediaType": "application/json",
                "description": "JSON pages in (updated_at, id) order: ?updated_since=<ISO 8601>&limit=<1-1000>; "
                               "follow each page's next link."})
        modified = max((f.generated_at for f in files.values()), default=None)
        entry = _entry(title=dataset.title, description=dataset.description, keywords=list(dataset.keywords),
                       modified=_iso(modified) if modified else timezone.localdate().isoformat(),
                       publisher=home, identifier=page, frequency=dataset.frequency, licence=licence,
                       spatial=spatial, distribution=distribution)
        if slug in (*REQUEST_DATASETS, "daily-counts"):
            span = public_requests().aggregate(first=Min("requested_at"), last=Max("requested_at"))
            if span["first"]:
                entry["temporal"] = (f"{timezone.localdate(span['first']).isoformat()}/"
                                     f"{timezone.localdate(span['last']).isoformat()}")
        datasets.append(entry)
    for dataset in PublishedDataset.objects.published().select_related("jurisdiction"):
        page = _absolute(dataset.get_absolute_url())
        distribution = [{
            "@type": "dcat:Distribution", "title": f"{dataset.title} ({FORMATS[fmt][1]})",
            "downloadURL": _absolute(reverse("opendata:download", args=[dataset.slug, fmt])),
            "mediaType": FORMATS[fmt][0].split(";")[0], "format": FORMATS[fmt][1],
        } for fmt in ("csv", "json")]
        distribution.append({"@type": "dcat:Distribution", "title": f"{dataset.title} (API)", "format": "API",
                             "accessURL": _absolute(reverse("opendata:api", args=[dataset.slug])),
                             "mediaType": "application/json"})
        datasets.append(_entry(
            title=dataset.title, description=dataset.description,
            keywords=dataset.keyword_list() or [dataset.jurisdiction.name],
            modified=_iso(dataset.updated_at), publisher=dataset.jurisdiction, identifier=page,
            frequency=dataset.frequency, licence=licence, spatial=spatial, distribution=distribution))
    return {
        "@context": f"{SCHEMA}/catalog.jsonld",
        "@id": _absolute(reverse("data_json")),
        "@type": "dcat:Catalog",
        "conformsTo": SCHEMA,
        "describedBy": f"{SCHEMA}/catalog.json",
        "dataset": datasets,
    }


def _entry(*, title, description, keywords, modified, publisher, identifier, frequency, licence, spatial,
           distribution) -> dict:
    entry = {
        "@type": "dcat:Dataset",
        "title": str(title),
        "description": str(description),
        "keyword": [str(word) for word in keywords],
        "modified": modified,
        "publisher": {"@type": "org:Organization",
                      "name": publisher.name if publisher is not None else str(city().name)},
        "contactPoint": _contact(publisher),
        "identifier": identifier,
        "accessLevel": "public",
        "license": licence,
        "landingPage": identifier,
        "describedBy": f"{identifier}#data-dictionary",
        "describedByType": "text/html",
        "accrualPeriodicity": frequency,
        "language": ["en-US"],
        "distribution": distribution,
    }
    if spatial:
        entry["spatial"] = spatial
    return entry
