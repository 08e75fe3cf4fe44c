"""Per-site crawl health from a crawl state file (read-only): what `sites list` and the digest show.

A site is `failing` when its last crawl run fetched nothing but errors, `quiet` when no new article was
found for `quiet_days`, else `ok`; `never` when it was never crawled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .state import _read_only
from .urls import bare_host

QUIET_DAYS = 14.0


@dataclass
class SiteHealth:
    site: str
    host: str
    articles: int = 0
    last_new_article_at: str | None = None
    last_crawl_at: str | None = None
    days_quiet: float | None = None  # days since the last new article (None: never had one)
    last_run: int | None = None  # the last crawl run that fetched anything for the site
    ok_fetches: int = 0  # pages (not robots.txt) answered 2xx/3xx in that run
    failed: int = 0  # failed events in that run
    last_error: str | None = None

    def status(self, quiet_days: float = QUIET_DAYS) -> str:
        if self.last_run is None:
            return "never"
        if self.ok_fetches == 0:
            return "failing"
        if self.days_quiet is None or self.days_quiet >= quiet_days:
            return "quiet"
        return "ok"


def _days_since(stamp: str | None, now: datetime) -> float | None:
    if not stamp:
        return None
    when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return round((now - when).total_seconds() / 86400, 2)


def site_health(state_path: Path, now: datetime | None = None) -> dict[str, SiteHealth]:
    """site name → its health, for every site the state knows."""
    now = now or datetime.now(timezone.utc)
    db = _read_only(state_path)
    try:
        out: dict[str, SiteHealth] = {}
        for r in db.execute("SELECT site, MIN(url) AS url FROM pages GROUP BY site"):
            out[r["site"]] = SiteHealth(r["site"], bare_host(r["url"]))
        for r in db.execute("SELECT * FROM sites"):
            h = out.setdefault(r["site"], SiteHealth(r["site"], ""))
            h.articles = r["articles"]
            h.last_new_article_at, h.last_crawl_at = r["last_new_article_at"], r["last_crawl_at"]
            h.days_quiet = _days_since(h.last_new_article_at, now)
        for r in db.execute("SELECT site, MAX(run_id) AS run FROM fetches GROUP BY site"):
            if r["site"] in out:
                out[r["site"]].last_run = r["run"]
        for h in out.values():
            if h.last_run is None:
                continue
            h.ok_fetches = db.execute(
                "SELECT COUNT(*) FROM pages WHERE site=? AND kind != 'robots' AND last_fetch_run=? "
                "AND last_status BETWEEN 200 AND 399", (h.site, h.last_run)).fetchone()[0]
            h.failed = db.execute("SELECT COUNT(*) FROM events WHERE site=? AND run_id=? AND event='failed'",
                                  (h.site, h.last_run)).fetchone()[0]
            row = db.execute("SELECT error FROM pages WHERE site=? AND last_fetch_run=? AND error IS NOT NULL "
                             "ORDER BY seq DESC LIMIT 1", (h.site, h.last_run)).fetchone()
            h.last_error = row["error"] if row else None
        return out
    finally:
        db.close()


def health_by_host(health: dict[str, SiteHealth]) -> dict[str, SiteHealth]:
    return {h.host: h for h in health.values() if h.host}
