"""Forms of the staff console: queue filters and one small form per action on a request."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.accounts.models import User
from civicdesk.catalog.models import Priority, ServiceType, Status
from civicdesk.intake.forms import ReportForm
from civicdesk.jurisdictions.models import Department, District, StaffMembership, Team
from civicdesk.servicerequests.models import Attachment, Channel

from . import access
from .services import QUEUE_KEYS, SORTS

SELECT = {"class": "usa-select"}
INPUT = {"class": "usa-input"}


class QueueFilterForm(forms.Form):
    """What the queue page reads from its query string; every field is optional."""

    queue = forms.ChoiceField(required=False, choices=[(k, k) for k in QUEUE_KEYS], widget=forms.HiddenInput)
    q = forms.CharField(label=_("Search"), required=False, max_length=120,
                        help_text=_("Tracking number, address, description, or the reporter's name, email or "
                                    "phone."),
                        widget=forms.TextInput(attrs={**INPUT, "type": "search"}))
    everywhere = forms.BooleanField(label=_("Search all requests I can see, not only this queue"), required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))
    status = forms.ModelChoiceField(label=_("Status"), required=False, queryset=Status.objects.all(),
                                    empty_label=_("Any status"), widget=forms.Select(attrs=SELECT))
    service_type = forms.ModelChoiceField(label=_("Kind of request"), required=False,
                                          queryset=ServiceType.objects.all(), empty_label=_("Any kind"),
                                          widget=forms.Select(attrs=SELECT))
    priority = forms.TypedChoiceField(label=_("Priority"), required=False, coerce=int, empty_value=None,
                                      choices=[("", _("Any priority"))] + list(Priority.choices),
                                      widget=forms.Select(attrs=SELECT))
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=District.objects.none(),
                                      empty_label=_("Any district"), widget=forms.Select(attrs=SELECT))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("Any channel"))] + list(Channel.choices),
                                widget=forms.Select(attrs=SELECT))
    older_than = forms.TypedChoiceField(label=_("Age"), required=False, coerce=int, empty_value=None,
                                        widget=forms.Select(attrs=SELECT), choices=[
                                            ("", _("Any age")), (1, _("Older than a day")),
                                            (7, _("Older than a week")), (30, _("Older than a month"))])
    has_photo = forms.BooleanField(label=_("Has a photo"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=forms.Select(attrs=SELECT), choices=[
        ("newest", _("Newest first")), ("oldest", _("Oldest first")), ("priority", _("Priority")),
        ("updated", _("Recently updated"))])
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = District.objects.select_related("jurisdiction")
        if user is not None and not user.is_superuser:
            districts = districts.filter(jurisdiction_id__in=[s.jurisdiction_id for s in access.seats(user)])
        self.fields["district"].queryset = districts
        self.fields["district"].label_from_instance = lambda d: d.name

    def filter_q(self):
        """Field lookups for the chosen filters (call after is_valid())."""
        data = self.cleaned_data
        lookups = {}
        for name in ("status", "service_type", "district"):
            if data.get(name) is not None:
                lookups[f"{name}_id"] = data[name].pk
        if data.get("priority") is not None:
            lookups["priority"] = data["priority"]
        if data.get("channel"):
            lookups["channel"] = data["channel"]
        if data.get("older_than"):
            lookups["requested_at__lt"] = timezone.now() - dt.timedelta(days=data["older_than"])
        if data.get("has_photo"):
            lookups["pk__in"] = Attachment.objects.values("request_id")
        return lookups

    @property
    def sort_key(self) -> str:
        value = self.cleaned_data.get("sort") if hasattr(self, "cleaned_data") else ""
        return value if value in SORTS else "newest"


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("New status"), queryset=Status.objects.none(),
                                    widget=forms.Select(attrs=SELECT))
    message = forms.CharField(label=_("Message to the resident"), required=False, max_length=5000,
                              help_text=_("Shown on the public tracking page and sent to the reporter."),
                              widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))

    def __init__(self, *args, sr=None, may_close=True, **kwargs):
        super().__init__(*args, **kwargs)
        choices = sr.status.allowed_next.all() if sr is not None else Status.objects.none()
        if not may_close:
            choices = choices.filter(kind=Status.Kind.OPEN)
        self.fields["status"].queryset = choices


class NoteForm(forms.Form):
    message = forms.CharField(label=_("Internal note"), max_length=5000,
                              help_text=_("Staff only. Mention colleagues with @ and their email, e.g. @carol."),
                              widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Person"), required=False, queryset=User.objects.none(),
                                      empty_label=_("Nobody"), widget=forms.Select(attrs=SELECT))
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.none(),
                                  empty_label=_("No change"), widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, sr=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sr is not None:
            seats = StaffMembership.objects.filter(jurisdiction_id=sr.jurisdiction_id)
            if sr.department_id:
                seats = seats.filter(department_id=sr.department_id)
            self.fields["assignee"].queryset = User.objects.filter(pk__in=seats.values("user_id")).order_by("email")
            self.fields["team"].queryset = Team.objects.filter(department_id=sr.department_id)
            self.fields["team"].label_from_instance = lambda t: t.name


class TransferForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.select_related(
        "jurisdiction"), widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("Reason"), max_length=1000,
                             widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))

    def __init__(self, *args, sr=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.label_from_instance = lambda d: f"{d.name} ({d.jurisdiction.name})"
        if sr is not None and sr.department_id:
            field.queryset = field.queryset.exclude(pk=sr.department_id)


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=Priority.choices,
                                      widget=forms.Select(attrs=SELECT))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Tracking number of the original request"), max_length=20,
                           widget=forms.TextInput(attrs=INPUT))


class CategoryForm(forms.Form):
    service_type = forms.ModelChoiceField(label=_("Kind of request"), queryset=ServiceType.objects.filter(
        is_active=True), widget=forms.Select(attrs=SELECT))
    #: Sent by the "This may be a …" button: the suggestion's confidence, for the audit trail.
    suggested = forms.IntegerField(required=False, min_value=0, max_value=100, widget=forms.HiddenInput)


class HideAttachmentForm(forms.Form):
    attachment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why"), required=False, max_length=255, widget=forms.TextInput(attrs=INPUT))


class RedactForm(forms.Form):
    """The redacted text for the description, or for one public timeline message (`entry`)."""

    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text to show instead"), required=False, max_length=5000,
                           help_text=_("Edit out what should not be public; the original stays visible to "
                                       "administrators only."),
                           widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))
    reason = forms.CharField(label=_("Why"), required=False, max_length=255, widget=forms.TextInput(attrs=INPUT))


class MovePinForm(forms.Form):
    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={**INPUT, "step": "any"}))
    long = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={**INPUT, "step": "any"}))
    reroute = forms.BooleanField(label=_("Route it again from the new place"), required=False,
                                 help_text=_("Always done when the pin moves into another jurisdiction."),
                                 widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))


class PrivacyForm(forms.Form):
    private = forms.TypedChoiceField(label=_("Visibility"), coerce=lambda v: v == "1", choices=[
        ("1", _("Private: hidden from public pages and Open311")), ("0", _("Public"))],
        widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("Why"), required=False, max_length=255, widget=forms.TextInput(attrs=INPUT))


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of this view"), max_length=80, widget=forms.TextInput(attrs=INPUT))
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class CallerLookupForm(forms.Form):
    """Step one of a phone or counter report: who is calling, and about what."""

    phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=32,
                            widget=forms.TextInput(attrs={**INPUT, "type": "tel"}))
    email = forms.EmailField(label=_("Caller's email"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs=INPUT))
    problem = forms.CharField(label=_("What is the problem? (the caller’s words)"), required=False, max_length=2000,
                              help_text=_("Kinds of request that fit the words are suggested below."),
                              widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))
    service_type = forms.ChoiceField(label=_("Kind of request"), required=False, widget=forms.Select(attrs=SELECT))
    address = forms.CharField(label=_("Where is the problem?"), required=False, max_length=255,
                              help_text=_("You confirm the address with the caller on the map next. With a kind, "
                                          "open requests of that kind nearby show first."),
                              widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}))
    address_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = service_type_choices()

    def clean_service_type(self):
        """The chosen ServiceType, or None."""
        value = self.cleaned_data.get("service_type")
        return ServiceType.objects.filter(is_active=True, pk=value).first() if value else None


def service_type_choices() -> list:
    """Active kinds of request by group, in the city's words (no codes), for a <select> with optgroups."""
    from django.db.models import F

    groups: dict[str, list] = {}
    types = ServiceType.objects.filter(is_active=True).select_related("group").order_by(
        F("group__order").asc(nulls_last=True), "group__name", "order", "name")
    for service_type in types:
        group = service_type.group.name if service_type.group_id else str(_("Other"))
        groups.setdefault(group, []).append((str(service_type.pk), service_type.name))
    return [("", _("Choose a kind"))] + list(groups.items())


