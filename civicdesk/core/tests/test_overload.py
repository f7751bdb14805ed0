"""Load shedding (civicdesk/core/overload.py): over capacity the server answers 503 + Retry-After at once,
never a 500 or a hang, and serves normally again as soon as the load is gone."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from django.db import OperationalError, connection, transaction

from civicdesk.core.overload import InFlight, is_busy_database_error, queued_seconds
from civicdesk.open311.models import ApiKey
from civicdesk.open311.services import issue_api_key
from civicdesk.testing.live_stack import database_url_of, get, live_stack
from civicdesk.testing.world import IN_WEST_ELM

POSTS = 30
CHECKS = 10


def post(url: str, form: dict[str, str], timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    data = urlencode(form).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def burst(calls) -> list:
    """Run every call at the same moment from its own thread; their answers, or the exception each raised."""
    start = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(index, call):
        start.wait()
        try:
            answers[index] = call()
        except Exception as exc:  # noqa: BLE001 - a timeout or reset is what the test looks for
            answers[index] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_it_sheds_a_burst_with_503_and_retry_after_then_recovers_by_itself(tworld, tmp_path):
    api_key = issue_api_key(name="Burst", rate_limit_per_minute=0)[1]
    form = {"api_key": api_key, "jurisdiction_id": "elm.example.gov", "service_code": "graffiti",
            "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "description": "Tag on the bridge"}
    # One process, one request at a time, a database that gives up waiting for its lock after a second.
    with live_stack(database_url=database_url_of(connection), var_dir=tmp_path / "var", OVERLOAD_MAX_IN_FLIGHT="1",
                    OVERLOAD_RETRY_AFTER="3", SQLITE_BUSY_TIMEOUT="1") as stack:
        if connection.vendor == "postgresql":
            stack.env["DATABASE_URL"] += "?options=-c%20lock_timeout%3D1000"
        stack.start_gunicorn(workers=1, threads=4)
        posts = f"{stack.base}/open311/v2/requests.json"
        calls = [lambda: post(posts, form)] * POSTS + [lambda: get(f"{stack.base}/healthz", timeout=30)] * CHECKS
        # The test holds the write lock (SQLite) or the key's row (PostgreSQL) the posts need, so the one
        # post let in waits on the database while the rest of the burst finds the server full.
        with transaction.atomic():
            ApiKey.objects.select_for_update().filter(name="Burst").get()
            answers = burst(calls)

        failures = [a for a in answers if isinstance(a, Exception)]
        assert not failures, failures  # no timeouts, no dropped connections
        statuses = [status for status, _, _ in answers]
        assert 500 not in statuses
        # Every post was refused (the lock was held throughout), at once or after a bounded wait, in
        # Open311's own error format, with a Retry-After of at least OVERLOAD_RETRY_AFTER.
        for status, headers, body in answers[:POSTS]:
            assert status == 503, (status, body[:300])
            assert int(headers["Retry-After"]) >= 3
            assert headers["Content-Type"].startswith("application/json")
            [error] = json.loads(body)
            assert error["code"] == 503 and "busy" in error["description"]
        reasons = {headers["X-Shed-Reason"] for _, headers, _ in answers[:POSTS]}
        assert reasons == {"database", "capacity"}  # the one let in waited for the lock; the rest found it full
        assert all(status == 200 for status, _, _ in answers[POSTS:])  # /healthz is never shed

        # The lock is released: the same server takes reports again, without a restart.
        status, _, body = post(posts, form)
        assert status == 200, (body, _)
        assert json.loads(body)[0]["service_request_id"]
        assert get(f"{stack.base}/")[0] == 200
        assert stack.gunicorn.poll() is None


def test_it_refuses_a_request_that_waited_too_long_at_the_proxy(client, db, settings):
    settings.OVERLOAD_MAX_QUEUE_SECONDS = 5
    response = client.get("/", HTTP_X_REQUEST_START=f"t={time.time() - 30:.3f}")
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= settings.OVERLOAD_RETRY_AFTER
    assert response["X-Shed-Reason"] == "queued"
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>We are very busy right now</h1>" in response.content
    assert b"it was not saved" in response.content  # it never reached the view
    assert client.get("/", HTTP_X_REQUEST_START=f"t={time.time():.3f}").status_code == 200


def test_it_answers_open311_callers_in_open311_format_and_in_xml_when_asked(client, db, settings):
    settings.OVERLOAD_MAX_QUEUE_SECONDS = 5
    response = client.get("/open311/v2/services.xml", HTTP_X_REQUEST_START=f"t={time.time() - 30:.3f}")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>503</code>" in response.content


def test_it_reads_the_request_start_stamps_proxies_send():
    now = 1_700_000_100.0
    assert queued_seconds("t=1700000000.250", now=now) == 99.75  # nginx ${msec}
    assert queued_seconds("1700000000250", now=now) == 99.75  # milliseconds
    assert queued_seconds("t=1700000000250000", now=now) == 99.75  # microseconds
    assert queued_seconds("", now=now) is None
    assert queued_seconds("t=soon", now=now) is None
    assert queued_seconds("t=1700000200", now=now) == 0.0  # a proxy clock ahead of ours is not a wait


def test_it_turns_only_busy_database_errors_into_503():
    class Cause(Exception):
        def __init__(self, sqlstate):
            self.sqlstate = sqlstate

    def pg_error(sqlstate):
        error = OperationalError("canceling statement")
        error.__cause__ = Cause(sqlstate)
        return error

    assert is_busy_database_error(OperationalError("database is locked"))
    assert is_busy_database_error(pg_error("55P03"))  # lock_timeout
    assert is_busy_database_error(pg_error("53300"))  # too many connections
    assert not is_busy_database_error(OperationalError("no such table: servicerequests_servicerequest"))
    assert not is_busy_database_error(pg_error("42P01"))  # undefined table: a bug, stays a 500
    assert not is_busy_database_error(ValueError("database is locked"))


REQUESTS_PER_CLIENT = 60


def keep_alive_client(port: int, path: str, count: int) -> list[int]:
    """One client on one HTTP/1.1 keep-alive connection, each request sent as soon as the last answer came."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    statuses = []
    try:
        for _ in range(count):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        connection.close()
    return statuses


