from django.apps import AppConfig


class PublicMapConfig(AppConfig):
    name = "civicdesk.publicmap"
    label = "publicmap"
    verbose_name = "Public map of requests"
