"""Public and requester pages of public-records requests, mounted at /records/: the public log (searchable,
keyset-paged), one request's public page and its public documents, the release page behind the signed link
(and the clear page of an expired link), and the requester's own page with "send me a new link"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.applications.views import private
from civicdesk.throttle.services import RateLimited

from . import access, services
from .forms import SearchForm
from .models import RecordsRequest, ResponsiveDocument

PAGE_SIZE = 25
RELEASED = Q(documents__treatment__in=[ResponsiveDocument.Treatment.RELEASE, ResponsiveDocument.Treatment.PARTIAL],
             documents__records_request__released_at__isnull=False)


def _log_rows(queryset):
    return (queryset.select_related("application__application_type", "application__jurisdiction")
            .annotate(public_documents=Count("documents", filter=RELEASED & Q(documents__in_public_log=True))))


def log(request):
    """Every request, newest first: number, public summary, dates, outcome, days taken, public documents.
    Search by words of the summary or by number; keyset-paged by number (`before`)."""
    form = SearchForm(request.GET or None)
    rows = access.public_requests()
    query, before = "", None
    if form.is_valid():
        query, before = form.cleaned_data["q"].strip(), form.cleaned_data["before"]
    if query:
        number = query.upper().removeprefix("PRR-").lstrip("0")
        found = Q(public_summary__icontains=query)
        if number.isdigit():
            found |= Q(application_id=int(number))
        rows = rows.filter(found)
    if before:
        rows = rows.filter(application_id__lt=before)
    page = list(_log_rows(rows).order_by("-application_id")[:PAGE_SIZE + 1])
    return render(request, "records/log.html", {
        "form": form, "rows": page[:PAGE_SIZE], "query": query,
        "next_before": page[PAGE_SIZE - 1].application_id if len(page) > PAGE_SIZE else None})


def _public_entry(pk: int) -> RecordsRequest:
    found = _log_rows(access.public_requests()).filter(application_id=pk).first()
    if found is None:
        raise Http404(_("No public-records request has that number."))
    return found


def entry(request, pk: int):
    """One request's public page: its summary, dates, outcome and the documents released to the public."""
    records = _public_entry(pk)
    documents = [d for d in records.documents.select_related("exemption") if d.is_releasable() and d.in_public_log] \
        if records.is_released() else []
    return render(request, "records/entry.html", {"records": records, "application": records.application,
                                                  "documents": documents})


def _serve(document: ResponsiveDocument) -> FileResponse:
    file, content_type = document.released_file()
    response = FileResponse(file.open("rb"), as_attachment=True, content_type=content_type,
                            filename=document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_document(request, pk: int, document_pk: int):
    return _serve(access.released_document(_public_entry(pk), document_pk, public=True))


def _released(request, token: str):
    """(records, None) for a valid link; (None, response) for an expired (410) or unknown (404) one."""
    try:
        records = services.read_release_token(token)
    except services.LinkExpired as exc:
        response = render(request, "records/link_expired.html", {"records": exc.records}, status=410)
        return None, response
    if records is None:
        raise Http404(_("This download link is not one we sent."))
    return records, None


@private
def release(request, token: str):
    """The requester's download page behind the signed link: every released document (the redacted version of
    a partly released one); withheld documents are listed with their exemption, never served."""
    records, refused = _released(request, token)
    if refused:
        return refused
    documents = list(records.documents.select_related("exemption"))
    return render(request, "records/release.html", {"records": records, "token": token,
                                                    "application": records.application, "documents": documents})


@private
def release_document(request, token: str, document_pk: int):
    records, refused = _released(request, token)
    if refused:
        return refused
    return _serve(access.released_document(records, document_pk, public=False))


@login_required
@private
def mine(request, pk: int):
    """The requester's page of their own request: the legal clock, extensions and their reasons, the outcome."""
    application = access.get_request_for_requester(request.user, pk)
    records = services.records_for(application) if application.status != application.Status.DRAFT else None
    return render(request, "records/mine.html", {
        "application": application, "records": records,
        "extensions": list(records.extensions.all()) if records else []})


@login_required
@require_POST
def new_link(request, pk: int):
    application = access.get_request_for_requester(request.user, pk)
    try:
        services.send_new_link(application, user=request.user)
    except services.RecordsError as exc:
        messages.error(request, exc.messages[0])
    except RateLimited as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new download link is on its way to you."))
    return redirect("records:mine", pk=application.pk)
