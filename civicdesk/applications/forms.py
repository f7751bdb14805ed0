"""Forms of the application pages: the staff console's type configuration (every text in each site language,
through the survey builder's TranslatedFieldsMixin) and the reviewers' and applicants' actions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.formengine.models import Choice, Question
from civicdesk.formengine.text import pick
from civicdesk.surveys.forms import TranslatedFieldsMixin

from .models import ApplicationType, DocumentRequirement, FeeRule

INPUT = {"class": "usa-input"}
SMALL = {"class": "usa-input usa-input--small"}
TEXTAREA = {"class": "usa-textarea", "rows": 4}
#: Checklist rows offered on a step's form.
CHECKLIST_ROWS = 6


class Texts(TranslatedFieldsMixin):
    """`form.text_fields_<name>` in templates: the per-language fields of the text `<name>`."""

    def __getattr__(self, name: str):
        if name.startswith("text_fields_"):
            return self.text_fields(name.removeprefix("text_fields_"))
        raise AttributeError(name)


class NewTypeForm(Texts, forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Jurisdiction"), empty_label=None,
                                          widget=forms.Select(attrs={"class": "usa-select"}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ApplicationType.Kind.choices,
                             widget=forms.Select(attrs={"class": "usa-select"}))
    slug = forms.CharField(label=gettext_lazy("Web address (letters, numbers and hyphens)"), max_length=80,
                           validators=[validate_slug], widget=forms.TextInput(attrs=INPUT))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        self.add_texts("name", _("Name"), max_length=200)

    def clean_slug(self):
        return self.cleaned_data["slug"].lower()


class TypeSettingsForm(Texts, forms.Form):
    intake_days = forms.IntegerField(label=gettext_lazy("Intake check within (business days)"), min_value=0,
                                     max_value=365, widget=forms.NumberInput(attrs=SMALL))
    decision_days = forms.IntegerField(label=gettext_lazy("Decision within (business days)"), min_value=1,
                                       max_value=365, widget=forms.NumberInput(attrs=SMALL))
    warn_days = forms.IntegerField(label=gettext_lazy("Warn staff this many business days before a deadline"),
                                   min_value=0, max_value=30, widget=forms.NumberInput(attrs=SMALL))
    pauses_clock = forms.BooleanField(label=gettext_lazy("The clock pauses while we wait for the applicant"),
                                      required=False)
    decider_role = forms.ChoiceField(label=gettext_lazy("Who may decide"),
                                     choices=ApplicationType._meta.get_field("decider_role").choices,
                                     widget=forms.Select(attrs={"class": "usa-select"}))
    valid_days = forms.IntegerField(label=gettext_lazy("A permit is valid for (days; empty: no expiry)"),
                                    required=False, min_value=1, max_value=3650, widget=forms.NumberInput(attrs=SMALL))
    renewal_window_days = forms.IntegerField(
        label=gettext_lazy("Send a renewal reminder this many days before expiry (empty: none)"), required=False,
        min_value=1, max_value=365, widget=forms.NumberInput(attrs=SMALL))
    second_reminder_days = forms.IntegerField(
        label=gettext_lazy("Send a second reminder this many days before expiry (empty: none)"), required=False,
        min_value=1, max_value=365, widget=forms.NumberInput(attrs=SMALL))
    is_published = forms.BooleanField(label=gettext_lazy("Residents can apply"), required=False)
    fee_due = forms.ChoiceField(label=gettext_lazy("The fee must be paid"),
                                choices=ApplicationType._meta.get_field("fee_due").choices, required=False,
                                widget=forms.Select(attrs={"class": "usa-select"}),
                                help_text=ApplicationType._meta.get_field("fee_due").help_text)

    def __init__(self, *args, application_type: ApplicationType, **kwargs):
        kwargs.setdefault("initial", {key: getattr(application_type, key) for key in (
            "intake_days", "decision_days", "warn_days", "pauses_clock", "decider_role", "valid_days",
            "renewal_window_days", "second_reminder_days", "is_published", "fee_due")})
        super().__init__(*args, **kwargs)
        self.add_texts("name", _("Name"), initial=application_type.name, max_length=200)
        self.add_texts("description", _("Description"), required=False, initial=application_type.description,
                       long=True)

    def clean_fee_due(self):
        return self.cleaned_data.get("fee_due") or "issue"  # not sent (an older form): the default

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("intake_days") is not None and cleaned.get("decision_days") is not None \
                and cleaned["intake_days"] > cleaned["decision_days"]:
            self.add_error("intake_days", _("The intake check cannot be due after the decision."))
        return cleaned


class SectionForm(Texts, forms.Form):
    """A new section of the type's form: its title in each language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_texts("title", _("Section title"), required=False, max_length=200)
        self.add_texts("description", _("Section introduction"), required=False, long=True)


class StepForm(Texts, forms.Form):
    department = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Department"),
                                        empty_label=gettext_lazy("The jurisdiction's administrators"),
                                        widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, application_type: ApplicationType, step=None, **kwargs):
        if step is not None:
            kwargs.setdefault("initial", {"department": step.department_id})
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = application_type.jurisdiction.departments.order_by("name")
        self.add_texts("name", _("Step name"), initial=step.name if step else None, max_length=200)
        items = list(step.checklist) if step else []
        for row in range(CHECKLIST_ROWS):
            self.add_texts(f"item{row}", _("Checklist item %(number)s") % {"number": row + 1}, required=False,
                           initial=items[row] if row < len(items) else None, max_length=300)

    def checklist(self) -> list[dict]:
        return [self.texts(f"item{row}") for row in range(CHECKLIST_ROWS)]

    def item_rows(self) -> list[list]:
        return [self.text_fields(f"item{row}") for row in range(CHECKLIST_ROWS)]


