"""The help hub's content: topics, articles, questions and answers (FAQ), glossary terms, and residents'
"was this page helpful?" answers. All but the answers are editorial content (civicdesk/editorial): per-language
JSON text, drafts, review by a second editor, scheduling, revisions."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.editorial.models import EditorialContent


def _text(verbose_name):
    return models.JSONField(verbose_name, default=dict, blank=True)


class Topic(EditorialContent):
    """A subject residents look for help on (trash and recycling, streets, water...): groups articles and FAQ."""

    slug = models.SlugField(_("web address name"), unique=True,
                            help_text=_("Lowercase words joined by hyphens, used in the page address."))
    title = _text(_("title"))
    summary = _text(_("summary"))
    order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower numbers come first."))

    translated_fields = ("title", "summary")
    multiline_fields = ("summary",)
    required_translated = ("title",)
    snapshot_fields = ("slug", "order")

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.display_title()

    def get_absolute_url(self) -> str:
        return reverse("content:topic", args=[self.slug])


class Article(EditorialContent):
    """A help page: what residents need to know about one thing, in Markdown, linked to its topics, the
    service types it is about and the FAQ entries that go with it."""

    slug = models.SlugField(_("web address name"), unique=True,
                            help_text=_("Lowercase words joined by hyphens, used in the page address."))
    title = _text(_("title"))
    summary = _text(_("summary"))
    body = _text(_("text"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles", verbose_name=_("topics"))
    service_types = models.ManyToManyField("catalog.ServiceType", blank=True, related_name="help_articles",
                                           verbose_name=_("related services"))
    faqs = models.ManyToManyField("FaqEntry", blank=True, related_name="articles",
                                  verbose_name=_("related questions"))
    featured = models.BooleanField(_("featured on the help page"), default=False)

    translated_fields = ("title", "summary", "body")
    markdown_fields = ("body",)
    multiline_fields = ("summary",)
    required_translated = ("title", "body")
    snapshot_fields = ("slug", "featured", "topics", "service_types", "faqs")

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.display_title()

    def get_absolute_url(self) -> str:
        return reverse("content:article", args=[self.slug])


class FaqEntry(EditorialContent):
    """A question residents ask, with its short answer (Markdown)."""

    question = _text(_("question"))
    answer = _text(_("answer"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="faqs", verbose_name=_("topics"))
    order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower numbers come first."))

    translated_fields = ("question", "answer")
    markdown_fields = ("answer",)
    required_translated = ("question", "answer")
    snapshot_fields = ("order", "topics")

    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.display_title()

    def anchor(self) -> str:
        return f"q-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("content:faq") + "#" + self.anchor()


class GlossaryTerm(EditorialContent):
    """A word the city uses that residents may not know, with its definition and other forms (plural,
    abbreviation, synonyms), one per line, per language. Linked automatically where it appears in articles
    and answers."""

    slug = models.SlugField(_("web address name"), unique=True)
    term = _text(_("term"))
    definition = _text(_("definition"))
    other_forms = _text(_("other forms and synonyms"))

    translated_fields = ("term", "definition", "other_forms")
    markdown_fields = ("definition",)
    multiline_fields = ("other_forms",)
    required_translated = ("term", "definition")
    snapshot_fields = ("slug",)

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.display_title()

    def anchor(self) -> str:
        return f"term-{self.slug}"

    def get_absolute_url(self) -> str:
        return reverse("content:glossary") + "#" + self.anchor()

    def forms(self, language: str | None = None) -> list[str]:
        """The term and its other forms in `language` (falling back to the default language), longest first."""
        words = [self.text("term", language).text]
        words += [line.strip() for line in self.text("other_forms", language).text.replace(",", "\n").splitlines()]
        unique = {w.casefold(): w for w in words if w}
        return sorted(unique.values(), key=len, reverse=True)


class HelpfulVote(models.Model):
    """One "was this page helpful?" answer. Anonymous: no account, no address, no contact kept; the comment is
    read by editors only."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("helpful answer")
        verbose_name_plural = _("helpful answers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "created_at"])]

    def __str__(self) -> str:
        return f"{self.article_id}: {'yes' if self.helpful else 'no'}"
