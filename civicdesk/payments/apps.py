import datetime as dt

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "civicdesk.payments"
    label = "payments"
    verbose_name = "Bills and payments"

    def ready(self) -> None:
        from civicdesk.core import schedule

        # Hourly, so a run lost to a busy database or a dead worker is caught up the same day (paybills).
        schedule.register("payments.bill_reminders", "civicdesk.payments.bill_tasks.send_bill_reminders",
                          every=dt.timedelta(hours=1))
