"""The staff console app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "civicdesk.staff"
    verbose_name = _("Staff console")
