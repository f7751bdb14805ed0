import datetime as dt

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "civicdesk.meetings"
    label = "meetings"
    verbose_name = "Meetings and town halls"

    def ready(self) -> None:
        from civicdesk.core import schedule

        # Reminders go out the day before; every 15 minutes so a meeting is never reminded late by much.
        schedule.register("meetings.reminders", "civicdesk.meetings.tasks.send_reminders_task",
                          every=dt.timedelta(minutes=15))

        from .search_index import register_sources

        register_sources()
