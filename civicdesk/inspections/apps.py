import datetime as dt

from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "civicdesk.inspections"
    label = "inspections"
    verbose_name = "Inspections"

    def ready(self) -> None:
        from civicdesk.applications import gates
        from civicdesk.core import schedule

        from . import services, views

        gates.before_step(services.require_passed_inspection)
        gates.panel(views.applicant_panel)
        schedule.register("inspections.reminders", "civicdesk.inspections.tasks.reminders_task",
                          every=dt.timedelta(hours=1))
