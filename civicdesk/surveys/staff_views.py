"""Staff console pages for surveys: list and create, the builder (settings, sections, questions, options,
conditions, every text in each language), a preview, invitations, results with moderation, downloads."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.formengine import services as engine
from civicdesk.formengine.forms import SectionForm as AnswerSectionForm
from civicdesk.formengine.models import Answer, Question, Response, Section
from civicdesk.lib import svgcharts

from . import access, services
from .forms import InviteForm, NewSurveyForm, QuestionForm, SectionForm, SurveySettingsForm
from .models import Survey

#: Free-text answers listed per question on the results page (newest first); the downloads hold them all.
TEXT_SHOWN = 200


def _error(request, exc: services.SurveyError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
def survey_list(request):
    """Surveys of the viewer's jurisdictions, and a form to start one."""
    access.require_survey_staff(request.user)
    jurisdictions = access.jurisdictions_for(request.user)
    form = NewSurveyForm(request.POST if request.method == "POST" else None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        survey = services.create_survey(jurisdiction=form.cleaned_data["jurisdiction"], slug=form.cleaned_data["slug"],
                                        title=form.texts("title"), user=request.user)
        messages.success(request, _("Survey created. Add its questions, then publish it."))
        return redirect("surveys_staff:edit", pk=survey.pk)
    surveys = (Survey.objects.filter(jurisdiction__in=jurisdictions).select_related("form", "jurisdiction")
               .order_by("-created_at", "-id"))
    counts = dict(Response.objects.filter(form__survey__in=surveys).values_list("form__survey").annotate(
        n=Count("id")).values_list("form__survey", "n"))
    return render(request, "surveys/staff/list.html", {"surveys": surveys, "form": form, "counts": counts})


@login_required
def edit(request, pk: int):
    """The builder: the survey's settings (POST here) and its structure."""
    survey = access.get_survey_for_staff(request.user, pk)
    form = SurveySettingsForm(request.POST if request.method == "POST" else None, survey=survey)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_survey(survey, user=request.user, title=form.texts("title"),
                                   description=form.texts("description"), thank_you=form.texts("thank_you"),
                                   opens_at=data["opens_at"], closes_at=data["closes_at"],
                                   respondents=data["respondents"], is_published=data["is_published"])
        except services.SurveyError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Survey saved."))
            return redirect("surveys_staff:edit", pk=survey.pk)
    return render(request, "surveys/staff/edit.html", {
        "survey": survey, "form": form, "sections": survey.form.ordered_sections(),
        "locked": survey.form.is_locked(), "section_form": SectionForm()})


@login_required
@require_POST
def section_add(request, pk: int):
    survey = access.get_survey_for_staff(request.user, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.add_section(survey, user=request.user, title=form.texts("title"),
                                 description=form.texts("description"))
            messages.success(request, _("Section added."))
        except services.SurveyError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("The section could not be added: a text is too long."))
    return redirect("surveys_staff:edit", pk=survey.pk)


@login_required
def section_edit(request, pk: int, section_pk: int):
    survey = access.get_survey_for_staff(request.user, pk)
    section = get_object_or_404(Section, pk=section_pk, form=survey.form)
    form = SectionForm(request.POST if request.method == "POST" else None, section=section)
    if request.method == "POST":
        if request.POST.get("delete"):
            try:
                services.delete_section(survey, section, user=request.user)
                messages.success(request, _("Section deleted."))
            except services.SurveyError as exc:
                _error(request, exc)
            return redirect("surveys_staff:edit", pk=survey.pk)
        if form.is_valid():
            services.update_section(survey, section, user=request.user, title=form.texts("title"),
                                    description=form.texts("description"))
            messages.success(request, _("Section saved."))
            return redirect("surveys_staff:edit", pk=survey.pk)
    return render(request, "surveys/staff/section.html", {"survey": survey, "section": section, "form": form})


@login_required
def question(request, pk: int, question_pk: int | None = None):
    """Add a question (question_pk None) or change one: kind, texts, options, condition."""
    survey = access.get_survey_for_staff(request.user, pk)
    instance = None
    if question_pk is not None:
        instance = get_object_or_404(Question.objects.select_related("section"), pk=question_pk,
                                     section__form=survey.form)
    form = QuestionForm(request.POST if request.method == "POST" else None, survey=survey, question=instance,
                        initial=None if instance else {"section": request.GET.get("section"), "scale_max": 5})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        section = get_object_or_404(Section, pk=data["section"], form=survey.form)
        try:
            services.save_question(survey, user=request.user, section=section, question=instance, kind=data["kind"],
                                   text=form.texts("text"), help_text=form.texts("help_text"),
                                   required=data["required"], scale_max=data["scale_max"],
                                   min_value=data["min_value"], max_value=data["max_value"],
                                   condition_question=data["condition_question"],
                                   condition_choices=data["condition_choices"], choices=form.options())
        except services.SurveyError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Question saved."))
            return redirect("surveys_staff:edit", pk=survey.pk)
    return render(request, "surveys/staff/question.html", {"survey": survey, "question": instance, "form": form,
                                                           "locked": survey.form.is_locked()})


@login_required
@require_POST
def question_delete(request, pk: int, question_pk: int):
    survey = access.get_survey_for_staff(request.user, pk)
    instance = get_object_or_404(Question, pk=question_pk, section__form=survey.form)
    try:
        services.delete_question(survey, instance, user=request.user)
        messages.success(request, _("Question deleted."))
    except services.SurveyError as exc:
        _error(request, exc)
    return redirect("surveys_staff:edit", pk=survey.pk)


@login_required
@require_POST
def question_move(request, pk: int, question_pk: int):
    survey = access.get_survey_for_staff(request.user, pk)
    instance = get_object_or_404(Question, pk=question_pk, section__form=survey.form)
    try:
        services.move_question(survey, instance, user=request.user, step=-1 if request.POST.get("step") == "up" else 1)
    except services.SurveyError as exc:
        _error(request, exc)
    return redirect("surveys_staff:edit", pk=survey.pk)


@login_required
def preview(request, pk: int):
    """Every section as residents will see it (all questions shown; nothing can be sent)."""
    survey = access.get_survey_for_staff(request.user, pk)
    sections = survey.form.ordered_sections()
    # Field names and ids are per question, so the sections' fields never clash; only the first section with a
    # map question shows the map (a page has one map), the others their address and coordinate fields.
    pages, map_shown = [], False
    for section in sections:
        has_map = any(q.kind == "map_pin" for q in section.questions_list)
        pages.append((section, AnswerSectionForm(section=section, with_map=has_map and not map_shown)))
        map_shown = map_shown or has_map
    return render(request, "surveys/staff/preview.html", {"survey": survey, "pages": pages, "has_map": map_shown})


@login_required
def invite(request, pk: int):
    """Choose an audience and invite it by email (sent in the background)."""
    survey = access.get_survey_for_staff(request.user, pk)
    form = InviteForm(request.POST if request.method == "POST" else None, survey=survey)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.queue_invitations(survey, user=request.user, district_ids=[d.pk for d in data["districts"]],
                                       subscribers=data["subscribers"],
                                       service_type_ids=[t.pk for t in data["service_types"]])
        except services.SurveyError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Invitations are being sent. People invited before are not invited again."))
            return redirect("surveys_staff:invite", pk=survey.pk)
    by_source = dict(survey.invitations.values_list("source").annotate(
        n=Count("id")).values_list("source", "n"))
    return render(request, "surveys/staff/invite.html", {"survey": survey, "form": form, "by_source": by_source,
                                                         "invited": sum(by_source.values())})


def _results(survey: Survey):
    responses = Response.objects.filter(form=survey.form)
    questions = survey.form.questions_in_order()
    blocks = []
    for q in questions:
        result = engine.question_results(q, responses)
        block = {"result": result, "question": q}
        if result["rows"] and q.kind != Question.Kind.RANKING:
            block["chart"] = svgcharts.bar_chart([label for label, _n in result["rows"]], [n for _l, n in result["rows"]],
                                                 title=str(q), description="")
        if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RATING):
            block["crosstab"] = engine.crosstab(q, responses)
        if q.kind in (Question.Kind.TEXT, Question.Kind.MAP_PIN):
            block["texts"] = list(Answer.objects.filter(question=q).exclude(text="").order_by("-id")[:TEXT_SHOWN])
        blocks.append(block)
    return responses, blocks


