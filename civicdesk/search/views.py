"""/search/: one search across the site's public pages (services, news, data, reports...), suggestions as
you type, answers offered under a report's description, and the redirect that counts a followed answer."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, gettext as _, ngettext
from django.views.decorators.http import require_GET

from civicdesk.throttle.services import Limit, RateLimited, check, client_ip

from . import deflection, misses, registry, services, text
from .forms import MAX_QUERY, SearchForm

#: Seconds a suggestion or answer list is cached (per language and words): a page unpublished this minute
#: may still be suggested until then (the results page itself is never cached).
CACHE_SECONDS = 60
#: Characters of a report's description read for answers.
MAX_DESCRIPTION = 2000


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _cached_or_limited(request, *, kind: str, language: str, words: str, per_minute: int, message: str,
                       compute) -> list | JsonResponse:
    """compute()'s answer cached CACHE_SECONDS per kind, language and `words` (hashed: no typed text is kept);
    on a miss the client's limit of `per_minute` is counted first, and a JSON 429 returned when it is full."""
    key = f"search:{kind}:{language}:" + hashlib.sha1(words.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        try:
            check(Limit(f"search-{kind}:client:{client_ip(request)}", per_minute, 60), message=message)
        except RateLimited as exc:
            response = JsonResponse({"error": exc.message}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


@require_GET
def search(request):
    """Results for ?q= in the reader's language, filtered by ?kind=, 20 per ?page=. Works without JavaScript.

    A query that is a tracking number opens that request's public tracking page at once (registry.jump_for);
    one that no public request has is said so in plain words, private or unknown alike."""
    form = SearchForm(request.GET)
    results = jump = None
    if form.is_valid() and form.cleaned_data["q"]:
        jump = registry.jump_for(form.cleaned_data["q"])
        if jump is not None and jump.url:
            return redirect(jump.url)
        kind = form.cleaned_data["kind"]
        results = services.search(form.cleaned_data["q"], language=get_language(), kinds=[kind] if kind else None,
                                  page=form.cleaned_data["page"] or 1, exact=form.cleaned_data["exact"])
        if results.total < settings.SEARCH_FEW_RESULTS and not kind and results.page == 1 and jump is None:
            _log_miss(request, form.cleaned_data["q"], results.total)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    exact = bool(form.is_valid() and form.cleaned_data.get("exact"))
    keep = {"exact": "1"} if exact else {}
    filters = []
    if results is not None and results.by_kind:
        filters.append({"kind": "", "label": None, "count": results.count_label(), "current": not kind,
                        "url": "?" + urlencode({"q": query, **keep})})
        for value, label in registry.kinds():
            if results.by_kind.get(value):
                filters.append({"kind": value, "label": label, "count": results.count_label(value),
                                "current": value == kind, "url": "?" + urlencode({"q": query, "kind": value, **keep})})
    base = {"q": query, **({"kind": kind} if kind else {}), **keep}
    pages = {}
    if results is not None and results.pages > 1:
        if results.page > 1:
            pages["previous"] = "?" + urlencode({**base, "page": results.page - 1})
        if results.page < results.pages:
            pages["next"] = "?" + urlencode({**base, "page": results.page + 1})
    return render(request, "search/results.html", {
        "form": form, "results": results, "query": query, "filters": filters, "pages": pages,
        "jump_message": jump.message if jump is not None else "",
        "exact_url": "?" + urlencode({"q": query, "exact": "1", **({"kind": kind} if kind else {})})},
        status=400 if form.errors else 200)


def _log_miss(request, query: str, found: int) -> None:
    """Count a search that found nothing or only a few results for editors (misses.record redacts it), within
    the client's limit (one limit for both)."""
    try:
        check(Limit(f"search-miss:client:{client_ip(request)}", settings.SEARCH_MISSES_PER_CLIENT_PER_HOUR, 3600))
    except RateLimited:
        return  # the search worked; it is just not counted
    misses.record(query, _language(), found=found)


@require_GET
def suggest(request):
    """JSON for the search box's suggestions as you type: {"query", "count", "status", "suggestions": [{"title",
    "url", "label"}]}. Cached per language and words; a client over its limit gets 429 (cached answers are
    served without counting)."""
    query = " ".join((request.GET.get("q") or "").split())[:MAX_QUERY]
    language = _language()
    if len(query) < 2 or "\x00" in query:
        return JsonResponse({"query": query, "count": 0, "status": "", "suggestions": []})
    found = _cached_or_limited(
        request, kind="suggest", language=language, words=text.fold(query),
        per_minute=settings.SEARCH_SUGGESTIONS_PER_CLIENT_PER_MINUTE,
        message=_("Suggestions are paused for a moment. Press Enter to search."),
        compute=lambda: services.suggestions(query, language))
    if isinstance(found, JsonResponse):
        return found
    status = ngettext("%(count)s suggestion.", "%(count)s suggestions.", len(found)) % {"count": len(found)} \
        if found else _("No suggestions.")
    return JsonResponse({"query": query, "count": len(found), "status": status, "suggestions": found})


def _is_agent(request) -> bool:
    user = request.user
    return request.GET.get("channel") == "agent" and getattr(user, "is_authenticated", False) and (
        user.is_staff or user.is_superuser)


@require_GET
def answers(request):
    """JSON for "Is this what you need?" under a report's description as it is typed: {"count", "status",
    "answers": [{"title", "label", "extract", "url"}]}. The description is only read, never stored (the cache
    key is a hash of its terms); a client over its limit gets 429."""
    description = (request.GET.get("text") or "")[:MAX_DESCRIPTION]
    language = _language()
    terms = text.description_terms(description, language)
    agent = _is_agent(request)
    found = []
    if terms:
        found = _cached_or_limited(
            request, kind="answers", language=language, words=" ".join(terms),
            per_minute=settings.SEARCH_ANSWERS_PER_CLIENT_PER_MINUTE,
            message=_("Answers are paused for a moment. You can go on with your report."),
            compute=lambda: deflection.answer_links(services.answers_for(description, language)))
        if isinstance(found, JsonResponse):
            return found
        if agent:
            found = [{**item, "url": item["url"] + "?channel=agent"} for item in found]
    # The same words as search/includes/answers.html ({% blocktranslate count counter %}).
    status = ngettext("%(counter)s answer may help.", "%(counter)s answers may help.", len(found)) % {
        "counter": len(found)} if found else ""
    return JsonResponse({"count": len(found), "status": status, "answers": found})


@require_GET
def follow(request, entry_id: int):
    """Open an answer offered under a report's description, counting it once per session and page (within the
    client's limit; over it, the page still opens). Nothing about the description or the person is stored."""
    entry = deflection.answer_entry(entry_id)
    if entry is None or not url_has_allowed_host_and_scheme(entry.url, allowed_hosts={request.get_host()}):
        raise Http404(_("That answer is no longer published."))
    if not deflection.followed(request.session, entry):
        try:
            check(Limit(f"search-follow:client:{client_ip(request)}", settings.SEARCH_FOLLOWS_PER_CLIENT_PER_HOUR,
                        3600))
        except RateLimited:
            pass  # the page opens anyway; it is just not counted
        else:
            deflection.follow(request.session, entry, channel="agent" if _is_agent(request) else "web")
    return redirect(entry.url)
