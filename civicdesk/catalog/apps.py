from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "civicdesk.catalog"
    label = "catalog"
    verbose_name = "Service catalogue"

    def ready(self) -> None:
        from .search_index import register_sources

        register_sources()
