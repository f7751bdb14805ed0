"""Phrases, and variants of their words, that mark a report as a possible emergency."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


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


class ClassifierModel(LoggedModel):
    """One trained version of the category suggester for a jurisdiction and a language (triage/suggest.py).

    `language` "" is the jurisdiction-wide model (every language's history together), the fallback when no
    model of the resident's language is active. At most one version per (jurisdiction, language) is active;
    training a new one activates it and deactivates the one before (`activate()`).

    The fitted pipeline is stored in the database (`pipeline`, zlib-compressed pickle) so every app server
    and worker reads the same model without shared disks; `sha256` is the hash of those bytes, checked before
    they are unpickled (see `load_pipeline()`). The bytes are written only by this server's own training code:
    they are trusted as much as the database itself, never accepted from an upload. Old versions keep their
    numbers but lose their bytes (`pipeline` empty) beyond the newest few (suggest.KEEP_VERSIONS).

    Numbers (see docs/triage.md): `rows` is how many distinct (description, kind) pairs it learned from;
    `class_counts` maps service type code → rows; `top1_accuracy` / `top3_accuracy` are the share of a held-out
    fifth of those rows (set aside before a trial fit, then included in the final fit) whose kind was the
    first / among the first three suggestions, None when there were too few rows to hold some out.
    """

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="classifier_models", verbose_name=_("jurisdiction"))
    language = models.CharField(_("language"), max_length=8, blank=True,
                                help_text=_("Empty for the model of every language together."))
    version = models.PositiveIntegerField(_("version"))
    trained_at = models.DateTimeField(_("trained"))
    rows = models.PositiveIntegerField(_("training rows"))
    class_counts = models.JSONField(_("rows per kind"), default=dict)
    heldout_rows = models.PositiveIntegerField(_("held-out rows"), default=0)
    top1_accuracy = models.FloatField(_("top-1 accuracy"), null=True, blank=True)
    top3_accuracy = models.FloatField(_("top-3 accuracy"), null=True, blank=True)
    train_seconds = models.FloatField(_("training time (seconds)"), default=0)
    is_active = models.BooleanField(_("active"), default=False)
    library_version = models.CharField(_("scikit-learn version"), max_length=32, blank=True)
    sha256 = models.CharField(_("SHA-256 of the model"), max_length=64, blank=True)
    pipeline = models.BinaryField(_("fitted model"), null=True, blank=True)

    class Meta:
        verbose_name = _("category suggestion model")
        verbose_name_plural = _("category suggestion models")
        ordering = ["jurisdiction", "language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "language", "version"], name="triage_model_version"),
            models.UniqueConstraint(fields=["jurisdiction", "language"], condition=models.Q(is_active=True),
                                    name="triage_model_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.language or '*'} v{self.version}"

    def activate(self, *, user=None) -> None:
        """Make this the version served for its jurisdiction and language (the one before stops being served);
        audit-logged. A version whose bytes were pruned cannot be activated (ValueError)."""
        from django.db import transaction

        if not ClassifierModel.objects.filter(pk=self.pk).exclude(pipeline=None).exists():
            raise ValueError("this version's fitted model was pruned; train a new version instead")
        with transaction.atomic():
            ClassifierModel.objects.filter(jurisdiction_id=self.jurisdiction_id, language=self.language,
                                           is_active=True).exclude(pk=self.pk).update(is_active=False)
            ClassifierModel.objects.filter(pk=self.pk).update(is_active=True)
            self.is_active = True
            self.log_action("triage.model_activated", user=user, data={"version": self.version,
                                                                      "language": self.language})

    def load_pipeline(self):
        """The fitted pipeline, after checking the stored bytes against `sha256`; None when the bytes were pruned.

        Raises ValueError when the bytes do not match their hash (a damaged row): the caller serves no
        suggestion rather than a wrong one."""
        import hashlib
        import pickle
        import zlib

        if not self.pipeline:
            return None
        blob = bytes(self.pipeline)
        if hashlib.sha256(blob).hexdigest() != self.sha256:
            raise ValueError(f"classifier model {self.pk}: stored bytes do not match their SHA-256")
        return pickle.loads(zlib.decompress(blob))  # noqa: S301 (written by our own train(); see the docstring)
