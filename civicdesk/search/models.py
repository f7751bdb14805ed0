"""SearchEntry: one public page residents can find through /search/, in one language."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """A public page as the search index holds it: its title, a plain-text body (for the extract shown under
    the title), where it is, and the *terms* of both (civicdesk.search.text.terms: accents folded, then stemmed),
    which the database's full-text index covers (SQLite: the FTS5 table `search_fts`, rowid = this row's id;
    PostgreSQL: the generated tsvector column `vector`, both created by migration 0001).

    Entries are written only by civicdesk.search.services from the registered sources (registry.py): a source
    names its public pages, so a page that stops being public (unpublished, hidden, made private) loses its
    entry at the next save signal or sync, and nothing private is ever written here.
    """

    source = models.CharField(_("source"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    kind = models.CharField(_("kind"), max_length=40)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("jurisdiction"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    keywords = models.TextField(_("keywords"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    dated = models.DateTimeField(_("date shown"), null=True, blank=True)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    #: sha1 of everything above: a sync rewrites only entries whose content changed.
    fingerprint = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id", "language"], name="search_one_entry_per_language"),
        ]
        indexes = [models.Index(fields=["language", "kind"], name="search_lang_kind")]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id} ({self.language})"
