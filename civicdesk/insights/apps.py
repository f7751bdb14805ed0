from datetime import timedelta

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "civicdesk.insights"
    label = "insights"
    verbose_name = "Hotspots and trends"

    def ready(self) -> None:
        from civicdesk.core import schedule

        # Hourly: a new cluster shows up within the hour, and each run reads only the last 14 weeks.
        schedule.register("insights.detect_hotspots", "civicdesk.insights.tasks.detect_hotspots",
                          every=timedelta(hours=1))
