"""Issue texts stored once per language (django-modeltranslation): subject_en, subject_es, intro_en, ..."""

from modeltranslation.translator import TranslationOptions, register

from .models import Issue


@register(Issue)
class IssueTranslation(TranslationOptions):
    fields = ("subject", "intro", "links")
    required_languages = ("en",)
