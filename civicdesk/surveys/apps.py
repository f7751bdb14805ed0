"""Surveys: staff-built questionnaires on the form engine, opened to the public or to invited residents."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "civicdesk.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from .search_index import register_sources

        register_sources()
