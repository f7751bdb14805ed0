"""Forms of the pay flow: find a bill, choose what and how to pay. Money is typed as dollars, kept as cents."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BillKind, format_money

_MONEY = re.compile(r"^\s*(-?)\s*\$?\s*(\d{1,9}(?:,\d{3})*|\d+)?(?:\.(\d{1,2}))?\s*$")


def parse_money(text: str) -> int | None:
    """"$1,234.5" → 123450 cents; "-3" → -300; None when it is not an amount of money."""
    match = _MONEY.match(text or "")
    if not match or (match.group(2) is None and match.group(3) is None):
        return None
    whole = int((match.group(2) or "0").replace(",", ""))
    cents = int((match.group(3) or "0").ljust(2, "0"))
    value = whole * 100 + cents
    return -value if match.group(1) else value


class MoneyField(forms.CharField):
    """An amount typed in dollars and cents, cleaned to integer cents (sign kept, so the service can say why a
    negative amount is refused)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        cents = parse_money(value)
        if cents is None:
            raise forms.ValidationError(_("Enter an amount in dollars and cents, like 42.50."))
        return cents


class FindBillForm(forms.Form):
    """Account number plus two facts printed on the bill."""

    kind = forms.ChoiceField(label=_("Kind of bill"), choices=BillKind.choices)
    number = forms.CharField(label=_("Account number"), max_length=40,
                             help_text=_("As printed at the top of your bill."))
    postcode = forms.CharField(label=_("Service postcode"), max_length=16,
                               help_text=_("The ZIP code of the address the bill is for."))
    last_amount = MoneyField(label=_("Amount of your last bill"),
                             help_text=_("The total of your most recent bill, for example 42.50."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "number", "postcode", "last_amount"):
            css = "usa-select" if name == "kind" else "usa-input"
            self.fields[name].widget.attrs["class"] = css
        self.fields["number"].widget.attrs["autocomplete"] = "off"
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"


class PayForm(forms.Form):
    """What to pay (a bill, the whole balance or another amount), how, and where the receipt goes."""

    bill = forms.ChoiceField(label=_("Bill"), widget=forms.RadioSelect, error_messages={
        "invalid_choice": _("This bill cannot be paid here: it is already paid, cancelled, or not on this account.")})
    amount_choice = forms.ChoiceField(label=_("Amount"), widget=forms.RadioSelect, initial="full",
                                      choices=[("full", _("The full amount owed")), ("other", _("Another amount"))])
    other_amount = MoneyField(label=_("Other amount"), required=False,
                              help_text=_("In dollars and cents, for example 20.00."))
    method = forms.ChoiceField(label=_("How do you want to pay?"), widget=forms.RadioSelect)
    email = forms.EmailField(label=_("Email for your receipt"), max_length=254)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, account, bills, methods, policy, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.bills = {str(bill.pk): bill for bill in bills}
        self.fields["bill"].choices = [
            (str(bill.pk), _("Bill %(number)s, due %(due)s: %(owed)s owed") % {
                "number": bill.number, "due": bill.due_on.isoformat(),
                "owed": format_money(bill.balance_cents(), account.currency)}) for bill in bills]
        if len(bills) == 1:
            self.fields["bill"].initial = str(bills[0].pk)
        self.fields["method"].choices = [(method, method_choice_label(method, policy)) for method in methods]
        if len(methods) == 1:
            self.fields["method"].initial = methods[0]
        self.fields["other_amount"].widget.attrs["class"] = "usa-input"
        self.fields["email"].widget.attrs.update({"class": "usa-input", "autocomplete": "email"})
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def clean(self):
        data = super().clean()
        bill = self.bills.get(data.get("bill") or "")
        if "bill" in data and bill is None:
            self.add_error("bill", self.fields["bill"].error_messages["invalid_choice"])
        data["bill_obj"] = bill
        if data.get("amount_choice") == "other":
            if data.get("other_amount") is None and "other_amount" not in self.errors:
                self.add_error("other_amount", _("Enter the amount you want to pay."))
            data["amount_cents"] = data.get("other_amount")
        elif bill is not None:
            data["amount_cents"] = bill.balance_cents()
        key = data.get("idempotency_key") or ""
        if not re.fullmatch(r"[0-9a-f]{32}", key):
            raise forms.ValidationError(_("This form has expired. Please start again."))
        return data


def method_label(method: str) -> str:
    """A payment method in the resident's words."""
    return str({"card": _("Card"), "us_bank_account": _("Bank account (ACH debit)"), "cash": _("Cash"),
                "cheque": _("Cheque"), "card_terminal": _("Card at the counter")}.get(method, method))


def method_choice_label(method: str, policy) -> str:
    """A method with its convenience fee, shown before paying: "Card (fee: 2.50%)", "Bank account (no fee)"."""
    rule = (policy.convenience_fees or {}).get(method) or {}
    if rule.get("basis_points"):
        fee = _("fee: %(percent)s%% of the amount") % {"percent": f"{int(rule['basis_points']) / 100:.2f}"}
    elif rule.get("cents"):
        fee = _("fee: %(amount)s") % {"amount": format_money(int(rule["cents"]))}
    else:
        fee = _("no fee")
    return f"{method_label(method)} ({fee})"
