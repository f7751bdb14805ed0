from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "civicdesk.servicerequests"
    label = "servicerequests"
    verbose_name = "Service requests"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the event receivers)
