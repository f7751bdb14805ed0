"""Notice pages: public list, detail, feed and point look-up; the staff list and editor."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicdesk.catalog.models import ServiceType
from civicdesk.core.conditional import PageVersion, conditional_page, current_minute
from civicdesk.core.sharing import share_info
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.lib import geo
from civicdesk.lib.compiled import CompiledQuery, as_datetime
from civicdesk.staff import access

from . import services
from .forms import NoticeForm, NoticeTemplateForm
from .models import NoticeTemplate, ServiceNotice
from .templatetags.notices import notice_dates

#: How long an ended news item stays on the public list.
RECENT_NEWS_DAYS = 30
PUBLIC_LIMIT = 50
STAFF_PAGE_SIZE = 50


# --- public ------------------------------------------------------------------------------------------------

#: The notices page's validator's statement, compiled once per process (lib/compiled.py): the newest edit and
#: the number of notices.
_NOTICES_SUMMARY = CompiledQuery(lambda: ServiceNotice.objects.summary().values_list("latest", "count"))


def _list_version(request) -> PageVersion:
    """What the notices page is drawn from: the newest edit of any notice, how many there are, and the minute
    (a notice starts or ends at its set time without anyone saving it)."""
    now = timezone.now()
    latest, count = _NOTICES_SUMMARY.first() or (None, 0)
    latest = as_datetime(latest)
    key = ":".join([latest.isoformat() if latest else "", str(count), current_minute(now)])
    return PageVersion(key, latest)


@conditional_page(_list_version)
def notice_list(request):
    """Current disruptions, news (current and recently ended) and what is coming up."""
    now = timezone.now()
    published = ServiceNotice.objects.select_related("jurisdiction")
    current = list(published.active(now).order_by("-starts_at", "-id")[:PUBLIC_LIMIT])
    recent_news = list(published.ended_since(now - dt.timedelta(days=RECENT_NEWS_DAYS), now)
                       .filter(kind=ServiceNotice.Kind.NEWS).order_by("-ends_at", "-id")[:PUBLIC_LIMIT])
    return render(request, "notices/list.html", {
        "disruptions": [n for n in current if n.kind == ServiceNotice.Kind.DISRUPTION],
        "news": [n for n in current if n.kind == ServiceNotice.Kind.NEWS] + recent_news,
        "upcoming": list(published.upcoming(now).order_by("starts_at", "id")[:PUBLIC_LIMIT]),
        "now": now,
    })


def notice_detail(request, pk: int):
    """One published notice with its area on a map; drafts do not exist for the public."""
    notice = (ServiceNotice.objects.published().select_related("jurisdiction")
              .prefetch_related("districts", "service_types").filter(pk=pk).first())
    if notice is None:
        raise Http404(_("There is no such notice."))
    return render(request, "notices/detail.html", {"notice": notice, "now": timezone.now(),
                                                   "area": notice.coverage,
                                                   "share": share_info(title=notice.title, description=notice.body)})


@require_GET
def notices_at(request):
    """JSON for the report form: active disruptions covering ?lat=&long=, for ?service_code= when given."""
    try:
        lat, long = float(request.GET.get("lat", "")), float(request.GET.get("long", ""))
    except ValueError:
        lat = long = None
    if lat is None or not geo.valid_point(lat, long):
        return JsonResponse({"error": _("Give lat and long as numbers in degrees (WGS84).")}, status=400)
    service_type = None
    code = request.GET.get("service_code", "").strip()
    if code:
        service_type = ServiceType.objects.public().filter(code=code).first()
        if service_type is None:
            return JsonResponse({"error": _("There is no such kind of problem to report.")}, status=400)
    found = ServiceNotice.covering(lat, long, service_type=service_type)
    response = JsonResponse({"notices": [_as_json(request, notice) for notice in found]})
    response["Cache-Control"] = "public, max-age=60"
    patch_vary_headers(response, ["Accept-Language", "Cookie"])  # the text is in the reader's language
    return response


def _as_json(request, notice: ServiceNotice) -> dict:
    return {
        "id": notice.pk, "kind": notice.kind, "severity": notice.severity,
        "severity_label": notice.get_severity_display(), "title": notice.title, "body": notice.body,
        "starts_at": notice.starts_at.isoformat(), "ends_at": notice.ends_at.isoformat() if notice.ends_at else None,
        "dates": notice_dates(notice), "url": request.build_absolute_uri(notice.get_absolute_url()),
        "jurisdiction": notice.jurisdiction.name,
    }


# --- staff -------------------------------------------------------------------------------------------------

def _get_notice_for_staff(user, pk: int, action: str) -> ServiceNotice:
    """The notice for the console; Http404 when the user may not see it, PermissionDenied when they may see
    it but not do `action` to it. Changing a published notice needs the right to publish."""
    access.require_staff(user)
    notice = ServiceNotice.objects.select_related("jurisdiction", "author").filter(pk=pk).first()
    if notice is None or not access.can_in_jurisdiction(user, "view_notices", notice.jurisdiction_id):
        raise Http404(_("No notice you can see has that number."))
    if action == "draft_notice" and notice.published_at is not None:
        action = "publish_notice"
    if not access.can_in_jurisdiction(user, action, notice.jurisdiction_id):
        raise PermissionDenied(_("Your role does not allow this on this notice."))
    return notice


def _jurisdictions(user, action: str) -> list[Jurisdiction]:
    ids = access.jurisdiction_ids_for(user, action)
    queryset = Jurisdiction.objects.filter(is_active=True)
    return list(queryset if ids is None else queryset.filter(pk__in=ids))


@login_required
def staff_list(request):
    """Every notice of the user's jurisdictions, newest first, with its state."""
    access.require_staff(request.user)
    ids = access.jurisdiction_ids_for(request.user, "view_notices")
    if ids is not None and not ids:
        raise PermissionDenied(_("Your role does not include service notices."))
    notices = ServiceNotice.objects.select_related("jurisdiction", "author").order_by("-created_at", "-id")
    if ids is not None:
        notices = notices.filter(jurisdiction_id__in=ids)
    page = Paginator(notices, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/staff/list.html", {
        "page": page, "now": timezone.now(),
        "may_draft": bool(_jurisdictions(request.user, "draft_notice")),
        "may_manage_templates": bool(_jurisdictions(request.user, "publish_notice")),
    })


