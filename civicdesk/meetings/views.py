"""Meeting pages: the public archive, a meeting with its RSVP, calendar files; the staff list and editor."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicdesk.core.sharing import share_info
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.lib.media import MediaError
from civicdesk.throttle.services import RateLimited, client_ip

from . import access, ics, services
from .forms import ArchiveFilterForm, DocumentForm, MeetingForm, RsvpEmailForm
from .models import Meeting, MeetingDocument, Rsvp

PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50
FEED_DAYS_BACK = 365
FEED_LIMIT = 500


def private_page(view):
    """Cache-Control: private, no-store on the view's every response: it shows someone's RSVP or a staff page."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response
    return wrapped


# --- public ------------------------------------------------------------------------------------------------

def archive(request):
    """Published meetings with filters (when, kind, jurisdiction, dates, words), numbered pages; no JS needed."""
    jurisdictions = list(Jurisdiction.objects.filter(is_active=True).order_by("name"))
    form = ArchiveFilterForm(request.GET or None, jurisdictions=jurisdictions)
    meetings = Meeting.objects.published().select_related("jurisdiction")
    when = "upcoming"
    now = timezone.now()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        when = data["when"] or ("all" if data["date_from"] or data["date_to"] else "upcoming")
        if data["kind"]:
            meetings = meetings.filter(kind=data["kind"])
        if data["jurisdiction"]:
            meetings = meetings.filter(jurisdiction__slug=data["jurisdiction"])
        if data["q"]:
            meetings = meetings.filter(Q(title__icontains=data["q"]) | Q(body__icontains=data["q"]))
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            meetings = meetings.filter(starts_at__gte=dt.datetime.combine(data["date_from"], dt.time(), tz))
        if data["date_to"]:
            end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time(), tz)
            meetings = meetings.filter(starts_at__lt=end)
    elif form.is_bound:
        meetings = meetings.none()
    if when == "upcoming":
        meetings = meetings.upcoming(now).order_by("starts_at", "id")
    elif when == "past":
        meetings = meetings.past(now).order_by("-starts_at", "-id")
    else:
        meetings = meetings.order_by("-starts_at", "-id")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    with_meetings = set(Meeting.objects.published().values_list("jurisdiction_id", flat=True).distinct())
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "meetings/archive.html", {
        "form": form, "page": page, "when": when, "now": now, "query": query.urlencode(),
        "feeds": [j for j in jurisdictions if j.pk in with_meetings],
    }, status=400 if form.errors else 200)


def _published_meeting(pk: int) -> Meeting:
    meeting = Meeting.objects.published().select_related("jurisdiction").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("There is no such meeting."))
    return meeting


