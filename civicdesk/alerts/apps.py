from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "civicdesk.alerts"
    label = "alerts"
    verbose_name = "Service alerts"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the request-event receivers)
