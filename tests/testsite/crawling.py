"""Helpers shared by the crawler tests and the benchmark: write site rules, run a crawl, read the archive."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.crawl.archive import iter_archived_pages, scan_warc, warc_files
from pipeline.crawl.crawler import Crawler, CrawlReport
from pipeline.crawl.fetch import CrawlSettings
from pipeline.sites import load_sites

from .server import SiteServer

# Fast settings for tests: short timeouts and backoff, small size cap.
FAST = dict(delay=0.0, retries=2, backoff_factor=0.05, max_backoff=0.5, read_timeout=0.5, connect_timeout=1.0,
            max_bytes=2 * 1024 * 1024, fsync=False)


@dataclass
class Workspace:
    root: Path

    @property
    def sites_dir(self) -> Path:
        return self.root / "sites"

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def state(self) -> Path:
        return self.root / "state.sqlite"


def write_rules(servers: dict[str, SiteServer], folder: Path, delay: float = 0.0, **extra: object) -> Path:
    for s in servers.values():
        s.write_rules(folder, delay, **extra)
    return folder


def crawl(ws: Workspace, servers: dict[str, SiteServer] | None = None, rules_delay: float = 0.0,
          **settings: object) -> CrawlReport:
    """One in-process crawl of the rules in ws.sites_dir (written from `servers` if given)."""
    if servers is not None:
        write_rules(servers, ws.sites_dir, rules_delay)
    merged = {**FAST, **settings}
    return Crawler(load_sites([ws.sites_dir]), ws.corpus, ws.state, CrawlSettings(**merged), progress=False).run()


def archived(corpus: Path) -> list[tuple[str, str]]:
    """(url, sha256 of body) of every archived 200 HTML response, in archive order."""
    return [(p.url, hashlib.sha256(p.body).hexdigest()) for p in iter_archived_pages(corpus)]


def response_counts(corpus: Path) -> Counter:
    """How many full 200 response records each URL has, over all WARC files (HTML or not)."""
    counts: Counter = Counter()
    for path in warc_files(corpus):
        for rec in scan_warc(path).records:
            if rec.rec_type == "response" and rec.http_status == 200:
                counts[rec.url] += 1
    return counts