def detail(request, pk: int, *, rsvp_form: RsvpEmailForm | None = None, status: int = 200,
           error: str = ""):
    """One meeting: when and where (map), documents, minutes and recording, and the RSVP."""
    meeting = _published_meeting(pk)
    mine = None
    if request.user.is_authenticated:
        mine = Rsvp.objects.filter(meeting=meeting, email=request.user.email.lower()).first()
    response = render(request, "meetings/detail.html", {
        "meeting": meeting, "now": timezone.now(), "documents": list(meeting.documents.all()),
        "mine": mine, "rsvp_form": rsvp_form or RsvpEmailForm(), "places_left": meeting.places_left(),
        "rsvp_error": error,
        "account_rsvp": request.user.is_authenticated and request.user.is_email_verified,
        "place": {"lat": meeting.lat, "long": meeting.long, "label": meeting.address} if meeting.has_place() else None,
        "share": share_info(title=meeting.title, description=" ".join(
            [date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT") + ".", meeting.body])),
    }, status=status)
    if request.user.is_authenticated:  # the page shows the resident's own RSVP
        response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def rsvp(request, pk: int):
    """RSVP: at once for a signed-in resident with a verified address, else by an emailed link."""
    meeting = _published_meeting(pk)
    client = client_ip(request)
    try:
        if request.user.is_authenticated and request.user.is_email_verified:
            done = services.rsvp_with_account(meeting, user=request.user, client=client)
            messages.success(request, _("You have a place. We emailed you the details.")
                             if done.status == Rsvp.Status.CONFIRMED else
                             _("The meeting is full: you are on the waiting list. We will email you if a place "
                               "frees up."))
            return redirect(meeting)
        form = RsvpEmailForm(request.POST)
        if not form.is_valid():
            return detail(request, pk, rsvp_form=form, status=400)
        services.request_email_rsvp(meeting, name=form.cleaned_data["name"], email=form.cleaned_data["email"],
                                    language=translation.get_language() or "", client=client)
    except RateLimited as exc:
        response = detail(request, pk, rsvp_form=RsvpEmailForm(request.POST), status=429, error=str(exc.message))
        response["Retry-After"] = str(exc.retry_after)
        return response
    except services.MeetingRejected as exc:
        messages.error(request, str(exc))
        return redirect(meeting)
    messages.success(request, _("Check your email: we sent a link to confirm your RSVP. Nothing is reserved "
                                "until you follow it."))
    return redirect(meeting)


@require_POST
@login_required
def cancel_mine(request, pk: int):
    """A signed-in resident cancels their own RSVP; the first person waiting gets the place."""
    meeting = _published_meeting(pk)
    mine = Rsvp.objects.filter(meeting=meeting, email=request.user.email.lower()).first()
    if mine is not None and mine.is_active():
        services.cancel_rsvp(mine)
        messages.success(request, _("Your RSVP is cancelled."))
    return redirect(meeting)


@private_page
def rsvp_manage(request, token: str):
    """The emailed link: shows the RSVP; confirming or cancelling needs a button press (POST), so mail
    scanners that follow links change nothing."""
    found = services.rsvp_from_token(token)
    if found is None:
        return render(request, "meetings/rsvp_expired.html", status=404)
    meeting = found.meeting
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                found = services.confirm_rsvp(found)
                messages.success(request, _("Your place is confirmed.") if found.status == Rsvp.Status.CONFIRMED
                                 else _("The meeting is full: you are on the waiting list."))
            elif action == "cancel" and found.is_active():
                services.cancel_rsvp(found)
                messages.success(request, _("Your RSVP is cancelled."))
        except services.MeetingRejected as exc:
            messages.error(request, str(exc))
        return redirect("meetings:rsvp_manage", token=token)
    return render(request, "meetings/rsvp_manage.html", {"rsvp": found, "meeting": meeting,
                                                         "now": timezone.now()})


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def meeting_ics(request, pk: int):
    """The meeting as an .ics file to add to a calendar."""
    meeting = _published_meeting(pk)
    return _calendar_response(ics.calendar_bytes([meeting], name=meeting.title), f"meeting-{meeting.pk}.ics")


@require_GET
def jurisdiction_feed(request, slug: str):
    """An iCalendar feed of a jurisdiction's meetings (from a year ago on) that calendars subscribe to."""
    jurisdiction = Jurisdiction.objects.filter(slug=slug, is_active=True).first()
    if jurisdiction is None:
        raise Http404(_("There is no such jurisdiction."))
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    meetings = (Meeting.objects.published().filter(jurisdiction=jurisdiction, ends_at__gte=since)
                .select_related("jurisdiction").order_by("starts_at", "id")[:FEED_LIMIT])
    name = _("%(name)s meetings") % {"name": jurisdiction.name}
    return _calendar_response(ics.calendar_bytes(meetings, name=name), f"{jurisdiction.slug}-meetings.ics")


@require_GET
def document(request, pk: int, document_pk: int):
    """A published meeting's document, served from storage with its checked type."""
    meeting = _published_meeting(pk)
    item = MeetingDocument.objects.filter(meeting=meeting, pk=document_pk).first()
    if item is None:
        raise Http404(_("There is no such document."))
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="{item.file.name.rsplit("/", 1)[-1]}"'
    return response


# --- staff -------------------------------------------------------------------------------------------------

@private_page
@login_required
def staff_list(request):
    """Every meeting of the user's jurisdictions, newest first, with its RSVP counts."""
    access.require_meeting_staff(request.user)
    ids = list(access.jurisdictions_for(request.user, "view_meetings").values_list("pk", flat=True))
    meetings = (Meeting.objects.filter(jurisdiction_id__in=ids).select_related("jurisdiction")
                .annotate(confirmed=Count("rsvps", filter=Q(rsvps__status=Rsvp.Status.CONFIRMED)),
                          waiting=Count("rsvps", filter=Q(rsvps__status=Rsvp.Status.WAITING)))
                .order_by("-starts_at", "-id"))
    page = Paginator(meetings, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/staff/list.html", {
        "page": page, "now": timezone.now(),
        "may_edit": access.jurisdictions_for(request.user, "edit_meeting").exists()})


@private_page
@login_required
def staff_create(request):
    access.require_meeting_staff(request.user)
    allowed = list(access.jurisdictions_for(request.user, "edit_meeting"))
    if not allowed:
        raise PermissionDenied(_("Your role may not prepare meetings."))
    chosen = next((j for j in allowed if str(j.pk) == request.POST.get("jurisdiction")), allowed[0])
    with timezone.override(chosen.tz):
        form = MeetingForm(request.POST or None, jurisdictions=allowed)
        if request.method == "POST" and form.is_valid():
            meeting = services.save_meeting(form.instance, user=request.user, changed_fields=form.changed_data)
            return _after_save(request, meeting, _("Meeting saved as a draft."))
        return _editor(request, form, None, status=400 if form.errors else 200)


@private_page
@login_required
def staff_edit(request, pk: int):
    """Change a meeting: drafts by staff, published ones by supervisors and admins."""
    meeting = access.get_meeting_for_staff(request.user, pk,
                                           "edit_meeting" if request.method == "POST" else "view_meetings")
    with timezone.override(meeting.local_tz()):
        form = MeetingForm(request.POST or None, instance=meeting, jurisdictions=[meeting.jurisdiction])
        if request.method == "POST" and form.is_valid():
            meeting = services.save_meeting(form.instance, user=request.user, changed_fields=form.changed_data)
            return _after_save(request, meeting, _("Meeting saved."))
        return _editor(request, form, meeting, status=400 if form.errors else 200)


def _after_save(request, meeting: Meeting, text: str):
    if "publish" in request.POST and meeting.published_at is None:
        if not access.can(request.user, "publish_meeting", meeting.jurisdiction_id):
            messages.warning(request, _("Saved as a draft: a supervisor or an admin publishes meetings."))
            return redirect("meetings:staff_edit", pk=meeting.pk)
        services.publish(meeting, user=request.user)
        text = _("Meeting published.")
    messages.success(request, text)
    return redirect("meetings:staff_edit", pk=meeting.pk)


def _editor(request, form: MeetingForm, meeting: Meeting | None, status: int = 200, document_form=None):
    jurisdiction = meeting.jurisdiction if meeting else None
    may_publish = (access.can(request.user, "publish_meeting", jurisdiction.pk) if jurisdiction
                   else access.jurisdictions_for(request.user, "publish_meeting").exists())
    if meeting is None:
        may_change = True
    else:
        may_change = access.can(request.user, "publish_meeting" if meeting.published_at else "edit_meeting",
                                jurisdiction.pk)
    if not may_change:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "meetings/staff/edit.html", {
        "form": form, "meeting": meeting, "may_publish": may_publish, "may_change": may_change,
        "document_form": document_form or DocumentForm(), "now": timezone.now(),
        "documents": list(meeting.documents.all()) if meeting else [],
        "time_zone": jurisdiction.time_zone if jurisdiction else timezone.get_current_timezone_name(),
        "history": [(entry, history_label(entry.action))
                    for entry in meeting.audit_entries().select_related("actor")[:20]] if meeting else [],
    }, status=status)


def history_label(action: str) -> str:
    """An audit action in staff's words (the meeting editor's and the newsletter preview's history)."""
    return {"meeting.created": _("Written"), "meeting.changed": _("Changed"), "meeting.published": _("Published"),
            "meeting.cancelled": _("Cancelled"), "meeting.document_added": _("Document added."),
            "meeting.document_removed": _("Document removed."), "meeting.rsvp_cancelled": _("RSVP cancelled"),
            "issue.created": _("Written"), "issue.changed": _("Changed"), "issue.sent": _("Sent")}.get(action, action)


def _change_state(request, pk: int, change, done):
    """Publish or cancel (supervisors and admins): run `change(meeting, user=...)`, say `done(result)`."""
    meeting = access.get_meeting_for_staff(request.user, pk, "publish_meeting")
    try:
        result = change(meeting, user=request.user)
    except services.MeetingRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done(result))
    return redirect("meetings:staff_edit", pk=meeting.pk)


