"""The help hub's public pages (/help/) and the editors' "was this page helpful?" results."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from civicdesk.catalog.models import ServiceType
from civicdesk.core.sharing import share_info
from civicdesk.editorial import access, hub
from civicdesk.editorial.text import language_name, render_markdown
from civicdesk.throttle.services import RateLimited, client_ip

from . import glossary, services
from .forms import HelpfulForm
from .models import Article, FaqEntry, GlossaryTerm, Topic


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _fallback(*objects) -> dict:
    """The "not yet translated" notice of a page: shown when any of its items is in the default language."""
    language = _language()
    for obj in objects:
        if obj is not None and obj.is_fallback(language):
            first = obj.text(obj.translated_fields[0], language)
            return {"fallback": True, "fallback_language": language_name(first.language),
                    "fallback_code": first.language}
    return {"fallback": False}


def _glossary_index():
    return glossary.build_index(GlossaryTerm.objects.public(), _language())


def _rendered(obj, field: str, index) -> str:
    return glossary.link_terms(render_markdown(obj.text(field).text), index)


@require_safe
def hub_page(request):
    """/help/: topics, featured articles and every registered section of the information hub."""
    topics = list(Topic.objects.public().order_by("order", "slug"))
    featured = list(Article.objects.public().filter(featured=True).order_by("slug")[:6])
    return render(request, "content/hub.html", {"topics": topics, "featured": featured,
                                                "sections": hub.sections()})


@require_safe
def topic_list(request):
    return render(request, "content/topics.html", {"topics": list(Topic.objects.public().order_by("order", "slug"))})


@require_safe
def topic_page(request, slug: str):
    topic = Topic.objects.public().filter(slug=slug).first()
    if topic is None:
        raise Http404(_("There is no help topic at this address."))
    articles = list(topic.articles.public().order_by("slug"))
    faqs = list(topic.faqs.public().order_by("order", "id"))
    return render(request, "content/topic.html", {"topic": topic, "articles": articles, "faqs": faqs,
                                                  "topic_summary": topic.text("summary").text, **_fallback(topic)})


def _article_or_404(slug: str) -> Article:
    article = Article.objects.public().select_related("jurisdiction").filter(slug=slug).first()
    if article is None:
        raise Http404(_("There is no help article at this address."))
    return article


@require_safe
def article_page(request, slug: str):
    """One article: its text with glossary terms linked (once per page), related services and questions, and
    the "was this page helpful?" form."""
    return _render_article(request, _article_or_404(slug), HelpfulForm())


def _render_article(request, article: Article, form: HelpfulForm, status: int = 200):
    index = _glossary_index()
    faqs = list(article.faqs.public().order_by("order", "id"))
    body = _rendered(article, "body", index)
    # Related answers come after the body on the page, so they are linked after it (each term once per page).
    related = [{"entry": entry, "answer": _rendered(entry, "answer", index)} for entry in faqs]
    services_list = list(ServiceType.objects.public().filter(help_articles=article).order_by("name"))
    return render(request, "content/article.html", {
        "article": article, "body": body, "summary": article.text("summary").text, "related_faqs": related, "services": services_list,
        "topics": list(article.topics.public().order_by("order", "slug")),
        "helpful_form": form, **_fallback(article),
        "share": share_info(title=article.text("title").text, description=article.text("summary").text),
    }, status=status)


@require_POST
def helpful(request, slug: str):
    """Record a "was this page helpful?" answer (no JavaScript, no account; limited per client and overall)."""
    article = _article_or_404(slug)
    form = HelpfulForm(request.POST)
    if not form.is_valid():
        return _render_article(request, article, form, status=400)
    try:
        services.record_helpful(article=article, helpful=form.cleaned_data["helpful"],
                                comment=form.cleaned_data["comment"], client=client_ip(request),
                                language=_language())
    except RateLimited as exc:
        response = render(request, "limited.html", {"message": exc.message, "back_url": article.get_absolute_url(),
                                                    "back_label": _("Back to the article")}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    messages.success(request, _("Thank you for your answer. It helps the city improve this page."))
    return redirect(article.get_absolute_url() + "#helpful")


@require_safe
def faq_page(request):
    """Every public question, grouped by topic (questions without a topic last), each with an anchor."""
    public_faqs = FaqEntry.objects.public().order_by("order", "id")
    topics = list(Topic.objects.public().order_by("order", "slug").prefetch_related(
        Prefetch("faqs", queryset=public_faqs, to_attr="public_faqs")))
    index = _glossary_index()
    groups, seen = [], set()
    for topic in topics:
        entries = [{"entry": e, "answer": _rendered(e, "answer", index)} for e in topic.public_faqs]
        seen.update(e.pk for e in topic.public_faqs)
        if entries:
            groups.append({"topic": topic, "entries": entries})
    others = [{"entry": e, "answer": _rendered(e, "answer", index)} for e in public_faqs if e.pk not in seen]
    if others:
        groups.append({"topic": None, "entries": others})
    fallback = any(item["entry"].is_fallback(_language()) for group in groups for item in group["entries"])
    return render(request, "content/faq.html", {"groups": groups, "fallback": fallback,
                                                "fallback_language": language_name(settings.LANGUAGE_CODE)})


@require_safe
def glossary_page(request):
    """Every public glossary term, A–Z by its name in the reader's language, with letter headings."""
    language = _language()
    terms = sorted(GlossaryTerm.objects.public(), key=lambda t: t.text("term", language).text.casefold())
    letters: dict[str, list] = {}
    for term in terms:
        name = term.text("term", language).text
        letter = (name[:1] or "#").upper()
        letter = letter if letter.isalpha() else "#"
        letters.setdefault(letter, []).append({"term": term, "name": name,
                                               "definition": render_markdown(term.text("definition").text),
                                               "forms": [f for f in term.forms(language) if f != name],
                                               "fallback": term.is_fallback(language)})
    return render(request, "content/glossary.html", {"letters": list(letters.items()),
                                                     "fallback_language": language_name(settings.LANGUAGE_CODE)})


@never_cache
@require_safe
def helpful_results(request):
    """Editors: per article, yes and no answers, the share of yes, and recent comments (never shown publicly)."""
    access.require_editor(request.user)
    ids = access.editable_jurisdiction_ids(request.user)
    return render(request, "content/helpful_results.html", {
        "results": services.helpful_results(ids), "comments": services.recent_comments(ids)})
