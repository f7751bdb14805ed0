"""The SMS budget and country allow-list, enforced where every text is sent, and set by staff in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from civicdesk.accounts.models import User
from civicdesk.notifications import sending, sms_limits
from civicdesk.notifications.models import Delivery, SmsMessage, SmsPolicy, Suppression
from civicdesk.testing.auth import login_verified

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 4, 18, 0, 10, tzinfo=dt.timezone.utc)


def text(address: str, n: int) -> Delivery:
    return Delivery.objects.create(channel="sms", address=address, event="request.received", key=f"k{n}",
                                   body_text=f"Your request {n} was received.")


def test_it_never_texts_a_premium_or_foreign_number_even_when_queued(settings):
    premium, cuba, satellite = text("+19005551234", 1), text("+5353123456", 2), text("+88212345678", 3)
    sending.send()
    for row, code in ((premium, "premium"), (cuba, "country"), (satellite, "international_network")):
        row.refresh_from_db()
        assert row.status == Delivery.Status.FAILED and f"({code})" in row.error
    assert not SmsMessage.objects.exists()
    assert not Suppression.objects.exists()  # our policy, not the number's fault


@time_machine.travel(NOON, tick=False)
def test_it_holds_texts_over_the_hourly_budget_until_the_next_hour():
    SmsPolicy.objects.create(hourly_budget=3, per_number_per_hour=10, countries="US")
    rows = [text(f"+1217555{n:04d}", n) for n in range(5)]
    assert sending.send() == 3
    held = Delivery.objects.filter(status=Delivery.Status.QUEUED)
    assert held.count() == 2
    assert {row.attempts for row in held} == {0} and all("budget" in row.error for row in held)
    assert {row.next_attempt_at for row in held} == {NOON.replace(minute=0, second=0) + dt.timedelta(hours=1)}
    assert sms_limits.sent_this_hour() == 3 and SmsMessage.objects.count() == 3
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        assert sending.send() == 2
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
    assert len(rows) == SmsMessage.objects.count()


@time_machine.travel(NOON, tick=False)
def test_it_limits_texts_to_one_number_whatever_sent_them():
    SmsPolicy.objects.create(hourly_budget=100, per_number_per_hour=2, countries="US")
    for n in range(4):
        text("+12175550142", n)
    text("+12175550143", 9)
    assert sending.send() == 3
    assert SmsMessage.objects.filter(to="+12175550142").count() == 2


def test_it_follows_the_environment_until_staff_save_a_policy(settings):
    settings.SMS_HOURLY_BUDGET, settings.SMS_PER_NUMBER_PER_HOUR = 42, 4
    settings.SMS_ALLOWED_COUNTRIES = ["US", "CA"]
    policy = SmsPolicy.current()
    assert (policy.pk, policy.hourly_budget, policy.per_number_per_hour, policy.country_set()) == (
        None, 42, 4, frozenset({"US", "CA"}))


@pytest.fixture
def admin_client(client):
    login_verified(client, User.objects.create_superuser(email="root@example.gov", password="correct horse battery"))
    return client


def test_staff_see_the_texts_sent_this_hour_and_set_the_budget_with_an_audit_entry(admin_client):
    for n in range(7):
        sms_limits.admit(f"+1217555{n:04d}")
    listing = admin_client.get("/admin/notifications/smspolicy/").content.decode()
    assert "Texts sent this hour: 7 of 500. At most 10 an hour to one number. Countries: US." in listing
    page = admin_client.get("/admin/notifications/smspolicy/add/").content.decode()
    assert "Texts sent this hour" in page and ">7<" in page.replace("\n", "").replace(" ", "")
    response = admin_client.post("/admin/notifications/smspolicy/add/",
                                 {"hourly_budget": "50", "per_number_per_hour": "5", "countries": "us, ca"})
    assert response.status_code == 302
    policy = SmsPolicy.objects.get()
    assert (policy.hourly_budget, policy.countries) == (50, "CA,US")
    assert "Texts sent this hour: 7 of 50." in admin_client.get("/admin/notifications/smspolicy/").content.decode()
    assert admin_client.get("/admin/notifications/smspolicy/add/").status_code == 403  # one row only
    admin_client.post(f"/admin/notifications/smspolicy/{policy.pk}/change/",
                      {"hourly_budget": "20", "per_number_per_hour": "5", "countries": "US,CA"})
    entry = policy.audit_entries().filter(action="smspolicy.changed").get()
    assert entry.data["before"]["hourly_budget"] == 50 and entry.data["after"]["hourly_budget"] == 20
    assert entry.actor.email == "root@example.gov"


def test_it_refuses_a_country_code_that_does_not_exist(admin_client):
    response = admin_client.post("/admin/notifications/smspolicy/add/",
                                 {"hourly_budget": "50", "per_number_per_hour": "5", "countries": "US,XX"})
    assert response.status_code == 200 and "Not a country code: XX." in response.content.decode()
    assert not SmsPolicy.objects.exists()
