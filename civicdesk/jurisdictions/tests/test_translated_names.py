"""Jurisdiction, department and district names are content in each language, shown in the reader's."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM


def name_in_spanish(world):
    world.elm.name_es = "Pueblo de Elm"
    world.elm.save()
    world.public_works.name_es = "Obras Públicas"
    world.public_works.save()
    world.west.name_es = "Elm Oeste"
    world.west.save()


def test_it_shows_the_tracking_page_with_spanish_names(client, world):
    name_in_spanish(world)
    request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"})
    url = reverse("servicerequests:track", args=[request.public_id])
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(url).content.decode()
    assert "Obras Públicas, Pueblo de Elm" in spanish and "(Elm Oeste)" in spanish
    assert "Public Works, Town of Elm" in english and "(West Elm)" in english


def test_it_falls_back_to_english_for_a_name_without_spanish(client, world):
    request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"})
    spanish = client.get(reverse("servicerequests:track", args=[request.public_id]),
                         HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Public Works, Town of Elm" in spanish


def test_it_names_districts_in_spanish_on_the_alerts_form(client, world):
    name_in_spanish(world)
    html = client.get(reverse("alerts:subscribe"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Elm Oeste (Pueblo de Elm)" in html


def test_it_names_the_site_after_the_home_jurisdiction_in_spanish(client, world):
    world.county.name_es = "Condado de Maple"
    world.county.save()
    html = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<span class="cd-brand__name">Condado de Maple <span class="cd-brand__service">311</span>' in html
