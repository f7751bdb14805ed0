from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "civicdesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.conf import settings

        from civicdesk.cities import city
        from civicdesk.lib import config_cache

        from .conditional import config_generation, count_config_change

        # Public pages' validators count configuration changes (civicdesk/core/conditional.py), and every
        # process's configuration cache drops what it loaded before the latest counted change.
        config_cache.on_change(count_config_change)
        config_cache.read_generation_with(config_generation)

        # DEFAULT_FROM_EMAIL left unset: derive a sender from the city pack and SITE_URL (see settings.py).
        if not settings.DEFAULT_FROM_EMAIL:
            settings.DEFAULT_FROM_EMAIL = city().default_from_email(settings.SITE_URL)
            if not settings.SERVER_EMAIL:
                settings.SERVER_EMAIL = settings.DEFAULT_FROM_EMAIL
