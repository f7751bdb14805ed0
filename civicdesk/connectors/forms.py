"""The connector form: settings by kind, the scope, a write-only secret; and the status table as a formset of rows
(their status, our status, direction), with a few blank rows so it works without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.jurisdictions.models import Department

from .backends.csvfolder import resolve_folder
from .models import Connector, StatusMapping


def parse_pairs(text: str, label: str) -> list[tuple[str, str]]:
    """Lines "left = right" (blank lines and lines starting with # ignored); ValidationError naming the line."""
    pairs, seen = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        left, sep, right = line.partition("=")
        left, right = left.strip(), right.strip()
        if not sep or not left or not right:
            raise forms.ValidationError(_("%(table)s, line %(line)d: write it as “their value = our value”.")
                                        % {"table": label, "line": number})
        if left.lower() in seen:
            raise forms.ValidationError(_("%(table)s, line %(line)d: “%(value)s” is listed twice.")
                                        % {"table": label, "line": number, "value": left[:60]})
        if len(left) > 80 or len(right) > 80:
            raise forms.ValidationError(_("%(table)s, line %(line)d: keep each value under 80 characters.")
                                        % {"table": label, "line": number})
        seen.add(left.lower())
        pairs.append((left, right))
    return pairs


class ConnectorForm(forms.ModelForm):
    """Edits one connector; the jurisdiction is chosen on creation only, among the user's."""

    new_secret = forms.CharField(label=gettext_lazy("New secret"), required=False, max_length=200,
                                 widget=forms.PasswordInput(render_value=False),
                                 help_text=gettext_lazy("Leave empty to keep the current one. It is never shown "
                                                        "again in full."))
    codes = forms.CharField(label=gettext_lazy("Service codes (ours = theirs, one per line)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

    class Meta:
        model = Connector
        fields = ["jurisdiction", "name", "kind", "enabled", "departments", "service_types", "endpoint_url",
                  "remote_jurisdiction_id", "folder", "notes_public", "send_changes"]
        widgets = {"departments": forms.CheckboxSelectMultiple, "service_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        places = list(jurisdictions[:2])
        if not self.instance.pk and len(places) == 1:
            self.initial["jurisdiction"] = places[0].pk
        if self.instance.pk:
            self.fields["jurisdiction"].disabled = True
            self.initial.setdefault("codes", "\n".join(f"{ours} = {theirs}" for ours, theirs
                                                       in (self.instance.service_code_map or {}).items()))
        place_ids = list(jurisdictions.values_list("id", flat=True))
        self.fields["departments"].queryset = Department.objects.filter(jurisdiction_id__in=place_ids).order_by(
            "name")
        self.fields["service_types"].queryset = ServiceType.objects.filter(is_active=True).order_by("name")

    def clean_codes(self):
        return dict(parse_pairs(self.cleaned_data["codes"], _("Service codes")))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        secret = data.get("new_secret") or self.instance.secret
        if kind in (Connector.Kind.OPEN311, Connector.Kind.WEBHOOK) and not data.get("endpoint_url"):
            self.add_error("endpoint_url", _("Give the address of the other system."))
        if kind == Connector.Kind.WEBHOOK and len(secret or "") < 16:
            self.add_error("new_secret", _("Webhooks need a shared secret of at least 16 characters."))
        if kind == Connector.Kind.CSV:
            try:
                resolve_folder(data.get("folder") or "")
            except ValueError as exc:
                self.add_error("folder", str(exc))
        return data

    def save(self, commit: bool = True) -> Connector:
        connector = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            connector.secret = self.cleaned_data["new_secret"]
        connector.service_code_map = self.cleaned_data.get("codes") or {}
        return connector


#: Blank rows offered below the filled ones of the status table (enough without JavaScript).
EXTRA_STATUS_ROWS = 3
BOTH = "both"


class StatusRowForm(forms.Form):
    """One row of the status table; a row with neither status filled in is blank and ignored."""

    DIRECTIONS = [(StatusMapping.Direction.INCOMING, gettext_lazy("Coming in (theirs → ours)")),
                  (StatusMapping.Direction.OUTGOING, gettext_lazy("Going out (ours → theirs)")),
                  (BOTH, gettext_lazy("Both ways"))]

    external = forms.CharField(label=gettext_lazy("Their status"), required=False, max_length=80,
                               error_messages={"max_length": gettext_lazy(
                                   "Keep their status under 80 characters.")})
    status = forms.ModelChoiceField(label=gettext_lazy("Our status"), required=False, queryset=Status.objects.none(),
                                    to_field_name="code", empty_label="—",
                                    error_messages={"invalid_choice": gettext_lazy(
                                        "That is not one of our statuses: choose one from the list.")})
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=DIRECTIONS, required=False,
                                  initial=StatusMapping.Direction.INCOMING,
                                  widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = statuses if statuses is not None else Status.objects.order_by("order", "code")

    def clean(self):
        data = super().clean()
        external = (data.get("external") or "").strip()
        data["external"] = external
        if "external" in self.errors or "status" in self.errors:
            return data
        if external and not data.get("status"):
            self.add_error("status", _("Choose which of our statuses “%(theirs)s” stands for, or empty the line.")
                           % {"theirs": external[:60]})
        elif data.get("status") and not external:
            self.add_error("external", _("Write their status for “%(ours)s”, or set our status back to “—”.")
                           % {"ours": data["status"].name})
        data["direction"] = data.get("direction") or StatusMapping.Direction.INCOMING
        return data

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("external") and not self.cleaned_data.get("status")


class StatusTableFormSet(forms.BaseFormSet):
    """The connector's status table. Each of their statuses coming in may stand for one of ours only; each of
    our statuses going out is sent as one word only (StatusMapping's constraints). `rows()` is the table as
    (direction, their status, our status) rows to store, "both" stored as one incoming and one outgoing row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._statuses = Status.objects.order_by("order", "code")

    def get_form_kwargs(self, index):
        # Every row is cleaned, even one left as it was shown (a blank row is valid and ignored by `rows()`).
        return {**super().get_form_kwargs(index), "statuses": self._statuses, "empty_permitted": False}

    def _filled(self) -> list[forms.Form]:
        return [form for form in self.forms if form.is_valid() and not form.is_blank()]

    def clean(self):
        if any(form.errors for form in self.forms):
            return
        incoming: dict[str, str] = {}
        outgoing: dict[int, str] = {}
        for form in self._filled():
            external, status, direction = (form.cleaned_data[k] for k in ("external", "status", "direction"))
            if direction in (StatusMapping.Direction.INCOMING, BOTH):
                if external.lower() in incoming:
                    form.add_error("external", _("“%(theirs)s” is listed twice for updates coming in: each of their "
                                                 "statuses can stand for one of ours only.") % {"theirs": external[:60]})
                incoming[external.lower()] = external
            if direction in (StatusMapping.Direction.OUTGOING, BOTH):
                if status.pk in outgoing:
                    form.add_error("status", _("“%(ours)s” is listed twice for updates going out: the other system "
                                               "can be sent one word only for each of our statuses.")
                                   % {"ours": status.name})
                outgoing[status.pk] = external

    def rows(self) -> list[tuple[str, str, Status]]:
        out = []
        for form in self._filled():
            external, status, direction = (form.cleaned_data[k] for k in ("external", "status", "direction"))
            directions = ([StatusMapping.Direction.INCOMING, StatusMapping.Direction.OUTGOING] if direction == BOTH
                          else [direction])
            out += [(d, external, status) for d in directions]
        return out

    def summary_errors(self) -> list[dict]:
        """The table's problems for the page's error summary, each linking to the box it is about."""
        return [{"id": form[name].id_for_label, "message": error}
                for form in self.forms for name, errors in form.errors.items() for error in errors]


StatusTable = forms.formset_factory(StatusRowForm, formset=StatusTableFormSet, extra=EXTRA_STATUS_ROWS,
                                    max_num=200, absolute_max=200, validate_max=True)


def status_table_initial(connector: Connector) -> list[dict]:
    """The formset's rows from the stored StatusMapping rows: an incoming and an outgoing row with the same
    words become one "Both ways" row."""
    mappings = list(connector.status_mappings.select_related("status")) if connector.pk else []
    outgoing = {(m.external, m.status_id): m for m in mappings if m.direction == StatusMapping.Direction.OUTGOING}
    rows = []
    for m in mappings:
        if m.direction == StatusMapping.Direction.INCOMING:
            both = outgoing.pop((m.external, m.status_id), None)
            rows.append({"external": m.external, "status": m.status.code, "direction": BOTH if both else m.direction})
    rows += [{"external": m.external, "status": m.status.code, "direction": m.direction} for m in outgoing.values()]
    return rows