@login_required
@require_POST
def staff_publish(request, pk: int):
    return _change_state(request, pk, services.publish, lambda _result: _("Meeting published."))


@login_required
@require_POST
def staff_cancel(request, pk: int):
    return _change_state(request, pk, services.cancel_meeting, lambda told: _(
        "Meeting cancelled. People who RSVPed are being told (%(count)s).") % {"count": told})


@login_required
@require_POST
def staff_add_document(request, pk: int):
    meeting = access.get_meeting_for_staff(request.user, pk, "edit_meeting")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(meeting, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"],
                                  title=form.cleaned_data["title"], user=request.user)
        except MediaError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Document added."))
            return redirect("meetings:staff_edit", pk=meeting.pk)
    with timezone.override(meeting.local_tz()):
        meeting_form = MeetingForm(instance=meeting, jurisdictions=[meeting.jurisdiction])
        return _editor(request, meeting_form, meeting, status=400, document_form=form)


@login_required
@require_POST
def staff_remove_document(request, pk: int, document_pk: int):
    meeting = access.get_meeting_for_staff(request.user, pk, "edit_meeting")
    item = MeetingDocument.objects.filter(meeting=meeting, pk=document_pk).first()
    if item is None:
        raise Http404(_("There is no such document."))
    services.remove_document(item, user=request.user)
    messages.success(request, _("Document removed."))
    return redirect("meetings:staff_edit", pk=meeting.pk)


@private_page
@login_required
def staff_rsvps(request, pk: int):
    """Who is coming and who waits, with names and addresses: staff only, never shown to the public."""
    meeting = access.get_meeting_for_staff(request.user, pk, "view_meetings")
    rsvps = list(meeting.rsvps.select_related("user").order_by("status", "queued_at", "id"))
    groups = [(label, [r for r in rsvps if r.status == status]) for status, label in Rsvp.Status.choices]
    return render(request, "meetings/staff/rsvps.html", {
        "meeting": meeting, "groups": groups,
        "may_cancel": access.can(request.user, "edit_meeting", meeting.jurisdiction_id)})


@login_required
@require_POST
def staff_cancel_rsvp(request, pk: int, rsvp_pk: int):
    meeting = access.get_meeting_for_staff(request.user, pk, "edit_meeting")
    found = Rsvp.objects.filter(meeting=meeting, pk=rsvp_pk).first()
    if found is None:
        raise Http404(_("There is no such RSVP."))
    promoted = services.cancel_rsvp(found, user=request.user)
    messages.success(request, _("RSVP cancelled; %(count)s moved up from the waiting list.")
                     % {"count": len(promoted)})
    return redirect("meetings:staff_rsvps", pk=meeting.pk)
