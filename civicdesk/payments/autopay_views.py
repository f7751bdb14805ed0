"""Autopay pages: a linked account's autopay page (enrol, cancel, debits), the provider's return, the sandbox's
"save a bank account" page. Only the resident whose login is linked to the account sees its autopay page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from civicdesk.throttle.services import RateLimited, client_ip

from . import autopay
from .models import AutopayDebit, BillingAccount, SandboxCheckout
from .providers import ProviderError, get_provider


class EnrolForm(forms.Form):
    consent = forms.BooleanField(
        label=gettext_lazy("I have read the authorisation above and I agree to it."),
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
        error_messages={"required": gettext_lazy("Tick the box to agree to the autopay authorisation.")})


def _get_linked_account(request, pk: int) -> BillingAccount:
    """The account if the signed-in resident linked it; 404 otherwise (as for an account that does not exist)."""
    account = get_object_or_404(BillingAccount.objects.select_related("jurisdiction"), pk=pk)
    if not autopay.is_linked(request.user, account):
        raise Http404
    return account


def _limited(request, exc: RateLimited, account: BillingAccount):
    response = render(request, "limited.html", {"message": exc.message, "back_label": _("Back to autopay"),
                                                "back_url": reverse("payments:autopay", args=[account.pk])},
                      status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def autopay_page(request, pk: int):
    """A linked account's autopay: the mandate and its debits, or the authorisation to read and agree to."""
    account = _get_linked_account(request, pk)
    mandate = autopay.active_mandate(account)
    form = EnrolForm(request.POST if request.POST.get("action") == "enrol" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                if mandate is None:
                    messages.info(request, _("Autopay is not on for this account."))
                else:
                    autopay.cancel_mandate(mandate=mandate, user=request.user, client=client_ip(request))
                    messages.success(request, _("Autopay is cancelled. No more bills will be debited."))
                return redirect("payments:autopay", pk=account.pk)
            if request.POST.get("action") == "enrol" and form.is_valid():
                _setup, url = autopay.start_enrolment(
                    user=request.user, account=account, consent=form.cleaned_data["consent"],
                    client=client_ip(request), user_agent=request.headers.get("User-Agent", ""),
                    language=translation.get_language() or "en")
                return redirect(url)
        except RateLimited as exc:
            return _limited(request, exc, account)
        except autopay.AutopayRefused as exc:
            form.add_error(None, exc.message)
    debits = AutopayDebit.objects.filter(bill__account=account).select_related("bill", "payment")[:24]
    return render(request, "payments/autopay.html", {
        "account": account, "mandate": mandate, "form": form, "debits": debits,
        "mandate_text": autopay.mandate_text(account, translation.get_language() or "en")})


@login_required
def autopay_return(request, token: str):
    """Back from the provider's page: create the mandate when the method was saved, and say so."""
    setup = autopay.setup_for(request.user, token)
    if setup is None:
        raise Http404
    if request.GET.get("cancelled"):
        messages.info(request, _("Autopay was not set up. Nothing changed."))
        return redirect("payments:autopay", pk=setup.account_id)
    try:
        mandate = autopay.complete_enrolment(setup)
    except autopay.AutopayRefused as exc:
        messages.error(request, exc.message)
    except ProviderError:
        messages.error(request, _("The payment service is not available right now. Please try again later."))
    else:
        if mandate is None:
            messages.info(request, _("Autopay was not set up. Nothing changed."))
        else:
            messages.success(request, _("Autopay is on. You will be told before each debit."))
    return redirect("payments:autopay", pk=setup.account_id)


@require_http_methods(["GET", "POST"])
def sandbox_setup(request, session_id: str):
    """The sandbox provider's page that "saves a bank account" for autopay (works without JavaScript)."""
    if not get_provider("sandbox").is_configured():
        raise Http404
    setup = get_object_or_404(SandboxCheckout, session_id=session_id, amount_cents=0)
    if request.method == "POST":
        choice = request.POST.get("outcome", "")
        if setup.status == "open" and choice in ("save", "cancel"):
            setup.status = "succeeded" if choice == "save" else "cancelled"
            setup.method = "us_bank_account" if choice == "save" else ""
            setup.save(update_fields=["status", "method", "updated_at"])
        return redirect(setup.cancel_url if setup.status == "cancelled" else setup.success_url)
    return render(request, "payments/autopay_sandbox.html", {
        "setup": setup, "is_open": setup.status == "open",
        "outcomes": [("save", _("Save the sandbox bank account ending 6789")), ("cancel", _("Cancel and go back"))]})
