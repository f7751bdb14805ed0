"""{% share_meta %} (in base.html's head) and {% share_links %} (on pages worth sharing); see core/sharing.py."""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from civicdesk.core.sharing import OG_LOCALES, share_info

register = template.Library()



def _page_url(context) -> str:
    """The page's public address on SITE_URL, without its query (which can hold one-time tokens)."""
    request = context.get("request")
    return settings.SITE_URL + (request.path_info if request is not None else "/")


def _share(context) -> dict[str, str]:
    share = context.get("share")
    if share:
        return share
    return share_info(title=str(context.get("site_name", "CivicDesk")), description=_("Report a problem, follow your request and find city services."),
                      kind="website")


@register.simple_tag(takes_context=True)
def share_meta(context):
    """Open Graph and Twitter card tags of the page (the view's `share`, or the site's defaults)."""
    share = _share(context)
    language = (get_language() or "en").split("-")[0]
    properties = [
        ("og:title", share["title"]), ("og:description", share["description"]), ("og:url", _page_url(context)),
        ("og:type", share["type"]), ("og:site_name", str(context.get("site_name", "CivicDesk"))),
        ("og:locale", OG_LOCALES.get(language, language)),
    ]
    names = [("description", share["description"]), ("twitter:card", "summary"),
             ("twitter:title", share["title"]), ("twitter:description", share["description"])]
    return format_html_join("\n  ", '<meta property="{}" content="{}">', properties) + mark_safe(
        "\n  ") + format_html_join("\n  ", '<meta name="{}" content="{}">', names)


@register.inclusion_tag("includes/share_links.html", takes_context=True)
def share_links(context):
    """"Share this page": an email link and a copy-link button (shown only where the clipboard works)."""
    share = _share(context)
    url = _page_url(context)
    return {"url": url, "mailto": f"mailto:?subject={quote(share['title'])}&body={quote(url)}"}
