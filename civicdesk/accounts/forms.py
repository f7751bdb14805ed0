"""Sign-up and sign-in forms: residents and staff, plus the two-factor code step."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _

from civicdesk.lib import phones
from civicdesk.throttle.services import Limit, RateLimited, check, client_ip, usage

from . import hooks, two_factor
from .models import User


class SignUpForm(forms.ModelForm):
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "new-password"}),
                               help_text=_("At least 10 characters; not a common password."))

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "language"]
        widgets = {
            "first_name": forms.TextInput(attrs={"class": "usa-input", "autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"class": "usa-input", "autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"class": "usa-input", "autocomplete": "tel", "type": "tel"}),
            "language": forms.Select(attrs={"class": "usa-select"}),
        }

    def clean_phone(self) -> str:
        """The number as it is stored (E.164), or a message saying why it cannot be a phone number."""
        try:
            return phones.normalise(self.cleaned_data.get("phone", ""))
        except phones.PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_email(self):
        # Whether the address already has an account is never said here (that would tell anyone who has an
        # account): the sign-up view answers "check your email" either way and tells the holder by email.
        return self.cleaned_data["email"].strip().lower()

    def _post_clean(self):
        # The model's unique check would say "User with this email already exists": see clean_email().
        email = self.cleaned_data.get("email")
        if email and User.objects.filter(email__iexact=email).exists():
            self.existing_account = True
            self.instance.email = email
            return
        self.existing_account = False
        super()._post_clean()

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            candidate = User(email=data.get("email", ""), first_name=data.get("first_name", ""),
                             last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(
        attrs={"class": "usa-input", "autocomplete": "email", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"class": "usa-input", "autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("That email and password do not match an account. Check them and try again."),
        "inactive": _("This account is not active."),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case; phone keyboards capitalise the first letter.
        return self.cleaned_data["username"].lower()


def lockout_message(lockout: two_factor.Lockout) -> str:
    """What a locked-out person reads: why, and the local time when they may try again."""
    return gettext("Too many failed attempts. For your security, signing in is paused until %(time)s; "
             "try again then.") % {"time": date_format(timezone.localtime(lockout.until), "TIME_FORMAT")}


class LockoutAuthenticationForm(EmailAuthenticationForm):
    """The sign-in form, refusing an email from one client address after SIGN_IN_MAX_FAILURES wrong passwords
    from there in the lockout window, and any sign-in from a client address that got
    SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR passwords wrong this hour, whatever accounts it named."""

    def clean(self):
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return super().clean()
        client = client_ip(self.request) if self.request is not None else "unknown"
        per_client = Limit(f"signin-fail:client:{client}", settings.SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR, 3600)
        if settings.RATE_LIMITS_ENABLED and per_client.limit and usage(per_client) >= per_client.limit:
            self.retry_after = 3600
            raise forms.ValidationError(gettext(
                "Too many failed sign-ins from this connection. Please wait an hour and try again."), code="limited")
        key = two_factor.password_key(email, client)
        lockout = two_factor.lockout_for(key)
        if lockout is not None:
            raise forms.ValidationError(lockout_message(lockout), code="locked")
        try:
            data = super().clean()
        except forms.ValidationError:
            try:
                check(per_client)
            except RateLimited:
                pass
            lockout = two_factor.record_failure(key)
            if lockout is not None:
                raise forms.ValidationError(lockout_message(lockout), code="locked") from None
            raise
        two_factor.clear_failures(key)
        # The password was right; an app above may still close password sign-in to this person (single sign-on).
        refusal = hooks.password_refusal(self.get_user(), self.request)
        if refusal:
            raise forms.ValidationError(refusal, code="password_off")
        return data


class TwoFactorCodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (when `allow_recovery`) a recovery code."""

    token = forms.CharField(label=_("6-digit code"), max_length=32, strip=True, widget=forms.TextInput(
        attrs={"class": "usa-input", "autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}))

    def __init__(self, *args, allow_recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_recovery:
            self.fields["token"].help_text = _("Lost your phone? Enter one of your recovery codes instead; "
                                               "each works only once.")
        else:
            self.fields["token"].widget.attrs["inputmode"] = "numeric"


def _styled(form: forms.Form) -> None:
    """Give Django's own auth forms our USWDS input classes."""
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "usa-input")


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a reset link. Sending is done by services.request_password_reset (queued, throttled)."""

    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(
        attrs={"class": "usa-input", "autocomplete": "email"}),
        help_text=_("The address you signed up with."))


class ResetPasswordForm(SetPasswordForm):
    """Choose a new password from a reset link. Staff with an authenticator app must also give a code,
    so a stolen mailbox alone cannot take over a staff account; the reset never removes the second factor."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        _styled(self)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
        self.needs_code = user is not None and two_factor.confirmed_totp_device(user) is not None
        # Staff who have not set up their authenticator yet would enrol a new one at the next sign-in:
        # a mailbox alone must not be enough to take such an account, so an administrator resets it.
        self.refused = user is not None and not self.needs_code and two_factor.needs_two_factor(user)
        if self.needs_code:
            self.fields["code"] = forms.CharField(
                label=_("6-digit code from your authenticator app"), max_length=32, strip=True,
                help_text=_("Or one of your recovery codes; each works only once."),
                widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "one-time-code",
                                              "spellcheck": "false"}))

    def clean(self):
        if self.refused:
            raise forms.ValidationError(_("Staff accounts without two-factor sign-in cannot be reset by email. "
                                          "Ask an administrator to reset your password."), code="staff")
        data = super().clean()
        # Checked last, so a recovery code (or this minute's code) is not used up by a password typo.
        if self.needs_code and not self.errors:
            try:
                self._check_code(data.get("code", ""))
            except forms.ValidationError as exc:
                self.add_error("code", exc)
        return data

    def _check_code(self, code: str) -> None:
        key = two_factor.otp_key(self.user)
        lockout = two_factor.lockout_for(key)
        if lockout is not None:
            raise forms.ValidationError(lockout_message(lockout), code="locked")
        if two_factor.match_code(self.user, code) is None:
            lockout = two_factor.record_failure(key, user=self.user)
            if lockout is not None:
                raise forms.ValidationError(lockout_message(lockout), code="locked")
            raise forms.ValidationError(_("That code is not right. Check the time on your phone and try the "
                                          "newest code."), code="wrong_code")
        two_factor.clear_failures(key)


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class _PasswordCheckMixin:
    """A form that asks for the account's current password before a sensitive change."""

    user: User

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password. Check it and try again."),
                                        code="wrong_password")
        return password


def _current_password_field() -> forms.CharField:
    return forms.CharField(label=_("Your current password"), strip=False, widget=forms.PasswordInput(
        attrs={"class": "usa-input", "autocomplete": "current-password"}))


class EmailChangeForm(_PasswordCheckMixin, forms.Form):
    """A new sign-in address; it takes effect once the link sent to it is followed."""

    email = forms.EmailField(label=_("New email address"), max_length=254, widget=forms.EmailInput(
        attrs={"class": "usa-input", "autocomplete": "email"}))
    password = _current_password_field()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError(_("This is already your email address."), code="same")
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Another account already uses this email address."), code="taken")
        return email


class DeleteAccountForm(_PasswordCheckMixin, forms.Form):
    password = _current_password_field()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
