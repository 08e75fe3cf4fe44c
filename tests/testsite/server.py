"""Real HTTP servers on 127.0.0.x for the crawler tests: one per union site, plus a fault mode.

Each site gets its own loopback address (127.0.0.2, .3, …) so sites are different hosts, as on the web.
Every request is logged with its arrival and end times (monotonic clock), path, status and headers, so
tests can check what the crawler asked for and when.
"""

from __future__ import annotations

import gzip
import socket
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .site import SPECS, Doc, UnionSite, article_paragraphs

# Fault pages, linked from the fault site's first listing page (paths match the caobang article pattern).
FAULT_DIR = "/news/loi/"
FAULTS = {
    "loi-500-1.html": "always HTTP 500",
    "tam-loi-500-2.html": "HTTP 500 once, then the article",
    "qua-tai-429-3.html": "HTTP 429 with Retry-After: 1 once, then the article",
    "cham-4.html": "answers after slow_seconds (past the read timeout)",
    "vong-lap-5.html": "redirect loop (5 ↔ 5b)",
    "chuyen-huong-rieng-6.html": "redirect to http://10.0.0.1/ (private)",
    "chuyen-huong-metadata-7.html": "redirect to http://169.254.169.254/ (link-local, cloud metadata)",
    "sai-bang-ma-8.html": "Windows-1258 page sent with charset=utf-8",
    "cat-ngan-9.html": "Content-Length 50000, connection closed after 3000 bytes",
    "trang-lon-10.html": "20 MB page",
    "bom-gzip-11.html": "gzip bomb (30 MB of spaces, ~30 KB on the wire)",
    "da-xoa-12.html": "HTTP 410 Gone",
}
BIG_PAGE_BYTES = 20 * 1024 * 1024
BOMB_BYTES = 30 * 1024 * 1024
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letter with hat/horn/breve + combining tone mark."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tones)
    return "".join(out).encode("cp1258")


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    return gzip.compress(b"<html><body>" + b" " * BOMB_BYTES, compresslevel=9, mtime=0)


@dataclass
class LogEntry:
    start: float
    end: float
    method: str
    path: str
    status: int
    headers: dict[str, str]


