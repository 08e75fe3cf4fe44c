"""HTTP fetching for the crawler: politeness, retries, size caps and address safety, all as settings.

One `Fetcher.fetch(url, policy)` call = one page, possibly several HTTP exchanges (retries, redirects);
every exchange is returned so the archive can record it. Redirects are followed by hand so each hop is
checked (scheme, address, site, loop) and throttled like any other request.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

import requests
import urllib3
from urllib3.util.retry import Retry

from .urls import BadURL, bare_host, clean_url, netloc
from .watchdog import WatchedAdapter, header_deadline

log = logging.getLogger(__name__)

CONTACT_URL = os.environ.get(
    "UNIONCLAIMS_CONTACT", "https://github.com/unionclaims/unionclaims/blob/main/docs/crawl.md"
)
USER_AGENT = f"unionclaims/0.1 (research crawler of public trade-union news; +{CONTACT_URL})"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class CrawlSettings:
    """Every politeness and safety knob in one place (Scrapy-style settings)."""

    user_agent: str = USER_AGENT
    delay: float | None = None  # per-host minimum gap; None = each site's delay_seconds
    max_crawl_delay: float = 60.0  # robots Crawl-delay above this is capped (and logged)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_fetch_seconds: float = 120.0  # whole-body time cap (slow-drip servers); cut and flagged
    max_bytes: int = 10 * 1024 * 1024  # decoded body cap; cut and flagged `truncated`
    retries: int = 3  # extra attempts on timeouts, dropped connections and retry_statuses
    backoff_factor: float = 1.0  # wait backoff_factor * 2**attempt seconds before a retry …
    max_backoff: float = 60.0  # … at most this long
    max_retry_after: float = 300.0  # a longer Retry-After gives up on the page for this run
    retry_statuses: tuple[int, ...] = (429, 500, 502, 503, 504)
    max_redirects: int = 5
    max_depth: int = 1  # link hops from a listing/feed/sitemap; 1 = articles are leaves
    # Sitemap indexes can nest and fan out without end (generated indexes): both are bounded per site.
    max_sitemap_depth: int = 4  # index levels below a seed sitemap (robots.txt/rules) that are followed
    max_sitemaps: int = 500  # sitemaps scheduled per site and run, seeds included
    revalidate_days: float = 30.0  # articles first fetched this recently are revalidated every run
    warc_max_bytes: int = 100 * 1024 * 1024  # rotate WARC files at about this size
    workers: int = 4  # sites crawled in parallel (one connection per host at a time)
    max_pages: int | None = None  # per site and run, robots.txt not counted
    since: date | None = None
    fsync: bool = True  # fsync each WARC write; off only in benchmarks
    clean_text: bool = True  # hash pipeline.clean.cleaner's article text (edits, spam); False = whole page


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public addresses a site may resolve to (tests run on 127.0.0.x)."""

    allow_private: bool = False
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def refusal(self, ip: str) -> str | None:
        addr = ipaddress.ip_address(ip)
        if any(addr in n for n in self.networks):
            return None
        if addr.is_global:
            return None
        # Link-local covers cloud metadata endpoints (169.254.169.254): only an explicit network allows it.
        if self.allow_private and not (addr.is_link_local or addr.is_multicast or addr.is_unspecified):
            return None
        kind = "loopback" if addr.is_loopback else "link-local" if addr.is_link_local else "private"
        return f"{ip} is a {kind} address"


@dataclass
class Exchange:
    """One HTTP request and, if one came, its response."""

    url: str
    started: datetime
    request_headers: list[tuple[str, str]]
    method: str = "GET"
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    raw: bytes = b""  # body as transmitted (content-encoding kept), possibly cut
    body: bytes = b""  # content-encoding removed, at most max_bytes
    truncated: str | None = None  # WARC-Truncated reason: length | time | disconnect
    error: str | None = None
    peer_ip: str | None = None
    elapsed: float = 0.0

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.response_headers:
            if k.lower() == name:
                return v
        return None


@dataclass
class FetchResult:
    url: str
    exchanges: list[Exchange] = field(default_factory=list)
    error: str | None = None  # why there is no usable final response (or a final problem)

    @property
    def final(self) -> Exchange | None:
        """The last exchange that got a response."""
        for ex in reversed(self.exchanges):
            if ex.status is not None:
                return ex
        return None


