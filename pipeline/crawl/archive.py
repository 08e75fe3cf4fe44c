"""WARC archive of every request and response (warcio), crash-safe, and reading it back.

Writing: the records of one fetch (request/response pairs of every attempt and redirect hop) are built
in memory, each as its own gzip member, and appended in a single write followed by fsync. Every record
carries `Unionclaims-Fetch-ID` and `Unionclaims-Fetch-Records` (the group size), so after a crash
`repair_warc` can cut a half-written tail back to the last complete group and the crawler can tell which
archived fetches its state has not yet recorded. Files rotate by size; a restart always opens a new file.

Reading: `iter_archived_pages` yields the 200 HTML responses in archive order (file name order, which is
chronological, then file offset); it stops at a damaged tail instead of failing.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..clean.encoding import Decoded, decode_html
from .fetch import Exchange, decode_body

log = logging.getLogger(__name__)

FETCH_ID = "Unionclaims-Fetch-ID"
FETCH_RECORDS = "Unionclaims-Fetch-Records"
FRONTIER_URL = "Unionclaims-Frontier-URL"
PAGE_KIND = "Unionclaims-Page-Kind"  # robots | sitemap | feed | listing | article | other (non-HTML)
READ_LIMIT = 64 * 1024 * 1024  # decoded-body cap when reading archives written by others
HTML_TYPES = ("text/html", "application/xhtml+xml")


def warc_date(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass
class ArchivedPage:
    url: str
    body: bytes  # content-encoding removed
    headers: dict[str, str]  # HTTP response headers, names lower-cased
    status: int
    fetched_at: str  # WARC-Date (ISO 8601, UTC)
    record_id: str
    warc_path: str
    truncated: bool = False  # WARC-Truncated set, or the body hit the read cap
    kind: str | None = None  # what the crawler fetched it as (article, listing …); None in foreign archives

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    def decoded(self) -> Decoded:
        """The body as text, using the archived Content-Type charset too (see pipeline.clean.encoding)."""
        return decode_html(self.body, self.content_type)


@dataclass
class WrittenGroup:
    fetch_id: str
    warc_path: str
    offset: int
    final_record_id: str | None  # the response/revisit record of the final exchange
    final_date: str | None


@dataclass
class Revisit:
    """Write the final 200 as a revisit of an earlier identical payload."""

    refers_to: str
    refers_to_date: str


# ---------------------------------------------------------------------- writing


def _http_status_line(ex: Exchange) -> str:
    return f"{ex.status} {ex.reason}".strip()


def _request_path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def build_group(
    exchanges: list[Exchange], frontier_url: str, revisit: Revisit | None = None, fetch_id: str | None = None,
    error: str | None = None, kind: str | None = None,
) -> tuple[bytes, str, str | None, str | None]:
    """Serialise one fetch as WARC records → (bytes, fetch_id, final record id, final WARC-Date)."""
    fetch_id = fetch_id or uuid.uuid4().hex
    plan: list[tuple[str, Exchange]] = []
    for ex in exchanges:
        plan.append(("request", ex))
        plan.append(("response" if ex.status is not None else "metadata", ex))
    if error and (not exchanges or exchanges[-1].status is not None):
        plan.append(("metadata-error", exchanges[-1] if exchanges else None))  # type: ignore[arg-type]
    total = len(plan)
    final_index = max((i for i, (k, _) in enumerate(plan) if k == "response"), default=None)
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    final_id = final_date = None
    request_id = None
    for i, (rec_kind, ex) in enumerate(plan):  # not `kind`: that is the page kind
        rid = new_record_id()
        date = warc_date(ex.started if ex else datetime.now(timezone.utc))
        common = {"WARC-Record-ID": rid, "WARC-Date": date, FETCH_ID: fetch_id, FETCH_RECORDS: str(total),
                  FRONTIER_URL: frontier_url, **({PAGE_KIND: kind} if kind else {})}
        if rec_kind == "request":
            request_id = rid
            host = urlsplit(ex.url).netloc
            headers = [("Host", host), *[(k, v) for k, v in ex.request_headers if k.lower() != "host"]]
            http = StatusAndHeaders(f"GET {_request_path(ex.url)} HTTP/1.1", headers, is_http_request=True)
            rec = writer.create_warc_record(ex.url, "request", payload=io.BytesIO(b""), length=0,
                                            http_headers=http, warc_headers_dict=common)
        elif rec_kind == "response":
            http = StatusAndHeaders(_http_status_line(ex), list(ex.response_headers), protocol=ex.http_version)
            extra = {**common, "WARC-Concurrent-To": request_id or ""}
            if ex.peer_ip:
                extra["WARC-IP-Address"] = ex.peer_ip
            if ex.truncated:
                extra["WARC-Truncated"] = ex.truncated
            if revisit is not None and i == final_index and ex.status == 200:

                digest = _payload_digest(ex.raw)
                rec = writer.create_revisit_record(ex.url, digest, ex.url, revisit.refers_to_date,
                                                   http_headers=http, warc_headers_dict=extra)
                rec.rec_headers.add_header("WARC-Refers-To", revisit.refers_to)
                rec.rec_headers.replace_header("WARC-Record-ID", rid)
                rec.rec_headers.replace_header("WARC-Date", date)
            else:
                rec = writer.create_warc_record(ex.url, "response", payload=io.BytesIO(ex.raw),
                                                length=len(ex.raw), http_headers=http, warc_headers_dict=extra)
            if i == final_index:
                final_id, final_date = rid, date
        else:
            text = f"fetch-error: {error if rec_kind == 'metadata-error' else ex.error}\n".encode()
            url = ex.url if ex else frontier_url
            extra = {**common, "WARC-Concurrent-To": request_id or ""}
            rec = writer.create_warc_record(url, "metadata", payload=io.BytesIO(text), length=len(text),
                                            warc_content_type="application/warc-fields",
                                            warc_headers_dict=extra)
        writer.write_record(rec)
    return buf.getvalue(), fetch_id, final_id, final_date


def _payload_digest(raw: bytes) -> str:
    import base64
    import hashlib

    return "sha1:" + base64.b32encode(hashlib.sha1(raw).digest()).decode("ascii")


class WarcArchive:
    """Appends fetch groups to rotating WARC files under `warc_dir` (thread-safe)."""

    def __init__(self, warc_dir: Path, max_bytes: int, on_open=None, on_close=None, fsync: bool = True,
                 info: dict[str, str] | None = None) -> None:
        self.warc_dir = warc_dir
        self.max_bytes = max_bytes
        self.on_open = on_open
        self.on_close = on_close
        self.fsync = fsync
        self.info = info or {}
        self._lock = threading.Lock()
        self._fh: io.BufferedWriter | None = None
        self._path: Path | None = None

    def _open(self) -> None:
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.warc_dir / f"unionclaims-{stamp}-{os.getpid()}.warc.gz"
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "unionclaims crawl",
                                                                       "format": "WARC File Format 1.1",
                                                                       **self.info}))
        if self.on_open:
            self.on_open(str(path))  # registered before the first byte: a restart will check this file
        fh = open(path, "ab")  # noqa: SIM115 - kept open across writes
        fh.write(buf.getvalue())
        self._sync(fh)
        self._fh, self._path = fh, path

    def _sync(self, fh: io.BufferedWriter) -> None:
        fh.flush()
        if self.fsync:
            os.fsync(fh.fileno())

    def write(self, data: bytes) -> tuple[str, int]:
        """Append one group's bytes; returns (path, offset). The group is on disk when this returns."""
        with self._lock:
            if self._fh is not None and self._fh.tell() + len(data) > self.max_bytes:
                self._close_current()
            if self._fh is None:
                self._open()
            assert self._fh is not None and self._path is not None
            offset = self._fh.tell()
            self._fh.write(data)
            self._sync(self._fh)
            return str(self._path), offset

    def _close_current(self) -> None:
        if self._fh is None:
            return
        self._sync(self._fh)
        self._fh.close()
        if self.on_close and self._path is not None:
            self.on_close(str(self._path))
        self._fh = self._path = None

    def close(self) -> None:
        with self._lock:
            self._close_current()


