"""Staff console pages: the queues, one request's detail, and the actions staff take on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST

from urllib.parse import urlencode

from civicdesk.catalog.models import ServiceType
from civicdesk.intake.addresscheck import Choice, check_address
from civicdesk.lib.geo import distance_m
from civicdesk.search import deflection as search_deflection
from civicdesk.search.services import answers_for
from civicdesk.servicerequests import services as sr_services
from civicdesk.servicerequests.models import Attachment, TimelineEntry
from civicdesk.triage.services import detect_emergency, duplicate_candidates
from civicdesk.triage.suggest import likely_miscategorised, suggest_kinds_anywhere

from . import access, forms, services
from .extensions import detail_sections
from .search_insights import may_read_search_insights
from .models import Redaction, ResponseTemplate, SavedView

NEARBY_RADIUS_M = 250


@login_required
def queues(request):
    """The work queues with bounded counts, filters, search, sort and keyset paging."""
    access.require_staff(request.user)
    form = forms.QueueFilterForm(request.GET or None, user=request.user)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    key = data.get("queue") or ("mine" if _has_assignments(request.user) else "department")
    text = data.get("q", "")
    found = services.find_tracking_number(request.user, text)
    if found is not None:
        # A tracking number, however it was typed, opens its request whichever queue it is in.
        return redirect("staff:detail", public_id=found.public_id)
    if text and data.get("everywhere"):
        key = "all"
    now = timezone.now()
    queryset = services.queue(request.user, key, now).filter(**(form.filter_q() if data else {}))
    search = services.search_filter(request.user, data.get("q", ""))
    if search is not None:
        queryset = queryset.filter(search)
    queryset = queryset.select_related(*services.LIST_JOINS).prefetch_related(*services.LIST_PREFETCH)
    sort = form.sort_key if data else "newest"
    page = services.page_of(queryset, sort=sort, cursor=data.get("after", ""), size=services.PAGE_SIZE)
    params = request.GET.copy()
    params.pop("after", None)
    next_params = params.copy()
    if page.next_cursor:
        next_params["after"] = page.next_cursor
    return render(request, "staff/queues.html", {
        "form": form, "queue_key": key, "counts": services.queue_counts(request.user, now),
        "rows": page.rows, "next_query": next_params.urlencode() if page.next_cursor else "",
        "base_query": _without(params, "queue"), "now": now, "due_soon_limit": now + services.DUE_SOON,
        "may_take_reports": access.may_take_reports(request.user),
        "may_read_search_insights": may_read_search_insights(request.user),
        "bulk_form": forms.BulkForm(auto_id="bulk_%s"), "back_query": request.GET.urlencode(),
        "saved_views": SavedView.objects.filter(owner=request.user),
        "saved_view_form": forms.SavedViewForm(auto_id="saved_view_%s"),
        "view_query": _view_query(params, key), "search_text": text,
        "search_everywhere_query": _everywhere_query(params) if text and key != "all" else "",
    })


def _everywhere_query(params) -> str:
    copy = params.copy()
    copy["queue"], copy["everywhere"] = "all", "on"
    return copy.urlencode()


def _view_query(params, key: str) -> str:
    """The query string a saved view keeps: queue, filters and sort, without the paging cursor."""
    copy = params.copy()
    copy.pop("after", None)
    copy["queue"] = key
    return copy.urlencode()


@login_required
@require_POST
def save_view(request):
    """Save the current queue, filters and sort under a name, for the signed-in staff member only."""
    access.require_staff(request.user)
    form = forms.SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    target = f"{redirect('staff:queues').url}?{query}" if query else redirect("staff:queues").url
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(target)
    try:
        services.save_view(request.user, name=form.cleaned_data["name"], query=query)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(target)
    messages.success(request, _("View “%s” saved.") % form.cleaned_data["name"])
    return redirect(target)


@login_required
@require_POST
def delete_view(request, pk: int):
    """Delete one of the user's own saved views; anybody else's is a 404."""
    access.require_staff(request.user)
    view = get_object_or_404(SavedView, pk=pk, owner=request.user)
    view.delete()
    messages.success(request, _("View “%s” deleted.") % view.name)
    return redirect("staff:queues")


def _has_assignments(user) -> bool:
    return user.assigned_requests.filter(is_open=True).exists()


def _without(params, name: str) -> str:
    copy = params.copy()
    copy.pop(name, None)
    return copy.urlencode()


@login_required
def detail(request, public_id: str):
    """Everything about one request for staff: map, photos, whole timeline, contact, SLA, routing, nearby."""
    sr = access.get_request_for_staff(request.user, public_id)
    if sr.public_id != public_id:
        return redirect("staff:detail", public_id=sr.public_id)
    user = request.user
    allowed = {action: access.can(user, action, sr) for action in access.RULES}
    timeline = list(sr.timeline.select_related("author", "status_from", "status_to").order_by("created_at", "id"))
    # Originals of redacted text: one query, and only for the seats allowed to read them.
    redactions = list(Redaction.objects.filter(request=sr).select_related("author")) if allowed[
        "see_redacted"] else []
    for entry in timeline:
        entry.redaction_list = [r for r in redactions if r.entry_id == entry.pk]
    nearby = [
        (other, round(distance_m(sr.lat, sr.long, other.lat, other.long)))
        for other in access.requests_visible_to(user).near(sr.lat, sr.long, NEARBY_RADIUS_M).exclude(pk=sr.pk)
        .select_related("service_type", "status").order_by("-requested_at")[:10]
    ]
    nearby = sorted([pair for pair in nearby if pair[1] <= NEARBY_RADIUS_M], key=lambda pair: pair[1])
    templates = list(ResponseTemplate.offered_for(sr)) if allowed["transition"] else []
    context = {
        "sr": sr, "allowed": allowed, "timeline": timeline, "photos": sr.attachments.order_by("id"),
        "nearby": nearby, "overdue": sr.is_overdue(), "answers": sr.answer_pairs(),
        "duplicates": sr.duplicates.select_related("status").order_by("requested_at"),
        # Each form gets its own id prefix: several have a "message" field on one page.
        "status_form": forms.StatusForm(sr=sr, may_close=allowed["close"], auto_id="status_%s",
                                        initial=_from_template(sr, templates, request.GET.get("template"))),
        "templates": templates,
        "note_form": forms.NoteForm(auto_id="note_%s"),
        "assign_form": forms.AssignForm(sr=sr, auto_id="assign_%s"),
        "transfer_form": forms.TransferForm(sr=sr, auto_id="transfer_%s"),
        "priority_form": forms.PriorityForm(initial={"priority": sr.priority}, auto_id="priority_%s"),
        "merge_form": forms.MergeForm(auto_id="merge_%s"),
        "category_form": forms.CategoryForm(initial={"service_type": sr.service_type}, auto_id="category_%s"),
        "description_redactions": [r for r in redactions if r.entry_id is None],
        "move_form": forms.MovePinForm(initial={"lat": sr.lat, "long": sr.long}, auto_id="move_%s"),
        "privacy_form": forms.PrivacyForm(initial={"private": "0" if sr.is_private else "1"}, auto_id="privacy_%s"),
        "extra_sections": detail_sections(request, sr),
        # "This may be a …": the category suggester disagrees with the kind, confidently (docs/triage.md).
        "misfiled": likely_miscategorised(sr) if sr.is_open and sr.description else None,
    }
    return render(request, "staff/detail.html", context)


def _from_template(sr, templates, chosen: str | None) -> dict:
    """Status form values from the chosen response template, to be edited before sending."""
    template = next((t for t in templates if str(t.pk) == (chosen or "")), None)
    if template is None:
        return {}
    return {"status": template.status_id, "message": template.render(sr)}


@login_required
def attachment(request, public_id: str, pk: int, size: str = "full"):
    """A photo or video of a request the user may see, hidden ones included."""
    sr = access.get_request_for_staff(request.user, public_id)
    item = Attachment.objects.filter(request=sr, pk=pk).first()
    if item is None:
        raise Http404(_("No such photo."))
    field = item.thumbnail if size == "thumb" and item.thumbnail else item.file
    content_type = "image/jpeg" if field is item.thumbnail else item.content_type
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _done(request, sr, text: str):
    messages.success(request, text)
    return redirect("staff:detail", public_id=sr.public_id)


def _failed(request, sr, error):
    """Put a form or service error on the detail page; nothing was written."""
    if hasattr(error, "errors") and isinstance(error.errors, dict):
        text = " ".join(str(m) for msgs in error.errors.values() for m in msgs)
    else:
        text = str(error)
    messages.error(request, text or _("That did not work; check the form and try again."))
    return redirect("staff:detail", public_id=sr.public_id)


@login_required
@require_POST
def change_status(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "transition")
    form = forms.StatusForm(request.POST, sr=sr, may_close=True)
    if not form.is_valid():
        return _failed(request, sr, form)
    target = form.cleaned_data["status"]
    if not target.is_open and not access.can(request.user, "close", sr):
        raise PermissionDenied(_("Your role may not close requests."))
    try:
        sr_services.transition(sr, target, user=request.user, message=form.cleaned_data["message"])
    except sr_services.TransitionNotAllowed as exc:
        return _failed(request, sr, exc)
    return _done(request, sr, _("Status changed to “%s”.") % target.name)


@login_required
@require_POST
def add_note(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "note")
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    message = form.cleaned_data["message"]
    notified, left_out = services.mentions_who_may_read(message, sr)
    sr_services.add_internal_note(sr, message=message, user=request.user, mentioned=notified)
    if left_out:
        messages.warning(request, _("Not notified, because they cannot open this request: %s.")
                         % ", ".join(sorted(person.get_full_name() or person.email for person in left_out)))
    return _done(request, sr, _("Note added."))


@login_required
@require_POST
def assign(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "assign")
    form = forms.AssignForm(request.POST, sr=sr)
    if not form.is_valid():
        return _failed(request, sr, form)
    assignee = form.cleaned_data["assignee"]
    taking_over = sr.assignee_id and sr.assignee_id != request.user.pk and sr.assignee_id != getattr(
        assignee, "pk", None)
    if taking_over and not access.can(request.user, "reassign", sr):
        raise PermissionDenied(_("Only a supervisor may take work from a colleague."))
    try:
        sr_services.assign(sr, user=request.user, assignee=assignee, team=form.cleaned_data["team"])
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    return _done(request, sr, _("Assignment saved."))


@login_required
@require_POST
def transfer(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "transfer")
    form = forms.TransferForm(request.POST, sr=sr)
    if not form.is_valid():
        return _failed(request, sr, form)
    department = form.cleaned_data["department"]
    try:
        sr_services.transfer(sr, department=department, user=request.user, reason=form.cleaned_data["reason"])
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    messages.success(request, _("Transferred to %s.") % department.name)
    # The request may now be out of the sender's reach: go back to the queues when it is.
    if not access.requests_visible_to(request.user).filter(pk=sr.pk).exists():
        return redirect("staff:queues")
    return redirect("staff:detail", public_id=sr.public_id)


@login_required
@require_POST
def set_priority(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "set_priority")
    form = forms.PriorityForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    try:
        sr_services.set_priority(sr, priority=form.cleaned_data["priority"], user=request.user)
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    return _done(request, sr, _("Priority changed."))


@login_required
@require_POST
def change_category(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "change_category")
    form = forms.CategoryForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    try:
        with transaction.atomic():
            sr_services.change_category(sr, service_type=form.cleaned_data["service_type"], user=request.user)
            if form.cleaned_data["suggested"] is not None:
                # Changed with the one button under "This may be a …": the audit trail says so.
                sr.log_action("triage.suggestion_accepted", user=request.user, data={
                    "service_type": form.cleaned_data["service_type"].code,
                    "confidence_percent": form.cleaned_data["suggested"]})
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    if not access.requests_visible_to(request.user).filter(pk=sr.pk).exists():
        messages.success(request, _("Kind changed; the request was routed out of your queues."))
        return redirect("staff:queues")
    return _done(request, sr, _("Kind changed and the request routed again."))


@login_required
@require_POST
def merge(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "merge")
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    try:
        into = access.get_request_for_staff(request.user, form.cleaned_data["into"])
    except Http404:
        return _failed(request, sr, _("No request you can see has the tracking number “%s”.")
                       % form.cleaned_data["into"])
    try:
        sr_services.merge(sr, into=into, user=request.user)
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    return _done(request, sr, _("Merged into %s.") % into.public_id)


@login_required
@require_POST
def hide_attachment(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "hide_attachment")
    form = forms.HideAttachmentForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    item = Attachment.objects.filter(request=sr, pk=form.cleaned_data["attachment"]).select_related(
        "request").first()
    if item is None:
        raise Http404(_("No such photo."))
    try:
        sr_services.hide_attachment(item, user=request.user, reason=form.cleaned_data["reason"])
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    return _done(request, sr, _("The photo is now hidden from the public."))


@login_required
@require_POST
def redact(request, public_id: str):
    """Replace the description or one public message with a redacted text; the original goes to admins only."""
    sr = access.get_request_for_staff(request.user, public_id, "redact")
    form = forms.RedactForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    entry = None
    if form.cleaned_data["entry"] is not None:
        entry = TimelineEntry.objects.filter(request=sr, pk=form.cleaned_data["entry"]).first()
        if entry is None:
            raise Http404(_("No such timeline entry."))
    try:
        sr_services.redact_text(sr, redacted=form.cleaned_data["text"], user=request.user, entry=entry,
                                reason=form.cleaned_data["reason"])
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    return _done(request, sr, _("Text redacted. The public now sees only the new text."))


@login_required
@require_POST
def move_pin(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "move_pin")
    form = forms.MovePinForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    data = form.cleaned_data
    try:
        sr_services.move_pin(sr, lat=data["lat"], long=data["long"], user=request.user, reroute=data["reroute"])
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    if not access.requests_visible_to(request.user).filter(pk=sr.pk).exists():
        messages.success(request, _("Pin moved; the request was routed out of your queues."))
        return redirect("staff:queues")
    return _done(request, sr, _("Pin moved."))


@login_required
@require_POST
def set_privacy(request, public_id: str):
    sr = access.get_request_for_staff(request.user, public_id, "set_privacy")
    form = forms.PrivacyForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    private = form.cleaned_data["private"]
    try:
        sr_services.set_private(sr, private=private, user=request.user, reason=form.cleaned_data["reason"])
    except sr_services.RequestRejected as exc:
        return _failed(request, sr, exc)
    return _done(request, sr, _("The request is now private.") if private else _("The request is now public."))


def _require_intake(user) -> None:
    access.require_staff(user)
    if not access.may_take_reports(user):
        raise PermissionDenied(_("Your role does not file requests for callers."))


@login_required
def intake(request):
    """Phone and counter reports, step one: find the caller's earlier requests, pick the kind of problem,
    and confirm the address with the caller on the map before anything is filed."""
    _require_intake(request.user)
    lookup = forms.CallerLookupForm(request.GET or None)
    earlier, report_form, service_type, nearby, where_error = [], None, None, [], ""
    caller, check, confirmed, known, suggestions = {}, None, None, None, []
    if request.GET and lookup.is_valid():
        data = lookup.cleaned_data
        caller = {"phone": data["phone"], "email": data["email"]}
        earlier = services.caller_history(request.user, phone=data["phone"], email=data["email"])
        known = services.known_caller(earlier)
        service_type = data["service_type"]
        if data["problem"] and service_type is None and not detect_emergency(data["problem"]).stop:
            suggestions = suggest_kinds_anywhere(data["problem"])
        if data["address"] or data["address_id"]:
            check = check_address(typed=data["address"], address_id=data["address_id"])
            if check.confirm is not None and data["confirmed"]:
                confirmed, check = check, None
            elif check.confirm is None and not check.choices:
                where_error, check = check.message, None
        if service_type is not None and confirmed is not None:
            nearby = _open_nearby(request.user, service_type, confirmed.confirm)
        if service_type is not None and check is None:
            initial = {**caller, "description": data["problem"], "address": confirmed.confirm_label if confirmed else "",
                       "address_id": confirmed.confirm.address_id if confirmed else ""}
            if known:
                initial.update({key: value for key, value in known.items() if value and not initial.get(key)})
            report_form = forms.CallerReportForm(service_type=service_type, auto_id="report_%s", initial=initial)
    keep = [(name, request.GET.get(name, "")) for name in ("phone", "email", "problem", "service_type")]
    change = {**dict(keep), "address": check.typed if check else ""}
    return render(request, "staff/intake.html", {
        "lookup": lookup, "earlier": earlier, "searched": bool(request.GET), "report_form": report_form,
        "service_type": service_type, "nearby": nearby, "where_error": where_error, "check": check,
        "confirmed": confirmed, "known_caller": known, "keep": keep, "suggestions": suggestions,
        "change_url": reverse("staff:intake") + "?" + urlencode(change),
        "support_form": forms.CallerSupportForm(initial=caller, auto_id="support_%s"),
    })


def _open_nearby(user, service_type, point) -> list:
    """Open requests of this kind near the address point (the type's duplicate radius) that the user can
    open, as (request, metres) pairs, nearest first."""
    pairs = duplicate_candidates(service_type=service_type, lat=point.lat, long=point.long, limit=10)
    visible = set(access.requests_visible_to(user).filter(pk__in=[r.pk for r, _d in pairs])
                  .values_list("pk", flat=True))
    return [(r, round(d)) for r, d in pairs if r.pk in visible]


@login_required
@require_POST
def intake_support(request, public_id: str):
    """Add the caller to an open request about the same problem instead of filing a new one."""
    _require_intake(request.user)
    sr = access.get_request_for_staff(request.user, public_id)
    form = forms.CallerSupportForm(request.POST)
    if not form.is_valid():
        return _failed(request, sr, form)
    try:
        added = sr_services.support_on_behalf(sr, agent=request.user, phone=form.cleaned_data["phone"],
                                              email=form.cleaned_data["email"])
    except sr_services.RequestRejected as exc:
        messages.error(request, str(exc))
        return redirect("staff:intake")
    if added:
        messages.success(request, _("The caller was added to request %s. Read this tracking number back to "
                                    "them.") % sr.public_id)
    else:
        messages.info(request, _("This caller was already counted on request %s.") % sr.public_id)
    return redirect("staff:detail", public_id=sr.public_id)


@login_required
@require_POST
def intake_submit(request, code: str):
    """Phone and counter reports, step two: file the request through submit_request() for the caller."""
    _require_intake(request.user)
    service_type = get_object_or_404(ServiceType, code=code, is_active=True)
    form = forms.CallerReportForm(request.POST, service_type=service_type, auto_id="report_%s")
    choices = []
    if form.is_valid():
        data = form.cleaned_data
        pinned = data.get("lat") is not None and data.get("long") is not None
        if not pinned and not data.get("address_id") and data.get("address"):
            # A typed address is never filed as matched: the agent reads it back to the caller first.
            check = check_address(typed=data["address"])
            choices = [Choice(check.confirm.address_id, check.confirm_label, check.jurisdiction_name)] \
                if check.confirm is not None else check.choices
            form.add_error("address", _("Read the address back to the caller and choose it below.") if choices
                           else check.message)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sr = sr_services.submit_request(
                service_type=service_type, channel=data["channel"], lat=data.get("lat"), long=data.get("long"),
                address=data.get("address", ""), address_id=data.get("address_id", ""),
                description=data.get("description", ""), attributes=form.attribute_answers(), reporter=None,
                contact_name=data.get("name", ""), contact_email=data.get("email", ""),
                contact_phone=data.get("phone", ""), language=data.get("language") or translation.get_language() or "en",
                not_emergency=data.get("not_emergency", False), actor=request.user,
            )
        except sr_services.EmergencyReported as exc:
            form.add_error(None, str(exc))
        except sr_services.RequestRejected as exc:
            form.add_service_errors(exc.errors)
        else:
            search_deflection.report_finished(request.session)  # answers followed before did not settle it
            messages.success(request, _("Request filed. Read the tracking number back to the caller: %s")
                             % sr.public_id)
            if access.requests_visible_to(request.user).filter(pk=sr.pk).exists():
                return redirect("staff:detail", public_id=sr.public_id)
            return redirect("staff:intake")
    return render(request, "staff/intake.html", {
        "lookup": forms.CallerLookupForm(initial={"service_type": service_type.pk}), "earlier": [],
        "searched": False, "report_form": form, "service_type": service_type, "address_choices": choices,
        "answers": search_deflection.answer_links(answers_for(form.data.get("description", ""),
                                                              translation.get_language()), agent=True),
    }, status=400)


@login_required
@require_POST
def bulk(request):
    """One action on several requests: every request is checked first, then all change or none does."""
    access.require_staff(request.user)
    form = forms.BulkForm(request.POST)
    back = request.POST.get("back", "")
    target = f"{redirect('staff:queues').url}?{back}" if back else redirect("staff:queues").url
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(target)
    data = form.cleaned_data
    action = {"assign_me": "assign", "status": "transition", "merge": "merge"}[data["action"]]
    requests_ = [access.get_request_for_staff(request.user, public_id, action) for public_id in data["ids"]]
    status = data.get("status")
    for sr in requests_:
        if action == "transition" and not status.is_open and not access.can(request.user, "close", sr):
            raise PermissionDenied(_("Your role may not close requests."))
        if action == "assign" and sr.assignee_id and sr.assignee_id != request.user.pk and not access.can(
                request.user, "reassign", sr):
            raise PermissionDenied(_("Only a supervisor may take work from a colleague."))
    try:
        with transaction.atomic():
            if action == "assign":
                for sr in requests_:
                    sr_services.assign(sr, user=request.user, assignee=request.user)
            elif action == "transition":
                for sr in requests_:
                    sr_services.transition(sr, status, user=request.user, message=data["message"])
            else:
                original, *duplicates = sorted(requests_, key=lambda r: (r.requested_at, r.pk))
                for sr in duplicates:
                    sr_services.merge(sr, into=original, user=request.user, message=data["message"])
    except (sr_services.TransitionNotAllowed, sr_services.RequestRejected) as exc:
        messages.error(request, _("Nothing was changed: %s") % exc)
        return redirect(target)
    messages.success(request, ngettext("Done for %d request.", "Done for %d requests.", len(requests_))
                     % len(requests_))
    return redirect(target)
