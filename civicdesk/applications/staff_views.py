"""Staff console pages for applications: the queues (by step, reviewer, due date, overdue), an application's
page with the reviewer's checklist, internal notes, assignment, requests for more information, the fee, the
decision and revocation. Every page goes through access.get_application_for_staff; every write through a
service (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.formengine.models import Question
from civicdesk.formengine.text import pick
from civicdesk.staff.services import format_count
from civicdesk.throttle.services import RateLimited

from . import access, services
from . import queues as queue_reads
from .forms import AssignForm, DecisionForm, InfoRequestForm, NoteForm, QueueFilterForm, RevokeForm
from .models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    ChecklistMark,
    Permit,
)
from .views import permit_response, serve_document

PAGE_SIZE = 50
Status = Application.Status


@login_required
def queues(request):
    """The application queues of what the viewer reaches, with bounded counts (one query, "999+" past the
    bound), nearest deadline first."""
    access.require_reviewer(request.user)
    today = timezone.localdate()
    every = queue_reads.all_queues(today, request.user)
    chosen = next((queue for queue in every if queue.key == request.GET.get("queue")), every[0])
    counts = queue_reads.bounded_counts(request.user, every)
    # The types of the jurisdictions the viewer reaches (reading which types their applications have would read
    # every one of them).
    jurisdictions = {reach.jurisdiction_id for reach in access.reaches(request.user)}
    types = ApplicationType.objects.filter(jurisdiction_id__in=jurisdictions).order_by("slug")
    form = QueueFilterForm(request.GET or None, types=list(types))
    extra, step_kind = Q(), None
    if form.is_valid():
        step = form.cleaned_data.get("step")
        if step == "info_requested":
            extra &= Q(status=Status.INFO_REQUESTED)
        elif step:
            step_kind = step
        if form.cleaned_data.get("type"):
            extra &= Q(application_type_id=form.cleaned_data["type"])
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    ids = queue_reads.page_ids(request.user, chosen, extra=extra, step_kind=step_kind, offset=(page - 1) * PAGE_SIZE, size=PAGE_SIZE + 1)
    found = Application.objects.select_related("application_type", "step", "department", "assignee", "fee") \
        .in_bulk(ids)
    rows = [found[pk] for pk in ids if pk in found]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(request, "applications/staff/queues.html", {
        "queues": [(queue.key, queue.label, format_count(counts[queue.key])) for queue in every],
        "queue_key": chosen.key, "queue_label": chosen.label, "rows": rows[:PAGE_SIZE],
        "has_next": len(rows) > PAGE_SIZE, "page": page, "query": query, "form": form, "today": today,
        "may_configure": access.config_jurisdictions(request.user).exists()})


def answers_shown(application: Application) -> list[tuple[str, str]]:
    """(question, answer in words) for every answered question, in form order."""
    found = []
    for question in application.application_type.form.questions_in_order():
        value = application.answers.get(question.field_name)
        if value is not None:
            found.append((pick(question.text), answer_words(question, value)))
    return found


def answer_words(question: Question, value) -> str:
    """A stored answer in words of the active language (choices by their label, a pin by its address)."""
    labels = {c.pk: pick(c.text) for c in question.choices.all()}
    if question.kind == Question.Kind.MAP_PIN:
        return value.get("address") or f"{value.get('lat')}, {value.get('long')}"
    if isinstance(value, list):
        return ", ".join(labels.get(int(v), str(v)) for v in value)
    if question.kind == Question.Kind.SINGLE:
        return labels.get(int(value), str(value))
    if isinstance(value, dict):
        return ", ".join(f"{labels.get(int(k), k)}: {v}" for k, v in value.items())
    return str(value)


@login_required
def detail(request, pk: int):
    application = access.get_application_for_staff(request.user, pk)
    step = application.step
    ticked = set(ChecklistMark.objects.filter(application=application, step=step).values_list("item", flat=True)) \
        if step else set()
    checklist = [(index, text, index in ticked) for index, text in enumerate(step.checklist_items())] if step else []
    permit = Permit.objects.filter(application=application).first()
    return render(request, "applications/staff/detail.html", {
        "application": application, "answers": answers_shown(application), "checklist": checklist,
        "documents": list(application.documents.select_related("requirement")),
        "events": list(application.events.select_related("user").order_by("created_at", "id")),
        "steps": application.application_type.ordered_steps(), "permit": permit,
        "note_form": NoteForm(), "info_form": InfoRequestForm(), "decision_form": DecisionForm(),
        "assign_form": AssignForm(application=application), "revoke_form": RevokeForm(),
        "may": {action: access.can(request.user, action, application)
                for action in ("review", "assign", "decide", "revoke")},
        "all_ticked": len(ticked) >= len(checklist)})


def _act(request, pk: int, action: str, work) -> object:
    """Run `work(application)` for a POST the user may do; errors become a message; back to the page."""
    application = access.get_application_for_staff(request.user, pk, action)
    try:
        done = work(application)
    except services.ApplicationError as exc:
        messages.error(request, exc.messages[0])
    except RateLimited as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, done)
    if not access.applications_for_staff(request.user).filter(pk=application.pk).exists():
        return redirect("applications_staff:queues")  # sent to another department: no longer reached
    return redirect("applications_staff:detail", pk=application.pk)


@login_required
@require_POST
def check_item(request, pk: int):
    def work(application):
        services.set_check(application, user=request.user, item=int(request.POST.get("item", "-1")),
                           done=request.POST.get("done") == "1")
    return _act(request, pk, "review", work)


@login_required
@require_POST
def complete_step(request, pk: int):
    return _act(request, pk, "review", lambda a: services.complete_step(a, user=request.user) and _("Step completed."))


def _form_act(request, pk: int, action: str, form_class, refused: str, call, done: str):
    """A POST whose form (`form_class(data)`, or `form_class(data, application=...)` when it takes one) must be
    valid (else `refused`), then `call(application, cleaned_data)`; see _act."""
    def work(application):
        extra = {"application": application} if "application" in form_class.__init__.__code__.co_varnames else {}
        form = form_class(request.POST, **extra)
        if not form.is_valid():
            raise services.ApplicationError(refused)
        call(application, form.cleaned_data)
        return done
    return _act(request, pk, action, work)


@login_required
@require_POST
def note(request, pk: int):
    return _form_act(request, pk, "review", NoteForm, _("Write the note."),
                     lambda a, data: services.add_note(a, user=request.user, message=data["message"]), _("Note added."))


@login_required
@require_POST
def assign(request, pk: int):
    return _form_act(request, pk, "assign", AssignForm, _("Choose a department or reviewer of this jurisdiction."),
                     lambda a, data: services.assign(a, user=request.user, department=data["department"],
                                                     assignee=data["assignee"]), _("Assigned."))


@login_required
@require_POST
def request_info(request, pk: int):
    return _form_act(request, pk, "review", InfoRequestForm, _("Write what the applicant should send."),
                     lambda a, data: services.request_information(a, user=request.user, message=data["message"]),
                     _("The applicant has been asked."))


@login_required
@require_POST
def fee_received(request, pk: int):
    return _act(request, pk, "review",
                lambda a: services.record_fee(a, user=request.user) or _("Fee recorded as received."))


@login_required
@require_POST
def decide(request, pk: int):
    return _form_act(request, pk, "decide", DecisionForm, _("Choose approve or deny and give the reasons."),
                     lambda a, data: services.decide(a, user=request.user, approve=data["outcome"] == "approve",
                                                     reasons=data["reasons"]),
                     _("Decision recorded; the applicant has been told."))


@login_required
@require_POST
def revoke(request, pk: int):
    return _form_act(request, pk, "revoke", RevokeForm, _("Give the reason for revoking it."),
                     lambda a, data: services.revoke(get_object_or_404(Permit, application=a), user=request.user,
                                                     reason=data["reason"]), _("Permit revoked."))


@login_required
def document_file(request, pk: int, document_pk: int):
    application = access.get_application_for_staff(request.user, pk)
    return serve_document(get_object_or_404(ApplicationDocument, pk=document_pk, application=application))


@login_required
def permit_pdf(request, pk: int):
    application = access.get_application_for_staff(request.user, pk)
    return permit_response(request, get_object_or_404(Permit, application=application))
