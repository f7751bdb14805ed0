from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "civicdesk.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        from .search_index import register_sources

        register_sources()
