"""Residents' Markdown to safe HTML: markdown-it-py (CommonMark) renders, nh3 (Ammonia) sanitises.

Raw HTML typed by a resident is never passed through: markdown-it-py runs with `html=False`, so `<script>` is
shown as text, and whatever the renderer produces is cleaned again with an allow-list (defence in depth, and
the place link and image rules are enforced). New accounts may be refused links and images
(`allow_links=False`, `allow_images=False`): the Markdown for them is switched off in the parser, so what
they typed stays readable as plain text instead of vanishing.
"""

from __future__ import annotations

import html as html_lib

import nh3
from markdown_it import MarkdownIt
from django.utils.safestring import SafeString, mark_safe

#: Every link in users' content: search engines give it no weight (spam gains nothing), and the page opened
#: cannot reach back into ours.
LINK_REL = "nofollow ugc noopener"

_TEXT_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "h3", "h4", "h5",
              "h6", "del", "table", "thead", "tbody", "tr", "th", "td"}
_SCHEMES = {"https", "http", "mailto"}


def _parser(*, allow_links: bool, allow_images: bool, min_heading: int | None = None) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.enable("strikethrough")
    if not allow_links:
        md.disable(["link", "autolink", "reference", "image"])
    elif not allow_images:
        # An image someone may not show becomes a link to it, named by its alt text.
        md.renderer.rules["image"] = _image_as_link
    # Headings in a post sit under the page's own h1/h2: shift them down so the outline stays sound.
    # Pages written by staff (min_heading) keep the writer's levels, but never above the page's own h1.
    rule = _shifted_heading if min_heading is None else _floored_heading(min_heading)
    md.renderer.rules["heading_open"] = rule
    md.renderer.rules["heading_close"] = rule
    return md


def _floored_heading(minimum: int):
    def rule(tokens, idx, options, env):
        token = tokens[idx]
        level = max(minimum, int(token.tag[1]))
        return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"

    return rule


def _shifted_heading(tokens, idx, options, env):
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + 2)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _image_as_link(tokens, idx, options, env):
    from markdown_it.common.utils import escapeHtml

    token = tokens[idx]
    label = "".join(child.content for child in token.children or []) or token.attrGet("src") or ""
    return f'<a href="{escapeHtml(str(token.attrGet("src") or ""))}">{escapeHtml(label)}</a>'


_PARSERS: dict[tuple[bool, bool, int | None], MarkdownIt] = {}


def render(text: str, *, allow_links: bool = True, allow_images: bool = False,
           local_image_prefix: str | None = None, min_heading: int | None = None) -> SafeString:
    """`text` (Markdown typed by a person) as sanitised HTML, safe to put in a page as is.

    Links get rel="nofollow ugc noopener" and only http(s)/mailto addresses; images (when allowed) only https
    addresses, or site paths starting with `local_image_prefix` (e.g. "/content-images/", the editors' image
    library), and keep their alt text. Headings move down two levels (a post sits under the page's h1 and h2),
    or, with `min_heading` (staff-written pages), keep their level but never go above it. Returns an empty
    string for empty text.
    """
    if not (text or "").strip():
        return mark_safe("")
    key = (allow_links, allow_images, min_heading)
    if key not in _PARSERS:
        _PARSERS[key] = _parser(allow_links=allow_links, allow_images=allow_images, min_heading=min_heading)
    html = _PARSERS[key].render(text)
    tags = set(_TEXT_TAGS)
    if min_heading is not None:
        tags |= {f"h{level}" for level in range(min_heading, 7)}
    attributes: dict[str, set[str]] = {}
    if allow_links:
        tags.add("a")
        attributes["a"] = {"href", "title"}
    if allow_images:
        tags.add("img")
        attributes["img"] = {"src", "alt", "title"}
    cleaned = nh3.clean(html, tags=tags, attributes=attributes, clean_content_tags={"script", "style"},
                        link_rel=LINK_REL if allow_links else None, url_schemes=_SCHEMES if allow_links else set())
    if allow_images:
        # Ammonia's schemes apply to every URL attribute; images must also be https (no mixed content, no
        # mailto:), so anything else loses its image.
        cleaned = nh3.clean(cleaned, tags=tags, attributes=attributes, link_rel=LINK_REL if allow_links else None,
                            url_schemes=_SCHEMES, attribute_filter=_image_filter(local_image_prefix))
    return mark_safe(cleaned)


def _image_filter(local_prefix: str | None):
    """An nh3 attribute filter keeping image addresses that are https, or (when given) a path of this site
    starting with `local_prefix` (never "//host", which would be another site)."""

    def keep(tag: str, attribute: str, value: str):
        if tag != "img" or attribute != "src":
            return value
        if value.lower().startswith("https://"):
            return value
        if local_prefix and value.startswith(local_prefix) and not value.startswith("//") and ".." not in value:
            return value
        return None

    return keep


def plain_text(text: str, limit: int = 200) -> str:
    """The words of `text` without Markdown or HTML, cut to `limit` characters (for previews and feeds)."""
    html = render(text, allow_links=False, allow_images=False)
    words = " ".join(html_lib.unescape(nh3.clean(str(html), tags=set())).split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
