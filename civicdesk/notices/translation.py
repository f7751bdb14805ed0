"""Notice fields stored once per language (django-modeltranslation): title_en, title_es, body_en, ..."""

from modeltranslation.translator import TranslationOptions, register

from .models import ServiceNotice


@register(ServiceNotice)
class ServiceNoticeTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("en",)
