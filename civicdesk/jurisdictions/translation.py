"""Names residents read, stored once per language (django-modeltranslation): name_en, name_es, ..."""

from modeltranslation.translator import TranslationOptions, register

from .models import Department, District, Jurisdiction


@register(Jurisdiction)
class JurisdictionTranslation(TranslationOptions):
    fields = ("name", "address")


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name",)


@register(District)
class DistrictTranslation(TranslationOptions):
    fields = ("name",)