class HostThrottle:
    """At most one request per host at a time, and at least `delay` seconds between them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last_end: dict[str, float] = {}
        self._not_before: dict[str, float] = {}

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(host, threading.Lock())

    @contextmanager
    def slot(self, host: str, delay: float) -> Iterator[None]:
        """Hold the host for one request. The gap runs from the end of the previous response, with the
        delay known now (robots.txt may have raised it since), or until a backoff/Retry-After deadline."""
        lock = self._host_lock(host)
        with lock:
            with self._lock:
                ready = max(self._last_end.get(host, float("-inf")) + delay, self._not_before.get(host, 0.0))
            wait = ready - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                with self._lock:
                    self._last_end[host] = time.monotonic()

    def defer(self, host: str, seconds: float) -> None:
        """No request to `host` before `seconds` from now (backoff, Retry-After)."""
        with self._lock:
            self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + seconds)


class _Decoder:
    """Incremental Content-Encoding decoder with an output cap (gzip/deflate bombs stop at the cap)."""

    def __init__(self, encoding: str | None) -> None:
        enc = (encoding or "").strip().lower()
        self.kind = enc if enc in ("gzip", "x-gzip", "deflate") else ""
        self._d = self._new()
        self.error: str | None = None
        self.consumed = 0

    def _new(self) -> zlib._Decompress | None:
        if self.kind in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.kind == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return None

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decoded bytes for `data`, at most `limit` + 1 (one more tells the caller the cap was hit).
        `self.consumed` is how much of `data` that took, so a cut body can be archived cut too."""
        total = len(data)
        if self._d is None or self.error:
            out = data[: limit + 1]
            self.consumed = len(out)
            return out
        out = b""
        try:
            while data and len(out) <= limit:
                out += self._d.decompress(data, limit + 1 - len(out))
                if self._d.unconsumed_tail:
                    data = self._d.unconsumed_tail
                    continue
                if self._d.eof and self._d.unused_data.strip(b"\0"):
                    data = self._d.unused_data  # concatenated gzip members
                    self._d = self._new()
                    continue
                data = b""
        except zlib.error as exc:
            if self.kind == "deflate" and not out:
                # Some servers send raw deflate without the zlib header.
                self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data, limit)
            self.error = f"bad {self.kind} data ({exc})"
            data = b""
        self.consumed = total - len(data)
        return out


def decode_body(raw: bytes, content_encoding: str | None, limit: int) -> tuple[bytes, bool]:
    """(decoded body, cut at limit?) for an archived raw body."""
    out = _Decoder(content_encoding).feed(raw, limit)
    return out[:limit], len(out) > limit


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


