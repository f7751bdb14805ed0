"""Pages to subscribe to area alerts, confirm by email, and change or stop a subscription."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from civicdesk.jurisdictions.models import District, Jurisdiction

from . import services
from .forms import AreaForm, SubscribeForm
from .models import AreaSubscription


def _get_subscription(token: str) -> AreaSubscription:
    """The subscription a manage link names; 404 for anything else (the token is the only key)."""
    subscription = AreaSubscription.objects.select_related("district").filter(token=token).first()
    if subscription is None:
        raise Http404(_("This link is not valid. Use the newest link from one of our emails."))
    return subscription


def _map_areas() -> list[dict]:
    areas = [{"name": j.name, "kind": "jurisdiction", "geojson": j.boundary}
             for j in Jurisdiction.objects.filter(is_active=True).only("name", "boundary")]
    areas += [{"name": d.name, "kind": "district", "geojson": d.boundary}
              for d in District.objects.only("name", "boundary")]
    return areas


def _add_refusal(form, exc: services.SubscriptionRefused) -> None:
    for field, problems in exc.errors.items():
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


def subscribe(request):
    """Subscribe to alerts for an area; a confirmation email unless the person is signed in and verified."""
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid() and "area" in form.cleaned_data:
            try:
                subscription = services.subscribe(email=form.cleaned_data["email"], area=form.cleaned_data["area"],
                                                  user=user, language=translation.get_language() or "",
                                                  **form.choices())
            except services.SubscriptionRefused as exc:
                _add_refusal(form, exc)
            else:
                if subscription.is_confirmed():
                    messages.success(request, _("Your area alert is on. We will email %(email)s.")
                                     % {"email": subscription.email})
                    return redirect("alerts:manage", subscription.token)
                return redirect("alerts:sent")
    else:
        form = SubscribeForm(initial={"email": user.email if user else ""})
    return render(request, "alerts/subscribe.html", {"form": form, "areas": _map_areas()})


def sent(request):
    return render(request, "alerts/sent.html")


def confirm(request, code: str):
    """The link in the confirmation email: shows a button (mail scanners follow links, they do not post)."""
    subscription = services.subscription_for_confirm_code(code)
    if subscription is None:
        return render(request, "alerts/confirm.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            services.confirm(subscription)
        except services.SubscriptionRefused as exc:
            return render(request, "alerts/confirm.html", {"subscription": subscription,
                                                           "errors": [m for ms in exc.errors.values() for m in ms]})
        messages.success(request, _("Thank you: your area alert is confirmed."))
        return redirect("alerts:manage", subscription.token)
    return render(request, "alerts/confirm.html", {"subscription": subscription})


def manage(request, token: str):
    """Change or stop a subscription, from the link in any of its emails."""
    subscription = _get_subscription(token)
    if request.method == "POST" and request.POST.get("action") == "stop":
        services.stop(subscription)
        messages.success(request, _("Your area alert is stopped. You will get no more emails from it."))
        return redirect("alerts:manage", subscription.token)
    if request.method == "POST":
        form = AreaForm(request.POST)
        if form.is_valid() and "area" in form.cleaned_data:
            try:
                services.change(subscription, area=form.cleaned_data["area"], **form.choices())
            except services.SubscriptionRefused as exc:
                _add_refusal(form, exc)
            else:
                messages.success(request, _("Your area alert is saved."))
                return redirect("alerts:manage", subscription.token)
    else:
        form = AreaForm(initial=AreaForm.initial_for(subscription))
    return render(request, "alerts/manage.html", {"form": form, "subscription": subscription,
                                                  "areas": _map_areas()})


def mine(request, code: str):
    """Every area alert of one address, from the signed link in alert emails."""
    email = services.email_for_my_alerts_code(code)
    if email is None:
        return render(request, "notifications/link_expired.html", status=404)
    subscriptions = AreaSubscription.objects.filter(email=email).select_related("district").order_by("-created_at")
    return render(request, "alerts/mine.html", {"email": email, "subscriptions": subscriptions})
