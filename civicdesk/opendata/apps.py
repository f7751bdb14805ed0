"""The open-data app: registers the nightly export with the scheduler."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Local time (settings.TIME_ZONE) of the nightly export.
EXPORT_AT = "02:30"


class OpendataConfig(AppConfig):
    name = "civicdesk.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from civicdesk.core import schedule

        from .search_index import register_sources

        register_sources()

        schedule.register("opendata.export", "civicdesk.opendata.tasks.export_open_data", daily_at=EXPORT_AT)