class Fetcher:
    """Fetches pages over one requests.Session per thread, politely and safely."""

    def __init__(self, settings: CrawlSettings, throttle: HostThrottle | None = None) -> None:
        self.settings = settings
        self.throttle = throttle or HostThrottle()
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.headers.update({
                "User-Agent": self.settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "vi,en;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            })
            s.trust_env = False  # no proxies from the environment: every hop is checked by us
            for prefix in ("http://", "https://"):  # headers dripped byte by byte are cut too (watchdog.py)
                s.mount(prefix, WatchedAdapter())
            self._local.session = s
        return s

    def fetch(
        self,
        url: str,
        *,
        delay: float,
        addresses: AddressPolicy,
        hosts: set[str] | None = None,
        conditional: dict[str, str] | None = None,
        may_fetch: Callable[[str], str | None] | None = None,
    ) -> FetchResult:
        """Fetch `url`, following redirects within `hosts`; `may_fetch(url)` returns a refusal or None."""
        result = FetchResult(url)
        chain: list[str] = []
        current = url
        while True:
            if current in chain:
                result.error = f"redirect loop ({' → '.join([*chain, current])})"
                return result
            if len(chain) > self.settings.max_redirects:
                result.error = f"more than {self.settings.max_redirects} redirects"
                return result
            chain.append(current)
            refusal = self._refusal(current, addresses, hosts)
            if refusal is None and may_fetch is not None and len(chain) > 1:
                refusal = may_fetch(current)
            if refusal:
                result.error = refusal if len(chain) == 1 else f"redirect to {current} refused: {refusal}"
                return result
            ex = self._with_retries(current, delay, conditional if len(chain) == 1 else None, result)
            if ex is None or ex.status not in REDIRECT_STATUSES:
                return result
            location = ex.header("location")
            if not location:
                return result
            try:
                current = clean_url(location, base=current)
            except BadURL as exc:
                result.error = f"redirect to an unusable location: {exc}"
                return result

    def _refusal(self, url: str, addresses: AddressPolicy, hosts: set[str] | None) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"{url}: only http and https are fetched"
        host = parts.hostname or ""
        try:
            ipaddress.ip_address(host)
            literal = True
        except ValueError:
            literal = False
        # Host names outside the site are refused without a DNS lookup; IP literals get the address check.
        if not literal and hosts is not None and bare_host(host) not in hosts:
            return f"{url} is outside the site's hosts"
        try:
            ips = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except (OSError, UnicodeError) as exc:
            return f"{host}: cannot resolve ({exc})"
        for ip in ips:
            why = addresses.refusal(ip)
            if why:
                return f"{url}: {why} (allowed only by the site's allow_private_addresses/allowed_networks)"
        if hosts is not None and bare_host(host) not in hosts:
            return f"{url} is outside the site's hosts"
        return None

    def _with_retries(
        self, url: str, delay: float, conditional: dict[str, str] | None, result: FetchResult
    ) -> Exchange | None:
        """Send the request, retrying per settings; every attempt is appended to result.exchanges."""
        s = self.settings
        policy = Retry(total=s.retries, backoff_factor=s.backoff_factor, backoff_max=s.max_backoff,
                       status_forcelist=s.retry_statuses, respect_retry_after_header=True)
        host = netloc(url)
        attempt = 0
        while True:
            with self.throttle.slot(host, delay):
                ex = self._exchange(url, conditional)
            result.exchanges.append(ex)
            problem = ex.error or (f"HTTP {ex.status}" if ex.status in s.retry_statuses else None)
            if ex.error and ex.truncated == "time":  # a slow-drip server would only drip again
                result.error = ex.error
                log.warning("%s: %s", url, ex.error)
                return None
            if problem is None:
                result.error = None
                if ex.truncated == "time":
                    result.error = (f"body still arriving after max_fetch_seconds={s.max_fetch_seconds:g}s; "
                                    f"cut at {len(ex.raw)} bytes (not retried)")
                return ex
            retry_after = self._retry_after(ex, policy)
            if attempt >= s.retries:
                result.error = f"{problem} (gave up after {attempt + 1} attempts)"
                log.warning("%s: %s; giving up after %d attempts", url, problem, attempt + 1)
                if retry_after is not None:  # the server asked the host to wait, whatever page comes next
                    self.throttle.defer(host, min(retry_after, s.max_retry_after))
                return ex if ex.status is not None else None
            wait = min(s.max_backoff, s.backoff_factor * (2**attempt))
            if retry_after is not None:
                if retry_after > s.max_retry_after:
                    result.error = f"{problem} with Retry-After {retry_after:.0f}s (over max_retry_after)"
                    log.warning("%s: %s, Retry-After %.0fs is over max_retry_after=%.0fs; giving up for this run",
                                url, problem, retry_after, s.max_retry_after)
                    self.throttle.defer(host, min(retry_after, s.max_retry_after))
                    return ex
                wait = max(wait, retry_after)
            attempt += 1
            log.warning("%s: %s; retry %d/%d in %.1fs", url, problem, attempt, s.retries, wait)
            self.throttle.defer(host, wait)

    @staticmethod
    def _retry_after(ex: Exchange, policy: Retry) -> float | None:
        value = ex.header("retry-after")
        if not value or ex.status not in (429, 503):
            return None
        try:
            return max(0.0, float(policy.parse_retry_after(value)))
        except urllib3.exceptions.InvalidHeader:
            return None

    def _exchange(self, url: str, conditional: dict[str, str] | None) -> Exchange:
        s = self.settings
        headers = dict(conditional or {})
        started = datetime.now(timezone.utc)
        t0 = time.monotonic()
        ex = Exchange(url=url, started=started, request_headers=[])
        try:
            with header_deadline(s.max_fetch_seconds) as watch:
                resp = self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                        timeout=(s.connect_timeout, s.read_timeout))
        except requests.RequestException as exc:
            ex.error = _describe(exc)
            if watch.fired:
                ex.truncated = "time"
                ex.error = (f"status line and headers still arriving after max_fetch_seconds="
                            f"{s.max_fetch_seconds:g}s (not retried)")
            ex.request_headers = _request_headers(url, self.session, headers)
            ex.elapsed = time.monotonic() - t0
            return ex
        try:
            ex.request_headers = [(k, str(v)) for k, v in resp.request.headers.items()]
            ex.status, ex.reason = resp.status_code, resp.reason or ""
            ex.http_version = "HTTP/1.0" if resp.raw.version == 10 else "HTTP/1.1"
            ex.response_headers = _raw_headers(resp)
            ex.peer_ip = _peer_ip(resp)
            self._read_body(resp, ex, t0)
        finally:
            resp.close()
        ex.elapsed = time.monotonic() - t0
        log.info("GET %s → %s %s (%d bytes%s, %.2fs)", url, ex.status, ex.reason, len(ex.body),
                 f", truncated: {ex.truncated}" if ex.truncated else "", ex.elapsed)
        return ex

    def _read_body(self, resp: requests.Response, ex: Exchange, t0: float) -> None:
        """Read the body under both caps. The time cap holds for any drip rate: each read returns what has
        arrived (read1) and the socket never waits past the deadline, so a byte every 0.5 s is cut too."""
        s = self.settings
        deadline = t0 + s.max_fetch_seconds
        sock = _socket(resp)
        decoder = _Decoder(resp.headers.get("Content-Encoding"))
        raw: list[bytes] = []
        body: list[bytes] = []
        size = 0
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._cut_for_time(ex, sum(map(len, raw)))
                    break
                if sock is not None:
                    sock.settimeout(max(0.01, min(s.read_timeout, left)))
                chunk = resp.raw.read1(64 * 1024, decode_content=False)
                if not chunk:
                    break
                raw.append(chunk)
                out = decoder.feed(chunk, s.max_bytes - size)
                body.append(out)
                size += len(out)
                if size > s.max_bytes:
                    raw[-1] = chunk[: decoder.consumed]  # archive only what the kept body came from
                    ex.truncated = "length"
                    log.warning("%s: body over max_bytes=%d; cut and flagged truncated", ex.url, s.max_bytes)
                    break
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError):
            ex.truncated = "disconnect"
            expected = resp.headers.get("Content-Length")
            ex.error = f"connection closed after {sum(map(len, raw))}" + (f" of {expected}" if expected else "") + " bytes"
        except (urllib3.exceptions.ReadTimeoutError, requests.RequestException, OSError) as exc:
            if time.monotonic() >= deadline:  # the socket wait was shortened to the deadline: a time cut
                self._cut_for_time(ex, sum(map(len, raw)))
            else:
                ex.truncated = "disconnect"
                ex.error = f"read timed out after {size} bytes" if "timed out" in str(exc) else _short(exc)
        if decoder.error:
            log.warning("%s: %s; body kept as received", ex.url, decoder.error)
        ex.raw = b"".join(raw)
        ex.body = b"".join(body)[: s.max_bytes]

    def _cut_for_time(self, ex: Exchange, received: int) -> None:
        ex.truncated = "time"
        log.warning("%s: body still arriving after max_fetch_seconds=%gs (%d bytes); cut and flagged truncated",
                    ex.url, self.settings.max_fetch_seconds, received)


