from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "civicdesk.records"
    label = "records"
    verbose_name = "Public-records requests"

    def ready(self) -> None:
        from civicdesk.applications import hooks

        from .services import on_application_change, settings_links

        # The deadline sweep of civicdesk/applications already warns before the acknowledgement (intake) and
        # answer (decision) deadlines of records requests: no second schedule here.
        hooks.on_change(on_application_change)
        hooks.register_type_config_link(settings_links)

        from .search_index import register_sources

        register_sources()
