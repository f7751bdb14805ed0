"""The kinds of problem residents may report, as search results (a result opens the report form)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.search.registry import Document, Source, in_each_language, only, register


def service_documents(ids=None):
    """Each public kind of problem, found by its name, description, group and keywords in the reader's
    language, and by its name and keywords in every other language too ("bache" on the English site)."""
    from .models import ServiceType

    languages = [code for code, _label in settings.LANGUAGES]
    for service_type in only(ServiceType.objects.public().select_related("group"), ids).order_by("pk"):
        every_language = "\n".join(
            filter(None, [getattr(service_type, f"{field}_{code}", "") for code in languages
                          for field in ("name", "keywords")]))

        def build(language, service_type=service_type, every_language=every_language):
            group = service_type.group.name if service_type.group_id else ""
            return Document(object_id=str(service_type.pk), language=language, title=service_type.name,
                            body=service_type.description, keywords=f"{group}\n{every_language}",
                            url=reverse("intake:where", args=[service_type.code]))
        yield from in_each_language(build)


def register_sources() -> None:
    register(Source(name="catalog.servicetype", kind="service", label=_("Report a problem"),
                    model="catalog.ServiceType", documents=service_documents, order=10))
