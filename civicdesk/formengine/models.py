"""A form (sections of typed questions with conditions) and the responses to it, one row per answer.

The engine knows nothing of who owns a form: a survey (civicdesk.surveys), and later an application type,
holds a foreign key to its Form and decides who may answer. Every staff-entered text is a JSON map of
language code → text (see text.py). Answers are rows (not one JSON blob) so they can be counted per question
and cross-tabulated in SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel

from .text import pick


class Form(LoggedModel):
    """A form. Its structure (sections, questions, choices, conditions) is locked once it has a response, so
    results always count answers to the questions they were given to (see `is_locked`)."""

    title = models.JSONField(_("title"), default=dict, blank=True)
    description = models.JSONField(_("introduction"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self) -> str:
        return pick(self.title) or f"form {self.pk}"

    def is_locked(self) -> bool:
        """True once any response exists: sections, questions and choices may then no longer be added,
        removed, reordered or change kind (wording may still be corrected)."""
        return self.responses.exists()

    def ordered_sections(self) -> list[Section]:
        """The sections in order, each with `.questions_list` (questions in order, with their choices and
        condition choices prefetched): the whole form in four queries."""
        sections = list(self.sections.order_by("position", "id").prefetch_related(
            models.Prefetch("questions", queryset=Question.objects.order_by("position", "id").prefetch_related(
                models.Prefetch("choices", queryset=Choice.objects.order_by("position", "id")),
                "condition_choices"))))
        for section in sections:
            section.questions_list = list(section.questions.all())
        return sections

    def questions_in_order(self) -> list[Question]:
        """Every question of the form, section by section."""
        return [question for section in self.ordered_sections() for question in section.questions_list]


class Section(models.Model):
    """A page of the form: residents answer one section at a time."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.JSONField(_("title"), default=dict, blank=True)
    description = models.JSONField(_("introduction"), default=dict, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return pick(self.title) or f"section {self.pk}"


class Question(models.Model):
    """One question. `condition_question` + `condition_choices`: shown only when the answer to that earlier
    single- or multiple-choice question is (or includes) one of those choices; otherwise it is skipped, never
    required, and any answer sent for it is dropped."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating scale")
        TEXT = "text", _("Free text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        MAP_PIN = "map_pin", _("Place on a map")
        RANKING = "ranking", _("Ranking")

    CHOICE_KINDS = {Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING}

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.JSONField(_("question"), default=dict)
    help_text = models.JSONField(_("hint"), default=dict, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    scale_max = models.PositiveSmallIntegerField(_("highest rating"), default=5,
                                                 help_text=_("Rating scale: from 1 to this number (2 to 10)."))
    min_value = models.DecimalField(_("smallest number"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("largest number"), max_digits=12, decimal_places=2, null=True, blank=True)
    condition_question = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="dependants", verbose_name=_("show only if the answer to"))
    condition_choices = models.ManyToManyField("Choice", blank=True, related_name="+",
                                               verbose_name=_("is or includes one of"))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return pick(self.text) or f"question {self.pk}"

    @property
    def field_name(self) -> str:
        """The name of this question's field in a posted form."""
        return f"q{self.pk}"

    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def is_shown(self, answers: dict) -> bool:
        """True when this question applies given `answers` (field name → stored value, see forms.py): it has
        no condition, or the answer to its condition question is or includes one of its condition choices.
        A question whose condition question is itself not shown is not shown either (callers pass only the
        answers of shown questions)."""
        if self.condition_question_id is None:
            return True
        wanted = {choice.pk for choice in self.condition_choices.all()}
        given = answers.get(f"q{self.condition_question_id}")
        if given in (None, "", []):
            return False
        given = set(given) if isinstance(given, list) else {given}
        return bool(wanted & {int(value) for value in given})


class Choice(models.Model):
    """An option of a single-choice, multiple-choice or ranking question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.JSONField(_("option"), default=dict)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return pick(self.text) or f"option {self.pk}"


class Response(models.Model):
    """One person's submitted answers to a form. `district` is where the respondent is, when known (from an
    invitation or from a map answer): what results cross-tabulate by. Who answered is the owner's business
    (surveys keep a hashed identity beside it), never stored here."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    district = models.ForeignKey("jurisdictions.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("district"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["submitted_at", "id"]


class Answer(LoggedModel):
    """One answer, or one part of it: a multiple-choice answer has a row per chosen option, a ranking a row
    per option with its `rank` (1 = first). Free text can be hidden by staff (`hidden_at`), which keeps it
    out of every listing and download but keeps the row (and the response counts) intact."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "choice"])]
