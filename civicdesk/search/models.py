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


class SearchWord(models.Model):
    """The index's vocabulary per language, kept by civicdesk.search.services as entries are written (so no
    search reads the entries' text to learn it). Two kinds of row:

    - WORD: a folded, unstemmed word of the entries' titles, text and keywords ("permit") with the number of
      entries holding it: the words a typo is corrected to (services.correct()). `length`, `first` and
      `second` (its first two letters) narrow the candidates of a typed word to a few hundred.
    - ANSWER_TERM: an index term (stemmed) with the number of *answer* pages (Source.answers) holding it, for
      answers_for()'s "a word most answer pages share counts half"; the row with the empty term counts the
      answer pages themselves.
    """

    WORD = "w"
    ANSWER_TERM = "a"

    language = models.CharField(max_length=8)
    kind = models.CharField(max_length=1)
    word = models.CharField(max_length=40)
    entries = models.IntegerField(default=0)
    length = models.PositiveSmallIntegerField(default=0)
    first = models.CharField(max_length=1, blank=True)
    second = models.CharField(max_length=1, blank=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        constraints = [models.UniqueConstraint(fields=["language", "kind", "word"], name="search_word_unique")]
        indexes = [models.Index(fields=["language", "kind", "length"], name="search_word_length")]

    def __str__(self) -> str:
        return f"{self.word} ({self.language}/{self.kind}: {self.entries})"


class SearchMiss(models.Model):
    """A search that found nothing, counted per day and language, for editors ("what people looked for and
    did not find"). `query` is normalised (lower case, accents and punctuation gone) and anything that looks
    like personal data (an email address, a phone number, a tracking number, a long run of digits, a street
    address with a house number, a web address) is replaced by a placeholder by civicdesk.search.misses
    before it is stored; a query left with no word of its own is not stored at all. Kept MISS_DAYS days.

    `found` keeps the searches that found nothing (0) apart from those that found only a few results (fewer
    than settings.SEARCH_FEW_RESULTS): a "few results" row counts the searches that found exactly `found`."""

    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=8)
    query = models.CharField(_("query"), max_length=100)
    count = models.PositiveIntegerField(_("searches"), default=0)
    last_seen = models.DateTimeField(_("last seen"))
    found = models.PositiveSmallIntegerField(_("results found"), default=0)

    class Meta:
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")
        constraints = [models.UniqueConstraint(fields=("day", "language", "query", "found"),
                                              name="search_miss_one_per_day_and_found")]
        indexes = [models.Index(fields=["day"], name="search_miss_day")]

    def __str__(self) -> str:
        return f"{self.query} ({self.language}, {self.day}, {self.found} found: {self.count})"


class AnswerFollow(models.Model):
    """A resident (channel "web") or a call-centre agent ("agent") opened an answer page offered while a
    problem was being described ("Is this what you need?"). Counted once per session and page; the
    description itself is never stored, nor who followed it.

    `came_back` turns true when the same session then sends a report within FINISH_WINDOW: the answer did
    not settle it. A follow older than that without a report is a *deflected contact* (is_deflected())."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web report form")
        AGENT = "agent", _("Agent intake")

    source = models.CharField(_("source"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("address"), max_length=500)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    followed_at = models.DateTimeField(_("followed at"), db_index=True)
    came_back = models.BooleanField(_("sent a report anyway"), default=False)

    class Meta:
        verbose_name = _("answer followed")
        verbose_name_plural = _("answers followed")
        indexes = [models.Index(fields=["source", "object_id"], name="search_follow_page")]

    #: How long after following an answer a report from the same session still counts as "came back".
    FINISH_WINDOW_HOURS = 2

    def __str__(self) -> str:
        return f"{self.title} ({self.channel}, {self.followed_at:%Y-%m-%d})"

    def is_deflected(self, now) -> bool:
        """True when no report came from the same session within FINISH_WINDOW_HOURS and that time is over."""
        import datetime as dt

        return not self.came_back and self.followed_at <= now - dt.timedelta(hours=self.FINISH_WINDOW_HOURS)