class CallerSupportForm(forms.Form):
    """Add the caller to an open request already filed about the same problem."""

    phone = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    email = forms.EmailField(required=False, max_length=254, widget=forms.HiddenInput)


class CallerReportForm(ReportForm):
    """The public report form, filled in by staff for a caller, plus how the caller reached us."""

    channel = forms.ChoiceField(label=_("Channel"), widget=forms.Select(attrs=SELECT),
                                choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.COUNTER, Channel.COUNTER.label)])
    language = forms.ChoiceField(label=_("Caller's language"), required=False, widget=forms.Select(attrs=SELECT),
                                 help_text=_("We write to the caller in this language."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Caller's name")
        from django.conf import settings
        from django.utils import translation

        self.fields["language"].choices = list(settings.LANGUAGES)
        self.fields["language"].initial = translation.get_language() or "en"
        self.fields["not_emergency"].label = _("The caller confirms no one is in danger.")
        # Staff do not attach photos on a caller's behalf here.
        del self.fields["media"]


class BulkForm(forms.Form):
    """One action on several requests picked on the queue page."""

    ACTIONS = [("assign_me", _("Assign to me")), ("status", _("Change status")),
               ("merge", _("Merge into the oldest selected"))]

    ids = forms.MultipleChoiceField(label=_("Requests"), widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=forms.Select(attrs=SELECT))
    status = forms.ModelChoiceField(label=_("New status"), required=False, queryset=Status.objects.all(),
                                    empty_label=_("Choose a status"), widget=forms.Select(attrs=SELECT))
    message = forms.CharField(label=_("Message to the residents"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any tracking number is accepted here; access is checked per request in the view.
        self.fields["ids"].choices = [(v, v) for v in self.data.getlist("ids")] if hasattr(
            self.data, "getlist") else []

    def clean(self):
        data = super().clean()
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", _("Choose the new status."))
        if data.get("action") == "merge" and len(data.get("ids") or []) < 2:
            self.add_error("ids", _("Select at least two requests to merge."))
        return data
