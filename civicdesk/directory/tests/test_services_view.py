"""/services/: the A–Z list of public service types and permit guides of one jurisdiction."""

from __future__ import annotations

from django.utils import translation

from civicdesk.catalog.models import ServiceType

from .helpers import CANARY, make_permit


def test_it_lists_public_types_and_permits_a_to_z_with_a_letter_index(client, world):
    make_permit(world)
    page = client.get("/services/?in=elm").content.decode()
    titles = ["Fence permit", "Graffiti", "Missed collection", "Pothole"]
    positions = [page.index(f">{title}</a>") for title in titles]
    assert positions == sorted(positions)
    assert 'href="#letter-F"' in page and 'id="letter-F"' in page and 'href="#letter-Z"' not in page
    assert 'href="/services/pothole/"' in page and 'href="/services/permits/fence-permit/"' in page


def test_it_never_lists_private_or_inactive_types(client, world):
    ServiceType.objects.create(code="retired", name="Retired kind", is_active=False)
    page = client.get("/services/?in=elm").content.decode()
    assert "Sealed records request" not in page and "Retired kind" not in page


def test_it_lists_only_what_the_chosen_jurisdiction_offers(client, world):
    world.graffiti.jurisdictions.set([world.elm])
    make_permit(world)
    page = client.get("/services/?in=maple").content.decode()
    assert "Pothole" in page and "Graffiti" not in page and "Fence permit" not in page
    assert 'aria-current="page">Maple County' in page


def test_it_shows_names_in_spanish_sorted_without_accents(client, world):
    make_permit(world)
    with translation.override("es"):
        page = client.get("/services/?in=elm", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Bache" in page and "Permiso para cercas" in page
    assert page.index(">Bache</a>") < page.index(">Permiso para cercas</a>") < page.index(
        ">Recogida no realizada</a>")


def test_it_has_a_filter_box_the_script_reveals(client, world):
    page = client.get("/services/").content.decode()
    assert 'id="az-filter" hidden' in page and "directory/az-filter.js" in page


def test_it_shows_script_in_names_as_text(client, world):
    world.graffiti.name = CANARY
    world.graffiti.save()
    make_permit(world, title={"en": CANARY})
    page = client.get("/services/?in=elm").content.decode()
    assert "<script>alert('zebrafinch')" not in page and "&lt;script&gt;alert(" in page


def test_it_answers_in_a_few_queries_however_many_entries(client, world, django_assert_max_num_queries):
    for number in range(30):
        ServiceType.objects.create(code=f"kind-{number}", name=f"Kind {number}")
        make_permit(world, slug=f"permit-{number}")
    client.get("/services/")
    with django_assert_max_num_queries(8):
        response = client.get("/services/?in=elm")
    assert response.content.decode().count('class="cd-az-item"') == 63


def test_it_is_listed_in_the_sitemap_with_the_departments(client, world):
    body = client.get("/sitemap.xml").content.decode()
    assert "/services/</loc>" in body and "/departments/</loc>" in body


def test_its_filter_box_asks_for_kind_suggestions_as_a_sentence_is_typed(client, world):
    page = client.get("/services/?in=elm").content.decode()
    assert 'data-kind-suggest="/report/suggest.json" data-kind-suggest-for="az-filter-input"' in page
    assert "js/kind-suggest.js" in page