def test_it_serves_as_many_keep_alive_clients_as_it_admits_without_a_single_503(tworld, tmp_path, settings):
    """One gunicorn process with the default threads and limit, exactly as many keep-alive clients as the
    limit, hundreds of tracking-page requests: the server can serve all of them, so it refuses none (each
    client's next request may arrive while its previous answer is still being closed)."""
    from civicdesk.servicerequests import services

    assert settings.WEB_THREADS == 8 and settings.OVERLOAD_MAX_IN_FLIGHT == 6  # the defaults
    sr = services.submit_request(service_type=tworld.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                 description="Tag on the bus shelter")
    with live_stack(database_url=database_url_of(connection), var_dir=tmp_path / "var") as stack:
        stack.start_gunicorn(workers=1, threads=settings.WEB_THREADS)
        clients = settings.OVERLOAD_MAX_IN_FLIGHT
        answers = burst([lambda: keep_alive_client(stack.port, sr.get_absolute_url(), REQUESTS_PER_CLIENT)]
                        * clients)
    failures = [a for a in answers if isinstance(a, Exception)]
    assert not failures, failures
    statuses = [status for client_statuses in answers for status in client_statuses]
    assert len(statuses) == clients * REQUESTS_PER_CLIENT
    assert statuses.count(503) == 0 and set(statuses) == {200}


def test_it_counts_a_connection_once_while_its_previous_answer_is_still_being_closed():
    in_flight = InFlight(2)
    first, second, third = object(), object(), object()
    assert in_flight.admit(first) and in_flight.admit(second)
    assert not in_flight.admit(third)  # full: a third connection is refused
    assert in_flight.admit(first)  # the first client's next request, before its last answer was closed
    assert len(in_flight) == 2
    in_flight.leave(first)  # the earlier answer closed
    assert not in_flight.admit(third)
    in_flight.leave(first)
    assert in_flight.admit(third) and len(in_flight) == 2


def test_it_counts_a_streamed_answer_until_the_server_closes_it(rf, settings, tmp_path):
    """A file answer is produced while it is sent: the request stays in flight until the response closes."""
    from django.http import FileResponse, HttpResponse

    from civicdesk.core.overload import LoadSheddingMiddleware

    (tmp_path / "export.csv").write_text("id,status\n1,open\n")
    settings.OVERLOAD_MAX_IN_FLIGHT = 1
    middleware = LoadSheddingMiddleware(lambda request: FileResponse((tmp_path / "export.csv").open("rb")))
    request = rf.get("/datasets/export.csv")
    streamed = middleware(request)
    assert len(middleware.in_flight) == 1  # still being sent
    assert middleware(rf.get("/datasets/export.csv")).status_code == 503
    streamed.close()  # what the WSGI server does after the last byte
    assert len(middleware.in_flight) == 0

    plain = LoadSheddingMiddleware(lambda request: HttpResponse("done"))
    assert plain(request).status_code == 200 and len(plain.in_flight) == 0  # complete when the view returned
