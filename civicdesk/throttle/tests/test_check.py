"""throttle.services.check(): fixed windows shared through the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
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


def test_it_counts_every_limit_in_one_statement(django_assert_num_queries):
    limits = [Limit("report:all", 100, 3600), Limit("report:client:203.0.113.40", 10, 3600)]
    with transaction.atomic():  # as a report's own transaction: no savepoint, one statement
        with django_assert_num_queries(1):
            check(*limits, now=T0)
    assert [usage(lim, now=T0) for lim in limits] == [1, 1]


def test_it_leaves_a_callers_transaction_usable_and_counts_nothing_after_a_refusal():
    full = Limit("comment:request:7", 1, 60)
    other = Limit("comment:client:203.0.113.41", 10, 60)
    check(full, now=T0)
    with transaction.atomic():
        with pytest.raises(RateLimited):
            check(full, other, now=T0)
        RateCounter.objects.create(key="written-after-the-refusal", window_start=T0, window_seconds=60, count=1)
    assert usage(full, now=T0) == 1 and usage(other, now=T0) == 0
    assert RateCounter.objects.filter(key="written-after-the-refusal").exists()


def test_it_counts_one_key_under_two_limits_and_takes_both_back_when_refused():
    hourly, daily = Limit("sms:dest:+12175550143", 100, 3600), Limit("sms:dest:+12175550143", 2, 86400)
    check(hourly, daily, now=T0)
    check(hourly, daily, now=T0)
    with pytest.raises(RateLimited) as exc:
        check(hourly, daily, now=T0)
    assert exc.value.limit == daily
    assert usage(hourly, now=T0) == 2 and usage(daily, now=T0) == 2


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


@pytest.mark.django_db(transaction=True)
def test_it_counts_exactly_and_never_deadlocks_when_many_processes_count_the_same_keys_at_once():
    """Eight connections count the same three keys, each naming them in its own order (a deadlock on
    PostgreSQL before the counters were taken in key order); every use is counted once and the limit holds."""
    import random
    import threading

    from django.db import connections

    keys = ["feedback:request:7", "feedback:client:127.0.0.1", "a-global-budget"]
    allowed, refused, errors = [], [], []
    start = threading.Barrier(8)

    def run(seed: int):
        shuffle = random.Random(seed)
        try:
            start.wait()
            for _ in range(10):
                order = keys[:]
                shuffle.shuffle(order)
                try:
                    check(*(Limit(key, 60 if key == "a-global-budget" else 1000, 3600) for key in order), now=T0)
                    allowed.append(1)
                except RateLimited:
                    refused.append(1)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert (len(allowed), len(refused)) == (60, 20)
    assert {key: usage(Limit(key, 1, 3600), now=T0) for key in keys} == {
        "feedback:request:7": 60, "feedback:client:127.0.0.1": 60, "a-global-budget": 60}


def test_it_starts_each_test_in_fresh_windows_so_a_minute_never_turns_mid_test():
    """The shared fixture `_rate_windows_open_with_the_test` (civicdesk/testing/fixtures.py): without a `now=`,
    the limiter's clock sits at the start of a UTC day, so every per-minute, hourly and daily window just opened."""
    from civicdesk.throttle import services

    now = services.clock()
    for seconds in (60, 3600, 86400):
        assert 0 <= (now - Limit("any", 1, seconds).window_start(now)).total_seconds() < 30
    lim = Limit("fresh-window", 2, 60)
    check(lim)
    check(lim)
    with pytest.raises(RateLimited) as refused:
        check(lim)
    assert refused.value.retry_after > 30
