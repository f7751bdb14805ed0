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
        # Autopay (docs/payments-autopay.md): notices, debits, retries and the recovery of a debit a worker left.
        schedule.register("payments.autopay", "civicdesk.payments.autopay_tasks.run_autopay_task",
                          every=dt.timedelta(minutes=15))
        # Staff money operations (docs/payments-operations.md).
        schedule.register("payments.reconcile_payouts", "civicdesk.payments.ops_tasks.reconcile_payouts_task",
                          daily_at="06:15")
        schedule.register("payments.send_approved_refunds",
                          "civicdesk.payments.ops_tasks.send_approved_refunds_task", every=dt.timedelta(minutes=10))
