"""Who is told what about a request: every event through notify(), the real worker and a real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.notifications.models import Delivery, SmsMessage
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff import sla
from civicdesk.subscriptions.models import Follow, NotificationPreference
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_WEST_ELM


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def to(messages) -> list[str]:
    return sorted(m["To"] for m in messages)


def pothole(world, **extra) -> ServiceRequest:
    values = {"contact_email": "rita@example.org", "contact_name": "Rita", **extra}
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, **values)


def follow(request, email: str, *, language: str = "en") -> Follow:
    return Follow.objects.create(request=request, email=email, language=language, confirmed_at=timezone.now())


def sent_after(box, before: int, count: int):
    """The messages that arrived after the first `before`, waiting for `count` of them (and no more)."""
    messages = box.wait_for(before + count)[before:]
    assert len(box.messages) == before + count, to(box.messages[before:])
    return messages


def test_it_tells_the_reporter_what_happens_next(tworld, smtp_server):
    request = pothole(tworld)
    run_worker()

    [message] = smtp_server.wait_for(1)
    body = text(message)
    assert message["To"] == "rita@example.org"
    assert message["Subject"] == f"We received your request {request.public_id}"
    assert body.startswith("Hello Rita,")
    assert f"Your tracking number is: {request.public_id}" in body
    assert "your request has been sent to Public Works." in body
    assert "We aim to deal with it by" in body  # the pothole has a 16-hour SLA
    assert f"{settings.SITE_URL}/requests/{request.public_id}/" in body
    assert f"{settings.SITE_URL}/requests/{request.public_id}/" in html(message)
    assert f"<{settings.SITE_URL}/notifications/unsubscribe/" in message["List-Unsubscribe"]


def test_it_tells_reporter_and_confirmed_followers_of_a_public_status_change_but_not_unconfirmed_ones(
        tworld, smtp_server):
    request = pothole(tworld)
    follow(request, "fred@example.org")
    Follow.objects.create(request=request, email="unconfirmed@example.org")
    run_worker()
    smtp_server.wait_for(1)

    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob,
                        message="A crew is booked for Tuesday morning.")
    run_worker()

    messages = sent_after(smtp_server, 1, 2)
    assert to(messages) == ["fred@example.org", "rita@example.org"]
    by = {m["To"]: m for m in messages}
    assert f"Your request {request.public_id} (Pothole) is now: In progress." in text(by["rita@example.org"])
    follower = text(by["fred@example.org"])
    assert f"A request you follow, {request.public_id} (Pothole), is now: In progress." in follower
    assert "A crew is booked for Tuesday morning." in follower
    # A follower never learns who reported it.
    assert "Rita" not in follower and "rita@example.org" not in follower
    assert "follow this request" in follower


def test_it_keeps_internal_status_changes_to_staff(tworld, smtp_server):
    request = pothole(tworld)
    follow(request, "fred@example.org")
    services.transition(request, tworld.statuses["investigating"], user=tworld.bob,
                        message="Waiting on the gas company", public=False)
    run_worker()

    [acknowledgement] = smtp_server.wait_for(1)
    assert acknowledgement["Subject"].startswith("We received")
    assert not Delivery.objects.filter(event="request.status_changed").exists()


def test_it_writes_to_each_person_in_their_own_language(tworld, smtp_server):
    request = pothole(tworld, contact_email="ana@example.org", contact_name="Ana", language="es")
    follow(request, "fred@example.org", language="en")
    follow(request, "lucia@example.org", language="es")
    run_worker()
    smtp_server.wait_for(1)

    services.transition(request, tworld.statuses["fixed"], user=tworld.bob, message="Bache reparado.")
    run_worker()

    by = {m["To"]: m for m in sent_after(smtp_server, 1, 3)}
    assert "Resuelta" in by["ana@example.org"]["Subject"] and "Bache" in text(by["ana@example.org"])
    assert "Resuelta" in by["lucia@example.org"]["Subject"]
    assert "Fixed" in by["fred@example.org"]["Subject"] and "Pothole" in text(by["fred@example.org"])
    assert Delivery.objects.get(address="ana@example.org", event="request.closed").language == "es"


def test_it_sends_closed_reopened_and_public_updates_once_each(tworld, smtp_server):
    request = pothole(tworld)
    services.transition(request, tworld.statuses["fixed"], user=tworld.bob, message="Filled it in.")
    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob, message="It sank again.")
    services.add_note(request, message="Asphalt arrives Monday.", user=tworld.bob)
    run_worker()
    run_worker()

    messages = smtp_server.wait_for(4)
    assert [m["Subject"] for m in messages] == [
        f"We received your request {request.public_id}",
        f"Request {request.public_id} is closed: Fixed",
        f"Request {request.public_id} has been reopened",
        f"Update on request {request.public_id}",
    ]
    assert "has been closed as: Fixed." in text(messages[1]) and "Filled it in." in text(messages[1])
    assert "It sank again." in text(messages[2])
    assert "Asphalt arrives Monday." in text(messages[3])


def test_it_sends_nothing_twice_for_the_same_event(tworld, smtp_server):
    from civicdesk.servicerequests import receivers

    request = pothole(tworld)
    follow(request, "fred@example.org")
    entry = services.transition(request, tworld.statuses["in_progress"], user=tworld.bob, message="Booked.")
    run_worker()
    queued = Delivery.objects.count()
    # The same occurrence reported again (a retried task, a second signal) queues nothing new.
    with transaction.atomic():
        receivers.status_changed(ServiceRequest, request=request, entry=entry, user=tworld.bob)
    run_worker()
    assert Delivery.objects.count() == queued == 3

    smtp_server.wait_for(3)
    assert to(smtp_server.messages) == ["fred@example.org", "rita@example.org", "rita@example.org"]


def test_it_sends_nothing_for_a_change_that_rolled_back(tworld, smtp_server):
    request = pothole(tworld)
    follow(request, "fred@example.org")
    run_worker()
    smtp_server.wait_for(1)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.transition(request, tworld.statuses["fixed"], user=tworld.bob, message="Done.")
        raise RuntimeError("the page failed after the change")
    run_worker()

    assert len(smtp_server.messages) == 1
    assert not Delivery.objects.filter(event="request.closed").exists()


def test_it_points_a_merged_duplicates_people_to_the_original(tworld, smtp_server):
    original = pothole(tworld, contact_email="first@example.org")
    duplicate = pothole(tworld)
    follow(duplicate, "fred@example.org")
    run_worker()
    smtp_server.wait_for(2)

    services.merge(duplicate, into=original, user=tworld.bob)
    run_worker()

    by = {m["To"]: m for m in sent_after(smtp_server, 2, 2)}
    assert set(by) == {"rita@example.org", "fred@example.org"}
    subject = f"Request {duplicate.public_id} was already reported as {original.public_id}"
    assert by["rita@example.org"]["Subject"] == subject
    assert f"{settings.SITE_URL}/requests/{original.public_id}/" in text(by["rita@example.org"])
    assert "We have counted you on that request" in text(by["rita@example.org"])
    assert f"{settings.SITE_URL}/requests/{original.public_id}/" in text(by["fred@example.org"])


def test_it_tells_the_reporter_of_a_private_request_but_never_its_followers(tworld, smtp_server):
    request = pothole(tworld)
    follow(request, "fred@example.org")
    services.set_private(request, private=True, user=tworld.bob)
    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob, message="Booked.")
    run_worker()

    messages = smtp_server.wait_for(2)
    assert to(messages) == ["rita@example.org", "rita@example.org"]
    # The public tracking page would say "not found": the message gives the number to quote instead.
    assert f"Quote your tracking number {request.public_id}" in text(messages[1])
    assert "/requests/" not in text(messages[1])


def test_it_respects_an_account_that_wants_nothing(tworld, smtp_server):
    NotificationPreference.objects.create(user=tworld.alice, channels="none")
    request = pothole(tworld, reporter=tworld.alice, contact_email="")
    Follow.objects.create(request=pothole(tworld, contact_email=""), user=tworld.alice,
                          confirmed_at=timezone.now())
    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob, message="Booked.")
    run_worker()

    assert smtp_server.messages == []
    assert not Delivery.objects.filter(address=tworld.alice.email).exists()


def test_it_texts_an_account_holder_with_a_verified_phone_who_chose_sms(tworld, smtp_server):
    NotificationPreference.objects.create(user=tworld.alice, channels="sms", phone="+12175550100",
                                          phone_verified_at=timezone.now(), language="es")
    request = pothole(tworld, reporter=tworld.alice, contact_email="")
    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob, message="Cuadrilla el martes.")
    run_worker()

    texts = list(SmsMessage.objects.filter(to="+12175550100").order_by("pk").values_list("body", flat=True))
    assert len(texts) == 2 and request.public_id in texts[0]
    assert "Cuadrilla el martes." in texts[1] and "En curso" in texts[1]
    assert smtp_server.messages == []


def test_it_answers_a_report_made_by_sms_by_sms(tworld, smtp_server):
    request = pothole(tworld, contact_email="", contact_phone="(217) 555-4444", channel="sms")
    run_worker()

    [sms] = SmsMessage.objects.all()
    assert sms.to == "+12175554444" and f"We received your request {request.public_id}" in sms.body


def test_it_tells_the_assignee_but_not_someone_assigning_themselves(tworld, smtp_server):
    supervisor = StaffMembership.objects.create(
        user=tworld.mallory, jurisdiction=tworld.elm, department=tworld.public_works,
        role=StaffMembership.Role.SUPERVISOR).user
    request = pothole(tworld, contact_email="")
    services.assign(request, user=supervisor, assignee=tworld.bob)
    services.assign(request, user=tworld.bob, assignee=tworld.bob)
    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "bob@elm.example.gov"
    assert message["Subject"] == f"Assigned to you: {request.public_id} Pothole"
    assert f"Mallory assigned request {request.public_id} (Pothole) to you." in text(message)
    assert f"{settings.SITE_URL}/staff/requests/{request.public_id}/" in text(message)
    assert Delivery.objects.get(address="bob@elm.example.gov").scope == "staff"


def test_it_tells_each_mentioned_colleague_except_the_author(tworld, smtp_server):
    request = pothole(tworld, contact_email="")
    services.add_internal_note(request, message="@carol @bob can Sanitation take the debris?", user=tworld.bob,
                               mentioned=[tworld.carol, tworld.bob])
    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "carol@elm.example.gov"
    assert f"Bob mentioned you in a note on request {request.public_id}" in text(message)
    assert "can Sanitation take the debris?" in text(message)


def test_it_tells_the_receiving_departments_supervisors_of_a_transfer(tworld, smtp_server):
    StaffMembership.objects.filter(user=tworld.carol).update(role=StaffMembership.Role.SUPERVISOR)
    request = pothole(tworld, contact_email="")
    services.transfer(request, department=tworld.sanitation, user=tworld.bob, reason="Debris, not a hole")
    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "carol@elm.example.gov"
    assert message["Subject"] == f"Transferred to Sanitation: {request.public_id}"
    assert "Debris, not a hole" in text(message)


def test_it_falls_back_to_the_departments_mailbox_when_nobody_supervises_it(tworld, smtp_server):
    tworld.sanitation.email = "sanitation@elm.example.gov"
    tworld.sanitation.save()
    request = pothole(tworld, contact_email="")
    services.transfer(request, department=tworld.sanitation, user=tworld.bob, reason="Debris")
    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "sanitation@elm.example.gov"


def test_it_tells_the_team_lead_once_when_a_request_is_overdue(tworld, smtp_server):
    tworld.north_crew.lead = tworld.carol
    tworld.north_crew.save()
    request = services.submit_request(service_type=tworld.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      contact_email="rita@example.org")
    ServiceRequest.objects.filter(pk=request.pk).update(expected_at=timezone.now() - dt.timedelta(hours=2))
    sla.sweep()
    sla.sweep()
    run_worker()

    smtp_server.wait_for(2)
    [message] = [m for m in smtp_server.messages if m["To"] != "rita@example.org"]
    assert message["To"] == "carol@elm.example.gov"
    assert message["Subject"] == f"{request.public_id} Missed collection: overdue"
    assert f"/staff/requests/{request.public_id}/" in text(message)


def test_it_tells_the_department_supervisors_when_the_request_has_no_team_lead(tworld, smtp_server):
    supervisor = StaffMembership.objects.create(
        user=tworld.mallory, jurisdiction=tworld.elm, department=tworld.public_works,
        role=StaffMembership.Role.SUPERVISOR).user
    request = pothole(tworld, contact_email="")
    ServiceRequest.objects.filter(pk=request.pk).update(expected_at=timezone.now() + dt.timedelta(hours=1))
    sla.sweep()
    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == supervisor.email
    assert message["Subject"] == f"{request.public_id} Pothole: due soon"


def test_it_writes_once_to_a_reporter_who_also_follows_and_honours_accounts_behind_email_follows(
        tworld, smtp_server):
    NotificationPreference.objects.create(user=tworld.alice, channels="none")
    request = pothole(tworld)
    follow(request, "rita@example.org")
    follow(request, "alice@example.org")  # followed by email without signing in: her account says "none"
    services.add_note(request, message="Asphalt arrives Monday.", user=tworld.bob)
    run_worker()

    messages = smtp_server.wait_for(2)
    assert to(messages) == ["rita@example.org", "rita@example.org"]
    assert "There is an update on your request" in text(messages[1])
