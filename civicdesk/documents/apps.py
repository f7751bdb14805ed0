import datetime as dt

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "civicdesk.documents"
    label = "documents"
    verbose_name = "Document library"

    def ready(self) -> None:
        from civicdesk.core import schedule

        # Catch-up for versions whose extraction task was lost or postponed by a busy database.
        schedule.register("documents.extract_pending", "civicdesk.documents.tasks.extract_pending_task",
                          every=dt.timedelta(minutes=10))

        from .search_index import register_sources

        register_sources()
        _register_hub_section()


def _register_hub_section() -> None:
    """The library's section on the information hub (/help/), once civicdesk.editorial offers its registry."""
    try:
        from civicdesk.editorial import hub
    except ImportError:  # the editorial app is not installed yet: the library stands on its own
        return
    from django.utils.translation import gettext_lazy as _

    hub.register(hub.HubSection(key="documents", title=_("Documents"), url_name="documents:library",
                                description=_("Bylaws, council agendas and minutes, maps, forms, reports and "
                                              "plans to read and download."), order=60))
