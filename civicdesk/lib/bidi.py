"""Right-to-left text for renderers that cannot lay it out (WeasyPrint's SVG text): shaped and in visual order.

Browsers and WeasyPrint's HTML layout order and join Arabic letters themselves; WeasyPrint's SVG `<text>` does
not (it places one character after the other, left to right, unjoined). For that one case `visual()` returns
the text as it must appear: letters in their joined presentation forms (arabic-reshaper) and every run in
display order (python-bidi, the Unicode bidirectional algorithm). Text with no right-to-left letter is
returned unchanged, and so is everything when the two libraries are not installed (the labels then show
unjoined, the data tables beside the charts stay right).
"""

from __future__ import annotations

import re

try:
    import arabic_reshaper
    from bidi import get_display
except ImportError:  # pragma: no cover - both are dependencies; the feature switches off without them
    arabic_reshaper = get_display = None

# Hebrew, Arabic, Syriac, Thaana, N'Ko ... and the Arabic presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def has_rtl(text: str) -> bool:
    """True when `text` holds at least one letter of a right-to-left script."""
    return bool(_RTL.search(text or ""))


def visual(text: str) -> str:
    """`text` shaped and reordered for a renderer that draws characters left to right one by one."""
    if not has_rtl(text) or get_display is None:
        return text
    return get_display(arabic_reshaper.reshape(text), base_dir="R")


_SVG_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


def visual_svg_text(html: str) -> str:
    """Every `<text>` element's content in `html` passed through `visual()` (its entities kept escaped)."""
    from html import escape, unescape

    def convert(match: re.Match) -> str:
        content = unescape(match.group(2))
        if not has_rtl(content):
            return match.group(0)
        return match.group(1) + escape(visual(content), quote=False) + match.group(3)

    return _SVG_TEXT.sub(convert, html)
