from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "civicdesk.payments"
    label = "payments"
    verbose_name = "Bills and payments"
