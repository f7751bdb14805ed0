"""Meeting texts stored once per language (django-modeltranslation): title_en, title_es, body_en, ..."""

from modeltranslation.translator import TranslationOptions, register

from .models import Meeting


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "body", "minutes")
    required_languages = ("en",)
