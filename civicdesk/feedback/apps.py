import datetime as dt

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "civicdesk.feedback"
    label = "feedback"
    verbose_name = "Feedback: was it fixed?"

    def ready(self) -> None:
        from civicdesk.core import schedule
        from civicdesk.inbound import handlers

        from .services import take_sms_reply

        # Inbound SMS never imports this app: it asks the handlers registered here (inbound/handlers.py).
        handlers.register_sms_handler("feedback", take_sms_reply)
        schedule.register("feedback.ask_due", "civicdesk.feedback.tasks.ask_due_task", every=dt.timedelta(minutes=15))
