"""Reading an Open311 server's catalogue: definitions, the api_key, and clear errors when the server misbehaves."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from django.core.management import CommandError, call_command

from civicdesk.cityconfig.catalogue_import import SourceError, fetch_open311_catalogue

SERVICES = [{"service_code": "001", "service_name": "Pothole", "metadata": True, "type": "realtime", "group": "Roads",
             "description": "Holes", "keywords": "hole"},
            {"service_code": "002", "service_name": "Noise", "metadata": False, "type": "realtime"}]
DEFINITION = {"service_code": "001", "attributes": [
    {"code": "DEPTH", "datatype": "singlevaluelist", "required": True, "variable": True, "order": 1,
     "description": "How deep?", "values": [{"key": "1", "name": "Shallow"}, {"key": "2", "name": "Deep"}]}]}


@pytest.fixture
def old_server():
    """A little HTTP server answering as the test says: {path: (status, body)}; records the paths asked for."""
    answers: dict[str, tuple[int, bytes]] = {}
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            status, body = answers.get(self.path.split("?")[0], (404, b'[{"code":404,"description":"nope"}]'))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/open311/v2/", answers, asked
    server.shutdown()
    server.server_close()


def test_it_reads_the_list_and_each_definition_with_the_api_key(old_server):
    base, answers, asked = old_server
    answers["/open311/v2/services.json"] = (200, json.dumps(SERVICES).encode())
    answers["/open311/v2/services/001.json"] = (200, json.dumps(DEFINITION).encode())
    found = fetch_open311_catalogue(base, api_key="k3y-secret", jurisdiction_id="old.example.gov")
    assert [s.code for s in found] == ["001", "002"]
    assert found[0].group == "Roads" and found[0].attributes[0]["code"] == "depth"
    assert found[0].attributes[0]["values"] == [{"key": "1", "name": "Shallow"}, {"key": "2", "name": "Deep"}]
    assert found[1].attributes == []
    assert all("api_key=k3y-secret" in path and "jurisdiction_id=old.example.gov" in path for path in asked)
    assert len(asked) == 2  # no definition asked for a service without metadata


def test_it_says_when_the_answer_is_not_json(old_server):
    base, answers, _asked = old_server
    answers["/open311/v2/services.json"] = (200, b"<html>Welcome to our portal</html>")
    with pytest.raises(SourceError, match="is not valid JSON, so it is not an Open311 JSON endpoint"):
        fetch_open311_catalogue(base)


def test_it_says_when_a_definition_is_malformed(old_server):
    base, answers, _asked = old_server
    answers["/open311/v2/services.json"] = (200, json.dumps(SERVICES).encode())
    answers["/open311/v2/services/001.json"] = (200, b'{"attributes": "none"}')
    with pytest.raises(SourceError, match="The definition of the service “001” is not an Open311 service definition"):
        fetch_open311_catalogue(base)


def test_it_passes_on_the_servers_own_error_and_hides_the_key(old_server):
    base, answers, _asked = old_server
    answers["/open311/v2/services.json"] = (403, b'[{"code":403,"description":"Invalid api_key"}]')
    with pytest.raises(SourceError) as refused:
        fetch_open311_catalogue(base, api_key="k3y-secret")
    assert "HTTP error 403 (“Invalid api_key”)" in str(refused.value) and "k3y-secret" not in str(refused.value)


def test_it_says_when_the_server_cannot_be_reached(world):
    with pytest.raises(CommandError, match="Cannot reach the old server at http://127.0.0.1:9/open311/v2/services.json"):
        call_command("import_catalogue", jurisdiction="elm", source="gone", open311="http://127.0.0.1:9/open311/v2/")


def test_it_gives_up_after_the_timeout():
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection but never answers
    try:
        with pytest.raises(SourceError, match="did not answer .* within 1 seconds"):
            fetch_open311_catalogue(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=1)
    finally:
        silent.close()
