"""Pages of the public register (list, map, its GeoJSON, the open-data export), the staff page choosing what a
type publishes, and the holder's one-click licence renewal."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicdesk.formengine.text import pick
from civicdesk.jurisdictions.models import District
from civicdesk.opendata.exports import write_csv, write_geojson
from civicdesk.throttle.services import RateLimited

from . import access, registers, renewals
from .models import Permit
from .register_forms import RegisterFilterForm, RegisterSettingsForm
from .services import ApplicationError
from .views import _limited


def _filters(request):
    types = list(registers.public_types())
    districts = list(District.objects.filter(jurisdiction__application_types__register__enabled=True).distinct()
                     .order_by("name"))
    form = RegisterFilterForm(request.GET or None, types=types, districts=districts)
    return form, form.filters(), types


def register_list(request):
    """The public register: issued permits of the types whose register is on, newest first, keyset-paged,
    filtered without JavaScript. Four queries whatever the page."""
    form, filters, types = _filters(request)
    today = timezone.localdate()
    try:
        after = int(request.GET.get("after") or 0) or None
    except ValueError:
        after = None
    rows, following = registers.page(filters, today, after=after)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "applications/register/list.html", {
        "form": form, "rows": [(row, row.state(today)) for row in rows], "types": types, "next_after": following,
        "query": query.urlencode(), "paged": after is not None})


def register_map(request):
    """The register on a map (Leaflet; points, or counts per cell when many), with the same filters."""
    form, _filters_chosen, types = _filters(request)
    query = request.GET.urlencode()
    return render(request, "applications/register/map.html", {"form": form, "types": types, "query": query})


def register_map_data(request):
    """GeoJSON of the register's map (see registers.map_data)."""
    _form, filters, _types = _filters(request)
    return JsonResponse(registers.map_data(filters, timezone.localdate()))


def register_export(request, fmt: str):
    """The register (filtered as the page) as CSV or GeoJSON (the permits with a place), through the open-data
    writers; streamed from a temporary file so a large register never sits in memory."""
    if fmt not in ("csv", "geojson"):
        raise Http404
    _form, filters, _types = _filters(request)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    writer = write_csv if fmt == "csv" else write_geojson
    writer(registers.export_batches(filters, timezone.localdate(), placed=fmt == "geojson"), registers.COLUMNS, out)
    out.seek(0)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/geo+json"
    return FileResponse(out, as_attachment=True, filename=f"permit-register.{fmt}", content_type=content_type)


# --- staff: what a type publishes --------------------------------------------------------------------------

@login_required
def settings_page(request, pk: int):
    found = access.get_type_for_config(request.user, pk)
    register = registers.settings_for(found)
    form = RegisterSettingsForm(request.POST or None, application_type=found, register=register)
    if request.method == "POST" and form.is_valid():
        try:
            registers.save_settings(found, user=request.user, **form.values())
        except ApplicationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Register settings saved; the public register shows them now."))
            return redirect("applications_config:register", pk=found.pk)
    return render(request, "applications/staff/register_settings.html", {"type": found, "form": form})


# --- the holder: renewing a licence ------------------------------------------------------------------------

@login_required
def renew(request, code: str):
    """The renewal reminder's link: what will happen, and the button that starts the renewal (a draft with the
    last answers, then the usual form). A renewal already under way is resumed."""
    permit = get_object_or_404(Permit.objects.select_related("application__application_type",
                                                             "application__jurisdiction"), code=code)
    if permit.application.applicant_id != request.user.pk:
        raise PermissionDenied(_("Only the holder can renew this licence."))
    under_way = renewals.renewal_of(permit)
    if request.method == "POST":
        try:
            renewal = renewals.start_renewal(permit, user=request.user, language=translation.get_language())
        except ApplicationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("applications:renew", code=code)
        except RateLimited as exc:
            return _limited(request, exc, permit.application.get_absolute_url())
        if renewal.status != renewal.Status.DRAFT:
            return redirect(renewal.get_absolute_url())
        messages.success(request, _("Your last answers are filled in: check them, change what is new, and send."))
        return redirect("applications:fill", pk=renewal.pk)
    return render(request, "applications/renew.html", {
        "permit": permit, "type_name": pick(permit.application.application_type.name),
        "may_renew": renewals.may_renew(permit), "under_way": under_way, "state": permit.state()})
