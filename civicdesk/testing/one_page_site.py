"""A plain HTTP server on 127.0.0.1 answering every GET with one fixed body: another origin for browser tests
(a city's website framing CivicDesk, a tile server...)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def one_page_site(body: bytes, content_type: str = "text/html; charset=utf-8") -> Iterator[str]:
    """Serve `body` on a free port of 127.0.0.1 while the block runs; yields the origin (`http://127.0.0.1:<port>`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server interface
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
