"""Document library pages: the public library, a document, downloads; the staff list, upload and editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from civicdesk.editorial.text import default_language, language_name
from civicdesk.jurisdictions.models import Department
from civicdesk.lib.media import MediaError

from civicdesk.editorial import access
from civicdesk.editorial.services import EditorialError

from . import services
from .forms import LibraryFilterForm, NewDocumentForm, VersionForm
from .models import Document, DocumentVersion

PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50


# --- public ------------------------------------------------------------------------------------------------

def _years(public) -> list[int]:
    """The years the library's filter offers: of every public document's date (see Document.dated)."""
    years = set()
    for effective_from, publish_at in public.values_list("effective_from", "publish_at"):
        day = effective_from or (timezone.localdate(publish_at) if publish_at else None)
        if day:
            years.add(day.year)
    return sorted(years, reverse=True)


@require_GET
def library(request):
    """Public documents, newest first, filtered by kind, department, year and in force / all; numbered pages."""
    now = timezone.now()
    public = Document.objects.public(now)
    departments = list(Department.objects.filter(pk__in=public.values("department_id")).order_by("name"))
    form = LibraryFilterForm(request.GET or None, departments=departments, years=_years(public))
    documents = public.select_related("current_version", "department", "jurisdiction")
    show = "in_force"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        show = data["show"] or "in_force"
        if data["kind"]:
            documents = documents.filter(kind=data["kind"])
        if data["department"]:
            documents = documents.filter(department_id=int(data["department"]))
        if data["year"]:
            documents = documents.filter(Q(effective_from__year=data["year"])
                                         | Q(effective_from__isnull=True, publish_at__year=data["year"]))
    elif form.is_bound:
        documents = documents.none()
    if show == "in_force":
        documents = documents.in_force(timezone.localdate(now))
    documents = documents.order_by(F("effective_from").desc(nulls_last=True), "-publish_at", "-id")
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "documents/library.html", {
        "form": form, "page": page, "show": show, "query": query.urlencode(), "today": timezone.localdate(now),
    }, status=400 if form.errors else 200)


def _public_document(pk: int) -> Document:
    document = (Document.objects.public().select_related("current_version", "department", "jurisdiction")
                .filter(pk=pk).first())
    if document is None:
        raise Http404(_("There is no such document."))
    return document


@require_GET
def detail(request, pk: int):
    """One document: summary, kind, dates, the current version with its type and size, older versions."""
    document = _public_document(pk)
    versions = list(document.versions.filter(published_at__isnull=False).order_by("-number"))
    return render(request, "documents/detail.html", {
        "document": document, "current": document.current_version,
        "older": [v for v in versions if v.pk != document.current_version_id],
        "fallback": document.is_fallback(), "fallback_language": language_name(default_language()),
    })


def download_name(document: Document, version: DocumentVersion) -> str:
    """A safe file name for the download: the title in ASCII letters, digits and dashes, the version, the
    sniffed extension ("noise-bylaw-v2.pdf"); never the uploader's own file name."""
    stem = slugify(document.title_text(document.language))[:60].strip("-") or f"document-{document.pk}"
    return f"{stem}-v{version.number}.{version.extension}"


@require_GET
def download(request, pk: int, number: int):
    """A published version of a public document, as an attachment with its sniffed type (never rendered as a
    page by the browser: nosniff and a sandboxing Content-Security-Policy)."""
    document = _public_document(pk)
    version = document.versions.filter(number=number, published_at__isnull=False).first()
    if version is None:
        raise Http404(_("There is no such version of this document."))
    response = FileResponse(version.file.open("rb"), content_type=version.content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name(document, version))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- staff -------------------------------------------------------------------------------------------------

def _upload(form, store):
    """store() (a service taking the form's file), or None with the reason on the form: the file refused by
    its content, or the step not allowed."""
    try:
        return store()
    except MediaError as exc:
        form.add_error("file", str(exc))
    except EditorialError as exc:
        form.add_error(None, str(exc))
    return None


@never_cache
@login_required
def staff_list(request):
    """Every document of the jurisdictions the user edits, last changed first, with its state and text status."""
    access.require_editor(request.user)
    documents = (Document.objects.for_jurisdictions(access.editable_jurisdiction_ids(request.user))
                 .select_related("current_version", "jurisdiction").order_by("-updated_at", "-id"))
    page = Paginator(documents, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/staff/list.html", {"page": page})


@never_cache
@login_required
def staff_create(request):
    """Upload a new document: its details and first file (checked before anything is saved), as a draft."""
    access.require_editor(request.user)
    form = NewDocumentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        if _upload(form, lambda: services.create_document(
                document, upload=form.cleaned_data["file"], user=request.user,
                change_note=form.cleaned_data["change_note"])) is not None:
            messages.success(request, _("Saved as a draft. Send it for review when it is ready."))
            return redirect("documents:staff_files", pk=document.pk)
    return render(request, "documents/staff/create.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@login_required
def staff_files(request, pk: int, *, version_form: VersionForm | None = None):
    """A document's versions (with how their text extraction went), the upload of a new one, and approval of
    versions waiting for it. Details, review and publishing are on the editorial editor's page."""
    document = access.get_for_editor(request.user, Document, pk)
    return render(request, "documents/staff/files.html", {
        "document": document, "version_form": version_form or VersionForm(),
        "versions": list(document.versions.select_related("uploaded_by").order_by("-number")),
        "public": document.is_public(),
    }, status=400 if version_form is not None and version_form.errors else 200)


@login_required
@require_POST
def staff_add_version(request, pk: int):
    document = access.get_for_editor(request.user, Document, pk)
    form = VersionForm(request.POST, request.FILES)
    version = form.is_valid() and _upload(form, lambda: services.add_version(
        document, upload=form.cleaned_data["file"], user=request.user, change_note=form.cleaned_data["change_note"]))
    if version:
        messages.success(request, _("Version %(number)s uploaded. Another editor approves it before residents "
                                    "see it.") % {"number": version.number})
        return redirect("documents:staff_files", pk=document.pk)
    request.method = "GET"
    return staff_files(request, pk, version_form=form)


@login_required
@require_POST
def staff_approve_version(request, pk: int, number: int):
    document = access.get_for_editor(request.user, Document, pk)
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404(_("There is no such version of this document."))
    try:
        services.approve_version(version, user=request.user)
    except EditorialError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Version %(number)s approved: residents now get it.") % {"number": number})
    return redirect("documents:staff_files", pk=document.pk)
