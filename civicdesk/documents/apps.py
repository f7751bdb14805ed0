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

        from django.utils.translation import gettext_lazy as _

        from civicdesk.editorial import hub, registry

        from .forms import DocumentForm

        registry.register(registry.Editable(key="document", model="documents.Document", form_class=DocumentForm,
                                            label=_("Document"), label_plural=_("Documents"), order=50,
                                            list_related=("current_version",)))
        # In the editorial console's menu: the library's own pages (upload, files, versions to approve).
        registry.register_link(registry.ConsoleLink(label=_("Document library: files and versions"),
                                                    url_name="documents:staff_list", order=50))
        hub.register(hub.HubSection("documents", _("Documents"), "documents:library",
                                    _("Bylaws, council agendas and minutes, maps, forms, reports and plans to read "
                                      "and download."), 60))
