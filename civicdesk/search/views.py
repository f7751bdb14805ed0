"""/search/: one search across the site's public pages (services, news, data, reports...)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from . import registry, services
from .forms import SearchForm


@require_GET
def search(request):
    """Results for ?q= in the reader's language, filtered by ?kind=, 20 per ?page=. Works without JavaScript."""
    form = SearchForm(request.GET)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        kind = form.cleaned_data["kind"]
        results = services.search(form.cleaned_data["q"], language=get_language(), kinds=[kind] if kind else None,
                                  page=form.cleaned_data["page"] or 1)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    filters = []
    if results is not None and results.by_kind:
        filters.append({"kind": "", "label": None, "count": sum(results.by_kind.values()), "current": not kind,
                        "url": "?" + urlencode({"q": query})})
        for value, label in registry.kinds():
            if results.by_kind.get(value):
                filters.append({"kind": value, "label": label, "count": results.by_kind[value],
                                "current": value == kind, "url": "?" + urlencode({"q": query, "kind": value})})
    base = {"q": query, **({"kind": kind} if kind else {})}
    pages = {}
    if results is not None and results.pages > 1:
        if results.page > 1:
            pages["previous"] = "?" + urlencode({**base, "page": results.page - 1})
        if results.page < results.pages:
            pages["next"] = "?" + urlencode({**base, "page": results.page + 1})
    return render(request, "search/results.html", {
        "form": form, "results": results, "query": query, "filters": filters, "pages": pages},
        status=400 if form.errors else 200)
