"""Forms for area subscriptions and the parameters of the area feeds."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.jurisdictions.models import District

from . import services
from .models import MAX_RADIUS_M, MIN_RADIUS_M, RADIUS_CHOICES, AreaSubscription

EVENT_CHOICES = [("new", _("New requests")), ("closed", _("Requests closed"))]


class AreaForm(forms.Form):
    """What to hear about and where: shared by the subscribe and manage pages.

    `clean()` resolves the place into `cleaned_data["area"]` (a services.Area); a place that cannot be
    found is an error on the address field, where the resident typed it.
    """

    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    address = forms.CharField(
        label=_("Street address"), required=False, max_length=255,
        help_text=_("For example 120 Main Street. Or pick a district below."),
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "street-address"}))
    radius_m = forms.TypedChoiceField(label=_("How far around that place"), choices=RADIUS_CHOICES, coerce=int,
                                      initial=500, widget=forms.Select(attrs={"class": "usa-select"}))
    district = forms.ModelChoiceField(
        label=_("Or a whole district"), required=False, queryset=District.objects.select_related("jurisdiction"),
        empty_label=_("No district: use the place above"),
        help_text=_("Choosing a district replaces the place and distance above."),
        widget=forms.Select(attrs={"class": "usa-select"}))
    service_types = forms.ModelMultipleChoiceField(
        label=_("Kinds of problem"), required=False, queryset=ServiceType.objects.none(),
        help_text=_("Leave them all unchecked to hear about every kind."), widget=forms.CheckboxSelectMultiple)
    events = forms.MultipleChoiceField(
        label=_("Tell me about"), choices=EVENT_CHOICES, initial=["new", "closed"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose what to hear about: new requests, closed requests, or both.")})
    frequency = forms.ChoiceField(label=_("How often"), choices=AreaSubscription.Frequency.choices,
                                  initial=AreaSubscription.Frequency.IMMEDIATE, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_types"].queryset = ServiceType.objects.public().order_by("name")
        # Residents read the name alone ("Pothole"), not the model's "Pothole (pothole)" with its internal code.
        self.fields["service_types"].label_from_instance = lambda service_type: service_type.name

    def clean(self):
        data = super().clean()
        if [self._errors.pop(name) for name in ("lat", "long") if name in self._errors]:
            self.add_error("address", _("The place on the map is not valid. Type an address instead."))
            return data
        if "radius_m" not in data:
            return data
        try:
            data["area"] = services.locate_area(lat=data.get("lat"), long=data.get("long"),
                                                address=data.get("address", ""), district=data.get("district"),
                                                radius_m=data["radius_m"])
        except services.SubscriptionRefused as exc:
            for message in exc.errors.get("location", []):
                self.add_error("address", message)
        return data

    def choices(self) -> dict:
        """The keyword arguments for services.subscribe()/change() besides the area and email."""
        events = set(self.cleaned_data["events"])
        return {"service_types": list(self.cleaned_data["service_types"]), "notify_new": "new" in events,
                "notify_closed": "closed" in events, "frequency": self.cleaned_data["frequency"]}

    @classmethod
    def initial_for(cls, subscription: AreaSubscription) -> dict:
        return {"lat": subscription.lat, "long": subscription.long, "address": subscription.place_name,
                "radius_m": subscription.radius_m or 500, "district": subscription.district_id,
                "service_types": list(subscription.service_types.all()),
                "events": [e for e, on in (("new", subscription.notify_new), ("closed", subscription.notify_closed))
                           if on],
                "frequency": subscription.frequency}


class SubscribeForm(AreaForm):
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             help_text=_("We send alerts here, and a link to confirm first."),
                             widget=forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}))

    field_order = ["email"]


class FeedQuery(forms.Form):
    """The parameters of /alerts/feed.rss and feed.atom: a circle or a district, types and events."""

    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    radius = forms.IntegerField(required=False, min_value=MIN_RADIUS_M, max_value=MAX_RADIUS_M)
    district = forms.IntegerField(required=False, min_value=1)
    service_code = forms.MultipleChoiceField(required=False, choices=())
    events = forms.ChoiceField(required=False, choices=[("", "both"), ("new", "new"), ("closed", "closed")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_code"].choices = [(code, code) for code in
                                               ServiceType.objects.public().values_list("code", flat=True)]

    def clean(self):
        data = super().clean()
        circle = [data.get(name) for name in ("lat", "long", "radius")]
        has_circle = any(value is not None for value in circle)
        if data.get("district") is not None:
            if has_circle:
                raise forms.ValidationError(_("Give either lat, long and radius, or district, not both."))
            district = District.objects.select_related("jurisdiction").filter(pk=data["district"]).first()
            if district is None:
                self.add_error("district", _("There is no district with this id."))
            data["district_obj"] = district
        elif not all(value is not None for value in circle) and not any(
                name in self.errors for name in ("lat", "long", "radius")):
            raise forms.ValidationError(_("Give lat, long and radius (in meters), or a district id."))
        return data
