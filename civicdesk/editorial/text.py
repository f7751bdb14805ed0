"""Per-language text stored as a JSON map language → text, and the "not yet translated" fallback."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString

from civicdesk.lib import markdown

#: Path prefix of the editorial images (served by editorial.views.image_file); Markdown may show images here.
IMAGE_PREFIX = "/content-images/"


def site_languages() -> list[tuple[str, str]]:
    """(code, name) of every language the site offers, the default language first."""
    default = default_language()
    return sorted(settings.LANGUAGES, key=lambda item: item[0] != default)


def default_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


@dataclass(frozen=True)
class Translated:
    """Text in one language: `language` is the language the text is really in; `is_fallback` is True when the
    reader's language had no text and the default language's text is shown instead (pages then say so)."""

    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def translated(value: dict | None, language: str | None = None) -> Translated:
    """The text of a language → text map in `language` (the active language when None); when that language has
    no text, the default language's text with is_fallback=True; an empty Translated when neither has any."""
    value = value if isinstance(value, dict) else {}
    language = (language or translation.get_language() or default_language()).split("-")[0]
    text = (value.get(language) or "").strip()
    if text:
        return Translated(text, language, False)
    default = default_language()
    text = (value.get(default) or "").strip()
    if text:
        return Translated(text, default, language != default)
    return Translated("", language, False)


def render_markdown(text: str) -> SafeString:
    """Editors' Markdown as sanitised HTML (civicdesk/lib/markdown.py): links, images from the editorial image
    library only (every other image address is dropped by the sanitiser), headings from h2 down ("#" and "##"
    are both h2: the page's title is the only h1)."""
    return markdown.render(text, allow_links=True, allow_images=True, local_image_prefix=IMAGE_PREFIX,
                           min_heading=2)


def language_name(code: str) -> str:
    """The site's name for a language code (translated), or the code itself."""
    for language, name in settings.LANGUAGES:
        if language == code:
            return str(translation.gettext(name))
    return code
