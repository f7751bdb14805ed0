"""Names residents read, stored once per language (django-modeltranslation): name_en, name_es, ..."""

from modeltranslation.translator import TranslationOptions, register

from .models import Department, District, Holiday, Jurisdiction


@register(Jurisdiction)
class JurisdictionTranslation(TranslationOptions):
    fields = ("name", "address")


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name",)


@register(District)
class DistrictTranslation(TranslationOptions):
    fields = ("name",)


@register(Holiday)
class HolidayTranslation(TranslationOptions):
    """Residents read holiday names on the directory's opening hours ("Closed: Independence Day")."""

    fields = ("name",)
