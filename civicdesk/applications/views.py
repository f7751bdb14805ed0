"""Resident pages: permits and licences on offer, applying (form section by section, documents, sending), "My
applications", answering a request for more information, withdrawing, the permit PDF, and the public
verification page."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.core.privacy import PRIVATE_CACHE_CONTROL
from civicdesk.formengine import services as engine
from civicdesk.formengine.forms import SectionForm
from civicdesk.throttle.services import RateLimited

from . import access, gates, pdf, services
from .forms import AnswerInfoForm, UploadForm
from .models import Application, ApplicationDocument, ApplicationType, Permit


def private(view):
    """Send the view's every response with `Cache-Control: private, no-store` (as civicdesk/core/privacy.py
    does for the staff console): applications carry personal data."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
    return wrapped


def _limited(request, exc: RateLimited, back_url: str):
    response = render(request, "limited.html", {"message": exc.message, "back_url": back_url,
                                                "back_label": _("Back to my applications")}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def type_list(request):
    """Every permit and licence residents can apply for, with its fee and deadline."""
    types = (ApplicationType.objects.filter(is_published=True, jurisdiction__is_active=True)
             .select_related("jurisdiction").prefetch_related("fee_rules").order_by("jurisdiction__name", "slug"))
    return render(request, "applications/type_list.html", {"types": types})


def type_detail(request, slug: str):
    """What a permit needs (documents, fee schedule, deadlines) and the button to start."""
    found = get_object_or_404(ApplicationType.objects.select_related("jurisdiction"), slug=slug, is_published=True)
    return render(request, "applications/type_detail.html", {
        "type": found, "requirements": list(found.requirements.all()),
        "fee_rules": list(found.fee_rules.select_related("question", "choice"))})


@login_required
@require_POST
def start(request, slug: str):
    found = get_object_or_404(ApplicationType, slug=slug, is_published=True)
    try:
        application = services.start_application(found, user=request.user, language=translation.get_language())
    except RateLimited as exc:
        return _limited(request, exc, found.get_absolute_url())
    return redirect("applications:fill", pk=application.pk)


@login_required
def mine(request):
    """The resident's own applications, newest first, with status and deadline."""
    applications = (Application.objects.filter(applicant=request.user).select_related("application_type", "step", "fee")
                    .order_by("-created_at", "-id"))
    return render(request, "applications/mine.html", {"applications": applications})


def _draft(request, pk: int) -> Application:
    application = access.get_application_for_applicant(request.user, pk)
    if application.status != Application.Status.DRAFT:
        raise Http404(_("This application has been sent."))
    return application


@login_required
def fill(request, pk: int):
    """One section of the form at a time, answers checked on the server and kept in the draft (so the
    applicant can leave and resume); after the last section, the documents page."""
    application = _draft(request, pk)
    sections = application.application_type.form.ordered_sections()
    answers = engine.shown_answers(sections, application.answers)
    at = application.section_at if 0 <= application.section_at < len(sections) else 0
    if not engine.section_applies(sections[at], answers):
        at = engine.next_section(sections, at, answers) or 0
    names = {q.field_name for q in sections[at].questions_list}
    earlier = {name: value for name, value in answers.items() if name not in names}
    if request.method == "POST":
        form = SectionForm(request.POST, section=sections[at], earlier=earlier)
        if request.POST.get("go") == "back":
            if form.is_valid():
                earlier = {**earlier, **form.stored()}
            previous = engine.previous_section(sections, at, earlier)
            services.save_answers(application, answers=earlier, section_at=previous if previous is not None else at)
            return redirect("applications:fill", pk=application.pk)
        if form.is_valid():
            answers = engine.shown_answers(sections, {**earlier, **form.stored()})
            following = engine.next_section(sections, at, answers)
            services.save_answers(application, answers=answers, section_at=following if following is not None else at)
            if request.POST.get("go") == "save":
                messages.success(request, _("Your draft is saved. You can come back to it from My applications."))
                return redirect("applications:mine")
            if following is not None:
                return redirect("applications:fill", pk=application.pk)
            return redirect("applications:documents", pk=application.pk)
    else:
        form = SectionForm(section=sections[at], earlier=earlier, initial=answers)
    applicable = [i for i in range(len(sections)) if engine.section_applies(sections[i], answers)]
    return render(request, "applications/fill.html", {
        "application": application, "form": form, "section": sections[at],
        "step": (applicable.index(at) + 1) if at in applicable else 1, "steps": max(len(applicable), at + 1),
        "has_previous": engine.previous_section(sections, at, earlier) is not None,
        "has_map": any(q.kind == "map_pin" for q in sections[at].questions_list)})


@login_required
def documents(request, pk: int):
    """Upload the documents the type needs, see the fee, and send the application."""
    application = _draft(request, pk)
    kind = application.application_type
    requirements = list(kind.requirements.all())
    form = UploadForm(request.POST or None, request.FILES or None, requirements=requirements)
    if request.method == "POST" and request.POST.get("go") == "submit":
        try:
            services.submit(application, user=request.user)
        except services.ApplicationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("applications:documents", pk=application.pk)
        except RateLimited as exc:
            return _limited(request, exc, application.get_absolute_url())
        messages.success(request, _("Your application is sent. We will tell you at each step."))
        return redirect(application.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        requirement = next((r for r in requirements if r.pk == form.cleaned_data.get("requirement")), None)
        try:
            services.upload_document(application, user=request.user, upload=form.cleaned_data["file"],
                                     requirement=requirement)
        except services.ApplicationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            messages.success(request, _("Document uploaded."))
            return redirect("applications:documents", pk=application.pk)
    uploaded = list(application.documents.select_related("requirement"))
    return render(request, "applications/documents.html", {
        "application": application, "requirements": requirements, "form": form, "uploaded": uploaded,
        "missing": services.missing_documents(application), "fee": application.application_type.fee_cents(
            application.answers)})


@login_required
@require_POST
def remove_document(request, pk: int, document_pk: int):
    application = _draft(request, pk)
    document = get_object_or_404(ApplicationDocument, pk=document_pk, application=application)
    services.remove_document(document, user=request.user)
    messages.success(request, _("Document removed."))
    return redirect("applications:documents", pk=application.pk)


@login_required
def detail(request, pk: int):
    """The applicant's view: status, deadline, what happened (never staff notes), the answer form when we
    asked for more, withdrawing, and the permit once issued."""
    application = access.get_application_for_applicant(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("go") == "withdraw":
                services.withdraw(application, user=request.user)
                messages.success(request, _("Your application is withdrawn."))
                return redirect(application.get_absolute_url())
            form = AnswerInfoForm(request.POST)
            if "file" in request.FILES and application.status == Application.Status.INFO_REQUESTED:
                services.upload_document(application, user=request.user, upload=request.FILES["file"])
            if form.is_valid():
                services.provide_information(application, user=request.user, message=form.cleaned_data["message"])
                messages.success(request, _("Thank you: your answer is sent and the review goes on."))
                return redirect(application.get_absolute_url())
        except services.ApplicationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(application.get_absolute_url())
        except RateLimited as exc:
            return _limited(request, exc, application.get_absolute_url())
    else:
        form = AnswerInfoForm()
    return render(request, "applications/detail.html", {
        "application": application, "form": form,
        "events": application.events.filter(internal=False).order_by("created_at", "id"),
        "uploaded": list(application.documents.all()),
        "permit": Permit.objects.filter(application=application).first(),
        "panels": gates.panels(request, application)})


@login_required
def document_file(request, pk: int, document_pk: int):
    """A document of the applicant's own application (staff read it through the console's link)."""
    application = access.get_application_for_applicant(request.user, pk)
    return serve_document(get_object_or_404(ApplicationDocument, pk=document_pk, application=application))


def serve_document(document: ApplicationDocument) -> FileResponse:
    response = FileResponse(document.file.open("rb"), as_attachment=True, content_type=document.content_type,
                            filename=document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def permit_pdf(request, pk: int):
    application = access.get_application_for_applicant(request.user, pk)
    permit = get_object_or_404(Permit, application=application)
    return permit_response(request, permit)


def permit_response(request, permit: Permit) -> HttpResponse:
    response = HttpResponse(pdf.render_permit_pdf(permit),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{permit.number.lower()}.pdf"'
    return response


def verify(request, code: str):
    """Public: is this permit genuine, and is it valid, expired or revoked? Only the permit's public facts."""
    permit = (Permit.objects.select_related("application__application_type", "application__jurisdiction")
              .filter(code=code).first())
    return render(request, "applications/verify.html", {"permit": permit, "state": permit.state() if permit else None},
                  status=200 if permit else 404)
