"""Help, privacy, accessibility and terms: real content named after the city, in English and Spanish,
linked from every page's footer."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = {
    "core:help": ("<h1>Help</h1>", "<h1>Ayuda</h1>"),
    "core:privacy": ("<h1>Privacy notice</h1>", "<h1>Aviso de privacidad</h1>"),
    "core:accessibility": ("<h1>Accessibility statement</h1>", "<h1>Declaración de accesibilidad</h1>"),
    "core:terms": ("<h1>Terms of use</h1>", "<h1>Condiciones de uso</h1>"),
}


@pytest.mark.parametrize("name", PAGES)
def test_it_names_the_home_jurisdiction_in_each_language(client, world, name):
    world.county.name_es = "Condado de Maple"
    world.county.save()
    english = client.get(reverse(name)).content.decode()
    spanish = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert PAGES[name][0] in english and "Maple County" in english
    assert PAGES[name][1] in spanish and "Condado de Maple" in spanish
    assert "Riverbend" not in english + spanish


def test_it_links_every_page_from_the_footer(client, world):
    html = client.get(reverse("core:home")).content.decode()
    footer = html.split('<footer class="cd-footer">')[1]
    for name in [*PAGES, "core:contact"]:
        assert f'href="{reverse(name)}"' in footer, name


def test_it_states_the_accessibility_standard_and_how_to_report_a_problem(client, world):
    world.county.email = "access@maple.example.gov"
    world.county.save()
    html = client.get(reverse("core:accessibility")).content.decode()
    assert "(WCAG) 2.2 at level AA" in html
    assert 'href="mailto:access@maple.example.gov"' in html
    assert "We reply within 5 business days." in html


def test_it_tells_residents_their_contact_details_are_never_public(client, world, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
    html = client.get(reverse("core:privacy")).content.decode()
    assert "Your name, email address and phone number are never shown to the public." in html
    assert "(it lasts up to 14 days)" in html


def test_it_uses_the_jurisdiction_emergency_number(client, world):
    world.county.emergency_number = "112"
    world.county.save()
    html = client.get(reverse("core:help")).content.decode()
    link = '<a class="usa-link cd-tel" href="tel:112">112</a>'
    assert f"call {link} now" in html and f"Emergencies: call {link}." in html


def test_it_groups_the_footer_links_under_headings(client, world):
    footer = client.get(reverse("core:home")).content.decode().split('<footer class="cd-footer">')[1]
    groups = [part.split("</nav>")[0] for part in footer.split("<nav ")[1:]]
    headings = [group.split('class="cd-footer__heading"')[1].split(">")[1].split("<")[0] for group in groups]
    assert headings == ["Take part", "How the city is doing", "About this site"]
    assert 'href="/forums/"' in groups[0] and 'href="/dashboard/"' in groups[1] and 'href="/privacy/"' in groups[2]
    for group in groups:
        assert group.startswith('class="tablet:grid-col-4" aria-labelledby="footer-')
