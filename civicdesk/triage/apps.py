from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "civicdesk.triage"
    label = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from civicdesk.core import schedule

        # Nightly, when intake is quiet: a fit reads up to TRIAGE_ROWS_PER_KIND rows per kind.
        schedule.register("triage.retrain_classifiers", "civicdesk.triage.tasks.retrain_classifiers_task",
                          daily_at="02:40")
