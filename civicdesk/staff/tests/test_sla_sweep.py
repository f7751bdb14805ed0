"""The SLA sweep: due-soon and overdue requests are marked and the team lead told, once per state."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff import sla
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM


@pytest.fixture
def garbage(world):
    world.north_crew.lead = world.carol
    world.north_crew.save()
    return services.submit_request(service_type=world.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   contact_email="rita@example.org")


def due_in(request, hours: float) -> None:
    ServiceRequest.objects.filter(pk=request.pk).update(expected_at=timezone.now() + dt.timedelta(hours=hours))


def test_it_marks_an_overdue_request_once(world, garbage):
    due_in(garbage, -2)
    assert sla.sweep() == {"overdue": 1, "due_soon": 0}
    assert sla.sweep() == {"overdue": 0, "due_soon": 0}
    entry = garbage.timeline.get(data__sla="overdue")
    assert not entry.is_public and entry.message.startswith("Overdue: it was due by")
    assert AuditEntry.objects.filter(action="servicerequest.sla_overdue", object_id=str(garbage.pk)).count() == 1


def test_it_emails_the_team_lead_through_the_worker(tworld, smtp_server):
    tworld.north_crew.lead = tworld.carol
    tworld.north_crew.save()
    request = services.submit_request(service_type=tworld.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      contact_email="rita@example.org")
    due_in(request, -2)
    sla.sweep()
    run_worker()
    sla.sweep()
    run_worker()
    messages = smtp_server.wait_for(2)  # the acknowledgement to the reporter, and one alert
    alerts = [m for m in messages if m["To"] == "carol@elm.example.gov"]
    assert len(alerts) == 1 and alerts[0]["Subject"] == f"{request.public_id} Missed collection: overdue"
    assert f"/staff/requests/{request.public_id}/" in alerts[0].get_body(preferencelist=("plain",)).get_content()


def test_it_marks_due_soon_then_overdue_as_time_passes(world, garbage):
    due_in(garbage, 3)
    assert sla.sweep() == {"overdue": 0, "due_soon": 1}
    assert sla.sweep(now=timezone.now() + dt.timedelta(hours=4)) == {"overdue": 1, "due_soon": 0}


def test_it_leaves_closed_requests_and_requests_without_a_target_alone(world, garbage):
    due_in(garbage, -2)
    services.transition(garbage, world.statuses["fixed"], user=world.carol)
    services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    assert sla.sweep() == {"overdue": 0, "due_soon": 0}


def test_it_runs_from_the_command_line(world, garbage):
    due_in(garbage, -1)
    out = io.StringIO()
    call_command("sla_sweep", stdout=out)
    assert out.getvalue().strip() == "overdue: 1, due soon: 0"


def test_it_keeps_sweeping_every_few_seconds_after_a_sweep_fails_on_a_busy_database(world, garbage, monkeypatch):
    # Found by the soak test: on SQLite under heavy writes a sweep waited out its busy timeout, the
    # scheduler died with "database is locked", and `serve` stopped everything with it.
    import os
    import signal

    from django.db import OperationalError

    from civicdesk.staff.management.commands import sla_sweep

    due_in(garbage, -2)
    calls = []
    real_sweep = sla.sweep

    def sweep_on_a_busy_database():
        calls.append(len(calls))
        if len(calls) == 1:
            raise OperationalError("database is locked")
        marked = real_sweep()
        os.kill(os.getpid(), signal.SIGTERM)  # as serve stops it
        return marked

    monkeypatch.setattr(sla_sweep.sla, "sweep", sweep_on_a_busy_database)
    previous = signal.getsignal(signal.SIGTERM)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("sla_sweep", every=1, stdout=out, stderr=err)
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert calls == [0, 1]
    assert "SLA sweep failed (OperationalError: database is locked); trying again in 1 s." in err.getvalue()
    assert "overdue: 1, due soon: 0" in out.getvalue()
    assert garbage.timeline.filter(data__sla="overdue").count() == 1
