"""Staff console pages for jurisdiction administrators: configuration files (export, import with a diff) and
moving a catalogue in from another system (read, review the mapping, apply)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from . import access, services, tables
from . import catalogue_import as ci
from .configfile import export_config
from .forms import ConfigUploadForm, MappingFormSet, SourceForm, TableUploadForm
from .models import CatalogueSource, PendingConfigImport

#: The city pack's sample catalogue export for "Try with the demo file" (DefaultCity.demo_file).
DEMO_CATALOGUE = "seeclickfix-catalogue.csv"

private_page = cache_control(private=True, no_store=True)


def _download(body: str, file_name: str, content_type: str = "text/csv; charset=utf-8") -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@login_required
@private_page
def home(request):
    """The jurisdictions the administrator may export, the upload form, and the catalogue sources."""
    access.require_config_admin(request.user)
    jurisdictions = access.jurisdictions_for(request.user)
    form = ConfigUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.parse(form.cleaned_data["file"].read())
            problems = services.validate(doc)
            if problems:
                raise services.ConfigError(problems)
            access.require_admin_of(request.user, doc["jurisdiction"]["slug"], new_allowed=True)
        except services.ConfigError as exc:
            for problem in exc.problems:
                form.add_error("file", problem)
        except PermissionDenied as exc:
            form.add_error("file", str(exc))
        else:
            pending = PendingConfigImport.objects.create(
                user=request.user, jurisdiction_slug=doc["jurisdiction"]["slug"], document=doc,
                file_name=form.cleaned_data["file"].name[:255])
            return redirect("cityconfig:review_import", pk=pending.pk)
    sources = CatalogueSource.objects.filter(jurisdiction__in=jurisdictions).select_related("jurisdiction")
    return render(request, "cityconfig/home.html", {"jurisdictions": jurisdictions, "form": form,
                                                    "sources": sources},
                  status=400 if form.errors else 200)


@login_required
@private_page
def export(request, slug: str):
    """The jurisdiction's configuration file, as export_city_config writes it."""
    access.require_config_admin(request.user)
    access.require_admin_of(request.user, slug)
    jurisdiction = access.jurisdictions_for(request.user).get(slug=slug)
    body = json.dumps(export_config(jurisdiction), indent=1, ensure_ascii=False, sort_keys=True)
    jurisdiction.log_action("cityconfig.exported", user=request.user)
    return _download(body, f"{slug}-config-{timezone.localdate().isoformat()}.json",
                     "application/json; charset=utf-8")


def _pending(request, pk: int) -> PendingConfigImport:
    access.require_config_admin(request.user)
    pending = PendingConfigImport.objects.filter(pk=pk, user=request.user, applied_at__isnull=True).first()
    if pending is None:
        from django.http import Http404

        raise Http404(_("No configuration file of yours waits to be applied with that number."))
    access.require_admin_of(request.user, pending.jurisdiction_slug, new_allowed=True)
    return pending


@login_required
@private_page
def review_import(request, pk: int):
    """The diff: what the uploaded file adds, changes (old → new) and removes, with an Apply button."""
    pending = _pending(request, pk)
    problems, plan = [], None
    try:
        plan = services.plan_import(pending.document)
    except services.ConfigError as exc:
        problems = exc.problems
    return render(request, "cityconfig/review_import.html", {
        "pending": pending, "plan": plan, "problems": problems,
        "sections": _by_section(plan) if plan else []}, status=400 if problems else 200)


def _by_section(plan: services.Plan) -> list[tuple[str, list]]:
    grouped: dict[str, list] = {}
    for change in plan.changes:
        grouped.setdefault(change.section_name, []).append(change)
    return list(grouped.items())


@login_required
@require_POST
def apply_import(request, pk: int):
    pending = _pending(request, pk)
    try:
        with transaction.atomic():
            plan = services.apply_import(pending.document, user=request.user)
            pending.applied_at = timezone.now()
            pending.save(update_fields=["applied_at"])
    except services.ConfigError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("cityconfig:review_import", pk=pk)
    messages.success(request, _("The configuration was applied: %(added)d added, %(changed)d changed, %(removed)d "
                                "removed.") % {name: len(plan.counted(name)) for name in ("added", "changed",
                                                                                          "removed")})
    return redirect("cityconfig:home")


