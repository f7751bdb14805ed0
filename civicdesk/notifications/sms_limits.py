"""What a text message may cost the city: the staff-set SMS budget, per-number limits and the country allow-list.

The sending loop (`sending.send_claimed`) asks `admit()` before every text, whoever queued it, so no caller
can forget: a number the city must never text fails at once (never sent, never retried), and a text over the
hourly budget or over the per-number limit waits in the queue for the next hour. Callers that talk to a
resident (phone verification) ask `refusal_for()` and `budget_left()` first, to answer in words at once.
"""

from __future__ import annotations

import datetime as dt

from civicdesk.lib import phones
from civicdesk.throttle import services as limiter
from civicdesk.throttle.services import Limit, RateLimited, check, usage

from .models import SmsPolicy

HOUR = 3600
GLOBAL_KEY = "sms:global"


def global_limit(policy: SmsPolicy | None = None) -> Limit:
    """The budget of texts per hour, all numbers together."""
    policy = policy or SmsPolicy.current()
    return Limit(GLOBAL_KEY, policy.hourly_budget, HOUR)


def number_limit(number: str, policy: SmsPolicy | None = None) -> Limit:
    """The texts per hour to one number (E.164)."""
    policy = policy or SmsPolicy.current()
    return Limit(f"sms:number:{number}", policy.per_number_per_hour, HOUR)


def refusal_for(raw: str, policy: SmsPolicy | None = None) -> phones.SmsRefusal | None:
    """Why the city may not text `raw` under the current policy's countries, or None when it may."""
    policy = policy or SmsPolicy.current()
    return phones.sms_refusal(raw, regions=policy.country_set())


def sent_this_hour(*, now: dt.datetime | None = None) -> int:
    """Texts counted against the budget in the current hour (what the admin shows beside the budget)."""
    return usage(Limit(GLOBAL_KEY, 1, HOUR), now=now)


def budget_left(*, now: dt.datetime | None = None, policy: SmsPolicy | None = None) -> int:
    """Texts the budget still allows this hour (never below 0)."""
    policy = policy or SmsPolicy.current()
    return max(0, policy.hourly_budget - sent_this_hour(now=now))


class SmsHeld(Exception):
    """The text must wait until `until`: the budget or the number's hourly limit is used up."""

    def __init__(self, reason: str, until: dt.datetime):
        super().__init__(reason)
        self.reason = reason
        self.until = until


def admit(number: str, *, now: dt.datetime | None = None) -> phones.SmsRefusal | None:
    """Count one text to `number` against the budget and its per-number limit.

    Returns a refusal when the number may never be texted (nothing is counted), raises SmsHeld when the
    text must wait for the next hour, and returns None when it may go now.
    """
    now = now or limiter.clock()
    policy = SmsPolicy.current()
    refusal = refusal_for(number, policy)
    if refusal is not None:
        return refusal
    start = global_limit(policy).window_start(now)
    next_hour = start + dt.timedelta(seconds=HOUR)
    if policy.hourly_budget == 0:
        raise SmsHeld("The SMS budget is 0 texts per hour: texts wait until staff raise it.", next_hour)
    try:
        check(global_limit(policy), number_limit(number, policy), now=now)
    except RateLimited as exc:
        what = "hourly SMS budget" if exc.limit.key == GLOBAL_KEY else "hourly limit of texts to this number"
        raise SmsHeld(f"Held: the {what} is used up; sent in the next hour.",
                      now + dt.timedelta(seconds=exc.retry_after)) from None
    return None
