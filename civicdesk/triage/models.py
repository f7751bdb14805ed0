"""Phrases, and variants of their words, that mark a report as a possible emergency."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmergencyPhrase(models.Model):
    """A word or phrase ("gas leak", "fuga de gas") that stops a report with "call 911 now".

    Matching (triage/detection.py) is forgiving: each word matches its variants (plurals, verb
    forms, the variants listed in EmergencyWordVariant), the words may come in any order within
    `window` extra words ("power line down" matches "the line is down by the power pole"), and
    a word written run together ("gasleak") or hyphenated counts. A match is ignored when one of
    `except_near` is within two words of it ("fire" next to "hydrant" or "station").
    """

    class Action(models.TextChoices):
        STOP = "stop", _("Stop the report: call 911")
        FLAG = "flag", _("Accept, but flag it for staff to check first")

    phrase = models.CharField(_("phrase"), max_length=120, unique=True)
    language = models.CharField(_("language"), max_length=8, blank=True,
                                help_text=_("Leave empty to match in every language."))
    is_active = models.BooleanField(_("active"), default=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices, default=Action.STOP)
    window = models.PositiveSmallIntegerField(
        _("extra words allowed"), default=3,
        help_text=_("How many other words may stand between the words of the phrase, in any order."))
    except_near = models.TextField(
        _("not when next to"), blank=True,
        help_text=_("Words, separated by commas, that make it an ordinary report when they are within two "
                    "words of the phrase (for “fire”: hydrant, station, department)."))

    class Meta:
        verbose_name = _("emergency phrase")
        verbose_name_plural = _("emergency phrases")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class EmergencyWordVariant(models.Model):
    """Other ways of writing one word of the emergency phrases ("odor": odour, smell, stench).

    Every variant counts as the word itself, in every phrase; the usual endings (plurals, -ing,
    -ed, Spanish -os/-as) need no variant. Use it for synonyms, other spellings and common
    misspellings.
    """

    word = models.CharField(_("word"), max_length=60, unique=True)
    variants = models.TextField(_("variants"), help_text=_("Separated by commas."))
    language = models.CharField(_("language"), max_length=8, blank=True,
                                help_text=_("For your reference; variants match in every language."))

    class Meta:
        verbose_name = _("emergency word variant")
        verbose_name_plural = _("emergency word variants")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
