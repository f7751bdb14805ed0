"""Staff console pages where a jurisdiction's administrators configure permit and licence types: settings and
deadlines, the form (sections and questions through the survey builder's services, on the shared form
engine), required documents, the fee schedule and the review steps. Every write is a service (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.formengine.models import Question
from civicdesk.surveys import services as builder
from civicdesk.surveys.forms import QuestionForm

from . import access, hooks, services
from .forms import (
    FeeRuleForm,
    NewTypeForm,
    RequirementForm,
    SectionForm,
    StepForm,
    TypeSettingsForm,
)
from .models import ApplicationType, DocumentRequirement, FeeRule, ReviewStep


def _refused(request, exc) -> None:
    messages.error(request, " ".join(exc.messages))


def _locked_words(application_type: ApplicationType, exc: builder.SurveyError) -> services.ApplicationError:
    """The survey builder's refusal in this page's words (its own speak of surveys)."""
    if application_type.form.is_locked():
        return services.ApplicationError(_("Applications have been sent on this form: its sections, questions and "
                                           "options are locked. You can still correct their wording."))
    return services.ApplicationError(exc.messages)


@login_required
def type_list(request):
    """Types of the administrator's jurisdictions, and a form to add one."""
    access.require_configurer(request.user)
    jurisdictions = access.config_jurisdictions(request.user)
    form = NewTypeForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.create_type(jurisdiction=form.cleaned_data["jurisdiction"], slug=form.cleaned_data["slug"],
                                         name=form.texts("name"), kind=form.cleaned_data["kind"], user=request.user)
        except services.ApplicationError as exc:
            form.add_error("slug", exc.messages[0])
        else:
            messages.success(request, _("Type created. Add its questions, documents, fees and steps, then publish it."))
            return redirect("applications_config:edit", pk=found.pk)
    types = ApplicationType.objects.filter(jurisdiction__in=jurisdictions).select_related("jurisdiction")
    return render(request, "applications/staff/type_list.html", {"types": types, "form": form})


