import datetime as dt

from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "civicdesk.sso"
    label = "sso"
    verbose_name = "Staff single sign-on (OpenID Connect)"

    def ready(self) -> None:
        from civicdesk.accounts import hooks
        from civicdesk.core import schedule

        from . import services

        hooks.sign_in_options.append(services.sign_in_options)
        hooks.password_sign_in_checks.append(services.password_refusal)
        schedule.register("sso.forget_old_nonces", "civicdesk.sso.tasks.forget_old_nonces_task",
                          every=dt.timedelta(hours=6))
