"""Forms of the single sign-on table: a mapping row, a jurisdiction's sign-in rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.jurisdictions.models import Department

from .models import SsoJurisdictionPolicy, SsoRoleMapping


class RoleMappingForm(forms.ModelForm):
    """A group claim value and the seat it gives, within the jurisdictions the admin runs."""

    class Meta:
        model = SsoRoleMapping
        fields = ["claim_value", "jurisdiction", "department", "role"]
        widgets = {"claim_value": forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off",
                                                         "spellcheck": "false"}),
                   "jurisdiction": forms.Select(attrs={"class": "usa-select"}),
                   "department": forms.Select(attrs={"class": "usa-select"}),
                   "role": forms.Select(attrs={"class": "usa-select"})}

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["department"].queryset = (Department.objects.filter(jurisdiction__in=jurisdictions)
                                              .select_related("jurisdiction").order_by("jurisdiction__name", "name"))
        self.fields["department"].help_text = _("Leave empty for a seat in the whole jurisdiction.")
        self.fields["department"].label_from_instance = lambda d: f"{d.name} ({d.jurisdiction.name})"

    def clean_claim_value(self) -> str:
        value = self.cleaned_data["claim_value"].strip()
        if not value:
            raise forms.ValidationError(_("Enter the group or role value your identity provider sends."))
        return value

    def validate_unique(self) -> None:
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("claim_value", _("This group already gives a seat in that department or jurisdiction: "
                                            "remove that row first."))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SsoJurisdictionPolicy
        fields = ["passwords_allowed", "create_accounts"]
        widgets = {"passwords_allowed": forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
                   "create_accounts": forms.CheckboxInput(attrs={"class": "usa-checkbox__input"})}
