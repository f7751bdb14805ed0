"""Newsletter pages: subscribe and confirm, the public archive of sent issues; the staff compose, preview and send."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.meetings.views import history_label, private_page
from civicdesk.throttle.services import RateLimited, client_ip

from . import access, services
from .forms import IssueForm, SubscribeForm
from .models import Issue, Subscriber

PAGE_SIZE = 20


def _sent():
    return Issue.objects.exclude(status=Issue.Status.DRAFT)


def archive(request, *, form: SubscribeForm | None = None, status: int = 200, error: str = ""):
    """Subscribe, and every issue sent so far, newest first."""
    page = Paginator(_sent().order_by("-sent_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "newsletter/archive.html", {"form": form or SubscribeForm(), "page": page,
                                                        "error": error}, status=status)


@require_POST
def subscribe(request):
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return archive(request, form=form, status=400)
    try:
        services.subscribe(email=form.cleaned_data["email"], language=translation.get_language() or "",
                           client=client_ip(request))
    except RateLimited as exc:
        response = archive(request, form=form, status=429, error=str(exc.message))
        response["Retry-After"] = str(exc.retry_after)
        return response
    messages.success(request, _("Check your email: we sent a link to confirm your subscription."))
    return redirect("newsletter:archive")


@private_page
def confirm(request, token: str):
    """The emailed link: a button confirms (POST), so mail scanners following links subscribe nobody."""
    subscriber = services.subscriber_from_token(token)
    if subscriber is None:
        return render(request, "newsletter/expired.html", status=404)
    if request.method == "POST":
        services.confirm(subscriber)
        messages.success(request, _("You are subscribed to the newsletter."))
        return redirect("newsletter:confirm", token=token)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


def issue(request, pk: int):
    """A sent issue as a web page."""
    found = _sent().select_related("jurisdiction").filter(pk=pk).first()
    if found is None:
        raise Http404(_("There is no such newsletter issue."))
    return render(request, "newsletter/issue.html", services.issue_context(found))


# --- staff -------------------------------------------------------------------------------------------------

@private_page
@login_required
def staff_list(request):
    access.require_newsletter_staff(request.user)
    ids = list(access.jurisdictions_for(request.user, "compose_issue").values_list("pk", flat=True))
    issues = Issue.objects.filter(jurisdiction_id__in=ids).select_related("jurisdiction").order_by("-created_at")
    page = Paginator(issues, 50).get_page(request.GET.get("page"))
    return render(request, "newsletter/staff/list.html", {
        "page": page, "subscribers": Subscriber.objects.confirmed().count()})


@private_page
@login_required
def staff_compose(request, pk: int | None = None):
    """Write a new issue or change a draft; then preview it."""
    if pk is None:
        access.require_newsletter_staff(request.user)
        found = None
    else:
        found = access.get_issue_for_staff(request.user, pk)
    allowed = [found.jurisdiction] if found else list(access.jurisdictions_for(request.user, "compose_issue"))
    form = IssueForm(request.POST or None, instance=found, jurisdictions=allowed)
    if found is not None and found.status != Issue.Status.DRAFT:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_issue(form.instance, user=request.user, notices=form.cleaned_data["notices"],
                                        meetings=form.cleaned_data["meetings"], changed_fields=form.changed_data)
        except services.IssueRejected as exc:
            messages.error(request, str(exc))
            return redirect("newsletter:staff_preview", pk=found.pk)
        messages.success(request, _("Issue saved. Check the preview before sending."))
        return redirect("newsletter:staff_preview", pk=saved.pk)
    return render(request, "newsletter/staff/compose.html", {"form": form, "issue": found},
                  status=400 if form.errors else 200)


@private_page
@login_required
def staff_preview(request, pk: int):
    """The issue in every language, as HTML and plain text, with the send button for those who may send."""
    found = access.get_issue_for_staff(request.user, pk)
    return render(request, "newsletter/staff/preview.html", {
        "issue": found, "previews": services.preview(found), "subscribers": Subscriber.objects.confirmed().count(),
        "may_send": access.can(request.user, "send_issue", found.jurisdiction_id),
        "history": [(entry, history_label(entry.action))
                    for entry in found.audit_entries().select_related("actor")[:20]]})


@login_required
@require_POST
def staff_send(request, pk: int):
    found = access.get_issue_for_staff(request.user, pk, "send_issue")
    if services.send_issue(found, user=request.user):
        messages.success(request, _("Sending to %(count)s subscribers.") % {
            "count": Subscriber.objects.confirmed().count()})
    else:
        messages.info(request, _("This issue was already sent: nobody gets it twice."))
    return redirect("newsletter:staff_preview", pk=found.pk)
