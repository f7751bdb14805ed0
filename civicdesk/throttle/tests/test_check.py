"""throttle.services.check(): fixed windows shared through the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory, override_settings

from civicdesk.throttle.models import RateCounter
from civicdesk.throttle.services import Limit, RateLimited, check, client_ip, purge_expired, usage

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 4, 14, 0, 5, tzinfo=dt.timezone.utc)


def test_it_allows_up_to_the_limit_then_refuses_with_the_wait():
    lim = Limit("sms:dest:+12175550142", 3, 3600)
    for _ in range(3):
        check(lim, now=T0)
    with pytest.raises(RateLimited) as exc:
        check(lim, message="Too many codes to this number.", now=T0)
    assert exc.value.message == "Too many codes to this number."
    assert exc.value.limit == lim
    assert exc.value.retry_after == 3600 - 5
    assert usage(lim, now=T0) == 3


def test_it_counts_nothing_when_any_limit_is_full():
    per_target = Limit("vote:request:1", 1, 60)
    per_client = Limit("vote:client:203.0.113.9", 10, 60)
    check(per_target, per_client, now=T0)
    with pytest.raises(RateLimited) as exc:
        check(per_target, per_client, now=T0)
    assert exc.value.limit == per_target
    assert usage(per_client, now=T0) == 1


def test_it_starts_again_in_the_next_window():
    lim = Limit("signup:client:198.51.100.7", 1, 60)
    check(lim, now=T0)
    with pytest.raises(RateLimited):
        check(lim, now=T0 + dt.timedelta(seconds=50))
    check(lim, now=T0 + dt.timedelta(seconds=60))


def test_it_ignores_a_switched_off_limit():
    for _ in range(5):
        check(Limit("anything", 0, 60), now=T0)
    assert not RateCounter.objects.exists()


@override_settings(RATE_LIMITS_ENABLED=False)
def test_it_counts_nothing_when_rate_limits_are_switched_off():
    for _ in range(5):
        check(Limit("anything", 1, 60), now=T0)
    assert not RateCounter.objects.exists()


def test_it_purges_closed_windows_only():
    check(Limit("old", 5, 60), now=T0 - dt.timedelta(days=30))
    check(Limit("new", 5, 60), now=T0)
    assert purge_expired(now=T0) == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.parametrize(("remote", "forwarded", "proxies", "expected"), [
    ("203.0.113.9", "", 0, "203.0.113.9"),
    ("203.0.113.9", "6.6.6.6", 0, "203.0.113.9"),  # the header is ignored without a trusted proxy
    ("10.0.0.2", "6.6.6.6, 198.51.100.7", 1, "198.51.100.7"),  # a client-sent first hop is skipped
    ("10.0.0.2", "198.51.100.7, 10.0.0.1", 2, "198.51.100.7"),
    ("2001:db8:1:2:3:4:5:6", "", 0, "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.9", "", 0, "203.0.113.9"),
    ("not an address", "", 0, "unknown"),
])
def test_it_finds_the_client_address(remote, forwarded, proxies, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected
