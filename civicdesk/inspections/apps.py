import datetime as dt

from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "civicdesk.inspections"
    label = "inspections"
    verbose_name = "Inspections"

    def ready(self) -> None:
        from civicdesk.applications import gates, hooks
        from civicdesk.core import schedule

        from . import config_views, services, views

        gates.before_step(services.require_passed_inspection)
        gates.panel(views.applicant_panel)
        hooks.register_type_config_link(config_views.type_link)
        schedule.register("inspections.reminders", "civicdesk.inspections.tasks.reminders_task",
                          every=dt.timedelta(hours=1))