@login_required
def staff_create(request):
    """Write a new notice; "Save and publish" also publishes it for those allowed to."""
    access.require_staff(request.user)
    allowed = _jurisdictions(request.user, "draft_notice")
    if not allowed:
        raise PermissionDenied(_("Your role may not write service notices."))
    templates = NoticeTemplate.objects.filter(jurisdiction__in=allowed).select_related("jurisdiction")
    chosen = _chosen_template(request, templates)
    with timezone.override((chosen.jurisdiction if chosen else allowed[0]).tz):
        initial = {"starts_at": timezone.localtime().replace(second=0, microsecond=0)}
        if chosen is not None:
            initial.update(chosen.notice_initial())
        form = NoticeForm(request.POST or None, jurisdictions=allowed, initial=initial)
        if request.method == "POST" and form.is_valid():
            notice = services.save_notice(form.instance, user=request.user,
                                          districts=form.cleaned_data["districts"],
                                          service_types=form.cleaned_data["service_types"],
                                          changed_fields=form.changed_fields())
            return _after_save(request, notice, _("Notice saved as a draft."))
        return _editor(request, form, None, status=400 if form.errors else 200,
                       templates=list(templates.order_by("jurisdiction__name", "name", "id")), chosen=chosen)


@login_required
def staff_edit(request, pk: int):
    """Change a notice: drafts by anyone who may write notices, published ones only by those who publish."""
    notice = _get_notice_for_staff(request.user, pk, "draft_notice" if request.method == "POST" else "view_notices")
    allowed = [notice.jurisdiction]
    with timezone.override(notice.jurisdiction.tz):
        form = NoticeForm(request.POST or None, instance=notice, jurisdictions=allowed)
        if request.method == "POST" and form.is_valid():
            notice = services.save_notice(form.instance, user=request.user,
                                          districts=form.cleaned_data["districts"],
                                          service_types=form.cleaned_data["service_types"],
                                          changed_fields=form.changed_fields())
            return _after_save(request, notice, _("Notice saved."))
        return _editor(request, form, notice, status=400 if form.errors else 200)


def _after_save(request, notice: ServiceNotice, text: str):
    if "publish" in request.POST and notice.published_at is None:
        if not access.can_in_jurisdiction(request.user, "publish_notice", notice.jurisdiction_id):
            messages.warning(request, _("Saved as a draft: a supervisor or an admin publishes notices."))
            return redirect("notices:staff_edit", pk=notice.pk)
        try:
            services.publish(notice, user=request.user)
        except services.NoticeRejected as exc:
            messages.error(request, _("Saved, but not published: %(reason)s") % {"reason": exc})
            return redirect("notices:staff_edit", pk=notice.pk)
        text = _("Notice published.")
    messages.success(request, text)
    return redirect("notices:staff_edit", pk=notice.pk)


