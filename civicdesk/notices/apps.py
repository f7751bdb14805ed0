from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "civicdesk.notices"
    label = "notices"
    verbose_name = "Service notices and news"
