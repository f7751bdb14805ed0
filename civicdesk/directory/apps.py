from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "civicdesk.directory"
    label = "directory"
    verbose_name = "Services A–Z and departments directory"

    def ready(self) -> None:
        from civicdesk.editorial import hub, registry

        from . import forms, related, search_index

        for editable in forms.EDITABLES:
            registry.register(editable)
        hub.register(hub.HubSection("services", _("Services A–Z, permits and licenses"), "directory:services",
                                    _("Every service you can report or ask for, and the permits and licenses the "
                                      "city issues: what they cover, who handles them, how long they take, fees."),
                                    40))
        hub.register(hub.HubSection("departments", _("Departments"), "directory:departments",
                                    _("Who does what: contact, opening hours and where to find each department."),
                                    50))
        related.register(related.help_articles)
        search_index.register_sources()
