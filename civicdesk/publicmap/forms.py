"""The map's filters, read from the query string (so a filtered map or list is a link anyone can share)."""

from __future__ import annotations

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.jurisdictions.models import Department, District

from .services import MAX_ZOOM, MIN_ZOOM, MapFilters


class MapFilterForm(forms.Form):
    """type (repeatable service code), status (open/closed), district, department, from, to (YYYY-MM-DD).

    The same names on the map page, its JSON and the list. An unknown value is an error on its field;
    `filters()` is only for a valid form."""

    type = forms.MultipleChoiceField(label=_("Kind of problem"), required=False, widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Open and closed")), ("open", _("Open")), ("closed", _("Closed"))],
                               widget=forms.Select(attrs={"class": "usa-select"}))
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=District.objects.none(),
                                      empty_label=_("All districts"), widget=forms.Select(attrs={"class": "usa-select"}))
    department = forms.ModelChoiceField(label=_("Department"), required=False, queryset=Department.objects.none(),
                                        empty_label=_("All departments"),
                                        widget=forms.Select(attrs={"class": "usa-select"}))
    date_from = forms.DateField(label=_("Reported on or after"), required=False,
                                widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}))
    date_to = forms.DateField(label=_("Reported on or before"), required=False,
                              widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}))

    #: Query-string names of the fields (the short "from"/"to" read better in a shared link).
    PARAMS = {"type": "type", "status": "status", "district": "district", "department": "department",
              "date_from": "from", "date_to": "to"}

    def __init__(self, query=None, **kwargs):
        super().__init__(query, auto_id="filter-%s", **kwargs)
        self.fields["type"].choices = [(code, name) for code, name in
                                       ((t.code, t.name) for t in ServiceType.objects.public().order_by("name"))]
        self.fields["district"].queryset = District.objects.select_related("jurisdiction").order_by("name")
        self.fields["department"].queryset = Department.objects.select_related("jurisdiction").order_by("name")
        self.fields["department"].label_from_instance = lambda d: f"{d.name} ({d.jurisdiction.name})"

    def add_prefix(self, field_name: str) -> str:
        # Render each field under its short query-string name ("from", not "date_from").
        return self.PARAMS.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def filters(self) -> MapFilters:
        data = self.cleaned_data
        return MapFilters(
            service_codes=tuple(sorted(data.get("type") or ())), status=data.get("status") or "",
            district_id=data["district"].pk if data.get("district") else None,
            department_id=data["department"].pk if data.get("department") else None,
            date_from=data.get("date_from"), date_to=data.get("date_to"))

    def query_string(self) -> str:
        """The valid filters as a query string ("" when none), for links between the map, its JSON and list."""
        if not self.is_bound or not self.is_valid():
            return ""
        pairs: list[tuple[str, str]] = []
        filters = self.filters()
        pairs += [("type", code) for code in filters.service_codes]
        if filters.status:
            pairs.append(("status", filters.status))
        if filters.district_id is not None:
            pairs.append(("district", str(filters.district_id)))
        if filters.department_id is not None:
            pairs.append(("department", str(filters.department_id)))
        if filters.date_from:
            pairs.append(("from", filters.date_from.isoformat()))
        if filters.date_to:
            pairs.append(("to", filters.date_to.isoformat()))
        return urlencode(pairs)


def map_position(params, *, default: tuple[float, float, int]) -> tuple[float, float, int]:
    """The map's centre and zoom from a shared link's ?lat=&long=&zoom= (all three, in range: latitude −85…85,
    longitude −180…180, zoom 0…19), else `default`. A link whose position was mangled still opens the map, on
    the city, rather than refusing: the filters, which decide what is shown, are checked by MapFilterForm."""
    try:
        lat, long, zoom = float(params.get("lat", "")), float(params.get("long", "")), int(params.get("zoom", ""))
    except ValueError:
        return default
    if not (-85 <= lat <= 85 and -180 <= long <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
        return default
    return round(lat, 6), round(long, 6), zoom
