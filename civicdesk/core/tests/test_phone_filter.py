"""The `tel` template filter: every phone number shown is a link that dials it."""

from __future__ import annotations

from django.template import Context, Template

from civicdesk.core.templatetags.phone import tel_uri


def render(value) -> str:
    return Template("{% load phone %}{{ value|tel }}").render(Context({"value": value}))


def test_it_links_emergency_and_local_numbers():
    assert render("911") == '<a class="usa-link cd-tel" href="tel:911">911</a>'
    assert render("112") == '<a class="usa-link cd-tel" href="tel:112">112</a>'
    assert tel_uri("(217) 555-0142") == "tel:+12175550142"
    assert tel_uri("+34 912 345 678") == "tel:+34912345678"
    assert tel_uri("555-0100") == "tel:5550100"


def test_it_shows_text_without_digits_as_plain_escaped_text():
    assert render("") == ""
    assert render(None) == ""
    assert render("<b>ask the desk</b>") == "&lt;b&gt;ask the desk&lt;/b&gt;"


def test_it_escapes_the_number_it_shows():
    html = render('555-0100"><script>')
    assert "<script>" not in html and 'href="tel:5550100"' in html