class RequirementForm(Texts, forms.Form):
    formats = forms.MultipleChoiceField(label=gettext_lazy("Formats accepted"),
                                        choices=DocumentRequirement.Format.choices,
                                        widget=forms.CheckboxSelectMultiple)
    max_mb = forms.IntegerField(label=gettext_lazy("Largest file (MB)"), min_value=1, max_value=50, initial=10,
                                widget=forms.NumberInput(attrs=SMALL))
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_texts("name", _("Document"), max_length=200)
        self.add_texts("help_text", _("Hint"), required=False, max_length=300)


class FeeRuleForm(Texts, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of fee"), choices=FeeRule.Kind.choices,
                             widget=forms.Select(attrs={"class": "usa-select"}))
    amount = forms.DecimalField(label=gettext_lazy("Amount (for a fee per unit: per unit)"), min_value=Decimal(0),
                                max_value=Decimal(100000), decimal_places=2, widget=forms.NumberInput(attrs=SMALL))
    question = forms.TypedChoiceField(label=gettext_lazy("Question (per unit: a number question)"), required=False,
                                      coerce=int, empty_value=None, widget=forms.Select(attrs={"class": "usa-select"}))
    choice = forms.TypedChoiceField(label=gettext_lazy("Answer (when an answer is chosen)"), required=False,
                                    coerce=int, empty_value=None, widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, application_type: ApplicationType, **kwargs):
        super().__init__(*args, **kwargs)
        questions = application_type.form.questions_in_order()
        self.fields["question"].choices = [("", "—")] + [(q.pk, pick(q.text)) for q in questions
                                                         if q.kind in ("number", "single", "multiple")]
        self.fields["choice"].choices = [("", "—")] + [(c.pk, f"{pick(q.text)}: {pick(c.text)}") for q in questions
                                                       for c in q.choices.all()]
        self.add_texts("label", _("Label"), max_length=200)

    def clean(self):
        cleaned = super().clean()
        cleaned["question_obj"] = Question.objects.filter(pk=cleaned.get("question")).first() \
            if cleaned.get("question") else None
        cleaned["choice_obj"] = Choice.objects.filter(pk=cleaned.get("choice")).first() \
            if cleaned.get("choice") else None
        if cleaned.get("amount") is not None:
            cleaned["amount_cents"] = int((cleaned["amount"] * 100).quantize(Decimal(1)))
        return cleaned


# --- applicant -------------------------------------------------------------------------------------------

class UploadForm(forms.Form):
    requirement = forms.TypedChoiceField(coerce=int, empty_value=None, required=False,
                                         label=gettext_lazy("Which document"),
                                         widget=forms.Select(attrs={"class": "usa-select"}))
    file = forms.FileField(label=gettext_lazy("File"), widget=forms.ClearableFileInput(attrs={"class": "usa-file-input"}))

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [(r.pk, pick(r.name)) for r in requirements]
        if not requirements:
            del self.fields["requirement"]


class AnswerInfoForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Your answer"), max_length=5000, widget=forms.Textarea(attrs=TEXTAREA))


# --- reviewers -------------------------------------------------------------------------------------------

class NoteForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Internal note (staff only)"), max_length=5000,
                              widget=forms.Textarea(attrs=TEXTAREA))


class InfoRequestForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("What should the applicant send? (they read this)"),
                              max_length=5000, widget=forms.Textarea(attrs=TEXTAREA))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect,
                                choices=[("approve", gettext_lazy("Approve")), ("deny", gettext_lazy("Deny"))])
    reasons = forms.CharField(label=gettext_lazy("Reasons (the applicant reads them)"), max_length=5000,
                              widget=forms.Textarea(attrs=TEXTAREA))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for revoking (the holder reads it)"), max_length=2000,
                             widget=forms.Textarea(attrs=TEXTAREA))


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Department"),
                                        empty_label=gettext_lazy("The jurisdiction's administrators"),
                                        widget=forms.Select(attrs={"class": "usa-select"}))
    assignee = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Reviewer"),
                                      empty_label=gettext_lazy("Nobody in particular"),
                                      widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, application, **kwargs):
        from civicdesk.accounts.models import User

        kwargs.setdefault("initial", {"department": application.department_id, "assignee": application.assignee_id})
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = application.jurisdiction.departments.order_by("name")
        self.fields["assignee"].queryset = (User.objects.filter(
            memberships__jurisdiction_id=application.jurisdiction_id,
            memberships__role__in=["staff", "supervisor", "admin"]).distinct().order_by("first_name", "email"))


class QueueFilterForm(forms.Form):
    step = forms.ChoiceField(label=gettext_lazy("Step"), required=False,
                             widget=forms.Select(attrs={"class": "usa-select"}))
    type = forms.TypedChoiceField(label=gettext_lazy("Permit or licence"), required=False, coerce=int,
                                  empty_value=None, widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, types, **kwargs):
        from .models import ReviewStep

        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("Every step"))] + list(ReviewStep.Kind.choices) + [
            ("info_requested", _("Waiting for the applicant"))]
        self.fields["type"].choices = [("", _("Every type"))] + [(t.pk, str(t)) for t in types]
