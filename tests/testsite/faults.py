"""A tiny HTTP server on 127.0.0.1 whose every path is a test-chosen behaviour (for crawler fault tests).

`FaultServer({"/a.html": handler})`: a handler gets the request handler and the path's hit count and
sends whatever it likes (use `send`, or write raw bytes for drips and cut bodies). Paths not in the table
go to `fallback` (which can read `req.path`), else 404.
Every request is logged with its arrival and end times (monotonic clock).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler, int], int]  # (request, hit count) → status sent


@dataclass
class Hit:
    path: str
    start: float
    end: float
    status: int


def send(req: BaseHTTPRequestHandler, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> int:
    req.send_response(status)
    req.send_header("Content-Type", ctype)
    req.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        req.send_header(k, v)
    req.end_headers()
    req.wfile.write(body)
    return status


def page(body: bytes | str, ctype: str = "text/html; charset=utf-8", **headers: str) -> Handler:
    data = body.encode() if isinstance(body, str) else body
    return lambda req, _n: send(req, 200, data, ctype, headers)


ALLOW_ALL = page("User-agent: *\nDisallow:\n", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - socketserver API
        """A client that hangs up mid-drip is the point of these tests, not a traceback."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@dataclass
class FaultServer:
    routes: dict[str, Handler]
    fallback: Handler | None = None
    ip: str = "127.0.0.1"
    hits: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self.httpd = _Server((self.ip, 0), self._handler())
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://{self.ip}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Req(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # drips must leave byte by byte

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                start, status = time.monotonic(), 499
                path = self.path.split("?")[0]
                with server._lock:
                    n = server._counts[path] = server._counts.get(path, 0) + 1
                try:
                    route = server.routes.get(path, server.fallback)
                    status = route(self, n) if route else send(self, 404, b"<html><body>404</body></html>")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    with server._lock:
                        server.hits.append(Hit(path, start, time.monotonic(), status))

        return Req


@contextmanager
def fault_server(routes: dict[str, Handler], fallback: Handler | None = None) -> Iterator[FaultServer]:
    server = FaultServer(routes, fallback)
    thread = threading.Thread(target=server.httpd.serve_forever, name="fault-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
