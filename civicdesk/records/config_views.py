"""Staff console pages where a jurisdiction's administrators set up public-records requests: a records type's
policy (extensions, link lifetime) and the jurisdiction's exemption reasons (add, change, reorder, take out of
use, delete when no document cites one). Access through access.get_policy_for_config and
access.get_jurisdiction_for_config; every write is a service (atomic, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, services
from .forms import ExemptionForm, PolicyForm
from .models import ExemptionReason


@login_required
def policy(request, type_pk: int):
    """"Records settings" of one records-request type."""
    found = access.get_policy_for_config(request.user, type_pk)
    form = PolicyForm(request.POST or None, initial={"max_extensions": found.max_extensions,
                                                      "max_extension_days": found.max_extension_days,
                                                      "link_days": found.link_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy(found, user=request.user, **form.cleaned_data)
        except services.RecordsError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Records settings saved."))
            return redirect("records_staff:policy", type_pk=type_pk)
    return render(request, "records/staff/policy.html", {"policy": found, "type": found.application_type,
                                                         "form": form})


def _save(request, jurisdiction, form: ExemptionForm, reason: ExemptionReason | None) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.save_exemption(jurisdiction, user=request.user, reason=reason, code=data.get("code", ""),
                                label=form.texts("label"), citation=data["citation"].strip(),
                                position=data["position"], is_active=data["is_active"])
    except services.RecordsError as exc:
        form.add_error(None, exc.messages[0])
        return False
    messages.success(request, _("Exemption reason saved."))
    return True


@login_required
def exemptions(request, jurisdiction_pk: int):
    """The jurisdiction's exemption reasons in their order, and a form to add one."""
    jurisdiction = access.get_jurisdiction_for_config(request.user, jurisdiction_pk)
    form = ExemptionForm(request.POST or None, jurisdiction=jurisdiction)
    if _save(request, jurisdiction, form, None):
        return redirect("records_staff:exemptions", jurisdiction_pk=jurisdiction.pk)
    reasons = list(ExemptionReason.objects.filter(jurisdiction=jurisdiction))
    return render(request, "records/staff/exemptions.html", {"jurisdiction": jurisdiction, "reasons": reasons,
                                                             "form": form})


def _reason(request, jurisdiction_pk: int, reason_pk: int):
    jurisdiction = access.get_jurisdiction_for_config(request.user, jurisdiction_pk)
    return jurisdiction, get_object_or_404(ExemptionReason, pk=reason_pk, jurisdiction=jurisdiction)


@login_required
def exemption(request, jurisdiction_pk: int, reason_pk: int):
    """Change one reason (its label in each language, statute, position, in use)."""
    jurisdiction, reason = _reason(request, jurisdiction_pk, reason_pk)
    form = ExemptionForm(request.POST or None, jurisdiction=jurisdiction, reason=reason)
    if _save(request, jurisdiction, form, reason):
        return redirect("records_staff:exemptions", jurisdiction_pk=jurisdiction.pk)
    return render(request, "records/staff/exemption.html", {"jurisdiction": jurisdiction, "reason": reason,
                                                            "form": form, "cited": reason.is_cited()})


@login_required
@require_POST
def exemption_move(request, jurisdiction_pk: int, reason_pk: int):
    jurisdiction, reason = _reason(request, jurisdiction_pk, reason_pk)
    services.move_exemption(reason, user=request.user, up=request.POST.get("direction") == "up")
    messages.success(request, _("Order saved."))
    return redirect("records_staff:exemptions", jurisdiction_pk=jurisdiction.pk)


@login_required
@require_POST
def exemption_delete(request, jurisdiction_pk: int, reason_pk: int):
    jurisdiction, reason = _reason(request, jurisdiction_pk, reason_pk)
    try:
        services.delete_exemption(reason, user=request.user)
    except services.RecordsError as exc:
        messages.error(request, exc.messages[0])
        return redirect("records_staff:exemption", jurisdiction_pk=jurisdiction.pk, reason_pk=reason.pk)
    messages.success(request, _("Exemption reason deleted."))
    return redirect("records_staff:exemptions", jurisdiction_pk=jurisdiction.pk)
