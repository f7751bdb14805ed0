"""The acceptance test of docs/connectors.md: two CivicDesk servers, one forwarding to the other through Open311.

The work-order system is a second CivicDesk: gunicorn in a child process on its own copy of the database
(civicdesk.testing.databases.clone_database), serving Open311. This side (the in-process code on the test
database) forwards requests to it, its crew's status change and public note come back by polling, our own
change goes out to it; then it is stopped (connection refused), sends fail and back off, it starts again,
and every request exists on it exactly once.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests as http
from django.utils import timezone

from civicdesk.connectors import services
from civicdesk.connectors.backends.base import reference_marker
from civicdesk.connectors.models import Connector, StatusMapping, SyncRecord
from civicdesk.open311.services import issue_api_key
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.servicerequests.services import submit_request, transition
from civicdesk.testing.databases import clone_database, rows
from civicdesk.testing.live_stack import Stack, server_env
from civicdesk.testing.world import IN_EAST_ELM

State = SyncRecord.State


@pytest.fixture
def remote(tworld, tmp_path):
    """The work-order system: (Stack, its database URL, the crew's api_key), serving until the test ends."""
    _, crew_key = issue_api_key(name="Works crew tablets", jurisdiction=tworld.elm)
    tworld.extra["forwarder_key"] = issue_api_key(name="CivicDesk forwarder", jurisdiction=tworld.elm)[1]
    url, drop = clone_database(tmp_path)
    stack = Stack(env=server_env(database_url=url, var_dir=tmp_path / "remote-var"), log_dir=tmp_path)
    try:
        stack.start_gunicorn(workers=1, threads=4)
        yield stack, url, crew_key
    finally:
        stack.stop()
        drop()


def _pothole(tworld, text: str):
    return submit_request(service_type=tworld.pothole, description=text, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                          attributes={"depth": "deep"})


def _deliver_when_due(record: SyncRecord) -> str:
    """Run the next attempt as the worker would once the backoff's wait has passed."""
    SyncRecord.objects.filter(pk=record.pk, next_retry_at__isnull=False).update(
        next_retry_at=timezone.now() - dt.timedelta(seconds=1))
    return services.deliver(record.pk)


def _copies_on(url: str, request) -> int:
    marker = reference_marker(request)
    return rows(url, "SELECT count(*) FROM servicerequests_servicerequest "
                     f"WHERE description LIKE '%{marker}%'")[0][0]


def test_it_follows_requests_both_ways_and_sends_each_once_across_an_outage(tworld, remote, settings, tmp_path):
    stack, remote_url, crew_key = remote
    settings.CONNECTORS_TOKEN_POLLS = 0
    connector = Connector.objects.create(
        jurisdiction=tworld.elm, name="Works system", kind=Connector.Kind.OPEN311,
        endpoint_url=f"{stack.base}/open311/v2/", remote_jurisdiction_id="elm.example.gov",
        secret=tworld.extra["forwarder_key"], notes_public=True)
    connector.service_types.add(tworld.pothole)
    for external, ours in (("in_progress", "in_progress"), ("fixed", "fixed")):
        StatusMapping.objects.create(connector=connector, direction="in", external=external,
                                     status=tworld.statuses[ours])

    # 1. A new pothole goes across; graffiti is outside the connector's scope and stays here.
    first = _pothole(tworld, "Deep pothole outside the bakery")
    submit_request(service_type=tworld.graffiti, description="Tag on the bridge", lat=IN_EAST_ELM[0],
                   long=IN_EAST_ELM[1])
    record = SyncRecord.objects.get(connector=connector)
    assert record.request == first and record.state == State.PENDING
    assert services.deliver(record.pk) == State.SENT
    record.refresh_from_db()
    assert record.external_id and record.external_id != first.public_id
    assert _copies_on(remote_url, first) == 1

    # 2. The crew moves it on over there, with a public note; polling brings both back here.
    answer = http.post(f"{stack.base}/open311/v2/servicerequestupdates.json", timeout=10, data={
        "api_key": crew_key, "jurisdiction_id": "elm.example.gov", "service_request_id": record.external_id,
        "update_id": "crew-1", "status": "in_progress", "updated_datetime": timezone.now().isoformat(),
        "description": "Crew booked for Tuesday morning"})
    assert answer.status_code == 200, answer.text
    assert services.poll(connector) == 1
    first.refresh_from_db()
    assert first.status.code == "in_progress"
    entry = first.timeline.get(kind=TimelineEntry.Kind.STATUS, status_to__code="in_progress")
    assert entry.is_public and entry.message == "Crew booked for Tuesday morning"
    assert services.poll(connector) == 0, "the same update was applied twice"

    # 3. Our own change goes to them, and does not come back to us as theirs.
    transition(first, tworld.statuses["fixed"], message="Filled by the night shift", user=tworld.bob)
    assert services.deliver(record.pk) == State.SENT
    assert rows(remote_url, "SELECT s.code FROM servicerequests_servicerequest r JOIN catalog_status s "
                            f"ON s.id = r.status_id WHERE r.public_id = '{record.external_id}'") == [("fixed",)]
    services.poll(connector)
    assert first.timeline.filter(kind=TimelineEntry.Kind.STATUS).count() == 2  # in progress (theirs), fixed (ours)

    # 4. The remote goes down: sends fail with the error kept, and each wait is longer than the last.
    stack.stop()
    during = [_pothole(tworld, f"Pothole number {n} on Mill Lane") for n in range(2)]
    waits = []
    for request in during:
        pending = SyncRecord.objects.get(request=request)
        for _attempt in range(2):
            assert _deliver_when_due(pending) == State.RETRYING
            pending.refresh_from_db()
            waits.append((pending.next_retry_at - pending.updated_at).total_seconds())
        assert "ConnectionError" in pending.last_error and pending.attempts == 2
    assert waits[1] > waits[0] and waits[3] > waits[2]

    # 5. It comes back on the same address; every waiting request arrives, once.
    back = Stack(env=stack.env, log_dir=tmp_path, port=stack.port)
    back.start_gunicorn(workers=1, threads=4)
    try:
        for request in during:
            assert _deliver_when_due(SyncRecord.objects.get(request=request)) == State.SENT
            # Another run (a duplicate task, a watchdog) finds nothing to do.
            assert services.deliver(SyncRecord.objects.get(request=request).pk) == ""
    finally:
        back.stop()
    for request in [first, *during]:
        assert _copies_on(remote_url, request) == 1
    assert SyncRecord.objects.filter(connector=connector, state=State.SENT).count() == 3
    attempts = [entry.data["outcome"] for record in SyncRecord.objects.filter(request__in=during)
                for entry in record.audit_entries().filter(action="connector.sync_attempt")]
    assert sorted(attempts) == ["retrying"] * 4 + ["sent"] * 2