def _socket(resp: requests.Response) -> socket.socket | None:
    """The response's socket, to bound each wait by the time cap (None if urllib3 hides it)."""
    for get in (lambda: resp.raw._connection.sock, lambda: resp.raw._fp.fp.raw._sock):  # noqa: SLF001
        try:
            sock = get()
        except AttributeError:
            continue
        if isinstance(sock, socket.socket):
            return sock
    return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timed out"
    if isinstance(exc, requests.ReadTimeout):
        return "read timed out"
    if isinstance(exc, requests.ConnectionError):
        # The OS reason ("[Errno 111] Connection refused") without urllib3's pool and retry wrapping.
        m = re.search(r"\[Errno -?\d+\] [^'\")]+", str(exc))
        return f"connection failed ({m.group(0).strip() if m else _short(exc)})"
    return _short(exc)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."


def _raw_headers(resp: requests.Response) -> list[tuple[str, str]]:
    # Headers as sent, in order; Transfer-Encoding is dropped because the archived body is de-chunked.
    return [(k, v) for k, v in resp.raw.headers.items() if k.lower() != "transfer-encoding"]


def _request_headers(url: str, session: requests.Session, extra: dict[str, str]) -> list[tuple[str, str]]:
    return [*session.headers.items(), *extra.items()]


def _peer_ip(resp: requests.Response) -> str | None:
    try:
        sock = resp.raw._connection.sock  # noqa: SLF001 - only for the WARC-IP-Address field
        return sock.getpeername()[0] if sock else None
    except (AttributeError, OSError):
        return None
