"""The go-live checklist page: admins of a jurisdiction see its checks with links to fix them; test email."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

pytestmark = pytest.mark.django_db
URL = reverse("onboarding:checklist")


@pytest.fixture(autouse=True)
def _forget_the_last_mail_server_test():
    """The checklist remembers the last mail server test in the cache: each test starts without one."""
    from django.core.cache import cache

    from civicdesk.onboarding.checklist import EMAIL_CHECK_CACHE_KEY

    cache.delete(EMAIL_CHECK_CACHE_KEY)
    yield
    cache.delete(EMAIL_CHECK_CACHE_KEY)


def test_it_lists_every_check_with_a_reason_and_a_fix_link(client, world, django_assert_max_num_queries):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    with django_assert_max_num_queries(40):
        page = client.get(URL)
    body = page.content.decode()
    assert page.status_code == 200
    assert page.context["jurisdiction"] == world.elm
    keys = [check.key for check in page.context["checks"]]
    assert keys == ["routing", "departments", "districts", "addresses", "two_factor", "contact", "open311",
                    "email", "sms", "worker"]
    failing = {check.key for check in page.context["checks"] if not check.ok}
    # Elm staffs both departments, has addresses and a seat with two-factor (the admin's); no rule sends
    # public records requests anywhere.
    assert failing == {"routing", "contact", "open311", "email", "sms", "worker"}
    assert "<li>Sealed records request</li>" in body
    assert "Town of Elm: 6 items block going live" in body
    assert reverse("admin:open311_apikey_add") in body
    assert reverse("admin:jurisdictions_jurisdiction_change", args=[world.elm.pk]) in body


def test_it_sends_a_test_email_to_the_admin_through_real_smtp(client, world, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "311@elm.example.gov"
    seats = seat_people(world)
    login_verified(client, seats.admin)
    page = client.post(URL, {"jurisdiction": "elm"})
    email = next(c for c in page.context["checks"] if c.key == "email")
    assert email.ok and "accepted a test message to ada@elm.example.gov" in email.reason
    assert smtp_server.wait_for(1)[0]["To"] == "ada@elm.example.gov"
    assert AuditEntry.objects.filter(action="onboarding.test_email_sent", jurisdiction_id=world.elm.pk).exists()
    for _ in range(4):
        client.post(URL, {"jurisdiction": "elm"})
    limited = client.post(URL, {"jurisdiction": "elm"}, follow=True)
    assert "too many times" in limited.content.decode()
    assert len(smtp_server.messages) == 5


def test_it_never_contacts_the_mail_server_on_a_visit_and_shows_the_last_test(client, world, smtp_server, settings,
                                                                              monkeypatch):
    settings.DEFAULT_FROM_EMAIL = "311@elm.example.gov"
    seats = seat_people(world)
    login_verified(client, seats.admin)

    def hung(*args, **kwargs):
        raise AssertionError("a plain visit opened a connection to the mail server")

    from django.core.mail.backends.smtp import EmailBackend

    monkeypatch.setattr(EmailBackend, "open", hung)
    page = client.get(URL)
    email = next(c for c in page.context["checks"] if c.key == "email")
    assert not email.ok and "has not been tested in the last 10 minutes" in email.reason
    body = page.content.decode()
    assert 'name="action" value="test"' in body and 'name="action" value="send"' in body
    monkeypatch.undo()

    tested = client.post(URL, {"jurisdiction": "elm", "action": "test"})
    email = next(c for c in tested.context["checks"] if c.key == "email")
    assert email.ok and "answers" in email.reason and not smtp_server.messages
    assert AuditEntry.objects.filter(action="onboarding.mail_server_tested", jurisdiction_id=world.elm.pk).exists()

    monkeypatch.setattr(EmailBackend, "open", hung)
    again = client.get(URL)
    email = next(c for c in again.context["checks"] if c.key == "email")
    assert email.ok and "answers" in email.reason and "(tested at " in email.reason


def test_it_gives_up_on_a_mail_server_that_does_not_answer(client, world, settings):
    import socket

    settings.DEFAULT_FROM_EMAIL = "311@elm.example.gov"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection but never greets: a hung server
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    from civicdesk.onboarding import checklist

    try:
        found = checklist.check_email(timeout=0.5)
    finally:
        listener.close()
    assert not found.ok and "did not answer" in found.reason
    seats = seat_people(world)
    login_verified(client, seats.admin)
    email = next(c for c in client.get(URL).context["checks"] if c.key == "email")
    assert not email.ok and "did not answer" in email.reason and "(tested at " in email.reason


def test_it_refuses_staff_who_are_not_admins(client, world):
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    assert client.get(URL).status_code == 403


def test_it_shows_a_superuser_any_jurisdiction(client, world):
    seats = seat_people(world)
    login_verified(client, seats.root)
    page = client.get(URL, {"jurisdiction": "maple"})
    assert page.context["jurisdiction"] == world.county
    assert "Maple County: " in page.content.decode()


def test_it_speaks_spanish(client, world):
    seats = seat_people(world)
    login_verified(client, seats.admin)
    spanish = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Lista de comprobación para empezar" in spanish
    assert "Town of Elm: 6 puntos impiden empezar" in spanish
