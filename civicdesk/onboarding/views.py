"""Staff console pages for jurisdiction admins: the go-live checklist and the boundary upload with its preview."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicdesk.throttle.services import Limit, RateLimited
from civicdesk.throttle.services import check as throttle_check

from . import access
from .boundaries import apply_plan, plan_import
from .checklist import EMAIL_CHECK_SECONDS, check_email, remembered_email_check, run_checklist
from .forms import BoundaryUploadForm, NameFieldForm
from .models import BoundaryUpload

#: Test emails a person may ask for per hour, and the whole site per hour.
TEST_EMAILS_PER_PERSON_PER_HOUR = 5
TEST_EMAILS_PER_HOUR = 50


def _chosen_jurisdiction(request, jurisdictions):
    chosen = request.GET.get("jurisdiction") or request.POST.get("jurisdiction") or ""
    return jurisdictions.filter(slug=chosen).first() or jurisdictions.first()


@require_http_methods(["GET", "POST"])
def checklist(request):
    """The go-live checklist for one of the admin's jurisdictions. A visit never contacts the mail server (it
    shows the last test); POST tests it now: action "test" opens a connection, "send" (the default) also sends a
    test email to the admin."""
    access.require_onboarding_admin(request.user)
    jurisdictions = access.jurisdictions_for(request.user)
    jurisdiction = _chosen_jurisdiction(request, jurisdictions)
    test_to = ""
    email = None
    if request.method == "POST" and jurisdiction is not None:
        sending = request.POST.get("action", "send") != "test"
        kind = "test-email" if sending else "test-server"
        try:
            throttle_check(Limit(f"onboarding:{kind}:user:{request.user.pk}", TEST_EMAILS_PER_PERSON_PER_HOUR,
                                 3600), Limit(f"onboarding:{kind}:global", TEST_EMAILS_PER_HOUR, 3600))
        except RateLimited as exc:
            messages.error(request, exc.message)
            return redirect(_checklist_url(jurisdiction))
        if sending:
            test_to = request.user.email
            jurisdiction.log_action("onboarding.test_email_sent", user=request.user, data={"to": "staff member"})
        else:
            jurisdiction.log_action("onboarding.mail_server_tested", user=request.user)
        email = check_email(test_to)
    elif jurisdiction is not None:
        email = remembered_email_check()
    checks = run_checklist(jurisdiction, test_email_to=test_to, email=email) if jurisdiction is not None else []
    blocking = [c for c in checks if not c.ok]
    return render(request, "onboarding/checklist.html", {
        "jurisdictions": jurisdictions, "jurisdiction": jurisdiction, "checks": checks, "blocking": blocking,
        "tested_email": bool(test_to), "email_check_minutes": EMAIL_CHECK_SECONDS // 60})


def _checklist_url(jurisdiction) -> str:
    return reverse("onboarding:checklist") + "?" + urlencode({"jurisdiction": jurisdiction.slug})


@require_http_methods(["GET", "POST"])
def upload_boundaries(request):
    """Step 1: upload a file; it is kept (for its uploader only) until the preview's save."""
    access.require_onboarding_admin(request.user)
    initial = {"kind": request.GET.get("kind", "district"), "replace": request.GET.get("replace") == "1"}
    if request.GET.get("jurisdiction"):
        initial["jurisdiction"] = access.jurisdictions_for(request.user).filter(
            slug=request.GET["jurisdiction"]).first()
    form = BoundaryUploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        BoundaryUpload.purge_stale()
        upload = BoundaryUpload.objects.create(
            uploaded_by=request.user, jurisdiction=form.cleaned_data["jurisdiction"], kind=form.cleaned_data["kind"],
            replace=form.cleaned_data["replace"], filename=form.cleaned_data["file"].name[:200],
            data=form.cleaned_data["file"].read())
        return redirect("onboarding:preview", pk=upload.pk)
    return render(request, "onboarding/upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
def preview_boundaries(request, pk: int):
    """Step 2: choose the name attribute, see every feature on a map and in a table, then save (POST)."""
    upload = access.get_upload_for_staff(request.user, pk)
    data = bytes(upload.data)
    chosen = request.POST.get("name_field") or request.GET.get("name_field") or ""
    plan = plan_import(data, kind=upload.kind, filename=upload.filename, name_field=chosen,
                       jurisdiction=upload.jurisdiction, replace=upload.replace)
    attributes = plan.layer.attributes if plan.layer else []
    form = NameFieldForm({"name_field": plan.name_field} if plan.name_field in attributes else None,
                         attributes=attributes)
    if request.method == "POST":
        if plan.ok:
            apply_plan(plan, user=request.user, source=upload.filename)
            counts = plan.summary()
            upload.delete()
            messages.success(request, _("Saved: %(create)s added, %(replace)s replaced.") % counts)
            if upload.jurisdiction is not None:
                return redirect(_checklist_url(upload.jurisdiction))
            return redirect("onboarding:checklist")
        messages.error(request, _("Nothing was saved: fix the problems listed below and upload the file again."))
    return render(request, "onboarding/preview.html", {
        "upload": upload, "plan": plan, "single": upload.kind == "jurisdiction" and upload.jurisdiction_id, "form": form, "attributes": attributes,
        "preview": plan.preview_geojson() if plan.layer else None,
        "outline": upload.jurisdiction.boundary if upload.jurisdiction and upload.kind != "jurisdiction" else None,
    }, status=200 if request.method == "GET" or plan.ok else 400)
