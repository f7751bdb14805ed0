"""Link previews and share links: Open Graph and Twitter card metadata for a page, built from its view's context.

A view puts `"share": share_info(title=..., description=...)` in its context; base.html renders the tags with
`{% share_meta %}` (civicdesk/core/templatetags/sharing.py) and falls back to the site's own title and description
on every other page. Only what the page shows the public goes in: callers pass public text (a request's
`public_description()`, never contact details). No third-party script, no tracking pixel (docs/embed.md).
"""

from __future__ import annotations

import re

from django.utils.text import Truncator

DESCRIPTION_LENGTH = 200

#: og:locale per site language (Open Graph wants language_TERRITORY).
OG_LOCALES = {"en": "en_US", "es": "es_US", "ar": "ar_AR"}


def share_info(*, title: str, description: str = "", kind: str = "article") -> dict[str, str]:
    """What the page's link preview says: a title, a description of at most 200 characters on one line (from
    text the page already shows the public) and the Open Graph type ("article", "website", "event"...)."""
    flat = re.sub(r"\s+", " ", description or "").strip()
    return {"title": re.sub(r"\s+", " ", title or "").strip(),
            "description": Truncator(flat).chars(DESCRIPTION_LENGTH), "type": kind}
