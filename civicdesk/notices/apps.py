from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "civicdesk.notices"
    label = "notices"
    verbose_name = "Service notices and news"

    def ready(self) -> None:
        from .search_index import register_sources

        register_sources()
