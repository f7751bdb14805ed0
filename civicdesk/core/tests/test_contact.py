"""The contact page: the home jurisdiction's phone, email, address and hours, from its record, in both languages."""

from __future__ import annotations

from django.urls import reverse

URL = reverse("core:contact")


def home(world):
    """Maple County is the home jurisdiction of the default city pack (the first one made)."""
    county = world.county
    county.phone, county.email = "(309) 555-0142", "help@maple.example.gov"
    county.address_en = "Maple County Building\n12 Court St\nMapleton, OH 43001"
    county.address_es = "Edificio del Condado de Maple\n12 Court St\nMapleton, OH 43001"
    county.name_es = "Condado de Maple"
    county.business_hours = {"mon": ["08:00", "16:30"], "wed": ["09:00", "17:00"]}
    county.save()
    return county


def test_it_links_the_phone_and_email_of_the_record(client, world):
    home(world)
    html = client.get(URL).content.decode()
    assert '<a class="usa-link" href="tel:+13095550142">(309) 555-0142</a>' in html
    assert '<a class="usa-link" href="mailto:help@maple.example.gov">help@maple.example.gov</a>' in html
    assert "Maple County Building<br>12 Court St<br>Mapleton, OH 43001" in html


def test_it_lists_the_opening_hours_of_the_record_only(client, world):
    home(world)
    html = client.get(URL).content.decode()
    hours = html.split('data-testid="opening-hours"')[1].split("</table>")[0]
    assert "Monday" in hours and "8 a.m. – 4:30 p.m." in hours
    assert "Wednesday" in hours and "9 a.m. – 5 p.m." in hours
    assert "Tuesday" not in hours and "Sunday" not in hours


def test_it_speaks_spanish_with_the_spanish_name_address_and_days(client, world):
    home(world)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Contáctenos</h1>" in html
    assert "Condado de Maple" in html and "Edificio del Condado de Maple" in html
    assert "lunes" in html.lower() and "08:00 – 16:30" in html


def test_it_lists_the_other_jurisdictions_with_their_phone(client, world):
    home(world)
    html = client.get(URL).content.decode()
    others = html.split('id="others"')[1]
    # A number without an area code is dialled as written, never turned into a made-up +1 number.
    assert "Town of Elm" in others and 'href="tel:5550100">555-0100</a>' in others


def test_it_says_so_when_no_jurisdiction_is_set_up(client, db):
    html = client.get(URL).content.decode()
    assert "Contact details have not been set up yet." in html
