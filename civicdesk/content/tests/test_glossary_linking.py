"""Glossary terms linked in rendered content: once per page, never in links, headings or code."""

from __future__ import annotations

from civicdesk.editorial.text import render_markdown

from ..glossary import build_index, link_terms
from .helpers import editors, publish, term


def _index(world, *terms):
    erin, eve = editors(world)
    for item in terms:
        publish(item, erin, eve)
    from ..models import GlossaryTerm

    return build_index(GlossaryTerm.objects.public(), "en")


def test_it_links_a_term_once_per_page(world):
    index = _index(world, term(world, "bulk-item", "bulk item", "A large thing.", "bulk items"))
    first = str(link_terms(render_markdown("Put the bulk item out. Another bulk item later."), index))
    second = str(link_terms(render_markdown("A third bulk items mention."), index))
    assert first.count('class="cd-term"') == 1
    assert '<a class="cd-term" href="/help/glossary/#term-bulk-item">bulk item</a>' in first
    assert "cd-term" not in second


def test_it_never_links_inside_links_headings_or_code(world):
    index = _index(world, term(world, "curb", "curb", "The edge of the street."))
    html = str(link_terms(render_markdown(
        "## The curb\n\n[the curb rules](https://example.gov/curb)\n\n`curb` and\n\n    curb code\n"), index))
    assert "cd-term" not in html
    html = str(link_terms(render_markdown("## The curb\n\nLeave it at the curb."), index))
    assert "<h2>The curb</h2>" in html
    assert html.count("cd-term") == 1 and '<p>Leave it at the <a class="cd-term"' in html


def test_it_links_a_term_with_html_special_characters_as_text(world):
    index = _index(world, term(world, "r-and-d", "R&D <lab>", "Research & development."))
    html = str(link_terms(render_markdown("The R&D <lab> opens on Monday."), index))
    assert '<a class="cd-term" href="/help/glossary/#term-r-and-d">R&amp;D &lt;lab&gt;</a>' in html
    assert "<lab>" not in html


def test_it_matches_whole_words_only(world):
    index = _index(world, term(world, "lot", "lot", "A piece of land."))
    html = str(link_terms(render_markdown("The parking lots and the pilot project."), index))
    assert "cd-term" not in html


def test_it_keeps_attributes_of_the_sanitised_html_escaped(world):
    index = _index(world, term(world, "fee", "fee", "Money paid."))
    html = str(link_terms(render_markdown('[a "quoted" link](https://example.gov/?a=1&b=2) and a fee'), index))
    assert 'href="https://example.gov/?a=1&amp;b=2"' in html and html.count("cd-term") == 1