@login_required
def edit(request, pk: int):
    found = access.get_type_for_config(request.user, pk)
    form = TypeSettingsForm(request.POST or None, application_type=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_type(found, user=request.user, name=form.texts("name"),
                                 description=form.texts("description"), intake_days=data["intake_days"],
                                 decision_days=data["decision_days"], warn_days=data["warn_days"],
                                 pauses_clock=data["pauses_clock"], decider_role=data["decider_role"],
                                 valid_days=data["valid_days"], is_published=data["is_published"],
                                 fee_due=data["fee_due"],
                                 renewal_window_days=data["renewal_window_days"],
                                 second_reminder_days=data["second_reminder_days"])
        except services.ApplicationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Settings saved."))
            return redirect("applications_config:edit", pk=found.pk)
    return render(request, "applications/staff/type_edit.html", {
        "type": found, "form": form, "sections": found.form.ordered_sections(), "locked": found.form.is_locked(),
        "steps": found.ordered_steps(), "requirements": list(found.requirements.all()),
        "fee_rules": list(found.fee_rules.select_related("question", "choice")),
        "requirement_form": RequirementForm(), "fee_form": FeeRuleForm(application_type=found),
        "section_form": SectionForm(), "config_links": hooks.config_links(found)})


@login_required
@require_POST
def section_add(request, pk: int):
    found = access.get_type_for_config(request.user, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            builder.add_section(found, user=request.user, title=form.texts("title"),
                                description=form.texts("description"))
            messages.success(request, _("Section added."))
        except builder.SurveyError as exc:
            _refused(request, _locked_words(found, exc))
    else:
        messages.error(request, _("The section could not be added: a text is too long."))
    return redirect("applications_config:edit", pk=found.pk)


@login_required
def question(request, pk: int, question_pk: int | None = None):
    """Add or change a question of the type's form (kinds, options, conditions, every language)."""
    found = access.get_type_for_config(request.user, pk)
    instance = get_object_or_404(Question, pk=question_pk, section__form=found.form) if question_pk else None
    form = QuestionForm(request.POST or None, survey=found, question=instance,
                        initial=None if instance else {"section": request.GET.get("section"), "scale_max": 5})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        section = get_object_or_404(found.form.sections, pk=data["section"])
        try:
            builder.save_question(found, user=request.user, section=section, question=instance, kind=data["kind"],
                                  text=form.texts("text"), help_text=form.texts("help_text"),
                                  required=data["required"], scale_max=data["scale_max"],
                                  min_value=data["min_value"], max_value=data["max_value"],
                                  condition_question=data["condition_question"],
                                  condition_choices=data["condition_choices"], choices=form.options())
        except builder.SurveyError as exc:
            form.add_error(None, _locked_words(found, exc).messages[0])
        else:
            messages.success(request, _("Question saved."))
            return redirect("applications_config:edit", pk=found.pk)
    return render(request, "applications/staff/question.html", {"type": found, "question": instance, "form": form})


@login_required
def step(request, pk: int, step_pk: int | None = None):
    """Add a department review, or change any step (department, checklist)."""
    found = access.get_type_for_config(request.user, pk)
    instance = get_object_or_404(ReviewStep, pk=step_pk, application_type=found) if step_pk else None
    form = StepForm(request.POST or None, application_type=found, step=instance)
    if request.method == "POST":
        try:
            if request.POST.get("delete") and instance is not None:
                services.delete_step(instance, user=request.user)
                messages.success(request, _("Step removed."))
                return redirect("applications_config:edit", pk=found.pk)
            if form.is_valid():
                args = {"user": request.user, "name": form.texts("name"),
                        "department": form.cleaned_data["department"], "checklist": form.checklist()}
                if instance is None:
                    services.add_step(found, **args)
                else:
                    services.update_step(instance, **args)
                messages.success(request, _("Step saved."))
                return redirect("applications_config:edit", pk=found.pk)
        except services.ApplicationError as exc:
            form.add_error(None, exc.messages[0])
    return render(request, "applications/staff/step.html", {"type": found, "step": instance, "form": form})


@login_required
@require_POST
def requirement_add(request, pk: int):
    found = access.get_type_for_config(request.user, pk)
    form = RequirementForm(request.POST)
    if form.is_valid():
        try:
            services.add_requirement(found, user=request.user, name=form.texts("name"),
                                     help_text=form.texts("help_text"), formats=form.cleaned_data["formats"],
                                     max_mb=form.cleaned_data["max_mb"], required=form.cleaned_data["required"])
            messages.success(request, _("Document added."))
        except services.ApplicationError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("The document could not be added: give its name and at least one format."))
    return redirect("applications_config:edit", pk=found.pk)


def _delete(request, pk: int, model, item_pk: int, service, done: str):
    """Remove a line (a required document, a fee) of a type the user configures; audited by `service`."""
    found = access.get_type_for_config(request.user, pk)
    service(get_object_or_404(model, pk=item_pk, application_type=found), user=request.user)
    messages.success(request, done)
    return redirect("applications_config:edit", pk=found.pk)


@login_required
@require_POST
def requirement_delete(request, pk: int, item_pk: int):
    return _delete(request, pk, DocumentRequirement, item_pk, services.delete_requirement, _("Document removed."))


@login_required
@require_POST
def fee_add(request, pk: int):
    found = access.get_type_for_config(request.user, pk)
    form = FeeRuleForm(request.POST, application_type=found)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_fee_rule(found, user=request.user, kind=data["kind"], amount_cents=data["amount_cents"],
                                  label=form.texts("label"), question=data["question_obj"], choice=data["choice_obj"])
            messages.success(request, _("Fee added."))
        except services.ApplicationError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("The fee could not be added: give its label and amount."))
    return redirect("applications_config:edit", pk=found.pk)


@login_required
@require_POST
def fee_delete(request, pk: int, item_pk: int):
    return _delete(request, pk, FeeRule, item_pk, services.delete_fee_rule, _("Fee removed."))
