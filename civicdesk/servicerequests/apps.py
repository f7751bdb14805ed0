from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "civicdesk.servicerequests"
    label = "servicerequests"
    verbose_name = "Service requests"

    def ready(self):
        from civicdesk.search.registry import register_jump

        from . import receivers  # noqa: F401  (connects the event receivers)
        from .search_jump import tracking_number_jump

        register_jump(tracking_number_jump)
