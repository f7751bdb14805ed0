"""Publishing a notice tells the area's subscribers once, by real SMTP through the real task worker."""

from __future__ import annotations

from civicdesk.alerts import services as alerts
from civicdesk.notices import services
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

from .helpers import make_notice


def subscribe(email: str, *, language: str = "en", **area) -> None:
    subscription = alerts.subscribe(email=email, area=alerts.Area(**area), language=language)
    alerts.confirm(subscription)


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_it_emails_each_subscriber_in_the_area_once_in_their_language(tworld, smtp_server, settings):
    world = tworld
    settings.SITE_URL = "https://311.elm.example.gov"
    subscribe("near@example.org", lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], radius_m=300)
    subscribe("cerca@example.org", language="es", lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], radius_m=300)
    subscribe("east@example.org", lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], radius_m=300)
    subscribe("eastdistrict@example.org", district=world.east)
    run_worker()  # the confirmation emails
    confirmations = len(smtp_server.wait_for(4))

    notice = make_notice(world, user=world.bob)
    run_worker()
    received = smtp_server.wait_for(confirmations + 2)[confirmations:]
    by_address = {message["To"]: message for message in received}
    assert set(by_address) == {"near@example.org", "cerca@example.org"}
    english, spanish = by_address["near@example.org"], by_address["cerca@example.org"]
    assert english["Subject"] == "Major disruption: Water main repair on Oak Street"
    body = plain(english)
    assert "Water is off while crews work." in body
    assert f"https://311.elm.example.gov/notices/{notice.pk}/" in body
    assert english["List-Unsubscribe"]
    assert spanish["Subject"].endswith("Reparación de tubería en Oak Street")
    assert "No hay agua mientras trabajan." in plain(spanish)

    # A change that reaches nobody new sends nothing.
    notice.title_en = "Water main repair on Oak Street (update)"
    services.save_notice(notice, user=world.bob, districts=[], service_types=[])
    run_worker()
    assert len(smtp_server.messages) == confirmations + 2

    # Growing the notice over East Elm tells the two East Elm subscribers, and nobody twice.
    services.save_notice(notice, user=world.bob, districts=[world.east], service_types=[])
    run_worker()
    grown = smtp_server.wait_for(confirmations + 4)[confirmations + 2:]
    assert sorted(message["To"] for message in grown) == ["east@example.org", "eastdistrict@example.org"]
    run_worker()
    assert len(smtp_server.messages) == confirmations + 4


def test_it_texts_a_subscriber_who_chose_text_messages(tworld, settings):
    from django.utils import timezone

    from civicdesk.notifications.models import SmsMessage
    from civicdesk.subscriptions.models import NotificationPreference

    world = tworld
    NotificationPreference.objects.create(user=world.alice, channels="sms", phone="+12175550101",
                                          phone_verified_at=timezone.now())
    subscription = alerts.subscribe(email=world.alice.email, area=alerts.Area(lat=IN_WEST_ELM[0],
                                    long=IN_WEST_ELM[1], radius_m=300), language="en", user=world.alice)
    alerts.confirm(subscription)
    make_notice(world, user=world.bob)
    run_worker()
    [text] = SmsMessage.objects.filter(to="+12175550101")
    assert "Water main repair on Oak Street" in text.body
