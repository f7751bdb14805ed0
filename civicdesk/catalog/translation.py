"""Fields that are stored once per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AttributeValue, ServiceAttribute, ServiceGroup, ServiceType, Status


@register(ServiceGroup)
class ServiceGroupTranslation(TranslationOptions):
    fields = ("name",)


@register(ServiceType)
class ServiceTypeTranslation(TranslationOptions):
    fields = ("name", "description", "keywords")


@register(ServiceAttribute)
class ServiceAttributeTranslation(TranslationOptions):
    fields = ("description", "datatype_description")


@register(AttributeValue)
class AttributeValueTranslation(TranslationOptions):
    fields = ("name",)


@register(Status)
class StatusTranslation(TranslationOptions):
    fields = ("name",)
