from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "civicdesk.triage"
    label = "triage"
    verbose_name = "Triage"
