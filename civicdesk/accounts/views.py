"""Resident accounts: sign up, verify email, sign in and out, my requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from civicdesk.servicerequests.models import ServiceRequest

from . import services
from .forms import EmailAuthenticationForm, SignUpForm


def signup(request):
    form = SignUpForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            transaction.on_commit(lambda: services.send_verification_email(user))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! We have sent you an email: follow its link to confirm your address."))
        return redirect("accounts:my_requests")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


def verify(request, token: str):
    user = services.verify_email(token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("accounts:my_requests" if request.user.is_authenticated else "accounts:login")


@login_required
def resend_verification(request):
    if request.method == "POST" and not request.user.is_email_verified:
        services.send_verification_email(request.user)
        messages.success(request, _("We have sent the confirmation link again."))
    return redirect("accounts:my_requests")


@login_required
def my_requests(request):
    """The signed-in resident's own requests, newest first."""
    queryset = ServiceRequest.objects.filter(reporter=request.user).select_related("service_type", "status")
    page = Paginator(queryset.order_by("-requested_at"), 20).get_page(request.GET.get("page"))
    return render(request, "accounts/my_requests.html", {"page": page})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("core:home")
