"""The legal clock of a records request: acknowledgement by business day N, answer by business day M, across
weekends and the jurisdiction's holidays; paused while waiting for the requester's clarification; extended
with a reason (limited by the type's policy); every step sent to the requester."""

from __future__ import annotations

import datetime as dt

import pytest

from civicdesk.applications import services as applications
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import Holiday
from civicdesk.notifications.models import Delivery
from civicdesk.records import services
from civicdesk.records.models import Extension, RecordsRequest

from .helpers import local, submitted


def test_it_sets_acknowledgement_and_answer_deadlines_in_business_days(records_type, world):
    # Friday 6 Nov 2026: 5 business days to acknowledge, 20 to answer; Veterans Day (Wed 11) and Thanksgiving
    # (Thu 26) are the town's holidays and do not count, nor do the weekends.
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 11), name="Veterans Day")
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 26), name="Thanksgiving")
    application = submitted(records_type, world.alice, now=local(2026, 11, 6))
    assert application.intake_due_on == dt.date(2026, 11, 16)  # Mon 9, Tue 10, Thu 12, Fri 13, Mon 16
    assert application.decision_due_on == dt.date(2026, 12, 8)  # 20 open days, Thanksgiving skipped
    assert RecordsRequest.objects.get(application=application).public_summary == "Minutes of the zoning board, 2025"


def test_it_pauses_the_clock_while_waiting_for_the_requester(records_type, world):
    application = submitted(records_type, world.alice, now=local(2026, 11, 2))  # Monday
    due = application.decision_due_on
    services.ask_clarification(application, user=world.bob, message="Which board meetings?")
    application.refresh_from_db()
    application.paused_since = local(2026, 11, 5)  # asked Thursday
    application.save()
    applications.provide_information(application, user=world.alice, message="All of 2025.", now=local(2026, 11, 10))
    application.refresh_from_db()
    # Thu, Fri, Mon held the clock; the weekend does not count, nor the Tuesday of the answer.
    assert due == dt.date(2026, 11, 30)
    assert application.decision_due_on == dt.date(2026, 12, 3) and application.paused_since is None  # 3 open days later


def test_it_extends_the_answer_deadline_in_business_days_and_tells_the_requester_why(records_type, world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 12, 25), name="Christmas")
    application = submitted(records_type, world.alice, now=local(2026, 11, 30))  # due Mon 28 Dec
    assert application.decision_due_on == dt.date(2026, 12, 29)  # Christmas skipped
    extension = services.extend(application, user=world.bob, days=3, reason="Records are in the off-site archive.")
    application.refresh_from_db()
    assert (extension.due_before, extension.due_after) == (dt.date(2026, 12, 29), dt.date(2027, 1, 1))
    assert application.decision_due_on == dt.date(2027, 1, 1)
    message = Delivery.objects.filter(address=world.alice.email, key__startswith="records-event:").latest("id")
    assert "off-site archive" in message.body_text and "2027-01-01" in message.body_text
    assert AuditEntry.objects.filter(action="records.extended").count() == 1


def test_it_refuses_extensions_beyond_the_policy_and_writes_nothing(records_type, world):
    application = submitted(records_type, world.alice, now=local(2026, 11, 2))
    with pytest.raises(services.RecordsError, match="1 to 10"):
        services.extend(application, user=world.bob, days=11, reason="Long")
    with pytest.raises(services.RecordsError, match="reason"):
        services.extend(application, user=world.bob, days=2, reason="  ")
    services.extend(application, user=world.bob, days=2, reason="Volume")
    with pytest.raises(services.RecordsError, match="every extension"):
        services.extend(application, user=world.bob, days=2, reason="Again")
    assert Extension.objects.count() == 1


def test_it_acknowledges_once_and_tells_the_requester(records_type, world):
    application = submitted(records_type, world.alice, now=local(2026, 11, 2))
    services.acknowledge(application, user=world.bob, message="We are looking.")
    application.refresh_from_db()
    assert application.step.kind == "decision" and application.records_request.acknowledged_at is not None
    assert Delivery.objects.filter(address=world.alice.email, subject__contains="Request acknowledged").exists()
    with pytest.raises(services.RecordsError, match="already"):
        services.acknowledge(application, user=world.bob)


def test_it_refuses_a_records_action_on_an_ordinary_permit(records_type, world):
    from civicdesk.applications.demo import build_fence_permit, submitted_fence

    fence = build_fence_permit(world.elm, review_department=world.public_works)
    with pytest.raises(services.RecordsError, match="not a public-records request"):
        services.extend(submitted_fence(fence, world.alice), user=world.bob, days=1, reason="x")