def _chosen_template(request, templates):
    """The template named by ?template= (the "Start from a template" choice, a plain GET so it works without
    JavaScript), among those the user may use; None when none or another is named."""
    try:
        pk = int(request.GET.get("template", ""))
    except ValueError:
        return None
    return templates.filter(pk=pk).first()


def _editor(request, form: NoticeForm, notice: ServiceNotice | None, status: int = 200, templates=(),
            chosen=None):
    jurisdiction = notice.jurisdiction if notice else None
    may_publish = (access.can_in_jurisdiction(request.user, "publish_notice", jurisdiction.pk) if jurisdiction
                   else bool(_jurisdictions(request.user, "publish_notice")))
    if notice is None:
        may_change = True
    elif notice.published_at is None:
        may_change = access.can_in_jurisdiction(request.user, "draft_notice", jurisdiction.pk)
    else:
        may_change = may_publish
    if not may_change:  # read-only: the same page, every field disabled and no save button
        for field in form.fields.values():
            field.disabled = True
    boundaries = [{"name": j.name, "geojson": j.boundary}
                  for j in ([jurisdiction] if jurisdiction else _jurisdictions(request.user, "draft_notice"))]
    return render(request, "notices/staff/edit.html", {
        "form": form, "notice": notice, "may_publish": may_publish, "may_change": may_change,
        "templates": templates, "chosen_template": chosen,
        "now": timezone.now(), "boundaries": boundaries,
        "history": [(entry, _history_label(entry.action))
                    for entry in notice.audit_entries().select_related("actor")[:20]] if notice else [],
        "time_zone": (jurisdiction.time_zone if jurisdiction else timezone.get_current_timezone_name()),
    }, status=status)


def _history_label(action: str) -> str:
    return {"notice.created": _("Written"), "notice.changed": _("Changed"), "notice.published": _("Published"),
            "notice.ended": _("Ended early")}.get(action, action)


@login_required
@require_POST
def staff_publish(request, pk: int):
    notice = _get_notice_for_staff(request.user, pk, "publish_notice")
    try:
        services.publish(notice, user=request.user)
    except services.NoticeRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Notice published. Subscribers in its area are being told."))
    return redirect("notices:staff_edit", pk=notice.pk)


@login_required
@require_POST
def staff_end(request, pk: int):
    notice = _get_notice_for_staff(request.user, pk, "publish_notice")
    try:
        services.end_early(notice, user=request.user)
    except services.NoticeRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Notice ended. It no longer shows on the site."))
    return redirect("notices:staff_edit", pk=notice.pk)


# --- notice templates --------------------------------------------------------------------------------------

def _template_jurisdictions(user) -> list[Jurisdiction]:
    """Jurisdictions whose notice templates `user` manages: the seats that may publish notices there."""
    access.require_staff(user)
    allowed = _jurisdictions(user, "publish_notice")
    if not allowed:
        raise PermissionDenied(_("A supervisor or an admin manages notice templates."))
    return allowed


@login_required
def template_list(request):
    """The notice templates of the jurisdictions where the user publishes notices."""
    allowed = _template_jurisdictions(request.user)
    templates = NoticeTemplate.objects.filter(jurisdiction__in=allowed).select_related("jurisdiction").order_by(
        "jurisdiction__name", "name", "id")
    return render(request, "notices/staff/templates.html", {"templates": templates, "several": len(allowed) > 1})


@login_required
def template_edit(request, pk: int | None = None):
    """Write a notice template, or change one (audited as notice_template.created / .changed)."""
    allowed = _template_jurisdictions(request.user)
    template = None
    if pk is not None:
        template = NoticeTemplate.objects.filter(pk=pk, jurisdiction__in=allowed).select_related("jurisdiction").first()
        if template is None:
            raise Http404(_("No notice template you manage has that number."))
    form = NoticeTemplateForm(request.POST or None, instance=template, jurisdictions=allowed)
    if request.method == "POST" and form.is_valid():
        template = services.save_template(form.instance, user=request.user, changed_fields=form.changed_data)
        messages.success(request, _("Template saved."))
        return redirect("notices:template_list")
    return render(request, "notices/staff/template_edit.html", {"form": form, "template": template},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def template_delete(request, pk: int):
    allowed = _template_jurisdictions(request.user)
    template = NoticeTemplate.objects.filter(pk=pk, jurisdiction__in=allowed).first()
    if template is None:
        raise Http404(_("No notice template you manage has that number."))
    services.delete_template(template, user=request.user)
    messages.success(request, _("Template deleted. Notices written from it are unchanged."))
    return redirect("notices:template_list")
