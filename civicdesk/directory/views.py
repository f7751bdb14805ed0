"""Services A–Z, service and permit pages, and the departments directory (public, read-only)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalog.models import ServiceAttribute, ServiceType
from civicdesk.cities import city
from civicdesk.jurisdictions.models import Department, Jurisdiction, today_in

from . import lookups
from .models import DepartmentProfile, PermitGuide, ServiceGuide
from .related import related_to


def _jurisdiction_from(request) -> tuple[Jurisdiction | None, list[Jurisdiction]]:
    """The jurisdiction asked for with ?in=<slug> among the active ones, else the home jurisdiction."""
    active = list(Jurisdiction.objects.filter(is_active=True).order_by("name"))
    wanted = request.GET.get("in", "")
    chosen = next((j for j in active if j.slug == wanted), None)
    if chosen is None:
        home = city().home_jurisdiction()
        chosen = next((j for j in active if home is not None and j.pk == home.pk), active[0] if active else None)
    return chosen, active


def services_index(request):
    """Services A–Z: the jurisdiction's public service types and permit and licence guides, with a letter
    index and a filter box (the script narrows the list; without it the whole list shows)."""
    jurisdiction, jurisdictions = _jurisdiction_from(request)
    entries = lookups.az_entries(jurisdiction)
    return render(request, "directory/services.html", {
        "jurisdiction": jurisdiction, "jurisdictions": jurisdictions, "entries": entries,
        "groups": lookups.letters(entries)})


def service_detail(request, code: str):
    """One service type: what it covers and not, who handles it, the expected time, related pages and the
    "Report this" button (not for private types, which the report form does not take; never listed)."""
    service_type = (ServiceType.objects.filter(is_active=True, code=code).select_related("group")
                    .prefetch_related("jurisdictions", Prefetch(
                        "attributes", queryset=ServiceAttribute.objects.filter(variable=True))).first())
    if service_type is None:
        raise Http404(_("There is no such service."))
    guide = ServiceGuide.objects.public().filter(service_type=service_type).first()
    handlers = lookups.handlers_for(service_type)
    emergency_numbers = sorted({h.jurisdiction.emergency_number for h in handlers}) or ["911"]
    offered_in = [j for j in service_type.jurisdictions.all() if j.is_active] or (
        [] if handlers else list(Jurisdiction.objects.filter(is_active=True).order_by("name")))
    return render(request, "directory/service.html", {"offered_in": offered_in,
        "service_type": service_type, "guide": guide, "handlers": handlers,
        "emergency": lookups.is_emergency(service_type), "emergency_number": emergency_numbers[0],
        "related": related_to(service_type), "reportable": not service_type.is_private})


def permit_detail(request, slug: str):
    """A permit or licence guide: what needs one, requirements, fees, processing time, how to apply."""
    guide = get_object_or_404(PermitGuide.objects.public().select_related("department", "jurisdiction"), slug=slug)
    return render(request, "directory/permit.html", {"guide": guide, "fees": guide.fee_lines(),
                                                     "fallback": guide.is_fallback()})


def _with_profiles(departments):
    return departments.select_related("jurisdiction", "directory_profile", "directory_profile__jurisdiction")


def departments_index(request):
    """Every department of the active jurisdictions, grouped by jurisdiction, with contact and "open now"."""
    departments = list(_with_profiles(Department.objects.filter(jurisdiction__is_active=True))
                       .order_by("jurisdiction__name", "name"))
    holidays = _holidays({d.jurisdiction_id for d in departments})
    now = timezone.now()
    groups: dict[int, tuple[Jurisdiction, list]] = {}
    for department in departments:
        profile = _public_profile(department)
        status = profile.schedule(holidays[department.jurisdiction_id]).open_now(now) if profile else None
        groups.setdefault(department.jurisdiction_id, (department.jurisdiction, []))[1].append(
            (department, profile, status))
    return render(request, "directory/departments.html", {"groups": list(groups.values())})


def department_detail(request, jurisdiction: str, slug: str):
    """A department: what it does, contact, opening hours and "open now", address and map, what it handles."""
    department = get_object_or_404(_with_profiles(Department.objects.filter(jurisdiction__is_active=True)),
                                   jurisdiction__slug=jurisdiction, slug=slug)
    profile = _public_profile(department)
    context = {"department": department, "profile": profile, "handles": lookups.types_handled_by(department),
               "permits": list(PermitGuide.objects.public().filter(department=department))}
    if profile is not None:
        schedule = profile.schedule(_holidays({department.jurisdiction_id})[department.jurisdiction_id])
        context.update({"schedule": schedule, "status": schedule.open_now(timezone.now()),
                        "upcoming": schedule.upcoming_exceptions(today_in(department.jurisdiction))})
    return render(request, "directory/department.html", context)


def _public_profile(department: Department) -> DepartmentProfile | None:
    try:
        profile = department.directory_profile
    except DepartmentProfile.DoesNotExist:
        return None
    return profile if profile.is_public() else None


def _holidays(jurisdiction_ids: set[int]) -> dict[int, list]:
    """(date, name) of each jurisdiction's holidays from a year ago on, in one query."""
    from civicdesk.jurisdictions.models import Holiday

    since = timezone.now().date().replace(day=1).replace(year=timezone.now().year - 1)
    result: dict[int, list] = {pk: [] for pk in jurisdiction_ids}
    for jurisdiction_id, date, name in Holiday.objects.filter(
            jurisdiction_id__in=jurisdiction_ids, date__gte=since).values_list("jurisdiction_id", "date", "name"):
        result[jurisdiction_id].append((date, name))
    return result
