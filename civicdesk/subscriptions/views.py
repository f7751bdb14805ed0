"""Follow a request, confirm a follow, and the signed-in person's notification preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.ids import normalize_public_id
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.throttle.services import client_ip

from . import services
from .forms import CodeForm, FollowForm, PhoneForm, PreferencesForm
from .models import Follow


def _get_followable_request(public_id: str) -> ServiceRequest:
    """A request the public may see (and so follow); 404 for unknown and private ones."""
    canonical = normalize_public_id(public_id)
    found = (ServiceRequest.objects.public().select_related("service_type", "status", "jurisdiction")
             .filter(public_id=canonical).first()) if canonical else None
    if found is None:
        raise Http404(_("No request has that tracking number."))
    return found


def _get_own_follow(request, pk: int) -> Follow:
    """A follow the signed-in person may end (theirs, or of their verified email); 404 otherwise."""
    follow = services.follows_of(request.user).filter(pk=pk).first()
    if follow is None:
        raise Http404(_("You do not follow that request."))
    return follow


def follow(request, public_id: str):
    """Follow a public request: at once when signed in, else by email with a confirmation link."""
    service_request = _get_followable_request(public_id)
    if request.user.is_authenticated:
        if request.method == "POST":
            created = services.follow_as_user(service_request, request.user)[1]
            messages.success(request, _("You now follow this request: we will tell you when it changes.") if created
                             else _("You already follow this request."))
        return redirect(service_request.get_absolute_url())
    form = FollowForm(request.POST or None, auto_id="follow_%s")
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        services.follow_by_email(service_request, email, language=request.LANGUAGE_CODE)
        return render(request, "subscriptions/follow_sent.html", {"sr": service_request, "email": email.lower()})
    return render(request, "subscriptions/follow.html", {"sr": service_request, "form": form},
                  status=400 if form.errors else 200)


def confirm_follow(request, token: str):
    """The link in the confirmation email: a page with one button (mail scanners only ever GET)."""
    found = services.follow_from_token(token)
    if found is None or not found.request.is_publicly_visible():
        return render(request, "subscriptions/confirm_failed.html", status=400)
    if request.method == "POST":
        services.confirm_follow(found)
        messages.success(request, _("Thank you: you will get an email when this request changes."))
        return redirect(found.request.get_absolute_url())
    return render(request, "subscriptions/confirm_follow.html", {"follow": found, "sr": found.request})


@require_POST
@login_required
def unfollow(request, pk: int):
    found = _get_own_follow(request, pk)
    services.unfollow(found, user=request.user)
    messages.success(request, _("You no longer follow request %s.") % found.request.public_id)
    if request.POST.get("next") == "request":
        return redirect(found.request.get_absolute_url())
    return redirect("subscriptions:preferences")


def _preferences_page(request, *, form=None, phone_form=None, code_form=None, status=200):
    preference = services.preference_for(request.user)
    pending = services.pending_verification(request.user)
    return render(request, "subscriptions/preferences.html", {
        "preference": preference,
        "form": form or PreferencesForm(initial={"channels": preference.channels, "language": preference.language}),
        "phone_form": phone_form or PhoneForm(),
        "code_form": code_form or CodeForm(),
        "pending": pending,
        "follows": services.follows_of(request.user),
    }, status=status)


@login_required
def preferences(request):
    """How the person wants to hear from us, their mobile number, and the requests they follow."""
    if request.method != "POST":
        return _preferences_page(request)
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            services.save_preferences(request.user, **form.cleaned_data)
        except services.PreferenceError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("subscriptions:preferences")
    return _preferences_page(request, form=form, status=400)


@require_POST
@login_required
def add_phone(request):
    phone_form = PhoneForm(request.POST)
    if phone_form.is_valid():
        try:
            services.start_phone_verification(request.user, phone_form.cleaned_data["phone"],
                                              client=client_ip(request))
        except services.PreferenceLimited as exc:
            phone_form.add_error("phone", str(exc))
            response = _preferences_page(request, phone_form=phone_form, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except services.PreferenceError as exc:
            phone_form.add_error("phone", str(exc))
        else:
            messages.success(request, _("We have texted you a code. Enter it below to confirm your number."))
            return redirect("subscriptions:preferences")
    return _preferences_page(request, phone_form=phone_form, status=400)


@require_POST
@login_required
def confirm_phone(request):
    code_form = CodeForm(request.POST)
    if code_form.is_valid():
        try:
            services.confirm_phone(request.user, code_form.cleaned_data["code"])
        except services.PreferenceError as exc:
            code_form.add_error("code", str(exc))
        else:
            messages.success(request, _("Your mobile number is confirmed. You can now choose text messages."))
            return redirect("subscriptions:preferences")
    return _preferences_page(request, code_form=code_form, status=400)


@require_POST
@login_required
def remove_phone(request):
    try:
        services.remove_phone(request.user)
    except services.PreferenceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("We have removed your mobile number."))
    return redirect("subscriptions:preferences")
