"""Staff console pages for jurisdiction admins (the go-live checklist, the boundary upload with its preview, the
staff import and its invitations) and the invitation link new staff follow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST

from civicdesk.accounts.middleware import two_factor_url
from civicdesk.throttle.services import Limit, RateLimited
from civicdesk.throttle.services import check as throttle_check

from . import access, invitations
from . import staff_import as staff_import_service
from .boundaries import apply_plan, plan_import
from .checklist import (
    EMAIL_CHECK_SECONDS,
    SMS_CHECK_SECONDS,
    check_email,
    check_sms,
    remembered_email_check,
    run_checklist,
    sms_is_development,
)
from .forms import (
    AcceptInvitationForm,
    BoundaryUploadForm,
    NameFieldForm,
    StaffImportForm,
    TestSmsForm,
)
from .models import BoundaryUpload, StaffImportUpload, StaffInvitation

#: Test emails a person may ask for per hour, and the whole site per hour.
TEST_EMAILS_PER_PERSON_PER_HOUR = 5
TEST_EMAILS_PER_HOUR = 50
#: Test texts likewise (each costs the city a text; the SMS policy's hourly budget applies as well).
TEST_TEXTS_PER_PERSON_PER_HOUR = 5
TEST_TEXTS_PER_HOUR = 20


def _chosen_jurisdiction(request, jurisdictions):
    chosen = request.GET.get("jurisdiction") or request.POST.get("jurisdiction") or ""
    return jurisdictions.filter(slug=chosen).first() or jurisdictions.first()


@require_http_methods(["GET", "POST"])
def checklist(request):
    """The go-live checklist for one of the admin's jurisdictions. A visit never contacts the mail server or the
    SMS provider (it shows the last tests); POST tests one now: action "test" opens a connection to the mail
    server, "send" (the default) also sends a test email to the admin, "sms" sends a test text to the number
    typed in the form."""
    access.require_onboarding_admin(request.user)
    jurisdictions = access.jurisdictions_for(request.user)
    jurisdiction = _chosen_jurisdiction(request, jurisdictions)
    test_to = ""
    email = sms = None
    sms_form = TestSmsForm()
    status = 200
    action = request.POST.get("action", "send")
    if request.method == "POST" and jurisdiction is not None and action == "sms":
        sms_form = TestSmsForm(request.POST)
        if not sms_form.is_valid():
            status = 400
        else:
            try:
                _throttle(request, "test-text", TEST_TEXTS_PER_PERSON_PER_HOUR, TEST_TEXTS_PER_HOUR)
            except RateLimited as exc:
                messages.error(request, exc.message)
                return redirect(_checklist_url(jurisdiction))
            number = sms_form.cleaned_data["number"]
            sms = check_sms(number)
            jurisdiction.log_action("onboarding.test_sms_sent", user=request.user, data={
                "to": "…" + number[-2:], "passed": sms.ok, "development": sms_is_development()})
    elif request.method == "POST" and jurisdiction is not None:
        sending = action != "test"
        try:
            _throttle(request, "test-email" if sending else "test-server", TEST_EMAILS_PER_PERSON_PER_HOUR,
                      TEST_EMAILS_PER_HOUR)
        except RateLimited as exc:
            messages.error(request, exc.message)
            return redirect(_checklist_url(jurisdiction))
        if sending:
            test_to = request.user.email
            jurisdiction.log_action("onboarding.test_email_sent", user=request.user, data={"to": "staff member"})
        else:
            jurisdiction.log_action("onboarding.mail_server_tested", user=request.user)
        email = check_email(test_to)
    if jurisdiction is not None:
        email = email or remembered_email_check()
    checks = (run_checklist(jurisdiction, test_email_to=test_to, email=email, sms=sms)
              if jurisdiction is not None else [])
    blocking = [c for c in checks if not c.ok]
    return render(request, "onboarding/checklist.html", {
        "jurisdictions": jurisdictions, "jurisdiction": jurisdiction, "checks": checks, "blocking": blocking,
        "tested_email": bool(test_to), "email_check_minutes": EMAIL_CHECK_SECONDS // 60, "sms_form": sms_form,
        "sms_result": sms, "sms_development": sms_is_development(), "sms_check_hours": SMS_CHECK_SECONDS // 3600}, status=status)


def _throttle(request, kind: str, per_person: int, per_site: int) -> None:
    """Count one test of `kind` by this person; raises RateLimited past the hourly limits."""
    throttle_check(Limit(f"onboarding:{kind}:user:{request.user.pk}", per_person, 3600),
                   Limit(f"onboarding:{kind}:global", per_site, 3600))


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


# --- staff import ----------------------------------------------------------------------------------------

def _allowed_ids(user) -> set[int] | None:
    return None if user.is_superuser else set(access.jurisdictions_for(user).values_list("pk", flat=True))


@require_http_methods(["GET", "POST"])
def staff_import(request):
    """Staff import, step 1: upload the CSV; it is kept (for its uploader only) until the review's confirm."""
    access.require_onboarding_admin(request.user)
    form = StaffImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        StaffImportUpload.purge_stale()
        upload = StaffImportUpload.objects.create(
            uploaded_by=request.user, jurisdiction=form.cleaned_data["jurisdiction"],
            filename=form.cleaned_data["file"].name[:200], data=form.cleaned_data["file"].read())
        return redirect("onboarding:staff_review", pk=upload.pk)
    return render(request, "onboarding/staff_import.html", {
        "form": form, "has_demo_file": _demo_staff_file() is not None}, status=400 if form.errors else 200)


