from django.apps import AppConfig


class InboundConfig(AppConfig):
    name = "civicdesk.inbound"
    label = "inbound"
    verbose_name = "Inbound messages"
