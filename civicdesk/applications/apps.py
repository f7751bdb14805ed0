import datetime as dt

from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "civicdesk.applications"
    label = "applications"
    verbose_name = "Applications: permits and licences"

    def ready(self) -> None:
        from civicdesk.core import schedule
        from civicdesk.payments import hooks

        from .fees import fee_paid_online

        hooks.on_payment_succeeded(fee_paid_online)

        schedule.register("applications.deadline_sweep", "civicdesk.applications.tasks.deadline_sweep_task",
                          every=dt.timedelta(minutes=30))
        schedule.register("applications.renewal_reminders", "civicdesk.applications.tasks.renewal_reminders_task",
                          every=dt.timedelta(hours=6))

        from django.db.models.signals import post_save

        from .models import Permit
        from .registers import on_permit_saved

        post_save.connect(on_permit_saved, sender=Permit, dispatch_uid="applications.register")

        from civicdesk.opendata.builtin import register_dataset

        from .registers import OPEN_DATA

        register_dataset(OPEN_DATA)
