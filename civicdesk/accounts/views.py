"""Accounts: sign up, verify email, sign in (with staff two-factor) and out, my requests, password reset and
change, email change, closing an account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.throttle.services import Limit, RateLimited, check, client_ip

from . import hooks, services, two_factor
from .forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EmailChangeForm,
    LockoutAuthenticationForm,
    PasswordResetRequestForm,
    ResetPasswordForm,
    SignUpForm,
    TwoFactorCodeForm,
    lockout_message,
)


def _limited(response, exc: RateLimited):
    response["Retry-After"] = str(exc.retry_after)
    return response


def signup(request):
    """Create an account and email a confirmation link; the answer is "check your email" whether or not the
    address already had an account (its holder gets an email saying so instead), so the page never tells
    anyone who has an account here."""
    form = SignUpForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        client = client_ip(request)
        email = form.cleaned_data["email"]
        try:
            check(Limit(f"signup:client:{client}", settings.SIGNUPS_PER_CLIENT_PER_HOUR, 3600),
                  message=_("Too many accounts have been created from this connection in the last hour. "
                            "Please try again later."))
        except RateLimited as exc:
            form.add_error(None, exc.message)
            return _limited(render(request, "accounts/signup.html", {"form": form}, status=429), exc)
        try:
            # Counted, but never refused here: a refusal would only come for an address with an account.
            check(*services.email_limits(email, client))
        except RateLimited:
            send = None
        else:
            send = services.send_account_exists_email if form.existing_account else services.send_verification_email
        if form.existing_account:
            if send is not None:
                transaction.on_commit(lambda: send(email))
        else:
            with transaction.atomic():
                user = form.save()
                if send is not None:
                    transaction.on_commit(lambda: send(user))
        request.session["signup_email"] = email
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


def signup_sent(request):
    """"Check your email": the same page after every sign-up, new address or not."""
    return render(request, "accounts/signup_sent.html", {"email": request.session.get("signup_email", "")})


def verify(request, token: str):
    user = services.verify_email(token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("accounts:my_requests" if request.user.is_authenticated else "accounts:login")


@login_required
def resend_verification(request):
    if request.method == "POST" and not request.user.is_email_verified:
        try:
            check(*services.email_limits(request.user.email, client_ip(request)), message=_(
                "We have sent several confirmation emails already. Check your spam folder, or wait an hour "
                "and ask again."))
        except RateLimited as exc:
            return _limited(render(request, "limited.html", {
                "message": exc.message, "back_url": reverse("accounts:my_requests"),
                "back_label": _("Back to my requests")}, status=429), exc)
        services.send_verification_email(request.user)
        messages.success(request, _("We have sent the confirmation link again."))
    return redirect("accounts:my_requests")


@login_required
def my_requests(request):
    """The signed-in resident's own requests, newest first."""
    queryset = ServiceRequest.objects.filter(reporter=request.user).select_related("service_type", "status")
    page = Paginator(queryset.order_by("-requested_at"), 20).get_page(request.GET.get("page"))
    return render(request, "accounts/my_requests.html", {"page": page})


