from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "civicdesk.subscriptions"
    label = "subscriptions"
    verbose_name = "Subscriptions"
