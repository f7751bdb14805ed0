"""The admin site, opened to staff only once they have passed two-factor sign-in."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class StaffAdminSite(AdminSite):
    """Django's admin, refusing staff who still owe their two-factor code (as django-otp's OTPAdminSite does).

    Its login page sends people to the site's own sign-in (with its lockout), and staff who still owe
    their code to the code step.
    """

    def has_permission(self, request) -> bool:
        # Imported here: settings load this module (for StaffAdminConfig) before the models are ready.
        from . import two_factor

        return super().has_permission(request) and not two_factor.awaiting_verification(request.user)

    def login(self, request, extra_context=None):
        from . import two_factor

        next_url = two_factor.safe_next(request, reverse("admin:index", current_app=self.name))
        if not request.user.is_authenticated:
            # One sign-in form for everybody, so the password lockout cannot be sidestepped here.
            return redirect(reverse("accounts:login") + "?" + urlencode({"next": next_url}))
        if two_factor.awaiting_verification(request.user):
            return redirect(reverse("accounts:two_factor") + "?" + urlencode({"next": next_url}))
        return super().login(request, extra_context)


class StaffAdminConfig(AdminConfig):
    """Installs StaffAdminSite as `django.contrib.admin.site`, so every app's registrations land on it."""

    default_site = "civicdesk.accounts.admin_site.StaffAdminSite"