@login_required
@private_page
def upload_table(request):
    """Statuses or routing rules from a CSV file: shown as a diff of the jurisdiction's configuration first."""
    access.require_config_admin(request.user)
    form = TableUploadForm(request.POST or None, request.FILES or None,
                           jurisdictions=access.jurisdictions_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = tables.document_with_csv(data["jurisdiction"].slug, data["kind"], data["file"].read())
        except services.ConfigError as exc:
            for problem in exc.problems:
                form.add_error("file", problem)
        else:
            pending = PendingConfigImport.objects.create(user=request.user, jurisdiction_slug=data["jurisdiction"].slug,
                                                         document=doc, file_name=data["file"].name[:255])
            return redirect("cityconfig:review_import", pk=pending.pk)
    return render(request, "cityconfig/upload_table.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@private_page
def table_template(request, kind: str):
    access.require_config_admin(request.user)
    if kind not in tables.KINDS:
        from django.http import Http404

        raise Http404(_("There is no such template."))
    return _download(tables.template(kind), f"{kind}-template.csv")


# --- catalogue migration ---------------------------------------------------------------------------------

@login_required
@private_page
def new_source(request):
    """Read another system's catalogue (Open311 endpoint or CSV) into a mapping to review; nothing else is saved."""
    access.require_config_admin(request.user)
    form = SourceForm(request.POST or None, request.FILES or None, jurisdictions=access.jurisdictions_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["endpoint"]:
                incoming = ci.fetch_open311_catalogue(data["endpoint"], api_key=data["api_key"],
                                                      jurisdiction_id=data["remote_jurisdiction"])
            else:
                incoming = ci.read_catalogue_csv(data["csv_file"].read())
        except ci.SourceError as exc:
            form.add_error("endpoint" if data["endpoint"] else "csv_file", str(exc))
        else:
            source = ci.propose_mapping(
                jurisdiction=data["jurisdiction"], name=data["name"], incoming=incoming,
                kind=CatalogueSource.Kind.OPEN311 if data["endpoint"] else CatalogueSource.Kind.CSV,
                endpoint=data["endpoint"], api_key=data["api_key"], remote_jurisdiction=data["remote_jurisdiction"],
                user=request.user)
            messages.success(request, _("Read %(n)d services. Check each row, then apply the mapping.")
                             % {"n": len(incoming)})
            return redirect("cityconfig:mapping", pk=source.pk)
    return render(request, "cityconfig/new_source.html", {
        "form": form, "has_demo_file": _demo_catalogue() is not None}, status=400 if form.errors else 200)


def _demo_catalogue():
    """The demo city's sample catalogue export (a SeeClickFix-style CSV), when the city pack ships one."""
    from civicdesk.cities import city

    path = city().demo_file(DEMO_CATALOGUE)
    return path if path is not None and path.exists() else None


@login_required
@require_POST
def new_source_demo(request):
    """"Try with the demo file": read the demo city's sample catalogue into a mapping to review, for the city
    pack's home jurisdiction when the admin administers it (else their first). Nothing else is saved."""
    access.require_config_admin(request.user)
    path = _demo_catalogue()
    if path is None:
        from django.http import Http404

        raise Http404(_("This city ships no demo catalogue file."))
    from civicdesk.cities import city

    jurisdictions = access.jurisdictions_for(request.user)
    home = city().home_jurisdiction()
    jurisdiction = jurisdictions.filter(pk=home.pk).first() if home is not None else None
    incoming = ci.read_catalogue_csv(path.read_bytes())
    source = ci.propose_mapping(jurisdiction=jurisdiction or jurisdictions.first(),
                                name=_("Demo: %(file)s") % {"file": path.name}, incoming=incoming,
                                kind=CatalogueSource.Kind.CSV, endpoint="", api_key="", remote_jurisdiction="",
                                user=request.user)
    messages.success(request, _("Read %(n)d services. Check each row, then apply the mapping.") % {"n": len(incoming)})
    return redirect("cityconfig:mapping", pk=source.pk)


@login_required
@private_page
def mapping(request, pk: int):
    """The mapping table: each incoming service → an existing or new service type and a department."""
    source = access.get_for_admin(request.user, CatalogueSource, pk)
    queryset = source.mappings.select_related("service_type", "department")
    formset = MappingFormSet(request.POST or None, queryset=queryset, form_kwargs={"source": source})
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            changed = []
            for form in formset.forms:
                if form.has_changed():
                    form.save()
                    changed.append({"incoming": form.instance.incoming_code, "fields": form.changed_data,
                                    "target": form.instance.target_code()})
            if changed:
                source.log_action("cityconfig.mapping_edited", user=request.user, data={"rows": changed})
        if "apply" in request.POST:
            try:
                done = ci.apply_mapping(source, user=request.user)
            except ci.SourceError as exc:
                messages.error(request, str(exc))
                return redirect("cityconfig:mapping", pk=pk)
            messages.success(request, _("The mapping was applied: %(types)d service types and %(rules)d routing rules "
                                        "created.") % {"types": done["types_created"], "rules": done["rules_created"]})
        else:
            messages.success(request, _("The mapping was saved."))
        return redirect("cityconfig:mapping", pk=pk)
    return render(request, "cityconfig/mapping.html", {"source": source, "formset": formset},
                  status=400 if formset.is_bound else 200)


@login_required
@private_page
def mapping_csv(request, pk: int):
    """The saved mapping as `import_311 --map` reads it."""
    source = access.get_for_admin(request.user, CatalogueSource, pk)
    return _download(ci.mapping_csv(source), f"{source.name}-mapping.csv")


@login_required
@private_page
def csv_template(request):
    access.require_config_admin(request.user)
    return _download(ci.csv_template(), "catalogue-template.csv")
