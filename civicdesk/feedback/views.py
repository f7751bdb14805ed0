"""Pages of "was it fixed?": the resident's answer page (from the signed link), the public "you said, we did"
replies, and the staff results with their CSV and the publish-a-reply action."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from civicdesk.lib import svgcharts
from civicdesk.staff import access
from civicdesk.throttle.services import RateLimited, client_ip

from . import services, stats
from .forms import AnswerForm, PeriodForm, ReplyForm
from .models import Answer, FeedbackPolicy

#: Seats that may publish a reply in the city's name.
REPLY_ROLES = {access.Role.STAFF, access.Role.SUPERVISOR, access.Role.ADMIN, access.SUPERUSER}
#: Comments listed on the results page (the CSV holds the numbers; comments are read here).
COMMENTS_SHOWN = 200


def _limited(request, exc: RateLimited, back_url: str):
    response = render(request, "limited.html", {"message": exc.message, "back_url": back_url,
                                                "back_label": _("Back")}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def answer(request, token: str):
    """The page the question's link opens: no account, no JavaScript needed. GET changes nothing (link scanners
    are harmless); POST records the answer, or changes the rating, comment and consent of an earlier one."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "feedback/unknown_link.html", status=404)
    sr = invitation.request
    existing = Answer.objects.filter(invitation=invitation).first()
    if request.method == "POST":
        form = AnswerForm(request.POST, answered=existing is not None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _answer, created = services.record_answer(
                    invitation, fixed=data.get("fixed"), satisfaction=data.get("satisfaction"),
                    comment=data.get("comment", ""), comment_public=data.get("comment_public", False),
                    channel="web", client=client_ip(request))
            except RateLimited as exc:
                return _limited(request, exc, request.path)
            except services.AnswerRejected as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Thank you: we have your answer.") if created
                                 else _("Thank you: we have changed your answer."))
                return redirect("feedback:answer", token=token)
    else:
        initial = {}
        if existing is not None:
            initial = {"satisfaction": existing.satisfaction, "comment": existing.comment,
                       "comment_public": existing.comment_public}
        form = AnswerForm(initial=initial, answered=existing is not None)
    policy = FeedbackPolicy.for_type(sr.service_type)
    return render(request, "feedback/answer.html", {
        "sr": sr, "form": form, "existing": existing, "public": sr.is_publicly_visible(),
        "reopens": not sr.is_open and policy.reopens(sr.closed_at),
    })


def replies(request):
    """Public: staff's published replies to residents' answers ("you said, we did"), newest first."""
    page = Paginator(services.published_replies(), 25).get_page(request.GET.get("page"))
    return render(request, "feedback/replies.html", {"page": page})


# --- staff ---------------------------------------------------------------------------------------------------


def _results(request):
    access.require_staff(request.user)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    answers = stats.in_period(services.answers_visible_to(request.user), start, end)
    return form, start, end, answers


@login_required
def results(request):
    """Staff: satisfaction and the "fixed" share per department and kind of problem, with the comments."""
    form, start, end, answers = _results(request)
    by_department = stats.breakdown(answers, "department")
    by_type = stats.breakdown(answers, "service_type")
    comments = list(answers.exclude(comment="").select_related(
        "request__service_type", "request__department", "request__jurisdiction", "reply_by")[:COMMENTS_SHOWN])
    may_reply = {a.pk for a in comments if a.reply_at is None and a.request.is_publicly_visible()
                 and REPLY_ROLES & access.roles_for(request.user, a.request)}
    return render(request, "feedback/staff/results.html", {
        "form": form, "start": start, "end": end, "query": request.GET.urlencode(),
        "total": stats.total(answers), "by_department": by_department, "by_type": by_type,
        "department_chart": _chart(by_department, _("Share fixed by department (%)")),
        "type_chart": _chart(by_type, _("Share fixed by kind of problem (%)")),
        "comments": comments, "may_reply": may_reply, "comments_shown": COMMENTS_SHOWN,
    })


def _chart(rows: list[stats.Row], title: str) -> str:
    named = [row for row in rows if row.answers]
    return svgcharts.bar_chart([row.name or _("Not routed") for row in named],
                               [row.fixed_percent or 0 for row in named], title=title)


@login_required
def results_csv(request, by: str):
    """The breakdown of the results page (by department or kind of problem) as CSV; never comments."""
    if by not in ("department", "service_type"):
        raise Http404
    _form, start, end, answers = _results(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="feedback-{by}-{start}-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("department") if by == "department" else _("kind of problem"), _("answers"), _("fixed"),
                     _("share fixed"), _("ratings"), _("mean satisfaction"), pgettext("start of a period", "from"),
                     pgettext("end of a period", "to")])
    for row in stats.breakdown(answers, by):
        writer.writerow([row.name or _("Not routed"), row.answers, row.fixed,
                         "" if row.fixed_share is None else round(row.fixed_share, 4), row.rated,
                         "" if row.mean_satisfaction is None else round(row.mean_satisfaction, 2),
                         start.isoformat(), end.isoformat()])
    return response


@login_required
@require_POST
def publish_reply(request, pk: int):
    """Staff of the request's department (staff, supervisors, admins) publish one reply to an answer."""
    access.require_staff(request.user)
    found = get_object_or_404(services.answers_visible_to(request.user).select_related("request__service_type"),
                              pk=pk)
    if not REPLY_ROLES & access.roles_for(request.user, found.request):
        raise PermissionDenied(_("Your role does not allow replying in public for this request."))
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.publish_reply(found, text=form.cleaned_data["reply"], user=request.user)
        except services.AnswerRejected as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your reply is published."))
    else:
        messages.error(request, "; ".join(form.errors.get("reply", [])) or _("Write the reply first."))
    query = QueryDict(request.POST.get("query", ""))  # the results page's period, kept across the reply
    return redirect(reverse("feedback_staff:results") + (f"?{query.urlencode()}" if query else "") + f"#answer-{pk}")
