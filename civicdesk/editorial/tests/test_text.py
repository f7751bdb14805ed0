"""Per-language text and the "not yet translated" fallback."""

from django.utils import translation

from civicdesk.editorial.text import render_markdown, translated


def test_it_returns_the_text_of_the_asked_language():
    value = translated({"en": "Trash", "es": "Basura"}, "es")
    assert (value.text, value.language, value.is_fallback) == ("Basura", "es", False)


def test_it_falls_back_to_the_default_language_and_says_so():
    value = translated({"en": "Trash", "es": "  "}, "es")
    assert (value.text, value.language, value.is_fallback) == ("Trash", "en", True)


def test_it_reads_the_active_language_when_none_is_given():
    with translation.override("es"):
        assert translated({"en": "Trash", "es": "Basura"}).text == "Basura"


def test_it_is_empty_without_any_text():
    value = translated({}, "es")
    assert not value and not value.is_fallback


def test_it_shows_library_images_but_drops_other_site_paths_and_plain_http():
    html = str(render_markdown("![Recycling bins](/content-images/4/) ![x](/admin/x.png) ![y](http://e.org/y.png)"))
    assert '<img src="/content-images/4/" alt="Recycling bins">' in html
    assert "/admin/x.png" not in html and "http://e.org" not in html


def test_it_renders_script_as_text():
    html = str(render_markdown("<script>alert('boo')</script>"))
    assert "<script" not in html and "&lt;script&gt;" in html


def test_it_keeps_heading_levels_from_h2_down():
    html = str(render_markdown("# One\n\n## Two\n\n### Three"))
    assert "<h2>One</h2>" in html and "<h2>Two</h2>" in html and "<h3>Three</h3>" in html
