"""The directory's pages as search results: service types (replacing the catalogue's source, so a service is one
result, which opens its A–Z page with the "Report this" button), permit and licence guides, and departments."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.markdown import plain_text
from civicdesk.search.registry import Document, Source, in_each_language, only, register

from .text import pick


def service_documents(ids=None):
    """Each public, active service type once per language: its name, description and guide text (what it covers
    and not), found also by its group and by its name and keywords in every language ("bache" on the English
    site). The result opens /services/<code>/, whose button leads to the report form."""
    from civicdesk.catalog.models import ServiceType

    from .models import ServiceGuide

    types = list(only(ServiceType.objects.public().select_related("group"), ids).order_by("pk"))
    guides = {g.service_type_id: g for g in ServiceGuide.objects.public().filter(service_type__in=types)}
    codes = [code for code, _label in settings.LANGUAGES]
    for service_type in types:
        every_language = "\n".join(filter(None, [getattr(service_type, f"{field}_{code}", "") for code in codes
                                                 for field in ("name", "keywords")]))
        guide = guides.get(service_type.pk)

        def build(language, service_type=service_type, every_language=every_language, guide=guide):
            group = service_type.group.name if service_type.group_id else ""
            extra = [plain_text(pick(guide.covers, language), 5000),
                     plain_text(pick(guide.not_covers, language), 5000)] if guide else []
            return Document(object_id=str(service_type.pk), language=language, title=service_type.name,
                            body="\n\n".join(filter(None, [service_type.description, *extra])),
                            keywords=f"{group}\n{every_language}",
                            url=reverse("directory:service", args=[service_type.code]))
        yield from in_each_language(build)


def permit_documents(ids=None):
    """Each published permit or licence guide once per language: title, what needs one, requirements, steps."""
    from .models import PermitGuide

    for guide in only(PermitGuide.objects.public().select_related("jurisdiction"), ids).order_by("pk"):
        def build(language, guide=guide):
            body = "\n".join([plain_text(pick(guide.summary, language), 5000),
                              *guide.requirement_lines(language), *guide.step_lines(language)])
            return Document(object_id=str(guide.pk), language=language, title=pick(guide.title, language),
                            body=body, keywords="\n".join(filter(None, (guide.keywords or {}).values())),
                            url=guide.get_absolute_url(), jurisdiction_id=guide.jurisdiction_id)
        yield from in_each_language(build)


def department_documents(ids=None):
    """Each department of an active jurisdiction once per language: its name and what it does (published
    profile only). Contact details are the department's public office ones, never a person's."""
    from civicdesk.jurisdictions.models import Department

    departments = only(Department.objects.filter(jurisdiction__is_active=True)
                       .select_related("jurisdiction", "directory_profile", "directory_profile__jurisdiction"),
                       ids).order_by("pk")
    for department in departments:
        profile = getattr(department, "directory_profile", None)
        summary = profile.summary if profile is not None and profile.is_public() else {}

        def build(language, department=department, summary=summary):
            return Document(object_id=str(department.pk), language=language, title=department.name,
                            body=plain_text(pick(summary, language), 5000),
                            keywords=department.jurisdiction.name,
                            url=reverse("directory:department", args=[department.jurisdiction.slug,
                                                                      department.slug]),
                            jurisdiction_id=department.jurisdiction_id)
        yield from in_each_language(build)




def register_sources() -> None:
    # Same name as the catalogue's source, which it replaces (registry.register replaces by name).
    register(Source(name="catalog.servicetype", kind="service", label=_("Services and reports"),
                    model="catalog.ServiceType", documents=service_documents, order=10,
                    also_watch={"directory.ServiceGuide": lambda guide: guide.service_type_id}))
    register(Source(name="directory.permitguide", kind="permit", label=_("Permits and licenses"),
                    model="directory.PermitGuide", documents=permit_documents, order=12,
                    answers=True))  # permit guides answer "do I need a permit for…?" while a report is typed
    register(Source(name="directory.department", kind="department", label=_("Departments"),
                    model="jurisdictions.Department", documents=department_documents, order=14,
                    also_watch={"directory.DepartmentProfile": lambda profile: profile.department_id}))

