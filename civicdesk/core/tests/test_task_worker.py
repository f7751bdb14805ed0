"""`manage.py task_worker`: the task worker under a stable id, which first requeues what its crashed
predecessor left running."""

from __future__ import annotations

import time

from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from civicdesk.core.management.commands.task_worker import requeue_orphaned_tasks
from civicdesk.notifications.tasks import send_deliveries


def left_running_by(worker_id: str) -> DBTaskResult:
    """A queued task claimed by `worker_id`, as a worker killed in the middle of it leaves it."""
    result = DBTaskResult.objects.get(pk=send_deliveries.enqueue([]).id)
    result.claim(worker_id)
    return result


def test_it_runs_the_tasks_its_killed_predecessor_left_running(transactional_db):  # the worker commits
    orphan = left_running_by("web1-a")
    call_command("task_worker", "--worker-id", "web1-a", "--batch", verbosity=0)
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.SUCCESSFUL
    assert orphan.worker_ids == ["web1-a", "web1-a"]  # the crash stays visible in the task's history


def test_it_leaves_alone_tasks_another_worker_is_running(transactional_db):
    other = left_running_by("web1-b")
    call_command("task_worker", "--worker-id", "web1-a", "--batch", verbosity=0)
    other.refresh_from_db()
    assert other.status == TaskResultStatus.RUNNING
    assert other.worker_ids == ["web1-b"]


def test_it_requeues_only_tasks_whose_last_claim_was_its_own(transactional_db):
    retried_elsewhere = left_running_by("web1-a")
    retried_elsewhere.claim("web1-b")  # requeued once and now taken by another worker
    mine = left_running_by("web1-a")
    assert requeue_orphaned_tasks("web1-a") == 1
    mine.refresh_from_db()
    retried_elsewhere.refresh_from_db()
    assert mine.status == TaskResultStatus.READY and mine.started_at is None
    assert retried_elsewhere.status == TaskResultStatus.RUNNING


def test_it_waits_out_a_database_locked_past_its_busy_timeout_and_then_runs_the_queue(transactional_db, tmp_path):
    """The real worker process meets a database another connection holds locked longer than its 1-second
    busy timeout (SQLite) or lock timeout (PostgreSQL); it logs, backs off, and runs the task afterwards."""
    import signal
    import subprocess

    from django.db import connection

    from civicdesk.core.management.commands.serve import task_worker_command
    from civicdesk.testing.live_stack import (
        ROOT, database_lock_held, database_url_of, lock_timeout_url, server_env, wait_for_text)

    queued = DBTaskResult.objects.get(pk=send_deliveries.enqueue([]).id)
    env = server_env(database_url=lock_timeout_url(database_url_of(connection)), var_dir=tmp_path,
                     SQLITE_BUSY_TIMEOUT="1")
    log_path = tmp_path / "worker.log"
    with database_lock_held(connection, table=DBTaskResult._meta.db_table), log_path.open("w") as log:
        worker = subprocess.Popen(task_worker_command("locked-out"), cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            wait_for_text(log_path, "2 failure(s) in a row", process=worker)
        except BaseException:
            worker.kill()
            raise
    try:
        deadline = time.monotonic() + 60
        while (time.monotonic() < deadline
               and DBTaskResult.objects.get(pk=queued.pk).status != TaskResultStatus.SUCCESSFUL):
            assert worker.poll() is None, log_path.read_text()
            time.sleep(0.1)
        assert DBTaskResult.objects.get(pk=queued.pk).status == TaskResultStatus.SUCCESSFUL, log_path.read_text()
        output = log_path.read_text()
        assert "database is locked" in output or "lock timeout" in output, output
        assert worker.poll() is None  # still waiting for more work
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0, log_path.read_text()
