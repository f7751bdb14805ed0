from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "civicdesk.onboarding"
    verbose_name = _("City onboarding")
    default_auto_field = "django.db.models.BigAutoField"
