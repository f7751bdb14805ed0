"""The directory's search sources: one result per service type (opening its A–Z page), permit and licence
guides, departments; in every language; never drafts."""

from __future__ import annotations

from django.conf import settings

from civicdesk.directory.search_index import (
    department_documents,
    permit_documents,
    service_documents,
)
from civicdesk.search import registry
from civicdesk.search.services import search, sync_all

from .helpers import make_guide, make_permit, make_profile


def test_it_replaces_the_catalogue_source_so_a_service_is_one_result_opening_its_page(world):
    assert registry.get("catalog.servicetype").documents is service_documents
    make_guide(world.pothole, world.elm, covers={"en": "Craters in the asphalt of city streets."})
    sync_all()
    results = search("pothole", language="en").results
    services = [r for r in results if r.kind == "service"]
    assert [r.url for r in services] == ["/services/pothole/"]
    assert [r.url for r in search("craters asphalt", language="en").results] == ["/services/pothole/"]


def test_it_never_indexes_private_types_or_unpublished_guides(world):
    make_guide(world.pothole, world.elm, status="draft", covers={"en": "Secretword zebrafinch."})
    make_permit(world, status="in_review", title={"en": "Zebrafinch permit"})
    sync_all()
    assert not search("zebrafinch", language="en").results
    assert "records" not in {d.url for d in service_documents()}


def test_it_finds_permits_in_spanish_with_and_without_accents(world):
    make_permit(world, title={"en": "Fence permit", "es": "Permiso para cercas"},
                requirements={"en": "A site plan", "es": "Un plano del terreno"})
    sync_all()
    for query in ("plano", "permiso cercas"):
        assert [r.url for r in search(query, language="es").results] == ["/services/permits/fence-permit/"]
    assert {d.language for d in permit_documents()} == {code for code, _name in settings.LANGUAGES}


def test_it_finds_departments_by_what_they_do(world):
    make_profile(world.public_works, summary={"en": "Snowplows and street repairs.", "es": "Quitanieves."})
    sync_all()
    assert [r.url for r in search("snowplows", language="en").results] == ["/departments/elm/public-works/"]
    assert {d.url for d in department_documents()} >= {"/departments/maple/roads/"}
