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


def test_it_keeps_sweeping_after_the_database_stayed_locked_past_the_busy_timeout(tworld, tmp_path):
    """The real scheduler process (`sla_sweep --every 1`, as serve starts it) meets a database another
    connection holds locked longer than its 1-second busy timeout, logs it, and sweeps on a later tick."""
    import signal
    import subprocess
    import sys

    from django.db import connection

    from civicdesk.servicerequests.models import TimelineEntry
    from civicdesk.testing.live_stack import (
        ROOT, database_lock_held, database_url_of, lock_timeout_url, server_env, wait_for_text)

    tworld.north_crew.lead = tworld.carol
    tworld.north_crew.save()
    request = services.submit_request(service_type=tworld.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      contact_email="rita@example.org")
    due_in(request, -2)
    env = server_env(database_url=lock_timeout_url(database_url_of(connection)), var_dir=tmp_path,
                     SQLITE_BUSY_TIMEOUT="1")
    # The command line `manage.py serve` starts the sweeper with.
    command = [sys.executable, "-m", "django", "sla_sweep", "--every", "1", "--settings", "civicdesk.settings"]
    log_path = tmp_path / "sweep.log"
    with database_lock_held(connection, table=TimelineEntry._meta.db_table), log_path.open("w") as log:
        sweeper = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            # Two failed ticks in a row while the lock is held: the second one waits longer.
            wait_for_text(log_path, "2 failure(s) in a row", process=sweeper)
        except BaseException:
            sweeper.kill()
            raise
    try:
        output = wait_for_text(log_path, "overdue: 1, due soon: 0", process=sweeper)
        assert "database is locked" in output or "lock timeout" in output, output
        assert "succeeded again after 2 failure(s) in a row" in output
        assert sweeper.poll() is None  # still sweeping
        assert request.timeline.filter(data__sla="overdue").count() == 1
    finally:
        sweeper.send_signal(signal.SIGTERM)
        assert sweeper.wait(timeout=20) == 0, log_path.read_text()
