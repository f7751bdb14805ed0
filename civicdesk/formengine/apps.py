"""The form engine: forms in sections, typed questions, conditions, validation and stored answers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormengineConfig(AppConfig):
    name = "civicdesk.formengine"
    label = "formengine"
    verbose_name = _("Forms")
