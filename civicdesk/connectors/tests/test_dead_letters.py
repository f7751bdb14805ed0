"""The dead-letter page: who sees it, retry and stop (POST, audited), and the request page's sync section."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.connectors.models import SyncRecord
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import login_verified

from .conftest import new_graffiti

State = SyncRecord.State


@pytest.fixture
def dead(csv_connector, world):
    request = new_graffiti(world, "Tag near the swimming pool")
    record = SyncRecord.objects.get(connector=csv_connector)
    SyncRecord.objects.filter(pk=record.pk).update(state=State.FAILED, attempts=8,
                                                   last_error="HTTP 503: <script>alert(1)</script> busy")
    return record, request


@pytest.fixture
def supervisor(world):
    StaffMembership.objects.create(user=world.carol, jurisdiction=world.elm, department=world.public_works,
                                   role=StaffMembership.Role.SUPERVISOR)
    return world.carol


def test_it_lists_dead_letters_with_their_error_as_text(client, dead, supervisor, django_assert_max_num_queries):
    login_verified(client, supervisor)
    with django_assert_max_num_queries(25):
        page = client.get("/staff/connectors/dead-letters/")
    assert page.status_code == 200
    assert dead[1].public_id.encode() in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; busy" in page.content and b"<script>alert(1)" not in page.content


def test_it_turns_away_staff_without_the_role_and_people_of_other_places(client, dead, world):
    login_verified(client, world.bob)  # staff seat, not a supervisor
    assert client.get("/staff/connectors/dead-letters/").status_code == 403
    assert client.post(f"/staff/connectors/records/{dead[0].pk}/retry/").status_code == 404
    StaffMembership.objects.filter(user=world.dave).update(role=StaffMembership.Role.ADMIN)
    login_verified(client, world.dave)
    assert dead[1].public_id.encode() not in client.get("/staff/connectors/dead-letters/").content
    assert client.post(f"/staff/connectors/records/{dead[0].pk}/stop/").status_code == 404
    client.logout()
    assert client.get("/staff/connectors/dead-letters/").status_code == 302


def test_it_retries_a_dead_letter_and_audits_who_did(client, dead, supervisor):
    record, _request = dead
    login_verified(client, supervisor)
    assert client.get(f"/staff/connectors/records/{record.pk}/retry/").status_code == 405
    answer = client.post(f"/staff/connectors/records/{record.pk}/retry/")
    assert answer.status_code == 302
    record.refresh_from_db()
    assert record.state == State.PENDING and record.attempts == 0
    entry = AuditEntry.objects.get(action="connector.sync_retried")
    assert entry.actor == supervisor and entry.data == {"from": "failed"}


def test_it_stops_a_dead_letter_and_audits_it(client, dead, supervisor):
    record, _request = dead
    login_verified(client, supervisor)
    client.post(f"/staff/connectors/records/{record.pk}/stop/")
    record.refresh_from_db()
    assert record.state == State.STOPPED
    assert AuditEntry.objects.get(action="connector.sync_stopped").actor == supervisor
    client.post(f"/staff/connectors/records/{record.pk}/stop/")
    assert AuditEntry.objects.filter(action="connector.sync_stopped").count() == 1


def test_it_refuses_csrf_less_posts(dead, supervisor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    login_verified(strict, supervisor)
    assert strict.post(f"/staff/connectors/records/{dead[0].pk}/stop/").status_code == 403


def test_it_shows_the_sync_state_on_the_staff_request_page(client, dead, world):
    login_verified(client, world.bob)
    page = client.get(f"/staff/requests/{dead[1].public_id}/")
    assert page.status_code == 200
    assert b'data-testid="sync-section"' in page.content and b"Works batch" in page.content
    assert b"Retry or stop" not in page.content  # bob may see the request, not handle dead letters
