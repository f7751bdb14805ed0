from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "civicdesk.forums"
    label = "forums"
    verbose_name = "Discussion forums"

    def ready(self) -> None:
        from civicdesk.moderation import registry

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .models import Reply, Thread

        registry.register(Thread)
        registry.register(Reply)

        from .search_index import register_sources

        register_sources()
