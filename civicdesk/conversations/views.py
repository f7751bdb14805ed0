"""Staff queues of new reports by message (open conversations, email reports to triage) and the social webhook."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicdesk.servicerequests.services import RequestRejected
from civicdesk.throttle.services import RateLimited

from . import access, emailreports, services
from .forms import AgentReplyForm, DiscardForm, FileReportForm
from .models import Conversation, EmailReport, ReportPhoto

log = logging.getLogger("civicdesk.conversations")
QUEUE_SIZE = 100


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Email reports waiting for an agent (oldest first) and open conversations (stuck ones first)."""
    access.require_agent(request.user)
    reports = (access.visible(EmailReport.objects.filter(status=EmailReport.Status.QUEUED), request.user)
               .select_related("jurisdiction", "suggested_type").order_by("-possible_emergency", "received_at"))
    conversations = (access.visible(Conversation.objects.filter(status__in=Conversation.OPEN_STATUSES), request.user)
                     .select_related("jurisdiction", "agent")
                     .annotate(stuck=Case(When(needs_agent=True, then=Value(0)), default=Value(1),
                                          output_field=IntegerField()))
                     .order_by("stuck", "-last_message_at"))
    return render(request, "conversations/staff/queue.html", {
        "reports": reports[:QUEUE_SIZE], "conversations": conversations[:QUEUE_SIZE]})


def _transcript_context(conversation: Conversation, **extra) -> dict:
    state = conversation.state
    initial = {"service_type": state.get("type"), "description": state.get("description", ""),
               "address": "" if state.get("address_id") or state.get("lat") is not None else "",
               **{f"attribute_{code}": answer for code, answer in (state.get("answers") or {}).items()}}
    return {"conversation": conversation, "transcript": conversation.messages.select_related("author"),
            "photos": conversation.photos.all(), "known_address": state.get("label", ""),
            "reply_form": extra.pop("reply_form", None) or AgentReplyForm(auto_id="reply_%s"),
            "file_form": extra.pop("file_form", None) or FileReportForm(
                jurisdiction=conversation.jurisdiction, initial=initial, auto_id="file_%s"), **extra}


@login_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation: the transcript, and (once taken over) the answer box and the one-screen report form."""
    conversation = access.get_for_agent(request.user, Conversation, pk)
    return render(request, "conversations/staff/conversation.html", _transcript_context(conversation))


@login_required
@require_POST
def conversation_take(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = access.get_for_agent(request.user, Conversation, pk)
    if conversation.status != Conversation.Status.OPEN:
        messages.error(request, _("This conversation is not open any more."))
    else:
        services.take_over(conversation, user=request.user)
        messages.success(request, _("You have the conversation: the automatic answers have stopped."))
    return redirect("conversations:conversation", pk=pk)


def _held(request: HttpRequest, pk: int) -> Conversation:
    conversation = access.get_for_agent(request.user, Conversation, pk)
    if conversation.status != Conversation.Status.TAKEN_OVER:
        raise Http404(_("Take the conversation over first."))
    return conversation


@login_required
@require_POST
def conversation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _held(request, pk)
    form = AgentReplyForm(request.POST, auto_id="reply_%s")
    if not form.is_valid():
        return render(request, "conversations/staff/conversation.html",
                      _transcript_context(conversation, reply_form=form), status=400)
    try:
        services.agent_reply(conversation, user=request.user, text=form.cleaned_data["text"])
    except RateLimited as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sent."))
    return redirect("conversations:conversation", pk=pk)


@login_required
@require_POST
def conversation_file(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _held(request, pk)
    form = FileReportForm(request.POST, jurisdiction=conversation.jurisdiction, auto_id="file_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.agent_file(conversation, user=request.user, service_type=data["service_type"],
                                        address=data["address"], description=data["description"],
                                        attributes=form.attribute_answers())
        except RequestRejected as exc:
            for field, errors in exc.errors.items():
                form.add_error("address" if field == "location" else (
                    field if field in form.fields else None), errors)
        else:
            messages.success(request, _("Filed as %s.") % filed.public_id)
            return redirect("conversations:queue")
    return render(request, "conversations/staff/conversation.html",
                  _transcript_context(conversation, file_form=form), status=400)


@login_required
@require_POST
def conversation_close(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = access.get_for_agent(request.user, Conversation, pk)
    if conversation.is_open:
        services.agent_close(conversation, user=request.user)
        messages.success(request, _("The conversation was closed without a report."))
    return redirect("conversations:queue")


def _report_context(report: EmailReport, **extra) -> dict:
    initial = {"service_type": report.suggested_type_id, "address": report.address_text,
               "description": "\n\n".join(part for part in (report.subject, report.text) if part)}
    return {"report": report, "photos": report.photos.all(),
            "file_form": extra.pop("file_form", None) or FileReportForm(
                jurisdiction=report.jurisdiction, initial=initial, auto_id="file_%s"),
            "discard_form": extra.pop("discard_form", None) or DiscardForm(auto_id="discard_%s"), **extra}


@login_required
def email_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One email report in one screen: the message and photos, the report form (kind, address) and discard."""
    report = access.get_for_agent(request.user, EmailReport, pk)
    if request.method == "POST" and report.status == EmailReport.Status.QUEUED:
        if "discard" in request.POST:
            form = DiscardForm(request.POST, auto_id="discard_%s")
            if form.is_valid():
                emailreports.discard_report(report, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The email report was discarded."))
                return redirect("conversations:queue")
            return render(request, "conversations/staff/email_report.html",
                          _report_context(report, discard_form=form), status=400)
        form = FileReportForm(request.POST, jurisdiction=report.jurisdiction, auto_id="file_%s")
        if form.is_valid():
            data = form.cleaned_data
            filed = emailreports.file_report(report, service_type=data["service_type"], address=data["address"],
                                             description=data["description"], user=request.user,
                                             attributes=form.attribute_answers())
            if filed is not None:
                messages.success(request, _("Filed as %s.") % filed.public_id)
                return redirect("conversations:queue")
            form.add_error(None, report.why_queued)
        return render(request, "conversations/staff/email_report.html", _report_context(report, file_form=form),
                      status=400)
    return render(request, "conversations/staff/email_report.html", _report_context(report))


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A waiting photo, for the agents who may work its conversation or email report."""
    access.require_agent(request.user)
    item = ReportPhoto.objects.select_related("conversation", "email_report").filter(pk=pk).first()
    owner = item and (item.conversation or item.email_report)
    if owner is None or access.visible(type(owner).objects.filter(pk=owner.pk), request.user).first() is None:
        raise Http404(_("No such photo."))
    return FileResponse(item.file.open("rb"), content_type=item.content_type)


@csrf_exempt
def social_webhook(request: HttpRequest, platform: str) -> HttpResponse:
    """A social platform's webhook: GET is its subscription handshake, POST carries direct messages."""
    from .social import adapter_or_none, receive_webhook

    found = adapter_or_none(platform)
    if found is None:
        raise Http404("unknown platform")
    if request.method == "GET":
        return found.handshake(request)
    if request.method != "POST":
        return HttpResponse(status=405)
    return receive_webhook(found, request)
