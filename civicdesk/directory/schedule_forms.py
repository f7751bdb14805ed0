"""The editor's forms for a department's opening hours, its days with other hours (holidays, closures, short
days) and a permit's fee lines, in place of raw JSON: a weekly grid, and formsets with a few blank rows (so they
work without JavaScript; directory/formset.js adds rows on demand). They read and write the JSON the models
store (see DepartmentProfile.hours / special_days and PermitGuide.fees) and refuse mistakes in plain words."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django import forms
from django.utils import formats
from django.utils.dates import WEEKDAYS as DAY_NAMES
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.editorial import text

from . import hours as hours_lib
from .models import FEE_UNITS

#: Blank rows offered below the filled ones (enough without JavaScript; the script adds more).
EXTRA_ROWS = 3
#: Opening spans per weekday in the grid (a day with a lunch break has two).
SPANS_PER_DAY = 2


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"type": "time", "class": "usa-input cd-time", "dir": "ltr"})


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _shown(value: dt.time) -> str:
    return formats.time_format(value, "TIME_FORMAT")


def clean_spans(form: forms.Form, day: str, pairs: list[tuple[str, str]], *, closed: bool) -> list[list[str]]:
    """The opening spans of one day from (opens field, closes field) name pairs of `form`, as
    [["08:00", "12:00"], ...] earliest first ([] when `closed`); each mistake is added to the field it is about,
    in words naming the day ("On Monday, ...")."""
    spans = []
    for opens_name, closes_name in pairs:
        opens, closes = form.cleaned_data.get(opens_name), form.cleaned_data.get(closes_name)
        if opens_name in form.errors or closes_name in form.errors:
            continue
        if opens is None and closes is None:
            continue
        if closed:
            form.add_error(opens_name, _("%(day)s is marked “Closed” but has opening hours: clear the times or "
                                         "untick “Closed”.") % {"day": day})
            return []
        if opens is None or closes is None:
            form.add_error(opens_name if opens is None else closes_name,
                           _("On %(day)s, give both an opening and a closing time.") % {"day": day})
            continue
        if closes <= opens:
            form.add_error(closes_name, _("On %(day)s, the closing time %(closes)s is not after the opening time "
                                          "%(opens)s.") % {"day": day, "closes": _shown(closes),
                                                           "opens": _shown(opens)})
            continue
        spans.append((opens, closes, opens_name))
    spans.sort()
    for (opens, closes, _name), (next_opens, next_closes, next_name) in pairwise(spans):
        if next_opens < closes:
            form.add_error(next_name, _("On %(day)s, the opening hours %(first)s and %(second)s overlap.") % {
                "day": day, "first": f"{_shown(opens)}–{_shown(closes)}",
                "second": f"{_shown(next_opens)}–{_shown(next_closes)}"})
            return []
    return [[_hhmm(opens), _hhmm(closes)] for opens, closes, _name in spans]


class WeekHoursForm(forms.Form):
    """The usual week: per weekday "Closed" or up to two opening spans; or the jurisdiction's business hours.
    `cleaned_week()` is the DepartmentProfile.hours map ({} for the jurisdiction's hours)."""

    use_default = forms.BooleanField(
        label=gettext_lazy("Use the jurisdiction's usual business hours"), required=False,
        help_text=gettext_lazy("Tick this to follow the city's business hours; untick it to give this "
                               "department's own hours below."))

    def __init__(self, *args, week: dict | None = None, **kwargs):
        week = week or {}
        initial = {"use_default": not week}
        for index, key in enumerate(hours_lib.WEEKDAYS):
            spans = hours_lib.normalise_spans(week.get(key)) if week else []
            initial[f"{key}_closed"] = bool(week) and not spans
            for number, (opens, closes) in enumerate(spans[:SPANS_PER_DAY], start=1):
                initial[f"{key}_opens{number}"] = opens
                initial[f"{key}_closes{number}"] = closes
        super().__init__(*args, initial=initial, **kwargs)
        self.days = []
        for index, key in enumerate(hours_lib.WEEKDAYS):
            name = DAY_NAMES[index]
            self.fields[f"{key}_closed"] = forms.BooleanField(label=_("Closed"), required=False)
            for number in range(1, SPANS_PER_DAY + 1):
                again = number > 1
                self.fields[f"{key}_opens{number}"] = forms.TimeField(
                    label=_("Opens again (after a break)") if again else _("Opens"), required=False,
                    widget=_time_input())
                self.fields[f"{key}_closes{number}"] = forms.TimeField(
                    label=_("Closes again") if again else _("Closes"), required=False, widget=_time_input())
            self.days.append({"key": key, "name": name})

    def day_rows(self) -> list[dict]:
        """[{key, name, closed, spans: [(opens, closes) bound fields]}] for the template, Monday first."""
        return [{**day, "closed": self[f"{day['key']}_closed"],
                 "spans": [(self[f"{day['key']}_opens{n}"], self[f"{day['key']}_closes{n}"])
                           for n in range(1, SPANS_PER_DAY + 1)]} for day in self.days]

    def clean(self):
        cleaned = super().clean()
        self.week = {}
        if cleaned.get("use_default"):
            return cleaned
        for day in self.days:
            key, name = day["key"], day["name"]
            closed = bool(cleaned.get(f"{key}_closed"))
            spans = clean_spans(self, name, [(f"{key}_opens{n}", f"{key}_closes{n}")
                                             for n in range(1, SPANS_PER_DAY + 1)], closed=closed)
            if spans:
                self.week[key] = spans
            elif not closed and not any(f"{key}_{part}{n}" in self.errors for part in ("opens", "closes")
                                        for n in range(1, SPANS_PER_DAY + 1)):
                self.add_error(f"{key}_opens1", _("Give %(day)s's opening hours, or tick “Closed”.") % {"day": name})
        return cleaned

    def cleaned_week(self) -> dict:
        return self.week


def _language_fields(form: forms.Form, prefix: str, label, *, max_length: int, current: dict | None) -> None:
    """One text field per site language ("<prefix>__<code>"), the default language's required by clean()."""
    form.language_fields = []
    for code, _name in text.site_languages():
        name = f"{prefix}__{code}"
        form.fields[name] = forms.CharField(
            label=f"{label} ({text.language_name(code)})", max_length=max_length, required=False,
            initial=(current or {}).get(code, ""),
            widget=forms.TextInput(attrs={"class": "usa-input", "lang": code}))
        form.language_fields.append(name)


def _language_map(form: forms.Form, prefix: str) -> dict:
    return {code: form.cleaned_data[f"{prefix}__{code}"].strip() for code, _name in text.site_languages()
            if (form.cleaned_data.get(f"{prefix}__{code}") or "").strip()}


class SpecialDayForm(forms.Form):
    """One day with other hours: its date, its name per language ("Christmas Eve"), and closed or one opening
    span."""

    date = forms.DateField(label=gettext_lazy("Date"),
                           widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "usa-input",
                                                                            "dir": "ltr"}))
    closed = forms.BooleanField(label=gettext_lazy("Closed all day"), required=False)
    opens = forms.TimeField(label=gettext_lazy("Opens"), required=False, widget=_time_input())
    closes = forms.TimeField(label=gettext_lazy("Closes"), required=False, widget=_time_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _language_fields(self, "name", _("Name of the day"), max_length=120,
                         current=(self.initial or {}).get("note"))
        self.order_fields(["date", *self.language_fields, "closed", "opens", "closes"])

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        label = formats.date_format(day, "DATE_FORMAT") if day else _("this day")
        closed = bool(cleaned.get("closed"))
        spans = clean_spans(self, label, [("opens", "closes")], closed=closed)
        if not spans and not closed and "opens" not in self.errors and "closes" not in self.errors:
            self.add_error("opens", _("Give the hours of %(day)s, or tick “Closed all day”.") % {"day": label})
        default = f"name__{text.default_language()}"
        if not (cleaned.get(default) or "").strip():
            self.add_error(default, _("Say what the day is (for example “Christmas Eve”) in %(language)s.")
                           % {"language": text.language_name(text.default_language())})
        self.item = {"date": day.isoformat() if day else "", "hours": spans, "note": _language_map(self, "name")}
        return cleaned


class _RowsFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this line")

    def _filled(self) -> list[forms.Form]:
        """The rows that were read (blank extra rows are skipped by Django) and not ticked for removal."""
        return [form for form in self.forms if hasattr(form, "item") and not self._should_delete_form(form)]


class SpecialDayFormSetBase(_RowsFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self._filled():
            day = form.cleaned_data.get("date")
            if day in seen:
                raise forms.ValidationError(_("%(date)s is listed twice: keep one line per day.")
                                            % {"date": formats.date_format(day, "DATE_FORMAT")})
            seen.add(day)

    def items(self) -> list[dict]:
        """The DepartmentProfile.special_days list, in date order."""
        return sorted((form.item for form in self._filled()), key=lambda item: item["date"])


SpecialDayFormSet = forms.formset_factory(SpecialDayForm, formset=SpecialDayFormSetBase, extra=EXTRA_ROWS,
                                          can_delete=True, max_num=200, validate_max=True)


def special_day_initial(items: list[dict] | None) -> list[dict]:
    """The formset's initial rows from DepartmentProfile.special_days (one span shown per day)."""
    rows = []
    for item in items or []:
        spans = hours_lib.normalise_spans(item.get("hours"))
        row = {"date": dt.date.fromisoformat(str(item["date"])), "closed": not spans, "note": item.get("note") or {}}
        if spans:
            row["opens"], row["closes"] = spans[0][0], spans[-1][1]
        rows.append(row)
    return rows


AMOUNT = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")


def parse_amount(value: str) -> int:
    """"12.50" (or "12,50", "12", "$12.50") → 1250 cents; raises forms.ValidationError in plain words."""
    cleaned = re.sub(r"[\s$€£]", "", value or "")
    if cleaned.startswith("-"):
        raise forms.ValidationError(_("A fee cannot be less than zero."))
    match = AMOUNT.match(cleaned)
    if not match:
        raise forms.ValidationError(_("“%(value)s” is not an amount: write it like 12.50 (digits, then at most "
                                      "two after the point).") % {"value": value})
    try:
        amount = Decimal(f"{match.group(1)}.{match.group(2) or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the pattern only lets digits through
        raise forms.ValidationError(_("“%(value)s” is not an amount.") % {"value": value}) from exc
    return int(amount * 100)


def format_cents(cents: int) -> str:
    """1250 → "12.50" (as the amount field shows it)."""
    whole, part = divmod(int(cents), 100)
    return f"{whole}.{part:02d}"


class FeeForm(forms.Form):
    """One fee line: what it pays for per language, its amount ("12.50", stored in cents), currency and unit."""

    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=20,
                             help_text=gettext_lazy("Like 12.50: the currency's units, with cents after the point."),
                             widget=forms.TextInput(attrs={"class": "usa-input cd-amount", "inputmode": "decimal",
                                                           "dir": "ltr"}))
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, initial="USD",
                               help_text=gettext_lazy("A three-letter code like USD."),
                               widget=forms.TextInput(attrs={"class": "usa-input cd-currency", "dir": "ltr"}))
    unit = forms.ChoiceField(label=gettext_lazy("Charged"), choices=FEE_UNITS, required=False,
                             widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _language_fields(self, "covers", _("What it pays for"), max_length=200,
                         current=(self.initial or {}).get("covers"))
        self.order_fields([*self.language_fields, "amount", "currency", "unit"])

    def clean_amount(self) -> int:
        return parse_amount(self.cleaned_data["amount"])

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise forms.ValidationError(_("Use a three-letter currency code like USD."))
        return code

    def clean(self):
        cleaned = super().clean()
        default = f"covers__{text.default_language()}"
        if not (cleaned.get(default) or "").strip():
            self.add_error(default, _("Say what this fee pays for in %(language)s.")
                           % {"language": text.language_name(text.default_language())})
        item = {"amount_cents": cleaned.get("amount"), "currency": cleaned.get("currency") or "USD",
                "covers": _language_map(self, "covers")}
        if cleaned.get("unit"):
            item["unit"] = cleaned["unit"]
        self.item = item
        return cleaned


class FeeFormSetBase(_RowsFormSet):
    def items(self) -> list[dict]:
        """The PermitGuide.fees list, in the order entered."""
        return [form.item for form in self._filled()]


FeeFormSet = forms.formset_factory(FeeForm, formset=FeeFormSetBase, extra=EXTRA_ROWS, can_delete=True,
                                   max_num=50, validate_max=True)


def fee_initial(items: list[dict] | None) -> list[dict]:
    """The formset's initial rows from PermitGuide.fees."""
    return [{"amount": format_cents(item["amount_cents"]), "currency": item.get("currency") or "USD",
             "unit": item.get("unit", ""), "covers": item.get("covers") or {}} for item in items or []]
