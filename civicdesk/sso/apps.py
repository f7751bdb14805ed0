from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "civicdesk.sso"
    label = "sso"
    verbose_name = "Staff single sign-on (OpenID Connect)"

    def ready(self) -> None:
        from civicdesk.accounts import hooks

        from . import services

        hooks.sign_in_options.append(services.sign_in_options)
        hooks.password_sign_in_checks.append(services.password_refusal)
