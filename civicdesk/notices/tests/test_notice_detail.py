"""One notice's public page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from .helpers import make_notice


def test_it_shows_a_published_notice_with_its_area_dates_and_kinds(client, world):
    notice = make_notice(world, districts=[world.east], service_types=[world.pothole])
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "Water main repair on Oak Street" in page and "Water is off while crews work." in page
    assert "East Elm" in page and "and the area shown on the map" in page and "Pothole" in page
    assert "Major disruption" in page and "Current" in page and 'id="notice-area"' in page


def test_it_shows_the_spanish_text_to_spanish_readers(client, world):
    notice = make_notice(world)
    with translation.override("es"):
        page = client.get(reverse("notices:detail", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Reparación de tubería en Oak Street" in page


def test_it_hides_drafts(client, world):
    notice = make_notice(world, publish=False)
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404
