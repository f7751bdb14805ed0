import datetime as dt

from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "civicdesk.connectors"
    label = "connectors"
    verbose_name = "Connectors to work-order systems"

    def ready(self) -> None:
        from civicdesk.core import schedule
        from civicdesk.staff.extensions import add_detail_section

        from . import receivers  # noqa: F401  (connects the forwarding receivers)
        from .views import request_sync_section

        schedule.register("connectors.poll", "civicdesk.connectors.tasks.poll_connectors",
                          every=dt.timedelta(minutes=1))
        add_detail_section(request_sync_section)