# ---------------------------------------------------------------------- reading


@dataclass
class RawRecord:
    offset: int
    end: int
    rec_type: str
    url: str | None
    warc_headers: dict[str, str]
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes  # HTTP body as archived (content-encoding kept)


@dataclass
class ScanResult:
    records: list[RawRecord] = field(default_factory=list)
    valid_end: int = 0  # end of the last complete record
    damaged: str | None = None  # why reading stopped early


def _gzip_members(fh: io.BufferedReader, result: ScanResult) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, decompressed bytes) of each complete gzip member; sets result.damaged at a broken tail."""
    pos = 0
    pending = b""
    while True:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out: list[bytes] = []
        used = 0
        size = 0
        while not d.eof:
            if not pending:
                pending = fh.read(1 << 20)
                if not pending:
                    if used:
                        result.damaged = f"incomplete gzip member at offset {pos}"
                    return
            try:
                chunk = d.decompress(pending, READ_LIMIT + 1 - size)
            except zlib.error as exc:
                result.damaged = f"corrupt gzip data at offset {pos} ({exc})"
                return
            size += len(chunk)
            if size > READ_LIMIT:
                result.damaged = f"record at offset {pos} is larger than {READ_LIMIT} bytes"
                return
            out.append(chunk)
            if d.eof:
                consumed = len(pending) - len(d.unused_data)
                used += consumed
                pending = d.unused_data
            elif d.unconsumed_tail:
                used += len(pending) - len(d.unconsumed_tail)
                pending = d.unconsumed_tail
            else:
                used += len(pending)
                pending = b""
        yield pos, pos + used, b"".join(out)
        pos += used


def _http_status_and_headers(rec) -> tuple[int | None, list[tuple[str, str]]]:
    """HTTP status and headers of a response/revisit record (None and [] for other record types)."""
    if rec.http_headers is None or rec.rec_type not in ("response", "revisit"):
        return None, []
    try:
        status: int | None = int(rec.http_headers.get_statuscode())
    except (TypeError, ValueError):
        status = None
    return status, list(rec.http_headers.headers)


def _parse_record(data: bytes, offset: int, end: int) -> RawRecord | None:
    it = ArchiveIterator(io.BytesIO(data))
    for rec in it:
        headers = {k: v for k, v in rec.rec_headers.headers}
        declared = int(headers.get("Content-Length", "0") or 0)
        status, http_headers = _http_status_and_headers(rec)
        payload = rec.raw_stream.read()
        if len(data) < declared:  # short block: a record cut inside its member
            return None
        return RawRecord(offset, end, rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI"), headers,
                         status, http_headers, payload)
    return None


def scan_warc(path: Path) -> ScanResult:
    """Every complete record of a WARC file (gzip per record, or plain), stopping at a damaged tail."""
    result = ScanResult()
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
            fh.seek(0)
            if magic == b"\x1f\x8b":
                for start, end, data in _gzip_members(fh, result):
                    try:
                        rec = _parse_record(data, start, end)
                    except (ArchiveLoadFailed, ValueError, EOFError) as exc:
                        result.damaged = f"unreadable record at offset {start} ({exc})"
                        break
                    if rec is None:
                        result.damaged = f"incomplete record at offset {start}"
                        break
                    result.records.append(rec)
                    result.valid_end = end
            else:
                _scan_plain(fh, result)
    except OSError as exc:
        result.damaged = f"cannot read ({exc})"
    return result


def _scan_plain(fh: io.BufferedReader, result: ScanResult) -> None:
    it = ArchiveIterator(fh)
    try:
        for rec in it:
            status, http_headers = _http_status_and_headers(rec)
            payload = rec.raw_stream.read()
            offset = it.get_record_offset()
            result.records.append(RawRecord(offset, offset, rec.rec_type,
                                            rec.rec_headers.get_header("WARC-Target-URI"),
                                            dict(rec.rec_headers.headers), status, http_headers, payload))
    except (ArchiveLoadFailed, ValueError, EOFError, zlib.error) as exc:
        # The exception text may quote the damaged bytes: keep the message one printable line.
        result.damaged = f"unreadable record at offset {result.valid_end} ({type(exc).__name__})"


def complete_groups(scan: ScanResult) -> tuple[dict[str, list[RawRecord]], int]:
    """Fetch groups whose every record is present, and the offset just after the last complete one."""
    groups: dict[str, list[RawRecord]] = {}
    valid_end = 0
    for rec in scan.records:
        fid = rec.warc_headers.get(FETCH_ID)
        if fid is None:  # warcinfo or foreign records stand alone
            if not groups or all(len(g) == int(g[0].warc_headers.get(FETCH_RECORDS, len(g))) for g in groups.values()):
                valid_end = rec.end
            continue
        groups.setdefault(fid, []).append(rec)
        g = groups[fid]
        if len(g) == int(rec.warc_headers.get(FETCH_RECORDS, "1")):
            valid_end = rec.end
    done = {fid: g for fid, g in groups.items() if len(g) == int(g[0].warc_headers.get(FETCH_RECORDS, "1"))}
    return done, valid_end


def repair_warc(path: Path) -> tuple[dict[str, list[RawRecord]], str | None]:
    """Cut a crashed file back to its last complete fetch group (fsynced); returns the complete groups
    and a description of what was cut, if anything."""
    scan = scan_warc(path)
    groups, valid_end = complete_groups(scan)
    size = path.stat().st_size
    note = None
    if valid_end < size:
        note = f"{path}: cut {size - valid_end} bytes of an interrupted write ({scan.damaged or 'incomplete group'})"
        with open(path, "r+b") as fh:
            fh.truncate(valid_end)
            fh.flush()
            os.fsync(fh.fileno())
    return groups, note


def warc_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted({*folder.rglob("*.warc.gz"), *folder.rglob("*.warc")})


def is_html(headers: dict[str, str], body: bytes) -> bool:
    """HTML by Content-Type (headers lower-cased), or by sniffing the body when there is none."""
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype:
        return ctype in HTML_TYPES
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


@dataclass
class WarcReading:
    """What one WARC file holds for extraction: its HTML pages, and what was left out and why."""

    pages: list[ArchivedPage]
    damaged: str | None  # why reading stopped early, if it did
    skipped: Counter  # responses left out, by reason ("application/pdf", "kind listing", "status 404")


def read_archived_pages(path: Path, kinds: set[str] | None = None) -> WarcReading:
    """The 200 HTML responses of one WARC file, in archive order, and what else it held.

    Revisit records (unchanged refetches), redirects, errors and 304s are skipped. `kinds` (e.g.
    {"article"}) keeps only pages the crawler fetched as those kinds (pages of foreign archives have no
    kind and are kept). A damaged file gives the records before the damage and says where it stopped."""
    scan = scan_warc(path)
    pages: list[ArchivedPage] = []
    skipped: Counter = Counter()
    for rec in scan.records:
        if rec.rec_type != "response" or not rec.url:
            continue
        if rec.http_status != 200:
            skipped[f"status {rec.http_status}"] += 1
            continue
        kind = rec.warc_headers.get(PAGE_KIND)
        if kinds is not None and kind is not None and kind not in kinds:
            skipped[f"kind {kind}"] += 1
            continue
        headers = {k.lower(): v for k, v in rec.http_headers}
        body, cut = decode_body(rec.payload, headers.get("content-encoding"), READ_LIMIT)
        if not is_html(headers, body):
            skipped[headers.get("content-type", "no content type").split(";")[0].strip() or "not HTML"] += 1
            continue
        pages.append(ArchivedPage(
            url=rec.url, body=body, headers=headers, status=200,
            fetched_at=rec.warc_headers.get("WARC-Date", ""),
            record_id=rec.warc_headers.get("WARC-Record-ID", ""), warc_path=str(path),
            truncated=cut or "WARC-Truncated" in rec.warc_headers, kind=kind,
        ))
    return WarcReading(pages, scan.damaged, skipped)


def iter_archived_pages(corpus_dir: Path, kinds: set[str] | None = None) -> Iterator[ArchivedPage]:
    """The pages of `read_archived_pages` for every *.warc.gz / *.warc under `corpus_dir` (or that one
    file); a damaged file yields the records before the damage and logs one warning."""
    for path in warc_files(Path(corpus_dir)):
        reading = read_archived_pages(path, kinds)
        yield from reading.pages
        if reading.damaged:
            log.warning("%s: stopped reading at a damaged record: %s", path, reading.damaged)
