"""The flag button, the author's record of decisions, and the staff moderation queue and word filter."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.throttle.services import RateLimited, client_ip

from . import access, registry, services
from .forms import DECISIONS, BlockedWordForm, DecisionForm, FlagForm, SuspendForm
from .models import BlockedWord, Flag, ModerationAct, ModerationState, Review, Suspension

QUEUE_PAGE_SIZE = 25
#: The decisions that make sense for a post in each state, in the order the queue offers them.
DECISIONS_FOR_STATE = {
    ModerationState.PENDING: ["approve", "hide", "warn"],
    ModerationState.PUBLISHED: ["hide", "dismiss", "warn"],
    ModerationState.HIDDEN: ["restore", "dismiss"],
}


def _content(label: str, pk: int, *, visible_only: bool):
    model = registry.model_for(label)
    if model is None:
        raise Http404(_("There is nothing to flag here."))
    queryset = model.objects.visible() if visible_only else model.objects.all()
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("This post is not available."))
    return obj


def limited(response, exc: RateLimited):
    """`response` (the form again, status 429) with the Retry-After a refused poster must wait."""
    response["Retry-After"] = str(exc.retry_after)
    return response


# --- residents --------------------------------------------------------------------------------------------

@login_required
def flag(request, label: str, pk: int):
    """Flag a published post or comment for the moderators, with a reason."""
    obj = _content(label, pk, visible_only=True)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.is_email_verified and not request.user.is_staff:
            form.add_error(None, _("Please confirm your email address before flagging posts."))
        else:
            try:
                services.flag(obj, request.user, reason=form.cleaned_data["reason"],
                              note=form.cleaned_data["note"], client=client_ip(request))
            except RateLimited as exc:
                form.add_error(None, exc.message)
                return limited(render(request, "moderation/flag.html", {"form": form, "content": obj},
                                       status=429), exc)
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect(obj.get_absolute_url())
    return render(request, "moderation/flag.html", {"form": form, "content": obj})


@login_required
def my_decisions(request):
    """What moderators decided about the signed-in person's posts and account, with the reasons."""
    acts = (ModerationAct.objects.filter(target_user=request.user).prefetch_related(registry.queue_prefetch())
            .order_by("-created_at", "-id"))
    page = Paginator(acts, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/my_decisions.html", {
        "page": page, "suspension": services.suspension_of(request.user)})


# --- moderators -------------------------------------------------------------------------------------------

def queue(request):
    """Posts waiting for a decision (held, or flagged by readers), oldest first."""
    access.require(request.user, "moderate")
    reviews = (Review.objects.filter(access.reviews_q(request.user), closed_at__isnull=True)
               .select_related("content_type").prefetch_related(registry.queue_prefetch()).order_by("opened_at", "id"))
    page = Paginator(reviews, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    flags = defaultdict(list)
    if items:
        wanted = {(r.content_type_id, r.object_id) for r in items}
        for f in Flag.objects.filter(resolved_at__isnull=True, object_id__in={r.object_id for r in items}):
            if (f.content_type_id, f.object_id) in wanted:
                flags[(f.content_type_id, f.object_id)].append(f)
    labels = dict(DECISIONS)
    for review in items:
        state = review.content.moderation_state if review.content is not None else None
        review.decisions = [(value, labels[value]) for value in DECISIONS_FOR_STATE.get(state, [])]
        review.open_flags = flags[(review.content_type_id, review.object_id)]
        review.label = review.content_type.app_label + "." + review.content_type.model
    return render(request, "moderation/queue.html", {
        "page": page, "items": items,
        "suspend_form": SuspendForm(), "may_edit_words": access.jurisdiction_ids(request.user, "edit_word_filter")
        != set()})


def _moderated(request, label: str, pk: int):
    access.require(request.user, "moderate")
    obj = _content(label, pk, visible_only=False)
    if not access.can(request.user, "moderate", obj.moderation_jurisdiction_id()):
        raise PermissionDenied(_("Your role does not include moderating posts here."))
    return obj


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@require_POST
def decide(request, label: str, pk: int):
    """Approve, hide, restore, dismiss flags on, or warn about one post."""
    obj = _moderated(request, label, pk)
    form = DecisionForm(request.POST)
    back = _back(request, "moderation:queue")
    if not form.is_valid():
        messages.error(request, _("Please choose a decision."))
        return redirect(back)
    try:
        act = services.moderate(obj, request.user, form.cleaned_data["action"], reason=form.cleaned_data["reason"])
    except services.PostRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Done: %(decision)s.") % {"decision": act.get_action_display()})
    return redirect(back)


@require_POST
def suspend(request, label: str, pk: int):
    """Bar the author of a post from posting, for a while or until lifted."""
    obj = _moderated(request, label, pk)
    form = SuspendForm(request.POST)
    back = _back(request, "moderation:queue")
    if obj.author is None or obj.author.is_staff:
        messages.error(request, _("This author cannot be suspended here."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, _("Please write the reason the author will be shown."))
        return redirect(back)
    days = int(form.cleaned_data["days"]) if form.cleaned_data["days"] else None
    try:
        services.suspend(obj.author, request.user, reason=form.cleaned_data["reason"], days=days)
    except services.PostRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("The author may no longer post."))
    return redirect(back)


def suspensions(request):
    """Accounts barred from posting now, with who decided, why and until when; moderators may lift them."""
    access.require(request.user, "moderate")
    if request.method == "POST":
        suspension = get_object_or_404(Suspension.objects.in_force(), pk=request.POST.get("lift"))
        services.lift_suspension(suspension.user, request.user)
        messages.success(request, _("The suspension is lifted; the author may post again."))
        return redirect("moderation:suspensions")
    in_force = (Suspension.objects.in_force().select_related("user", "created_by").order_by("-created_at", "-id"))
    page = Paginator(in_force, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/suspensions.html", {"page": page})


def word_filter(request):
    """The city's list of words that hold a post for a moderator or refuse it."""
    access.require(request.user, "moderate")
    may_edit = access.jurisdiction_ids(request.user, "edit_word_filter") != set()
    form = BlockedWordForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only administrators change the word filter."))
        if "remove" in request.POST:
            word = get_object_or_404(BlockedWord, pk=request.POST.get("remove"))
            services.remove_blocked_word(word, request.user)
            messages.success(request, _("“%(phrase)s” was removed from the word filter.") % {"phrase": word.phrase})
            return redirect("moderation:word_filter")
        if form.is_valid():
            try:
                word = services.add_blocked_word(form.cleaned_data["phrase"], form.cleaned_data["action"],
                                                 request.user)
            except services.PostRefused as exc:
                form.add_error("phrase", exc.message)
            else:
                messages.success(request, _("“%(phrase)s” is in the word filter.") % {"phrase": word.phrase})
                return redirect("moderation:word_filter")
    return render(request, "moderation/word_filter.html", {
        "form": form, "words": BlockedWord.objects.all(), "may_edit": may_edit})


def content_type_label(obj) -> str:
    ct = ContentType.objects.get_for_model(obj)
    return f"{ct.app_label}.{ct.model}"
