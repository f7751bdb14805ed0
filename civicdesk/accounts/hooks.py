"""Extension points for the sign-in page, filled by apps above accounts in their AppConfig.ready().

Accounts never imports those apps; it only calls what they registered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SignInOption:
    """Another way to sign in, shown as a button under the password form: `label` links to `url`."""

    label: str
    url: str


#: Callables (request) -> list[SignInOption]: the other ways to sign in offered right now (none when unconfigured).
sign_in_options: list[Callable] = []

#: Callables (user, request) -> str | None: a reason, in words the person understands, to refuse this user a
#: password sign-in although the password was right (e.g. their city signs staff in through single sign-on only).
password_sign_in_checks: list[Callable] = []


def options_for(request) -> list[SignInOption]:
    """Every registered sign-in option for this request, in registration order."""
    return [option for provider in sign_in_options for option in provider(request)]


def password_refusal(user, request) -> str | None:
    """The first registered reason to refuse `user` a password sign-in, or None when nothing objects."""
    for check in password_sign_in_checks:
        reason = check(user, request)
        if reason:
            return reason
    return None
