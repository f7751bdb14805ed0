from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "civicdesk.directory"
    label = "directory"
    verbose_name = "Services A–Z and departments directory"

    def ready(self) -> None:
        from .search_index import register_sources

        register_sources()
