"""Forms of the staff money pages: counter payments, refund requests and decisions, ledger export, resolution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .counter import METHODS
from .models import format_money

INPUT = {"class": "usa-input"}


class MoneyField(forms.CharField):
    """An amount typed as dollars and cents ("12.34", "$1,250", "7") and cleaned to integer cents. Zero and
    negative amounts pass through so the service can answer them in its own words."""

    default_error_messages = {"invalid": _("Type an amount like 12.50.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=INPUT | {"inputmode": "decimal", "autocomplete": "off",
                                                                   "maxlength": "16"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (super().to_python(value) or "").replace("$", "").replace(",", "").strip()
        if not text:
            return None
        if len(text) > 16:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or abs(amount) >= 10**10:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(amount * 100)


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Account or bill number"), max_length=40,
                        widget=forms.TextInput(attrs=INPUT | {"autocomplete": "off"}))


class CounterPaymentForm(forms.Form):
    """Take a payment at the counter for one account; `bill` is one of its open bills (empty: oldest first)."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    bill = forms.TypedChoiceField(label=_("Bill"), coerce=int, required=False, empty_value=None,
                                  widget=forms.Select(attrs={"class": "usa-select"}))
    method = forms.ChoiceField(label=_("Paid by"), choices=list(METHODS.items()), widget=forms.RadioSelect)
    amount = MoneyField(label=_("Amount to pay"), help_text=_("In dollars and cents, at most what is owed."))
    tendered = MoneyField(label=_("Cash handed over"), required=False,
                          help_text=_("Cash only: what the payer gave you, to work out the change."))
    cheque_number = forms.CharField(label=_("Cheque number"), required=False, max_length=20,
                                    widget=forms.TextInput(attrs=INPUT | {"inputmode": "numeric"}))
    terminal_reference = forms.CharField(
        label=_("Card terminal reference"), required=False, max_length=60,
        help_text=_("The transaction reference on the terminal's slip. Never type the card number."),
        widget=forms.TextInput(attrs=INPUT | {"autocomplete": "off"}))

    def __init__(self, *args, bills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bill"].choices = [("", _("Oldest bills first"))] + [
            (bill.pk, _("Bill %(number)s, due %(due)s, owed %(owed)s") % {
                "number": bill.number, "due": bill.due_on.isoformat(),
                "owed": format_money(bill.balance_cents(), bill.currency)}) for bill in bills]


    def forget_terminal_reference(self) -> None:
        """Show the terminal reference field empty again: what was typed may have been a card number, which must
        not be sent back to the browser."""
        self.data = self.data.copy()
        self.data["terminal_reference"] = ""


class RefundRequestForm(forms.Form):
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    amount = MoneyField(label=_("Amount to refund"))
    reason = forms.CharField(label=_("Why is the money given back?"), max_length=300,
                             widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))


class RejectRefundForm(forms.Form):
    note = forms.CharField(label=_("Why is it turned down?"), max_length=300,
                           widget=forms.TextInput(attrs=INPUT))


class LedgerExportForm(forms.Form):
    """A date range of journal entries (inclusive, in the server's time zone), at most a year and a day."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=INPUT | {"type": "date"}))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs=INPUT | {"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days > 366:
                raise forms.ValidationError(_("Export at most a year at a time."))
        return data

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The aware datetimes [start 00:00, the day after end 00:00) of the cleaned range."""
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["start"], dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.cleaned_data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end


class ResolveDifferenceForm(forms.Form):
    note = forms.CharField(label=_("What was found, and what was done"), max_length=500,
                           widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))
