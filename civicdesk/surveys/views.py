"""Public survey pages: the list, a survey's page, the personal link, answering section by section, thanks,
and the small framed card other sites may embed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicdesk.formengine import services as engine
from civicdesk.formengine.forms import SectionForm
from civicdesk.throttle.services import RateLimited, client_ip

from . import services
from .forms import EmailForm
from .models import Survey


def _published(slug: str) -> Survey:
    """A published survey (open, scheduled or closed); drafts are not public."""
    survey = get_object_or_404(Survey.objects.select_related("form", "jurisdiction"), slug=slug)
    if not survey.is_published:
        raise Http404(_("No survey has that address."))
    return survey


def _state(request, survey: Survey) -> dict:
    """This browser's progress through a survey (kept in the session): answers so far, the section shown,
    and who the person is (a verified address, from a personal link)."""
    return request.session.setdefault(f"survey:{survey.pk}", {"answers": {}, "at": None, "identity": None,
                                                              "district": None})


def _identity(request, survey: Survey, state: dict):
    """("email", address) or ("account", user id) for this survey's rule, None for an anonymous survey, or
    False when the person must first verify an address or sign in."""
    if survey.respondents == Survey.Respondents.ANONYMOUS:
        return None
    if survey.respondents == Survey.Respondents.ACCOUNT:
        return ("account", str(request.user.pk)) if request.user.is_authenticated else False
    return tuple(state["identity"]) if state.get("identity") else False


def _limited(request, survey: Survey, exc: RateLimited):
    response = render(request, "limited.html", {"message": exc.message, "back_url": survey.get_absolute_url(),
                                                "back_label": _("Back to the survey")}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def survey_list(request):
    """Surveys taking answers now."""
    surveys = Survey.objects.open_now().select_related("form").order_by("closes_at", "-created_at")
    return render(request, "surveys/list.html", {"surveys": surveys})


@require_http_methods(["GET", "POST"])
def detail(request, slug: str):
    """A survey's page: what it is about, whether it is open, and how to start (with an email address, an
    account, or straight away for an anonymous survey)."""
    survey = _published(slug)
    state = _state(request, survey)
    form = EmailForm(request.POST if request.method == "POST" else None)
    asks_link = request.method == "POST" and survey.is_open() and survey.respondents == Survey.Respondents.EMAIL
    if asks_link and form.is_valid():
        try:
            services.send_link(survey, email=form.cleaned_data["email"], client=client_ip(request),
                               language=translation.get_language())
        except RateLimited as exc:
            return _limited(request, survey, exc)
        messages.success(request, _("We have emailed you a personal link. Open it to answer the survey."))
        return redirect(survey.get_absolute_url())
    return render(request, "surveys/detail.html", {
        "survey": survey, "form": form, "identity": _identity(request, survey, state),
        "login_url": reverse("accounts:login") + "?next=" + survey.get_absolute_url()})


def start(request, slug: str, token: str):
    """A personal link (emailed on request, or in an invitation): it proves the address, so the person may
    answer once."""
    survey = _published(slug)
    found = services.read_link(survey, token)
    if found is None:
        return render(request, "surveys/bad_link.html", {"survey": survey}, status=404)
    state = _state(request, survey)
    if state.get("identity") != ["email", found.address]:
        state.update(answers={}, at=None, identity=["email", found.address],
                     district=services.invited_district_id(survey, found.address))
        request.session.modified = True
    return redirect("surveys:answer", slug=survey.slug)


@require_http_methods(["GET", "POST"])
def answer(request, slug: str):
    """One section at a time: answers are checked on the server, conditions decide the next section, and the
    last section stores the response. Works without JavaScript; "Back" keeps what was typed."""
    survey = _published(slug)
    if not survey.is_open():
        return redirect(survey.get_absolute_url())
    state = _state(request, survey)
    identity = _identity(request, survey, state)
    if identity is False:
        messages.info(request, _("Start the survey from its page first."))
        return redirect(survey.get_absolute_url())
    sections = survey.form.ordered_sections()
    answers = engine.shown_answers(sections, state["answers"])
    at = state.get("at")
    if at is None or not 0 <= at < len(sections):
        at = engine.next_section(sections, -1, answers)
    if at is None:
        raise Http404(_("This survey has no questions yet."))
    earlier = {name: value for name, value in answers.items()
               if name not in {q.field_name for q in sections[at].questions_list}}
    if request.method == "POST":
        form = SectionForm(request.POST, section=sections[at], earlier=earlier)
        if request.POST.get("go") == "back":
            # Keep what was typed here if it is valid, then go back.
            if form.is_valid():
                state["answers"] = {**earlier, **form.stored()}
            state["at"] = engine.previous_section(sections, at, earlier)
            request.session.modified = True
            return redirect("surveys:answer", slug=survey.slug)
        if form.is_valid():
            answers = engine.shown_answers(sections, {**earlier, **form.stored()})
            following = engine.next_section(sections, at, answers)
            state.update(answers=answers, at=following)
            request.session.modified = True
            if following is not None:
                return redirect("surveys:answer", slug=survey.slug)
            try:
                services.submit_response(survey, answers, identity=identity, client=client_ip(request),
                                         language=translation.get_language(), district_id=state.get("district"))
            except RateLimited as exc:
                return _limited(request, survey, exc)
            except services.AlreadyAnswered as exc:
                request.session.pop(f"survey:{survey.pk}", None)
                messages.info(request, exc.messages[0])
                return redirect(survey.get_absolute_url())
            except services.SurveyError as exc:
                state["at"] = None
                messages.error(request, exc.messages[0])
                return redirect("surveys:answer", slug=survey.slug)
            request.session.pop(f"survey:{survey.pk}", None)
            return redirect("surveys:thanks", slug=survey.slug)
    else:
        form = SectionForm(section=sections[at], earlier=earlier, initial=answers)
    applicable = [i for i in range(len(sections)) if engine.section_applies(sections[i], answers)]
    return render(request, "surveys/answer.html", {
        "survey": survey, "form": form, "section": sections[at],
        "step": (applicable.index(at) + 1) if at in applicable else 1, "steps": max(len(applicable), at + 1),
        "has_previous": engine.previous_section(sections, at, earlier) is not None,
        "is_last": engine.next_section(sections, at, answers) is None,
        "has_map": any(q.kind == "map_pin" for q in sections[at].questions_list)})


def thanks(request, slug: str):
    survey = _published(slug)
    return render(request, "surveys/thanks.html", {"survey": survey})


def embed(request, slug: str):
    """A small card about the survey for other sites to frame: only the origins listed in SURVEY_EMBED_ORIGINS
    may (CSP frame-ancestors, through django-csp's per-response replacement); with none listed it cannot be
    framed at all, like every other page. The survey itself opens in a new tab, never inside a frame, so no
    form of ours is ever framed (clickjacking)."""
    survey = _published(slug)
    response = render(request, "surveys/embed.html", {"survey": survey})
    origins = list(settings.SURVEY_EMBED_ORIGINS)
    if origins:
        response._csp_replace = {"frame-ancestors": origins}  # what csp.decorators.csp_replace sets
        response.xframe_options_exempt = True
    return response
