from django.apps import AppConfig


class JurisdictionsConfig(AppConfig):
    name = "civicdesk.jurisdictions"
    label = "jurisdictions"
    verbose_name = "Jurisdictions"
