import datetime as dt

from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "civicdesk.transparency"
    label = "transparency"
    verbose_name = "Transparency: roll-ups and public dashboards"

    def ready(self) -> None:
        from civicdesk.core import schedule

        from . import receivers  # noqa: F401  (connects the delete receivers)

        schedule.register("transparency.sync_rollups", "civicdesk.transparency.tasks.sync_rollups_task",
                          every=dt.timedelta(minutes=1))
