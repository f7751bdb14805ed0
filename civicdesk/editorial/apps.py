from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """The editorial workflow shared by the information hub's content apps (articles, documents, directory)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "civicdesk.editorial"
    verbose_name = _("Editorial workflow")
