"""Notice fields stored once per language (django-modeltranslation): title_en, title_es, body_en, ..."""

from modeltranslation.translator import TranslationOptions, register

from .models import NoticeTemplate, ServiceNotice


@register(ServiceNotice)
class ServiceNoticeTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("en",)


@register(NoticeTemplate)
class NoticeTemplateTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("en",)
