import datetime as dt

from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "civicdesk.conversations"
    label = "conversations"
    verbose_name = "Reports by text message, email and social media"

    def ready(self) -> None:
        from civicdesk.core import schedule
        from civicdesk.inbound import handlers

        from . import emailreports, sms

        handlers.register_sms_handler("conversations", sms.take_sms)
        handlers.register_mail_handler("conversations", handlers.MailHandler(
            accepts=emailreports.is_report_address, handle=emailreports.take_report_mail))
        schedule.register("conversations.close_idle", "civicdesk.conversations.tasks.close_idle_task",
                          every=dt.timedelta(minutes=5))
        schedule.register("conversations.purge_old", "civicdesk.conversations.tasks.purge_old_task",
                          daily_at="03:40")
