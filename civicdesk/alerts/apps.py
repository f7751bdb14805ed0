from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "civicdesk.alerts"
    label = "alerts"
    verbose_name = "Service alerts"
