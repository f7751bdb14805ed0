"""Staff sessions: send unverified staff to the code step, and end idle staff sessions early."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import two_factor

#: When the staff session last made a request (seconds since the epoch).
LAST_SEEN_SESSION_KEY = "staff_last_seen"


def two_factor_url(next_url: str) -> str:
    """The two-factor step, coming back to `next_url` afterwards."""
    return reverse("accounts:two_factor") + "?" + urlencode({"next": next_url})


class StaffSessionMiddleware:
    """Runs after django-otp's OTPMiddleware.

    A staff session idle for more than STAFF_SESSION_IDLE_MINUTES is signed
    out (residents keep SESSION_COOKIE_AGE); `two_factor.VerificationRequired`
    raised by an access helper becomes a redirect to the two-factor step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if two_factor.needs_two_factor(request.user):
            idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            if last_seen is not None and now - last_seen > idle_limit:
                logout(request)
                messages.info(request, _("You were signed out after %(minutes)d minutes without activity. "
                                         "Please sign in again.") % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES})
                login_url = reverse("accounts:login")
                if request.path == login_url:
                    return self.get_response(request)
                return redirect(login_url + "?" + urlencode({"next": request.get_full_path()}))
            # Writing the session costs a query, so the mark moves at most once a minute.
            if last_seen is None or now - last_seen >= 60:
                request.session[LAST_SEEN_SESSION_KEY] = now
                # The cookie expires with the idle limit too, so a closed browser does not keep the session.
                request.session.set_expiry(idle_limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, two_factor.VerificationRequired):
            return redirect(two_factor_url(request.get_full_path()))
        return None
