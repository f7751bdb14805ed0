"""One notice's public page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from .helpers import make_notice


def test_it_shows_a_published_notice_with_its_area_dates_and_kinds(client, world):
    notice = make_notice(world, districts=[world.east], service_types=[world.pothole])
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "Water main repair on Oak Street" in page and "Water is off while crews work." in page
    assert "East Elm" in page and "and the area within about" in page and "Pothole" in page
    assert "Major disruption" in page and "Current" in page and 'id="notice-area"' in page


def test_it_shows_the_spanish_text_to_spanish_readers(client, world):
    notice = make_notice(world)
    with translation.override("es"):
        page = client.get(reverse("notices:detail", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Reparación de tubería en Oak Street" in page


def test_it_hides_drafts(client, world):
    notice = make_notice(world, publish=False)
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404


def test_it_describes_a_drawn_area_in_words_with_the_nearest_address_and_districts(client, world):
    # Map help says the area is described in words: it must be, for people who cannot see the map.
    notice = make_notice(world)
    words = notice.area_in_words()
    assert words.startswith("within about ") and words.endswith(" miles of 12 Oak Street (West Elm)")
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert f"The area {words}" in page


def test_it_describes_a_small_area_in_feet(world):
    from civicdesk.notices.models import ServiceNotice

    # 0.002 by 0.001 degrees: about 124 m (407 feet) from the centre to a corner.
    small = ServiceNotice(jurisdiction=world.elm, area={"type": "Polygon", "coordinates": [[
        [2.4995, 2.999], [2.5005, 2.999], [2.5005, 3.001], [2.4995, 3.001], [2.4995, 2.999]]]})
    assert small.area_in_words() == "within about 400 feet of 12 Oak Street (West Elm)"
