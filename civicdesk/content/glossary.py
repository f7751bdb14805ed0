"""Linking glossary terms where they appear in rendered, sanitised content: the first time on a page only,
never inside a link, a heading or code.

It works on the HTML that civicdesk/lib/markdown.py produced, with the standard library's HTML parser: text
nodes are searched, and every piece of the output is rebuilt escaped (text with html.escape, attributes
quoted and escaped), so a term or a text holding "<", "&" or quotes can never become markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

#: Text inside these elements is never linked.
_SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "script", "style"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}


@dataclass
class TermIndex:
    """The glossary in one language: every form of every term → (link, term), and the terms already
    linked on the page being built (so each term is linked once per page)."""

    forms: dict[str, tuple[str, str]]
    linked: set[str] = field(default_factory=set)
    pattern: re.Pattern | None = None

    def __post_init__(self) -> None:
        if self.forms:
            alternatives = sorted(self.forms, key=len, reverse=True)
            self.pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in alternatives) + r")(?!\w)",
                                      re.IGNORECASE)

    def lookup(self, found: str) -> tuple[str, str] | None:
        return self.forms.get(found.casefold())


def build_index(terms, language: str | None = None) -> TermIndex:
    """A TermIndex of GlossaryTerm objects (public ones: the caller chooses) in `language`."""
    forms: dict[str, tuple[str, str]] = {}
    for term in terms:
        url = term.get_absolute_url()
        for form in term.forms(language):
            forms.setdefault(form.casefold(), (url, term.slug))
    return TermIndex(forms)


class _Linker(HTMLParser):
    def __init__(self, index: TermIndex, exclude: str | None):
        super().__init__(convert_charrefs=True)
        self.index = index
        self.exclude = exclude
        self.out: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        self.out.append(_start_tag(tag, attrs))
        if tag in _SKIP and tag not in _VOID:
            self.skip_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(_start_tag(tag, attrs))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        self.out.append(f"</{tag}>")
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1

    def handle_data(self, data):
        if self.skip_depth or self.index.pattern is None:
            self.out.append(html.escape(data, quote=False))
            return
        position = 0
        for match in self.index.pattern.finditer(data):
            found = self.index.lookup(match.group(1))
            if found is None:
                continue
            url, slug = found
            if slug in self.index.linked or slug == self.exclude:
                continue
            self.index.linked.add(slug)
            self.out.append(html.escape(data[position:match.start()], quote=False))
            self.out.append(f'<a class="cd-term" href="{html.escape(url)}">'
                            f'{html.escape(match.group(1), quote=False)}</a>')
            position = match.end()
        self.out.append(html.escape(data[position:], quote=False))


def _start_tag(tag: str, attrs) -> str:
    parts = [tag] + [f'{name}="{html.escape(value or "")}"' if value is not None else name for name, value in attrs]
    return "<" + " ".join(parts) + ">"


def link_terms(rendered: str, index: TermIndex, *, exclude: str | None = None) -> SafeString:
    """`rendered` (sanitised HTML) with the first occurrence of each glossary term not yet linked on the page
    turned into a link to its definition; `exclude` is a term slug never linked (its own entry)."""
    if not rendered or index.pattern is None:
        return mark_safe(rendered)
    linker = _Linker(index, exclude)
    linker.feed(str(rendered))
    linker.close()
    return mark_safe("".join(linker.out))
