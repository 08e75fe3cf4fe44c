"""Crawl state in SQLite (WAL): frontier, seen URLs, validators, hashes, versions, events, WARC files.

One `Store` per crawl process (guarded by a lock file); each method is one transaction, so a kill at any
moment leaves the last committed state. Small read functions (`site_activity`, `page_versions`,
`run_summary`) open the file read-only for audits and reports.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, args TEXT
);
CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY,            -- urls.url_key: one row per article/listing/feed/... whatever its URL form
    url TEXT NOT NULL,               -- the URL we fetch
    site TEXT NOT NULL,
    kind TEXT NOT NULL,              -- robots | sitemap | feed | listing | article
    depth INTEGER NOT NULL DEFAULT 0,
    priority INTEGER NOT NULL,       -- robots 0, sitemaps/feeds 1, the rest 2 (FIFO by seq within)
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,             -- pending | done | failed | gone | blocked | skipped
    run_id INTEGER,                  -- run that last scheduled it
    listing_root TEXT, page_no INTEGER, found_via TEXT, lastmod TEXT,
    etag TEXT, last_modified TEXT, last_status INTEGER, last_fetched TEXT, last_fetch_run INTEGER,
    first_fetched TEXT, first_fetch_run INTEGER, discovered_run INTEGER,
    content_hash TEXT, text_hash TEXT, version INTEGER NOT NULL DEFAULT 0, published TEXT,
    links TEXT, links_hash TEXT, flags TEXT, error TEXT,
    last_record_id TEXT, last_record_date TEXT
);
CREATE INDEX IF NOT EXISTS pages_frontier ON pages(site, state, priority, seq);
CREATE TABLE IF NOT EXISTS versions (
    key TEXT NOT NULL, version INTEGER NOT NULL, url TEXT, site TEXT, fetched_at TEXT,
    content_hash TEXT, text_hash TEXT, record_id TEXT, warc_path TEXT, flags TEXT, run_id INTEGER,
    PRIMARY KEY (key, version)
);
CREATE TABLE IF NOT EXISTS fetches (     -- one row per archived fetch group: what makes restarts exact
    fetch_id TEXT PRIMARY KEY, key TEXT, site TEXT, kind TEXT, run_id INTEGER,
    warc_path TEXT, offset INTEGER, at TEXT
);
CREATE INDEX IF NOT EXISTS fetches_run ON fetches(run_id, site);
CREATE TABLE IF NOT EXISTS events (
    run_id INTEGER, site TEXT, key TEXT, url TEXT, event TEXT, detail TEXT, at TEXT
);
CREATE INDEX IF NOT EXISTS events_run ON events(run_id);
CREATE TABLE IF NOT EXISTS warc_files (path TEXT PRIMARY KEY, state TEXT NOT NULL, opened TEXT, closed TEXT);
CREATE TABLE IF NOT EXISTS robots (
    netloc TEXT PRIMARY KEY, run_id INTEGER, status INTEGER, body TEXT, fetched_at TEXT
);
CREATE TABLE IF NOT EXISTS sites (
    site TEXT PRIMARY KEY, articles INTEGER NOT NULL DEFAULT 0,
    last_new_article_at TEXT, latest_published TEXT, last_crawl_at TEXT
);
"""

SCHEMA_VERSION = 1
PRIORITY = {"robots": 0, "sitemap": 1, "feed": 1, "listing": 2, "article": 2}
ARTICLE_EVENTS = ("new", "changed", "unchanged", "gone", "failed", "blocked", "spam")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass
class Page:
    """A frontier/seen row (the columns the crawler uses)."""

    key: str
    url: str
    site: str
    kind: str
    depth: int
    state: str
    run_id: int | None
    listing_root: str | None
    page_no: int | None
    found_via: str | None
    lastmod: str | None
    etag: str | None
    last_modified: str | None
    last_status: int | None
    last_fetched: str | None
    first_fetch_run: int | None
    content_hash: str | None
    text_hash: str | None
    version: int
    published: str | None
    links: str | None
    links_hash: str | None
    last_record_id: str | None
    last_record_date: str | None


_PAGE_COLS = ", ".join(Page.__dataclass_fields__)


