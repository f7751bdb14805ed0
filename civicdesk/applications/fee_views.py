"""Fee pages: the applicant pays the fee online (payments' checkout, the provider's hosted page), staff waive it."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.payments import services as payments
from civicdesk.payments.forms import method_choice_label
from civicdesk.payments.models import BillKindPolicy
from civicdesk.payments.providers import get_provider
from civicdesk.throttle.services import RateLimited, client_ip

from . import access, fees
from .services import ApplicationError
from .staff_views import _form_act
from .views import _limited


class PayFeeForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("How do you want to pay?"), widget=forms.RadioSelect)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, methods: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = methods
        if len(methods) == 1:
            self.fields["method"].initial = methods[0][0]
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def clean_idempotency_key(self):
        key = self.cleaned_data["idempotency_key"]
        if not re.fullmatch(r"[0-9a-f]{32}", key):
            raise forms.ValidationError(_("This form has expired. Please start again."))
        return key


class WaiveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is the fee waived? (the applicant reads this)"),
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}))


@login_required
def pay(request, pk: int):
    """The applicant's pay page: the amount and how to pay; posting it goes to the provider's page."""
    application = access.get_application_for_applicant(request.user, pk)
    if not fees.fee_outstanding(application):
        return redirect(application.get_absolute_url())
    try:
        bill = fees.bill_for(application)
    except ApplicationError:
        return redirect(application.get_absolute_url())
    policy = BillKindPolicy.for_account(bill.account)
    methods = [(method, method_choice_label(method, policy)) for method in get_provider().methods]
    form = PayFeeForm(request.POST or None, methods=methods)
    if request.method == "POST" and form.is_valid():
        try:
            _payment, url = fees.start_fee_payment(
                application, user=request.user, method=form.cleaned_data["method"],
                idempotency_key=form.cleaned_data["idempotency_key"], client=client_ip(request),
                language=translation.get_language() or "en")
        except RateLimited as exc:
            return _limited(request, exc, application.get_absolute_url())
        except payments.PaymentRefused as exc:
            form.add_error("method" if exc.field == "method" else None, exc.message)
        except ApplicationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            return redirect(url)
    return render(request, "applications/pay.html", {"application": application, "bill": bill, "form": form,
                                                     "owed_cents": bill.balance_cents()})


@login_required
@require_POST
def waive(request, pk: int):
    """Staff who may decide the application waive its unpaid fee, with a reason (audited)."""
    return _form_act(request, pk, "decide", WaiveForm, _("Give the reason for waiving the fee."),
                     lambda a, data: fees.waive(a, user=request.user, reason=data["reason"]),
                     _("Fee waived; the applicant has been told."))
