"""pytest fixtures shared by every app's tests."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from civicdesk.lib import config_cache

from .world import World, build_world


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language.

    A request in Spanish leaves Spanish active in the thread; the next test's world would
    then store "Pothole" as the Spanish name and show an empty English one.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_rendered_page_kept_from_another_test():
    """Each test starts with no rendered public page kept (core/conditional.py). In production the
    configuration generation only grows, so an ETag never comes back with other contents; tests roll the
    database back, so two tests can build the same ETag over different data or settings."""
    from civicdesk.core.conditional import rendered_pages

    rendered_pages.clear()
    yield
    rendered_pages.clear()


@pytest.fixture(autouse=True)
def _rate_windows_open_with_the_test(monkeypatch):
    """Rate-limit windows are fixed and aligned to the epoch, so a test that fills a per-minute limit and
    expects the next call refused fails when a minute turns between its calls (about 1 run in 300 per such
    test; it happened in CI). The limiter's clock starts every test one second into a new UTC day, which
    opens a fresh window of every length that divides a day (a minute, an hour, the day), then runs with
    the real clock. Calls that pass `now=`, and tests travelling with time_machine, are unaffected."""
    import datetime as dt

    from django.utils import timezone

    from civicdesk.throttle import services as throttle

    now = timezone.now()
    next_day = dt.datetime.combine(now.astimezone(dt.UTC).date() + dt.timedelta(days=1), dt.time(0, 0, 1),
                                   tzinfo=dt.UTC)
    offset = next_day - now

    def aligned() -> dt.datetime:
        import time_machine

        return timezone.now() if time_machine.traveller_stack else timezone.now() + offset

    monkeypatch.setattr(throttle, "clock", aligned)


@pytest.fixture
def cached_configuration(settings):
    """Configuration from the per-process cache (lib/config_cache.py), as in production (tests turn it off by
    default). The change count is read by the first request only (in production once a second per process)."""
    settings.CONFIG_CACHE_SECONDS = 600
    settings.CONFIG_GENERATION_CHECK_SECONDS = 3600
    config_cache.clear()
    yield
    config_cache.clear()


@pytest.fixture
def world(db) -> World:
    """The shared test world (see civicdesk.testing.world)."""
    return build_world()


@pytest.fixture
def tworld(transactional_db) -> World:
    """The shared world for tests that need committed data (live server, worker).

    The flush after each transactional test removes what migrations seed (the
    default statuses); build_world() puts them back. Serialized rollback is not
    used anywhere: mixing it with plain transactional tests makes Django reload
    content types over rows that post_migrate already recreated.
    """
    return build_world()


def run_worker() -> None:
    """Run the real database task worker until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@dataclass
class Mailbox:
    """Messages received by the test SMTP server, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} email(s), got {len(self.messages)}")


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller

    box = Mailbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            with box.lock:
                box.messages.append(message)
            return "250 OK"

    # aiosmtpd 1.4 cannot start on port 0 (its self-check connects to the port it was given).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield box
    finally:
        controller.stop()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser, settings):
    """A fresh browser page (phone-sized) with map tiles switched off (no network here)."""
    settings.MAP_TILE_URL = ""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    try:
        yield pg
    finally:
        context.close()


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")  # not an empty, just-committed document after a click (see testing/axe.py)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"axe violations {context} on {page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad)


@pytest.fixture(scope="session")
def bench_sqlite_template(tmp_path_factory):
    """A migrated empty SQLite database that the benchmark smoke tests' databases are copied from
    (BENCH_SQLITE_TEMPLATE, read by bench/common.database_url): one migrate per test run instead of one per
    benchmark, each costing half a minute of CPU. Migrated as the benchmarks' workers run (bench/common.django_env)."""
    folder = tmp_path_factory.mktemp("bench-template")
    path = folder / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "CIVICDESK_VAR_DIR": str(folder / "var"),
           "CITY_PACK": "civicdesk.cities.default.DefaultCity", "DJANGO_SETTINGS_MODULE": "civicdesk.settings",
           "DEBUG": "false", "LOG_LEVEL": "WARNING", "TESTING": "false"}
    env.pop("DATABASE_URL_FILE", None)
    subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "-v0"], cwd=django_settings.BASE_DIR, env=env,
                   check=True, timeout=900)
    with sqlite3.connect(path) as database:  # the write-ahead log folded back: the one file is the whole database
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = os.environ.get("BENCH_SQLITE_TEMPLATE")
    os.environ["BENCH_SQLITE_TEMPLATE"] = str(path)
    yield path
    if before is None:
        os.environ.pop("BENCH_SQLITE_TEMPLATE", None)
    else:
        os.environ["BENCH_SQLITE_TEMPLATE"] = before