@dataclass
class SiteServer:
    """One site on one loopback address."""

    ip: str
    name: str
    spec_name: str
    faults: bool = False
    crawl_delay: float | None = None
    n_articles: int = 12
    slow_seconds: float = 2.0
    conditional: bool = True  # honour If-None-Match (False: always 200, like many small CMSs)
    log: list[LogEntry] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        handler = _make_handler(self)
        self.httpd = _QuietServer((self.ip, 0), handler)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://{self.ip}:{self.port}/"
        self.site = UnionSite(self.spec_name, self.base_url, n_articles=self.n_articles,
                              crawl_delay=self.crawl_delay)
        if self.faults:
            gzip_bomb()  # built now, so serving it is instant
            for name in FAULTS:
                self.site.extra[FAULT_DIR + name] = Doc(FAULT_DIR + name, b"")
        self._thread = threading.Thread(target=self.httpd.serve_forever, name=f"site-{self.name}", daemon=True)

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def rules_toml(self, delay: float = 0.0, **extra: object) -> str:
        return self.site.rules_toml(delay, name=self.name, **extra)

    def write_rules(self, folder: Path, delay: float = 0.0, **extra: object) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.toml"
        path.write_text(self.rules_toml(delay, **extra), encoding="utf-8")
        return path

    def record(self, entry: LogEntry) -> None:
        with self._lock:
            self.log.append(entry)

    def hit(self, path: str) -> int:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]

    def requested(self) -> list[str]:
        with self._lock:
            return [e.path for e in self.log]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - socketserver API
        """A client that goes away (killed crawler, cut download) is normal here, not a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _make_handler(server: SiteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            start = time.monotonic()
            status = 0
            try:
                status = self._serve()
            except (BrokenPipeError, ConnectionResetError):
                status = status or 499
            finally:
                server.record(LogEntry(start, time.monotonic(), "GET", self.path, status,
                                       {k.lower(): v for k, v in self.headers.items()}))

        def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
                  headers: dict[str, str] | None = None) -> int:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
            return status

        def _serve(self) -> int:
            path = self.path.split("#")[0]
            bare = path.split("?")[0]
            count = server.hit(bare)
            if server.faults and bare.startswith(FAULT_DIR):
                return self._fault(bare[len(FAULT_DIR):], count)
            docs = server.site.documents()
            doc = docs.get(path) or (docs.get(bare) if bare in server.site.articles else None)
            if doc is None:
                return self._send(404, b"<html><body>Not found</body></html>")
            if doc.status != 200:
                return self._send(doc.status, b"<html><body>Gone</body></html>")
            if server.conditional and self.headers.get("If-None-Match") == doc.etag:
                self.send_response(304)
                self.send_header("ETag", doc.etag)
                self.end_headers()
                return 304
            return self._send(200, doc.body, doc.content_type, {"ETag": doc.etag} if server.conditional else {})

        def _article(self, i: int) -> bytes:
            site = server.site
            return site.render(f"Bài kiểm tra lỗi {i}", article_paragraphs(site.name, i, 500 + i))

        def _fault(self, name: str, count: int) -> int:
            if name == "loi-500-1.html":
                return self._send(500, b"<html><body>Internal Server Error</body></html>")
            if name == "tam-loi-500-2.html":
                if count == 1:
                    return self._send(500, b"<html><body>Internal Server Error</body></html>")
                return self._send(200, self._article(2))
            if name == "qua-tai-429-3.html":
                if count == 1:
                    return self._send(429, b"<html><body>Too Many Requests</body></html>",
                                      headers={"Retry-After": "1"})
                return self._send(200, self._article(3))
            if name == "cham-4.html":
                time.sleep(server.slow_seconds)
                return self._send(200, self._article(4))
            if name in ("vong-lap-5.html", "vong-lap-5b.html"):
                other = "vong-lap-5b.html" if name == "vong-lap-5.html" else "vong-lap-5.html"
                return self._send(302, b"", headers={"Location": FAULT_DIR + other})
            if name == "chuyen-huong-rieng-6.html":
                return self._send(302, b"", headers={"Location": "http://10.0.0.1/news/tin/bai-1.html"})
            if name == "chuyen-huong-metadata-7.html":
                return self._send(302, b"", headers={"Location": "http://169.254.169.254/latest/meta-data/"})
            if name == "sai-bang-ma-8.html":
                paras = "".join(f"<p>{p}</p>" for p in article_paragraphs(server.site.name, 8, 508))
                html = f"<html><head><title>Bài 8</title></head><body><h1>Bài 8</h1>{paras}</body></html>"
                return self._send(200, to_cp1258(html), "text/html; charset=utf-8")
            if name == "cat-ngan-9.html":
                body = self._article(9)[:3000]
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "50000")
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return 200
            if name == "trang-lon-10.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(BIG_PAGE_BYTES))
                self.end_headers()
                chunk = b"<p>" + b"x" * 65529 + b"</p>"
                for _ in range(BIG_PAGE_BYTES // len(chunk)):
                    self.wfile.write(chunk)
                self.wfile.write(b" " * (BIG_PAGE_BYTES % len(chunk)))
                return 200
            if name == "bom-gzip-11.html":
                return self._send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
            if name == "da-xoa-12.html":
                return self._send(410, b"<html><body>Gone</body></html>")
            return self._send(404, b"<html><body>Not found</body></html>")

    return Handler


@contextmanager
def serve_sites(names: list[str] | None = None, *, faults: bool = False, crawl_delay: float | None = None,
                n_articles: int = 12, first_ip: int = 2) -> Iterator[dict[str, SiteServer]]:
    """Start one server per union site (and a fault site named `loi-test` if asked); stop them after."""
    names = list(SPECS) if names is None else names
    servers: dict[str, SiteServer] = {}
    try:
        for i, name in enumerate(names):
            servers[name] = SiteServer(f"127.0.0.{first_ip + i}", name, name, crawl_delay=crawl_delay,
                                       n_articles=n_articles).start()
        if faults:
            servers["loi-test"] = SiteServer(f"127.0.0.{first_ip + len(names)}", "loi-test", "ldld-caobang",
                                             faults=True, crawl_delay=crawl_delay, n_articles=3).start()
        yield servers
    finally:
        for s in servers.values():
            s.stop()
