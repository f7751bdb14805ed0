"""The embeddable portal: the report flow, tracking, services A–Z and surveys framed in a city's own website."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedConfig(AppConfig):
    name = "civicdesk.embed"
    label = "embed"
    verbose_name = _("Embeddable portal")
