"""The connector form: settings by kind, the scope, the status table as lines, a write-only secret."""

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
    incoming = forms.CharField(label=gettext_lazy("Their status = our status code (one per line)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 6}))
    outgoing = forms.CharField(label=gettext_lazy("Our status code = their status (one per line)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 6}))

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
            mappings = list(self.instance.status_mappings.select_related("status"))
            self.initial.setdefault("incoming", "\n".join(f"{m.external} = {m.status.code}" for m in mappings
                                                          if m.direction == StatusMapping.Direction.INCOMING))
            self.initial.setdefault("outgoing", "\n".join(f"{m.status.code} = {m.external}" for m in mappings
                                                          if m.direction == StatusMapping.Direction.OUTGOING))
            self.initial.setdefault("codes", "\n".join(f"{ours} = {theirs}" for ours, theirs
                                                       in (self.instance.service_code_map or {}).items()))
        place_ids = list(jurisdictions.values_list("id", flat=True))
        self.fields["departments"].queryset = Department.objects.filter(jurisdiction_id__in=place_ids).order_by(
            "name")
        self.fields["service_types"].queryset = ServiceType.objects.filter(is_active=True).order_by("name")

    def _statuses(self, pairs, *, ours_left: bool, label: str):
        by_code = {s.code: s for s in Status.objects.all()}
        rows = []
        for left, right in pairs:
            code, external = (left, right) if ours_left else (right, left)
            if code not in by_code:
                raise forms.ValidationError(_("%(table)s: “%(code)s” is not one of our status codes (%(known)s).")
                                            % {"table": label, "code": code[:40], "known": ", ".join(sorted(by_code))})
            rows.append((external, by_code[code]))
        return rows

    def clean_incoming(self):
        label = _("Their status = our status code")
        return self._statuses(parse_pairs(self.cleaned_data["incoming"], label), ours_left=False, label=label)

    def clean_outgoing(self):
        label = _("Our status code = their status")
        return self._statuses(parse_pairs(self.cleaned_data["outgoing"], label), ours_left=True, label=label)

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

    def save_mappings(self, connector: Connector) -> None:
        """Replace the connector's status table with the one typed in the form."""
        connector.status_mappings.all().delete()
        StatusMapping.objects.bulk_create(
            [StatusMapping(connector=connector, direction=StatusMapping.Direction.INCOMING, external=external,
                           status=status) for external, status in self.cleaned_data["incoming"]]
            + [StatusMapping(connector=connector, direction=StatusMapping.Direction.OUTGOING, external=external,
                             status=status) for external, status in self.cleaned_data["outgoing"]])
