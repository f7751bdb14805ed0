"""Forum pages: reading is public; posting, supporting and following need a signed-in, confirmed account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.moderation import access as moderation_access
from civicdesk.moderation.models import ModerationState
from civicdesk.moderation.services import PostRefused, suspension_of
from civicdesk.moderation.views import limited
from civicdesk.throttle.services import RateLimited, client_ip

from . import services
from .forms import ReplyForm, ThreadForm
from .models import Board, Reply, Thread, ThreadFollow, ThreadVote, last_post_at

THREADS_PER_PAGE = 30
REPLIES_PER_PAGE = 50


def index(request):
    """Every open board, topics first, with published thread and reply counts and the time of the last post."""
    boards = list(Board.objects.active().with_activity().select_related("district"))
    for board in boards:
        board.last_post_at = last_post_at(board)
    return render(request, "forums/index.html", {
        "topics": [b for b in boards if b.kind == Board.Kind.TOPIC],
        "neighbourhoods": [b for b in boards if b.kind == Board.Kind.NEIGHBOURHOOD],
    })


def board(request, slug: str):
    """A board's published threads, most recently active first."""
    board = get_object_or_404(Board, slug=slug)
    replies = (Reply.objects.visible().filter(thread=OuterRef("pk")).order_by().values("thread")
               .annotate(n=Count("pk")).values("n"))
    votes = ThreadVote.objects.filter(thread=OuterRef("pk")).order_by().values("thread").annotate(
        n=Count("pk")).values("n")
    threads = (Thread.objects.visible().filter(board=board)
               .annotate(reply_count=Coalesce(Subquery(replies), 0), support=Coalesce(Subquery(votes), 0))
               .order_by("-last_activity_at", "-id"))
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forums/board.html", {"board": board, "page": page})


def _readable_thread(request, pk: int) -> Thread:
    """The thread when the public may read it; its author and its moderators also see it while held or hidden."""
    thread = Thread.objects.select_related("board", "author").filter(pk=pk).first()
    if thread is None:
        raise Http404(_("There is no such thread."))
    if not thread.is_visible:
        user = request.user
        own = user.is_authenticated and thread.author_id == user.pk
        if not own and not moderation_access.can(user, "moderate", thread.board.jurisdiction_id):
            raise Http404(_("There is no such thread."))
    return thread


def thread(request, pk: int, form: ReplyForm | None = None, status: int = 200):
    """The thread, its published replies (50 a page, oldest first) and the reply form."""
    thread = _readable_thread(request, pk)
    paginator = Paginator(Reply.objects.on_page_of(thread), REPLIES_PER_PAGE)
    number = request.GET.get("page")
    page = paginator.get_page(paginator.num_pages if number == "last" else number)
    user = request.user
    context = {"thread": thread, "board": thread.board, "page": page, "form": form or ReplyForm(),
               "support_count": thread.votes.count(),
               "may_moderate": moderation_access.can(user, "moderate", thread.board.jurisdiction_id),
               "may_answer": moderation_access.can(user, "answer_officially", thread.board.jurisdiction_id)}
    if user.is_authenticated:
        context.update(
            supported=ThreadVote.objects.filter(thread=thread, user=user).exists(),
            following=ThreadFollow.objects.filter(thread=thread, user=user).exists(),
            waiting=list(Reply.objects.filter(thread=thread, author=user, moderation_state=ModerationState.PENDING)
                         .order_by("created_at")),
            suspension=suspension_of(user),
        )
    return render(request, "forums/thread.html", context, status=status)


@login_required
def new_thread(request, slug: str):
    """Start a thread on a board."""
    board = get_object_or_404(Board, slug=slug, is_active=True)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.start_thread(board, request.user, title=form.cleaned_data["title"],
                                            body=form.cleaned_data["body"], client=client_ip(request))
        except RateLimited as exc:
            form.add_error(None, exc.message)
            return limited(render(request, "forums/new_thread.html", {"board": board, "form": form}, status=429),
                            exc)
        except PostRefused as exc:
            form.add_error(None, exc.message)
        else:
            if created.is_visible:
                messages.success(request, _("Your thread is published."))
            else:
                messages.info(request, _("Thank you. A moderator will read your thread before it appears."))
            return redirect(created.get_absolute_url())
    return render(request, "forums/new_thread.html", {"board": board, "form": form})


@login_required
@require_POST
def reply(request, pk: int):
    """Post a reply; the thread page again with the form and its errors when refused."""
    thread_obj = _readable_thread(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            posted = services.post_reply(thread_obj, request.user, body=form.cleaned_data["body"],
                                         official=form.cleaned_data["official"], client=client_ip(request))
        except RateLimited as exc:
            form.add_error(None, exc.message)
            return limited(thread(request, pk, form=form, status=429), exc)
        except PostRefused as exc:
            form.add_error(None, exc.message)
        else:
            if posted.is_visible:
                messages.success(request, _("Your reply is published."))
                return redirect(thread_obj.get_absolute_url() + f"?page=last#reply-{posted.pk}")
            messages.info(request, _("Thank you. A moderator will read your reply before it appears."))
            return redirect(thread_obj.get_absolute_url() + "?page=last#waiting")
    return thread(request, pk, form=form, status=400)


@login_required
@require_POST
def support(request, pk: int):
    thread_obj = get_object_or_404(Thread.objects.visible(), pk=pk)
    try:
        now = services.toggle_support(thread_obj, request.user, client=client_ip(request))
    except RateLimited as exc:
        messages.error(request, exc.message)
        return limited(thread(request, pk, status=429), exc)
    except PostRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You support this thread.") if now else _("You no longer support this thread."))
    return redirect(thread_obj.get_absolute_url())


@login_required
@require_POST
def follow(request, pk: int):
    thread_obj = get_object_or_404(Thread.objects.visible(), pk=pk)
    on = request.POST.get("follow") == "1"
    services.set_following(thread_obj, request.user, on)
    messages.success(request, _("We will tell you about new replies.") if on
                     else _("You no longer follow this thread."))
    return redirect(thread_obj.get_absolute_url())


@require_POST
def lock(request, pk: int):
    """Moderators close a thread to new replies, or open it again."""
    thread_obj = get_object_or_404(Thread.objects.select_related("board"), pk=pk)
    moderation_access.require(request.user, "moderate")
    if not moderation_access.can(request.user, "moderate", thread_obj.board.jurisdiction_id):
        raise Http404(_("There is no such thread."))
    services.set_locked(thread_obj, request.user, request.POST.get("locked") == "1")
    messages.success(request, _("The thread is closed to new replies.") if thread_obj.is_locked
                     else _("The thread is open to replies again."))
    return redirect(thread_obj.get_absolute_url())
