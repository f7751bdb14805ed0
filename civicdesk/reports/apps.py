from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "civicdesk.reports"
    label = "reports"
    verbose_name = "Monthly performance reports"

    def ready(self) -> None:
        from civicdesk.core import schedule

        from .search_index import register_sources

        register_sources()

        # 03:00 local on the 1st: each jurisdiction's month has ended everywhere in the country by then
        # (the task works out "last month" in each jurisdiction's own time zone).
        schedule.register("reports.monthly", "civicdesk.reports.tasks.generate_monthly_reports",
                          monthly_on_day=1, daily_at="03:00")
