from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """Help hub content: topics, articles, FAQ, glossary (issue 14)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "civicdesk.content"
    verbose_name = _("Help content")

    def ready(self) -> None:
        from civicdesk.editorial import hub, registry

        from . import forms, search_index

        for editable in forms.EDITABLES:
            registry.register(editable)
        registry.register_link(registry.ConsoleLink(_("Was this page helpful? Results"),
                                                    "content_staff:helpful_results", 10))
        hub.register(hub.HubSection("topics", _("Help by topic"), "content:topics",
                                    _("Articles on trash and recycling, streets, water, parks, permits and more."),
                                    10))
        hub.register(hub.HubSection("faq", _("Questions and answers"), "content:faq",
                                    _("Short answers to the questions residents ask most."), 20))
        hub.register(hub.HubSection("glossary", _("Glossary"), "content:glossary",
                                    _("What the words the city uses mean."), 30))
        search_index.register_sources()
