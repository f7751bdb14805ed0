"""Colours, contrast and fonts of an embed theme, and the origins allowed to frame the embedded pages.

Contrast follows WCAG 2.x: the relative luminance of an sRGB colour and the ratio (L1 + 0.05) / (L2 + 0.05)
of the lighter to the darker; AA asks 4.5:1 for normal text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: WCAG 2.x level AA for normal-size text.
MINIMUM_CONTRAST = 4.5

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

#: The fonts a theme may use: (key, label, CSS font-family stack). The two web fonts ship with USWDS (served
#: from this site, so no font server learns who reads the page); the others are on every device.
FONTS: list[tuple[str, str, str]] = [
    ("source-sans", gettext_lazy("Source Sans (the site's own font)"),
     '"Source Sans Pro Web", "Helvetica Neue", Helvetica, Roboto, Arial, sans-serif'),
    ("merriweather", gettext_lazy("Merriweather (serif)"), '"Merriweather Web", Georgia, Cambria, "Times New Roman", serif'),
    ("system", gettext_lazy("The device's own font"),
     'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'),
    ("arial", gettext_lazy("Arial / Helvetica"), 'Arial, "Helvetica Neue", Helvetica, sans-serif'),
    ("georgia", gettext_lazy("Georgia (serif)"), 'Georgia, Cambria, "Times New Roman", Times, serif'),
]
FONT_STACKS = {key: stack for key, _label, stack in FONTS}


def validate_hex_colour(value: str) -> None:
    """A colour is written as # and six hexadecimal digits, like #005ea2."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Write the colour as # followed by six digits or letters a–f, like #005ea2."),
                              code="colour")


def relative_luminance(colour: str) -> float:
    """The WCAG 2.x relative luminance (0 for black, 1 for white) of a `#rrggbb` colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2.x contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """A ratio as people read it: 3.94:1 (rounded down, so 4.499 never shows as a passing 4.5)."""
    return f"{int(ratio * 100) / 100:.2f}:1"


WILDCARD_HOST = re.compile(r"^\*\.(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
PLAIN_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def normalise_origin(value: str) -> str:
    """The origin `value` names (`https://www.riverbend.gov`, `http://127.0.0.1:8001`, `https://*.riverbend.gov`),
    lower-cased and without a trailing slash; ValidationError in plain words for anything else.

    Only a scheme (http or https), a host and an optional port: no path, query, fragment or user name, and no
    wildcard except a leading `*.` before at least two labels (any subdomain of that domain)."""
    text = (value or "").strip()
    text = text.removesuffix("/")
    if not text:
        raise ValidationError(_("An empty line is not a web address."), code="origin")
    if "*" in text and not text.lower().split("://", 1)[-1].startswith("*."):
        raise ValidationError(_("“%(value)s”: a * is only allowed at the very start of the name, as in "
                                "https://*.riverbend.gov.") % {"value": value.strip()}, code="origin")
    probe = text.replace("*.", "wildcard-label.", 1)
    try:
        parts = urlsplit(probe)
        port = parts.port
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a web address: write it like https://www.riverbend.gov.")
                              % {"value": value.strip()}, code="origin") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("“%(value)s” must start with https:// (or http://) and name a site, like "
                                "https://www.riverbend.gov.") % {"value": value.strip()}, code="origin")
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc or probe.endswith(("?", "#")):
        raise ValidationError(_("“%(value)s”: give only the site, like https://www.riverbend.gov, without a page "
                                "path after it.") % {"value": value.strip()}, code="origin")
    host = parts.hostname.lower()
    wildcard = text.lower().split("://", 1)[1].startswith("*.")
    if wildcard:
        host = "*." + host.removeprefix("wildcard-label.")
    pattern = WILDCARD_HOST if wildcard else PLAIN_HOST
    if not pattern.match(host) and not (not wildcard and _is_ipv6(host)):
        raise ValidationError(_("“%(value)s” does not name a site this way: write it like "
                                "https://www.riverbend.gov.") % {"value": value.strip()}, code="origin")
    shown = f"[{host}]" if _is_ipv6(host) else host
    return f"{parts.scheme.lower()}://{shown}" + (f":{port}" if port is not None else "")


def _is_ipv6(host: str) -> bool:
    return ":" in host


def parse_origins(text: str) -> list[str]:
    """The origins of a text with one per line (blank lines skipped, duplicates once); ValidationError listing
    every bad line."""
    origins: list[str] = []
    errors: list[ValidationError] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        try:
            origin = normalise_origin(line)
        except ValidationError as exc:
            errors.append(exc)
        else:
            if origin not in origins:
                origins.append(origin)
    if errors:
        raise ValidationError(errors)
    return origins
