"""What a city pastes into its website: the script snippet and the plain-iframe fallback for each embeddable page."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

#: The script and the iframe fallback agree on these: data-civicdesk-embed value → path under /embed/<slug>/.
FALLBACK_HEIGHT = 900


def embed_path(kind: str) -> str:
    """The page path (under /embed/<jurisdiction>/) of a `data-civicdesk-embed` value; ValueError for others.

    report → report/, report:<code> → report/<code>/, track → requests/, services → services/,
    survey:<slug> → surveys/<slug>/ (the same table as static/embed/civicdesk-embed.js)."""
    name, _sep, argument = kind.partition(":")
    if name == "report":
        return f"report/{argument}/" if argument else "report/"
    if name == "track" and not argument:
        return "requests/"
    if name == "services" and not argument:
        return "services/"
    if name == "survey" and argument:
        return f"surveys/{argument}/"
    raise ValueError(kind)


@dataclass
class Snippet:
    label: str
    kind: str
    url: str
    script: str
    fallback: str


def snippet(jurisdiction, kind: str, label: str, *, site_url: str | None = None) -> Snippet:
    """The snippet for one embeddable page of `jurisdiction` (absolute addresses on SITE_URL)."""
    base = (site_url or settings.SITE_URL).rstrip("/")
    url = f"{base}/embed/{jurisdiction.slug}/{embed_path(kind)}"
    title = _("%(page)s, %(jurisdiction)s") % {"page": label, "jurisdiction": jurisdiction.name}
    script = format_html(
        '<div data-civicdesk-embed="{}" data-jurisdiction="{}"></div>\n<script src="{}{}" async></script>',
        kind, jurisdiction.slug, base, static("embed/civicdesk-embed.js"))
    fallback = format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy"></iframe>\n'
        '<p><a href="{}">{}</a></p>', url, title, FALLBACK_HEIGHT, url.replace(f"/embed/{jurisdiction.slug}", "", 1),
        _("Open this on %(site)s") % {"site": jurisdiction.name})
    # Plain strings (not SafeString): the staff page shows them as text to copy, escaped.
    return Snippet(label=label, kind=kind, url=url, script="".join(script), fallback="".join(fallback))


def snippets_for(jurisdiction, *, site_url: str | None = None) -> dict[str, list[Snippet]]:
    """{"main": the report flow, tracking and services A–Z; "types": one per public service type; "surveys": one
    per published survey of the jurisdiction}."""
    from civicdesk.catalog.models import ServiceType
    from civicdesk.surveys.models import Survey

    main = [snippet(jurisdiction, "report", _("Report a problem"), site_url=site_url),
            snippet(jurisdiction, "track", _("Track a request"), site_url=site_url),
            snippet(jurisdiction, "services", _("Services A–Z"), site_url=site_url)]
    types = [snippet(jurisdiction, f"report:{code}", name, site_url=site_url)
             for code, name in ServiceType.objects.public().order_by("name").values_list("code", "name")]
    surveys = [snippet(jurisdiction, f"survey:{survey.slug}", survey.title, site_url=site_url)
               for survey in Survey.objects.filter(jurisdiction=jurisdiction, is_published=True)
               .select_related("form").order_by("slug")]
    return {"main": main, "types": types, "surveys": surveys}
