"""Board names and descriptions stored once per language (django-modeltranslation): name_en, name_es, ..."""

from modeltranslation.translator import TranslationOptions, register

from .models import Board


@register(Board)
class BoardTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
