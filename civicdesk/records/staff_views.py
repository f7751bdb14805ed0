"""Staff console pages of public-records requests: the queue (open requests by answer deadline, or closed
ones) and a request's page: the legal clock, acknowledging, asking for clarification, extending, gathering
responsive documents and marking exemptions, the public summary, and the release. Every page goes through
access.get_request_for_staff; every write through a service (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.applications import access as applications_access
from civicdesk.applications import deadlines
from civicdesk.applications.models import Application
from civicdesk.applications.staff_views import answers_shown
from civicdesk.throttle.services import RateLimited

from . import access, services
from .forms import (
    AcknowledgeForm,
    ClarifyForm,
    ExtendForm,
    MarkForm,
    ReleaseForm,
    SummaryForm,
    UploadForm,
)
from .models import RecordsPolicy, ResponsiveDocument

QUEUE_SIZE = 100


@login_required
def queue(request):
    """Open records requests the viewer reaches, soonest answer deadline first (or the closed ones)."""
    applications_access.require_reviewer(request.user)
    closed = request.GET.get("queue") == "closed"
    rows = (applications_access.applications_for_staff(request.user)
            .filter(application_type__records_policy__isnull=False)
            .select_related("application_type", "department", "assignee", "records_request", "jurisdiction"))
    if closed:
        rows = rows.exclude(status__in=Application.ACTIVE).order_by("-decided_at", "-id")
    else:
        rows = rows.filter(status__in=Application.ACTIVE).order_by("decision_due_on", "id")
    administered = list(access.config_jurisdictions(request.user))
    policies = list(RecordsPolicy.objects.filter(application_type__jurisdiction__in=administered)
                    .select_related("application_type", "application_type__jurisdiction")
                    .order_by("application_type__jurisdiction__name", "application_type_id"))
    return render(request, "records/staff/queue.html", {"rows": list(rows[:QUEUE_SIZE]), "closed": closed,
                                                        "administered": administered, "policies": policies})


def _clock(application: Application) -> dict:
    calendar = deadlines.calendar_for(application.jurisdiction)
    today = deadlines.local_day(application.jurisdiction, timezone.now())
    due = application.decision_due_on
    return {"left": deadlines.business_days_left(calendar, today, due) if due and application.is_active() else None}


@login_required
def detail(request, pk: int):
    application = access.get_request_for_staff(request.user, pk)
    records = services.records_for(application)
    documents = list(records.documents.select_related("exemption"))
    may = {action: applications_access.can(request.user, action, application) for action in ("review", "decide")}
    return render(request, "records/staff/detail.html", {
        "application": application, "records": records, "answers": answers_shown(application),
        "policy": application.application_type.records_policy, "extensions": list(records.extensions.all()),
        "documents": [(d, MarkForm(jurisdiction=application.jurisdiction, document=d)) for d in documents],
        "events": list(application.events.select_related("user").order_by("created_at", "id")),
        "clock": _clock(application), "may": may,
        "acknowledge_form": AcknowledgeForm(), "clarify_form": ClarifyForm(), "extend_form": ExtendForm(),
        "upload_form": UploadForm(), "summary_form": SummaryForm(initial={"summary": records.public_summary}),
        "release_form": ReleaseForm()})


def _act(request, pk: int, action: str, form_class, work, done: str):
    """A POST the user may do: the form must be valid, then `work(application, cleaned_data)`; errors become
    a message; back to the request's page."""
    application = access.get_request_for_staff(request.user, pk, action)
    form = form_class(request.POST, request.FILES)
    try:
        if not form.is_valid():
            first = next(iter(form.errors.values()))[0]
            raise services.RecordsError(first)
        work(application, form.cleaned_data)
    except services.ApplicationError as exc:  # RecordsError, or a refusal of the applications services
        messages.error(request, exc.messages[0])
    except RateLimited as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    if not applications_access.applications_for_staff(request.user).filter(pk=application.pk).exists():
        return redirect("records_staff:queue")
    return redirect("records_staff:detail", pk=application.pk)


@login_required
@require_POST
def acknowledge(request, pk: int):
    return _act(request, pk, "review", AcknowledgeForm,
                lambda a, data: services.acknowledge(a, user=request.user, message=data["message"]),
                _("Acknowledged; the requester has been told."))


@login_required
@require_POST
def clarify(request, pk: int):
    return _act(request, pk, "review", ClarifyForm,
                lambda a, data: services.ask_clarification(a, user=request.user, message=data["message"]),
                _("The requester has been asked; the clock is paused until they answer."))


@login_required
@require_POST
def extend(request, pk: int):
    return _act(request, pk, "decide", ExtendForm,
                lambda a, data: services.extend(a, user=request.user, days=data["days"], reason=data["reason"]),
                _("Deadline extended; the requester has been told why."))


@login_required
@require_POST
def upload(request, pk: int):
    return _act(request, pk, "review", UploadForm,
                lambda a, data: services.add_document(a, user=request.user, upload=data["file"]),
                _("Document added."))


@login_required
@require_POST
def mark(request, pk: int, document_pk: int):
    application = access.get_request_for_staff(request.user, pk, "review")
    document = get_object_or_404(ResponsiveDocument, pk=document_pk, records_request__application=application)
    document.records_request.application = application

    def form_class(data, files):
        return MarkForm(data, files, jurisdiction=application.jurisdiction, document=document)

    return _act(request, pk, "review", form_class,
                lambda a, data: services.mark_document(
                    document, user=request.user, treatment=data["treatment"], exemption=data["exemption"],
                    in_public_log=data["in_public_log"], redacted_upload=data["redacted"]),
                _("Document marked."))


@login_required
@require_POST
def summary(request, pk: int):
    return _act(request, pk, "review", SummaryForm,
                lambda a, data: services.update_summary(services.records_for(a), user=request.user,
                                                        summary=data["summary"]),
                _("Public summary saved."))


@login_required
@require_POST
def release(request, pk: int):
    return _act(request, pk, "decide", ReleaseForm,
                lambda a, data: services.release(a, user=request.user, outcome=data["outcome"],
                                                 message=data["message"]),
                _("Request closed; the requester has been sent the outcome."))


@login_required
def document_file(request, pk: int, document_pk: int):
    """The original (or, with ?version=redacted, the redacted version) for staff who reach the request."""
    application = access.get_request_for_staff(request.user, pk)
    document = get_object_or_404(ResponsiveDocument, pk=document_pk, records_request__application=application)
    redacted = request.GET.get("version") == "redacted" and document.redacted_file
    file = document.redacted_file if redacted else document.file
    response = FileResponse(file.open("rb"), as_attachment=True, filename=document.original_name,
                            content_type=document.redacted_content_type if redacted else document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