class StoreError(RuntimeError):
    pass


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # a lost commit is recovered from the WARC files
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise StoreError(f"{path}: crawl state schema version {version}, this version of unionclaims "
                                 f"reads {SCHEMA_VERSION}; use a new --state file")
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable crawl state database ({exc})") from exc
        self.db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM pages").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # ------------------------------------------------------------------ runs

    def open_run(self, args: dict[str, Any]) -> tuple[int, bool]:
        """(run_id, resumed): an unfinished last run is resumed, else a new run starts."""
        with self.tx() as db:
            row = db.execute("SELECT run_id, finished FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
            if row is not None and row["finished"] is None:
                return row["run_id"], True
            cur = db.execute("INSERT INTO runs(started, args) VALUES (?, ?)", (now_iso(), json.dumps(args)))
            return int(cur.lastrowid or 0), False

    def finish_run(self, run_id: int) -> None:
        with self.tx() as db:
            db.execute("UPDATE runs SET finished=? WHERE run_id=?", (now_iso(), run_id))

    # ------------------------------------------------------------------ frontier

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def enqueue(
        self,
        db: sqlite3.Connection,
        run_id: int,
        *,
        key: str,
        url: str,
        site: str,
        kind: str,
        depth: int = 0,
        listing_root: str | None = None,
        page_no: int | None = None,
        found_via: str | None = None,
        lastmod: str | None = None,
        refetch: bool = False,
    ) -> bool:
        """Add a URL to the frontier (inside a transaction). Known URLs are rescheduled only if
        `refetch` (seeds, revalidation, a newer sitemap lastmod) and not already handled in this run."""
        row = db.execute("SELECT state, run_id, lastmod FROM pages WHERE key=?", (key,)).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO pages(key, url, site, kind, depth, priority, seq, state, run_id, listing_root,"
                " page_no, found_via, lastmod, discovered_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (key, url, site, kind, depth, PRIORITY[kind], self._next_seq(), "pending", run_id,
                 listing_root, page_no, found_via, lastmod, run_id),
            )
            return True
        if lastmod and lastmod != row["lastmod"]:
            db.execute("UPDATE pages SET lastmod=? WHERE key=?", (lastmod, key))
        if not refetch or row["state"] == "pending" or row["run_id"] == run_id:
            return False
        db.execute(
            "UPDATE pages SET state='pending', run_id=?, seq=?, depth=MIN(depth, ?) WHERE key=?",
            (run_id, self._next_seq(), depth, key),
        )
        return True

    @staticmethod
    def sitemap_level(db: sqlite3.Connection, key: str, limit: int) -> int:
        """How many sitemaps lead to this one through found_via (0 for a seed), counted up to `limit` + 1."""
        level, seen = 0, {key}
        while level <= limit:
            row = db.execute("SELECT found_via FROM pages WHERE key=?", (key,)).fetchone()
            parent = row["found_via"] if row else None
            if not parent or parent in seen:
                break
            prow = db.execute("SELECT kind FROM pages WHERE key=?", (parent,)).fetchone()
            if prow is None or prow["kind"] != "sitemap":
                break
            seen.add(parent)
            key, level = parent, level + 1
        return level

    @staticmethod
    def sitemaps_in_run(db: sqlite3.Connection, run_id: int, site: str) -> int:
        return db.execute("SELECT COUNT(*) FROM pages WHERE site=? AND kind='sitemap' AND run_id=?",
                          (site, run_id)).fetchone()[0]

    def next_pending(self, site: str) -> Page | None:
        with self._lock:
            row = self.db.execute(
                f"SELECT {_PAGE_COLS} FROM pages WHERE site=? AND state='pending' ORDER BY priority, seq LIMIT 1",
                (site,),
            ).fetchone()
        return Page(**dict(row)) if row else None

    def get(self, key: str) -> Page | None:
        with self._lock:
            row = self.db.execute(f"SELECT {_PAGE_COLS} FROM pages WHERE key=?", (key,)).fetchone()
        return Page(**dict(row)) if row else None

    def pending_count(self, sites: Iterable[str] | None = None) -> int:
        with self._lock:
            if sites is None:
                return self.db.execute("SELECT COUNT(*) FROM pages WHERE state='pending'").fetchone()[0]
            names = list(sites)
            marks = ",".join("?" * len(names))
            return self.db.execute(
                f"SELECT COUNT(*) FROM pages WHERE state='pending' AND site IN ({marks})", names
            ).fetchone()[0]

    def fetched_in_run(self, run_id: int, site: str) -> int:
        with self._lock:
            return self.db.execute(
                "SELECT COUNT(*) FROM fetches WHERE run_id=? AND site=? AND kind != 'robots'", (run_id, site)
            ).fetchone()[0]

    def revalidation_candidates(self, db: sqlite3.Connection, sites: list[str], days: float) -> list[sqlite3.Row]:
        """Articles worth another look this run: first fetched recently (conditional GET), failed last time,
        or blocked by robots.txt last time (robots.txt may have changed)."""
        since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat().replace("+00:00", "Z")
        marks = ",".join("?" * len(sites))
        return db.execute(
            f"SELECT key, url, site, depth, published FROM pages WHERE kind='article' AND site IN ({marks}) AND "
            f"((state='done' AND first_fetched >= ?) OR state IN ('failed', 'blocked'))",
            (*sites, since),
        ).fetchall()

    def set_state(self, key: str, state: str, error: str | None = None, run_id: int | None = None,
                  site: str | None = None, url: str | None = None, event: str | None = None) -> None:
        with self.tx() as db:
            db.execute("UPDATE pages SET state=?, error=? WHERE key=?", (state, error, key))
            if event and run_id is not None:
                self.add_event(db, run_id, site, key, url, event, error)

    # ------------------------------------------------------------------ fetch results

    def fetch_known(self, fetch_id: str) -> bool:
        with self._lock:
            return self.db.execute("SELECT 1 FROM fetches WHERE fetch_id=?", (fetch_id,)).fetchone() is not None

    def add_fetch(self, db: sqlite3.Connection, fetch_id: str, page: Page, run_id: int, warc_path: str,
                  offset: int) -> None:
        db.execute("INSERT OR IGNORE INTO fetches VALUES (?,?,?,?,?,?,?,?)",
                   (fetch_id, page.key, page.site, page.kind, run_id, warc_path, offset, now_iso()))

    @staticmethod
    def add_event(db: sqlite3.Connection, run_id: int, site: str | None, key: str | None, url: str | None,
                  event: str, detail: str | None = None) -> None:
        db.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?)", (run_id, site, key, url, event, detail, now_iso()))

    @staticmethod
    def update_page(db: sqlite3.Connection, key: str, **cols: Any) -> None:
        if not cols:
            return
        sets = ", ".join(f"{c}=?" for c in cols)
        db.execute(f"UPDATE pages SET {sets} WHERE key=?", (*cols.values(), key))

    @staticmethod
    def add_version(db: sqlite3.Connection, page: Page, version: int, fetched_at: str, content_hash: str,
                    text_hash: str, record_id: str, warc_path: str, flags: list[str], run_id: int) -> None:
        db.execute("INSERT OR REPLACE INTO versions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (page.key, version, page.url, page.site, fetched_at, content_hash, text_hash, record_id,
                    warc_path, json.dumps(flags), run_id))

    @staticmethod
    def note_site(db: sqlite3.Connection, site: str, *, new_article_at: str | None = None,
                  published: str | None = None) -> None:
        db.execute("INSERT OR IGNORE INTO sites(site) VALUES (?)", (site,))
        db.execute("UPDATE sites SET last_crawl_at=? WHERE site=?", (now_iso(), site))
        if new_article_at:
            db.execute("UPDATE sites SET articles=articles+1, last_new_article_at=? WHERE site=?",
                       (new_article_at, site))
        if published:
            db.execute("UPDATE sites SET latest_published=? WHERE site=? AND "
                       "(latest_published IS NULL OR latest_published < ?)", (published, site, published))

    def known_before(self, keys: list[str], run_id: int) -> set[str]:
        """Those of `keys` already seen (linked from somewhere) in an earlier run."""
        out: set[str] = set()
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                out.update(r[0] for r in self.db.execute(
                    f"SELECT key FROM pages WHERE key IN ({marks}) AND discovered_run < ?", (*chunk, run_id)))
        return out

    def published_of(self, keys: list[str]) -> list[str | None]:
        with self._lock:
            rows = {r[0]: r[1] for r in self.db.execute(
                f"SELECT key, published FROM pages WHERE key IN ({','.join('?' * len(keys))})", keys)}
        return [rows.get(k) for k in keys]

    def listing_page(self, listing_root: str, page_no: int) -> Page | None:
        with self._lock:
            row = self.db.execute(f"SELECT {_PAGE_COLS} FROM pages WHERE listing_root=? AND page_no=?",
                                  (listing_root, page_no)).fetchone()
        return Page(**dict(row)) if row else None

    # ------------------------------------------------------------------ robots

    def robots(self, netloc: str, run_id: int) -> tuple[int | None, str] | None:
        """(status, body) of this run's robots.txt for a host, or None if not fetched in this run."""
        with self._lock:
            row = self.db.execute("SELECT status, body, run_id FROM robots WHERE netloc=?", (netloc,)).fetchone()
        if row is None or row["run_id"] != run_id:
            return None
        return row["status"], row["body"]

    def robots_validators(self, netloc: str) -> tuple[int | None, str] | None:
        with self._lock:
            row = self.db.execute("SELECT status, body FROM robots WHERE netloc=?", (netloc,)).fetchone()
        return (row["status"], row["body"]) if row else None

    @staticmethod
    def save_robots(db: sqlite3.Connection, netloc: str, run_id: int, status: int | None, body: str) -> None:
        db.execute("INSERT OR REPLACE INTO robots VALUES (?,?,?,?,?)", (netloc, run_id, status, body, now_iso()))

    # ------------------------------------------------------------------ WARC files

    def warc_opened(self, path: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO warc_files VALUES (?, 'open', ?, NULL)", (path, now_iso()))

    def warc_closed(self, path: str) -> None:
        with self.tx() as db:
            db.execute("UPDATE warc_files SET state='closed', closed=? WHERE path=?", (now_iso(), path))

    def closed_warcs(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self.db.execute("SELECT path FROM warc_files WHERE state='closed'")}

    # ------------------------------------------------------------------ reports

    def site_run_outcome(self, run_id: int, site: str) -> tuple[int, str | None]:
        """(pages other than robots.txt that got a 2xx/3xx in this run, the error that best explains none did:
        robots.txt's first, else the latest)."""
        with self._lock:
            ok = self.db.execute(
                "SELECT COUNT(*) FROM pages WHERE site=? AND kind != 'robots' AND last_fetch_run=? "
                "AND last_status BETWEEN 200 AND 399", (site, run_id)).fetchone()[0]
            row = self.db.execute(
                "SELECT error FROM pages WHERE site=? AND run_id=? AND error IS NOT NULL "
                "ORDER BY kind = 'robots' DESC, seq DESC LIMIT 1", (site, run_id)).fetchone()
        return ok, row["error"] if row else None

    def run_events(self, run_id: int) -> list[sqlite3.Row]:
        with self._lock:
            return self.db.execute("SELECT * FROM events WHERE run_id=? ORDER BY rowid", (run_id,)).fetchall()


# ---------------------------------------------------------------------- read-only helpers


def _read_only(state_path: Path) -> sqlite3.Connection:
    if not Path(state_path).exists():
        raise StoreError(f"{state_path}: no crawl state file")
    db = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def site_activity(state_path: Path) -> list[dict[str, Any]]:
    """Per site: articles seen, when the last new article was found, latest published date, last crawl."""
    db = _read_only(state_path)
    try:
        rows = db.execute("SELECT * FROM sites ORDER BY site").fetchall()
        out = []
        now = datetime.now(timezone.utc)
        for r in rows:
            d = dict(r)
            last = d.get("last_new_article_at")
            d["days_since_new_article"] = (
                round((now - datetime.fromisoformat(last.replace("Z", "+00:00"))).total_seconds() / 86400, 2)
                if last else None
            )
            out.append(d)
        return out
    finally:
        db.close()


def page_versions(state_path: Path) -> list[dict[str, Any]]:
    """Every stored version of every article (oldest first per URL), with the page's current state."""
    db = _read_only(state_path)
    try:
        rows = db.execute(
            "SELECT v.key, v.version, v.url, v.site, v.fetched_at, v.content_hash, v.text_hash, v.record_id,"
            " v.warc_path, v.flags, p.state AS current_state, p.version AS latest_version"
            " FROM versions v JOIN pages p ON p.key = v.key ORDER BY v.site, v.url, v.version"
        ).fetchall()
        return [{**dict(r), "flags": json.loads(r["flags"] or "[]")} for r in rows]
    finally:
        db.close()


def run_summary(state_path: Path, run_id: int | None = None) -> dict[str, dict[str, int]]:
    """Counts of article events per site for a run (default: the last run)."""
    db = _read_only(state_path)
    try:
        if run_id is None:
            row = db.execute("SELECT MAX(run_id) FROM runs").fetchone()
            run_id = row[0]
        out: dict[str, dict[str, int]] = {}
        for r in db.execute("SELECT site, event, COUNT(*) AS n FROM events WHERE run_id=? GROUP BY site, event",
                            (run_id,)):
            out.setdefault(r["site"], dict.fromkeys(ARTICLE_EVENTS, 0))[r["event"]] = r["n"]
        return out
    finally:
        db.close()
