"""What can be found: each app registers its public pages as a search Source in its AppConfig.ready().

    from civicdesk.search.registry import Document, Source, register

    register(Source(
        name="notices.notice", kind="news", label=_("News and notices"), model="notices.ServiceNotice",
        documents=notice_documents))

`documents(ids)` yields a Document for every public page among the objects with those primary keys (all of
them when `ids` is None), once per language the site offers (the text in that language, falling back to the
default language's). An object it does not yield is not public (a draft, hidden, private, gone) and loses its
entries. The search app imports no other app: apps call down into it, never the other way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Document:
    """One public page in one language, as a source describes it."""

    object_id: str
    language: str
    title: str
    body: str
    url: str
    jurisdiction_id: int | None = None
    dated: dt.datetime | None = None
    #: Words that should find the page without being shown (synonyms, common misspellings).
    keywords: str = ""


@dataclass(frozen=True)
class Source:
    """A kind of public page: `kind` groups results on the page (its filter value), `label` names it to
    readers, `model` ("app_label.ModelName") is watched for saves and deletes, `order` sorts the filters."""

    name: str
    kind: str
    label: str
    model: str
    documents: Callable[[Iterable | None], Iterator[Document]]
    order: int = 100
    #: Other models whose saves and deletes change this source's pages: {"app.Model": instance -> pk of the
    #: page}, e.g. {"forums.Reply": lambda reply: reply.thread_id} (a thread's page holds its replies).
    also_watch: dict[str, Callable] = field(default_factory=dict)
    #: True when the pages answer residents' questions (articles, FAQ entries): services.answers_for() offers
    #: them while a resident describes a problem ("Is this what you need?"), before a report is sent.
    answers: bool = False

    def model_class(self):
        return apps.get_model(self.model)


def in_each_language(build: Callable[[str], Document | None]) -> Iterator[Document]:
    """build(language) inside translation.override(language) for every language the site offers: translated
    fields (django-modeltranslation) read in that language, falling back to the default one."""
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            document = build(language)
        if document is not None:
            yield document


def only(queryset, ids: Iterable | None):
    """`queryset` limited to primary keys `ids` (all of it when None)."""
    return queryset if ids is None else queryset.filter(pk__in=list(ids))


@dataclass(frozen=True)
class Jump:
    """What a query that names one page exactly (a tracking number) leads to: `url` to open at once, or, when
    nothing the public may see has it, `message` to show above the results (the same words whether the page
    is private or does not exist)."""

    url: str = ""
    message: str = ""


_SOURCES: dict[str, Source] = {}
_JUMPS: list[Callable[[str], Jump | None]] = []


def register_jump(find: Callable[[str], Jump | None]) -> None:
    """Add a function that reads a whole query as the name of one page (servicerequests: a tracking number)
    and returns a Jump, or None when the query is not of its kind. Registered once per function."""
    if find not in _JUMPS:
        _JUMPS.append(find)


def jump_for(query: str) -> Jump | None:
    """The first Jump a registered function finds for `query`, else None."""
    for find in _JUMPS:
        found = find(query)
        if found is not None:
            return found
    return None


def register(source: Source) -> None:
    """Add (or, by name, replace) a source and watch its model so edits reach the index when they commit."""
    from . import signals

    _SOURCES[source.name] = source
    signals.watch(source)


def unregister(name: str) -> None:
    """Forget a source (tests register throwaway ones); its entries go at the next sync."""
    _SOURCES.pop(name, None)


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.name))


def get(name: str) -> Source | None:
    return _SOURCES.get(name)


def answer_sources() -> list[str]:
    """Names of the sources whose pages answer residents' questions (Source.answers)."""
    return [source.name for source in sources() if source.answers]


def kinds() -> list[tuple[str, str]]:
    """(kind, label) of every registered kind, in the sources' order, each once."""
    seen: dict[str, str] = {}
    for source in sources():
        seen.setdefault(source.kind, source.label)
    return list(seen.items())