def _demo_staff_file():
    from civicdesk.cities import city

    path = city().demo_file("staff.csv")
    return path if path is not None and path.exists() else None


@require_POST
def staff_import_demo(request):
    """Try the import with the demo city's staff list (only where the city pack ships one): straight to its
    review, which shows real rows against the demo data; nothing is saved before the confirm."""
    access.require_onboarding_admin(request.user)
    path = _demo_staff_file()
    if path is None:
        raise Http404(_("This city ships no demo staff list."))
    StaffImportUpload.purge_stale()
    upload = StaffImportUpload.objects.create(uploaded_by=request.user, filename=path.name, data=path.read_bytes())
    return redirect("onboarding:staff_review", pk=upload.pk)


def staff_template(request):
    """The CSV template with its header and two example rows."""
    access.require_onboarding_admin(request.user)
    response = HttpResponse(staff_import_service.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff-template.csv"'
    return response


@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def staff_review(request, pk: int):
    """Staff import, step 2: the table of what each row would do; POST applies it in one transaction."""
    upload = access.get_staff_upload_for_staff(request.user, pk)
    plan = staff_import_service.plan_staff_import(bytes(upload.data), allowed_jurisdiction_ids=_allowed_ids(
        request.user), default_jurisdiction=upload.jurisdiction)
    status = 200
    if request.method == "POST":
        if plan.ok:
            try:
                result = staff_import_service.apply_staff_plan(plan, actor=request.user, filename=upload.filename)
            except RateLimited as exc:
                messages.error(request, exc.message)
                status = 429
            else:
                upload.delete()
                messages.success(request, _(
                    "Imported: %(invite)s new people invited, %(add)s seats added, %(change)s roles changed, "
                    "%(unchanged)s left alone.") % result.counts)
                return redirect("onboarding:staff_invitations")
        else:
            messages.error(request, _("Nothing was saved: fix the rows listed below and upload the file again."))
            status = 400
    changes = [row for row in plan.rows if not row.errors]
    return render(request, "onboarding/staff_review.html", {
        "upload": upload, "plan": plan, "counts": plan.counts(), "changes": changes}, status=status)


@cache_control(private=True, no_store=True)
def staff_invitations(request):
    """Invitations of the admin's jurisdictions: pending first, with a button to send each again."""
    access.require_onboarding_admin(request.user)
    queryset = (StaffInvitation.objects.select_related("user", "jurisdiction")
                .filter(jurisdiction__in=access.jurisdictions_for(request.user))
                .order_by(F("accepted_at").desc(nulls_first=True), "-sent_at", "-pk"))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "onboarding/staff_invitations.html", {"page": page, "now": timezone.now()})


@require_POST
def resend_invitation(request, pk: int):
    """Send a pending invitation again: a new link, a new expiry; earlier links stop working."""
    invitation = access.get_invitation_for_admin(request.user, pk)
    if invitation.accepted_at is not None:
        messages.info(request, _("%(email)s has already accepted the invitation.") % {"email": invitation.user.email})
        return redirect("onboarding:staff_invitations")
    try:
        invitations.resend(invitation, actor=request.user)
    except RateLimited as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation to %(email)s was sent again; earlier links no longer work.")
                         % {"email": invitation.user.email})
    return redirect("onboarding:staff_invitations")


@never_cache
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    """The link in an invitation email: choose a password, then on to the two-factor enrolment of
    civicdesk/accounts (the staff console stays closed until it is done)."""
    try:
        invitation = invitations.invitation_for_token(token)
    except invitations.InvitationProblem as exc:
        return render(request, "onboarding/invitation_problem.html", {"reason": str(exc), "used": exc.used},
                      status=410 if exc.used else 400)
    form = AcceptInvitationForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(token, form.cleaned_data["new_password1"])
        except invitations.InvitationProblem as exc:
            return render(request, "onboarding/invitation_problem.html", {"reason": str(exc), "used": exc.used},
                          status=410 if exc.used else 400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Now set up your authenticator app: staff sign in with "
                                    "a code from it."))
        return redirect(two_factor_url(reverse("staff:queues")))
    return render(request, "onboarding/accept_invitation.html", {"form": form, "invitation": invitation},
                  status=400 if form.errors else 200)