class BadRequestWhenInvalid:
    """For Django's form views: a form sent back with errors answers 400, as every form of ours does."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(auth_views.LoginView):
    """Password sign-in; staff then continue to the two-factor step before `next`."""

    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        if two_factor.awaiting_verification(request.user):
            return redirect(self._two_factor_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # Other ways to sign in (e.g. the city's single sign-on), registered by apps above accounts.
        return {**super().get_context_data(**kwargs), "sign_in_options": hooks.options_for(self.request)}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        codes = {error.code for error in form.errors.as_data().get("__all__", [])}
        if codes & {"locked", "limited"}:
            # Too many attempts: 429, so scripts and proxies see a refusal rather than a wrong password.
            response.status_code = 429
            response["Retry-After"] = str(getattr(form, "retry_after", settings.SIGN_IN_LOCKOUT_MINUTES * 60))
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        if two_factor.needs_two_factor(self.request.user):
            return redirect(self._two_factor_url())
        return response

    def _two_factor_url(self) -> str:
        return reverse("accounts:two_factor") + "?" + urlencode({"next": self.get_success_url()})


@never_cache
@login_required
def two_factor_step(request):
    """The second sign-in step for staff: enrol an authenticator app on first sign-in, else enter a code."""
    user = request.user
    next_url = two_factor.safe_next(request, reverse("staff:queues"))
    if not two_factor.needs_two_factor(user) or user.is_verified():
        return redirect(next_url)
    if two_factor.confirmed_totp_device(user) is None:
        return _enrol(request, next_url)
    return _verify(request, next_url)


def _locked_out(request, template: str, context: dict):
    lockout = two_factor.lockout_for(two_factor.otp_key(request.user))
    if lockout is None:
        return None
    return render(request, template, {**context, "locked": lockout_message(lockout)}, status=429)


def _enrol(request, next_url: str):
    device = two_factor.pending_totp_device(request.user)
    context = {"next": next_url, "secret": two_factor.base32_secret(device), "qr_svg": two_factor.qr_svg(device)}
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST":
        refused = _locked_out(request, "accounts/two_factor_enrol.html", {**context, "form": form})
        if refused:
            return refused
        if form.is_valid():
            codes = two_factor.confirm_enrolment(device, form.cleaned_data["token"])
            if codes is not None:
                _complete_sign_in(request, device)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
            if _record_wrong_code(request, form):
                return _locked_out(request, "accounts/two_factor_enrol.html", {**context, "form": form})
    return render(request, "accounts/two_factor_enrol.html", {**context, "form": form},
                  status=400 if form.errors else 200)


def _verify(request, next_url: str):
    form = TwoFactorCodeForm(request.POST or None, allow_recovery=True)
    context = {"next": next_url, "form": form}
    if request.method == "POST":
        refused = _locked_out(request, "accounts/two_factor_verify.html", context)
        if refused:
            return refused
        if form.is_valid():
            device = two_factor.match_code(request.user, form.cleaned_data["token"])
            if device is not None:
                _complete_sign_in(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(request, _("You signed in with a recovery code; it cannot be used again."))
                return redirect(next_url)
            if _record_wrong_code(request, form):
                return _locked_out(request, "accounts/two_factor_verify.html", context)
    return render(request, "accounts/two_factor_verify.html", context, status=400 if form.errors else 200)


def _complete_sign_in(request, device) -> None:
    """Mark the session verified by `device`, under a new session key (the session just gained privileges)."""
    two_factor.clear_failures(two_factor.otp_key(request.user))
    request.session.cycle_key()
    otp_login(request, device)


def _record_wrong_code(request, form) -> bool:
    """Count a wrong code; True when this failure locked the step."""
    locked = two_factor.record_failure(two_factor.otp_key(request.user), user=request.user) is not None
    if not locked:
        form.add_error("token", _("That code is not right. Check the time on your phone and try the newest code."))
    return locked


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("core:home")


# --- password reset (Django's views, our forms, templates and sending) ----------------------------

class PasswordResetView(BadRequestWhenInvalid, auth_views.PasswordResetView):
    """Ask for a reset link; the answer is the same whether or not the address has an account."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            with transaction.atomic():
                services.request_password_reset(form.cleaned_data["email"], client=client_ip(self.request))
        except RateLimited as exc:
            form.add_error(None, exc.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(BadRequestWhenInvalid, auth_views.PasswordResetConfirmView):
    """Choose a new password from the emailed link. Staff with an authenticator app give a code too;
    afterwards everyone signs in again, staff through the two-factor step as always."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends a lockout earned with the old one; the two-factor lockout stays.
        two_factor.clear_password_failures(form.user.email)
        services.log_account(form.user, "user.password_reset",
                             data={"second_factor_checked": getattr(form, "needs_code", False)})
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(BadRequestWhenInvalid, auth_views.PasswordChangeView):
    """Change the password while signed in (keeps this session signed in, ends the others)."""

    template_name = "accounts/password_change_form.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.log_account(self.request.user, "user.password_changed")
        messages.success(self.request, _("Your password is changed."))
        return response


# --- account settings: email change, closing the account ----------------------------------------

@login_required
def account_settings(request):
    """What a signed-in person can change about their account."""
    return render(request, "accounts/settings.html", {"can_close": services.can_close_own_account(request.user)})


@login_required
def email_change(request):
    """Ask to change the sign-in address: confirmed from the new address, announced to the old one."""
    form = EmailChangeForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.start_email_change(request.user, form.cleaned_data["email"],
                                                client=client_ip(request))
            except RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                return render(request, "accounts/email_change_sent.html", {"new_email": form.cleaned_data["email"]})
        else:
            status = 400
    return render(request, "accounts/email_change_form.html", {"form": form}, status=status)


def email_change_confirm(request, token: str):
    """The link from the new address: a button (so a mail scanner opening the link changes nothing)."""
    try:
        user, new_email = services.email_change_target(token)
        if request.method == "POST":
            user = services.confirm_email_change(token)
            messages.success(request, _("Your email address is now %(email)s.") % {"email": user.email})
            return redirect("accounts:settings" if request.user.is_authenticated else "accounts:login")
    except services.EmailChangeFailed as exc:
        return render(request, "accounts/email_change_failed.html", {"reason": str(exc)}, status=400)
    return render(request, "accounts/email_change_confirm.html", {"new_email": new_email})


@login_required
def delete_account(request):
    """Close a resident's own account after re-entering the password; staff are sent to an administrator."""
    if not services.can_close_own_account(request.user):
        return render(request, "accounts/delete_account_staff.html", status=403)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.close_account(request.user)
        logout(request)
        messages.success(request, _("Your account is closed. Your reports stay, without your name or contact "
                                    "details."))
        return redirect("core:home")
    return render(request, "accounts/delete_account.html", {"form": form}, status=400 if form.errors else 200)
