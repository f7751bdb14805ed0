from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "civicdesk.subscriptions"
    label = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (an unsubscribe from a follow ends it)