@login_required
def results(request, pk: int):
    """Counts and charts per question (each with its table and CSV), cross-tabs by district, free text with
    moderation, downloads."""
    survey = access.get_survey_for_staff(request.user, pk)
    responses, blocks = _results(survey)
    return render(request, "surveys/staff/results.html", {"survey": survey, "blocks": blocks,
                                                          "total": responses.count()})


def _csv(filename: str, header, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row])
    return response


@login_required
def question_csv(request, pk: int, question_pk: int):
    """One question's counts as CSV (what its chart and table show)."""
    survey = access.get_survey_for_staff(request.user, pk)
    q = get_object_or_404(Question, pk=question_pk, section__form=survey.form)
    result = engine.question_results(q, Response.objects.filter(form=survey.form))
    if q.kind == Question.Kind.RANKING:
        header = ["option", "mean_rank", "ranked_first"]
    else:
        header = ["answer", "responses"]
    return _csv(f"{survey.slug}-q{q.pk}.csv", header, result["rows"])


@login_required
def export(request, pk: int, fmt: str):
    """Every response, a row each, as CSV or JSON: only what the survey asked (no addresses, no accounts)."""
    survey = access.get_survey_for_staff(request.user, pk)
    header, rows = engine.export_rows(survey.form, Response.objects.filter(form=survey.form))
    survey.log_action("survey.exported", user=request.user, data={"format": fmt})
    if fmt == "csv":
        return _csv(f"{survey.slug}-responses.csv", header, rows)
    body = json.dumps({"survey": survey.slug, "columns": header, "responses": [dict(zip(header, row)) for row in rows]},
                      cls=DjangoJSONEncoder, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-responses.json"'
    return response


@login_required
@require_POST
def answer_visibility(request, pk: int, answer_pk: int):
    """Hide a free-text answer (or show it again); audited."""
    survey = access.get_survey_for_staff(request.user, pk)
    found = get_object_or_404(Answer.objects.select_related("question__section"), pk=answer_pk)
    try:
        services.hide_answer(survey, found, user=request.user, hidden=request.POST.get("hide") == "1")
    except services.SurveyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Answer hidden.") if found.hidden_at else _("Answer shown again."))
    return redirect(reverse("surveys_staff:results", args=[survey.pk]) + f"#q{found.question_id}")
