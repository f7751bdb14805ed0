"""The health check load balancers poll."""

from __future__ import annotations

import os

from django.urls import reverse

from civicdesk.core.management.commands.serve import Child, write_status

URL = reverse("core:healthz")


def test_it_answers_ok_after_asking_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    # Outside `manage.py serve` there is no status file and no supervised process to report.
    assert response.json() == {"status": "ok", "database": "ok", "supervisor": None, "processes": None}
    assert queries.captured_queries[0]["sql"] == "SELECT 1"


def test_it_needs_no_session_or_sign_in(client, db):
    response = client.get(URL)
    assert not response.cookies
    assert response.status_code == 200


def test_it_reports_the_processes_serve_supervises_from_its_status_file(client, db, settings, tmp_path):
    settings.SERVE_STATUS_FILE = str(tmp_path / "serve-8000.json")
    web = Child("gunicorn", ["gunicorn"], state="running")
    worker = Child("db_worker", ["task_worker"], state="restarting", restarts=3, last_exit_code=-9)
    write_status(tmp_path / "serve-8000.json", state="running", children={"gunicorn": web, "db_worker": worker})
    response = client.get(URL)
    assert response.status_code == 200  # the web still serves while the worker restarts
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["supervisor"]["pid"] == os.getpid() and body["supervisor"]["alive"] is True
    assert body["processes"]["db_worker"] == {"state": "restarting", "pid": None, "restarts": 3,
                                              "last_exit_code": -9, "started_at": None}
    assert body["processes"]["gunicorn"]["state"] == "running"


def test_it_says_degraded_when_the_supervisor_is_gone(client, db, settings, tmp_path):
    path = tmp_path / "serve-8000.json"
    settings.SERVE_STATUS_FILE = str(path)
    write_status(path, state="running", children={})
    path.write_text(path.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))
    body = client.get(URL).json()
    assert body["status"] == "degraded" and body["supervisor"]["alive"] is False
