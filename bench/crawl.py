"""Crawler benchmark and request log, on the local test sites (tests/testsite/), no internet.

    .venv/bin/python bench/crawl.py                 # pages/s with delay 0 (4 sites × 50 articles)
    .venv/bin/python bench/crawl.py --articles 100 --no-clean
    .venv/bin/python bench/crawl.py --polite        # one polite crawl of one site; prints its request log

Throughput counts every fetch (robots.txt, sitemaps, feed, listings, articles). With cleaning on, each
article also goes through pipeline.clean.cleaner (the change/spam check), which dominates the time.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from testsite.crawling import Workspace, write_rules  # noqa: E402
from testsite.server import serve_sites  # noqa: E402

from pipeline.crawl.archive import scan_warc, warc_files  # noqa: E402
from pipeline.crawl.crawler import Crawler  # noqa: E402
from pipeline.crawl.fetch import CrawlSettings  # noqa: E402
from pipeline.sites import load_sites  # noqa: E402


def throughput(articles: int, clean: bool, fsync: bool, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, serve_sites(n_articles=articles) as servers:
        ws = Workspace(Path(tmp))
        write_rules(servers, ws.sites_dir)
        settings = CrawlSettings(delay=0.0, clean_text=clean, fsync=fsync, workers=workers)
        crawler = Crawler(load_sites([ws.sites_dir]), ws.corpus, ws.state, settings, progress=False)
        t0 = time.perf_counter()
        report = crawler.run()
        elapsed = time.perf_counter() - t0
        requests = sum(len(s.log) for s in servers.values())
        new = sum(c["new"] for c in report.counts.values())
        size = sum(p.stat().st_size for p in warc_files(ws.corpus))
    print(f"{len(servers)} sites × {articles} articles, delay 0, workers {workers}, "
          f"cleaning {'on' if clean else 'off'}, fsync {'on' if fsync else 'off'}")
    print(f"  {requests} requests, {new} new articles, {size / 1e6:.1f} MB of WARC in {elapsed:.2f} s")
    print(f"  {requests / elapsed:.1f} pages/s ({new / elapsed:.1f} articles/s)")


def polite_log(delay: float, crawl_delay: float, articles: int) -> None:
    """Crawl one site twice with politeness on and print what was asked for and when (server and archive
    views); the second crawl shows revalidation (conditional GET → 304)."""
    with tempfile.TemporaryDirectory() as tmp, serve_sites(["ldld-caobang"], n_articles=articles,
                                                           crawl_delay=crawl_delay) as servers:
        ws = Workspace(Path(tmp))
        write_rules(servers, ws.sites_dir, delay=delay)
        settings = CrawlSettings()  # defaults: the site's delay_seconds, robots Crawl-delay if longer
        server = servers["ldld-caobang"]
        print(f"site delay_seconds={delay}, robots.txt Crawl-delay={crawl_delay}; User-Agent: {settings.user_agent}")
        for run in (1, 2):
            start = len(server.log)
            Crawler(load_sites([ws.sites_dir]), ws.corpus, ws.state, settings, progress=False).run()
            entries = sorted(server.log[start:], key=lambda e: e.start)
            print(f"\ncrawl {run} [server log]\n{'t (s)':>7} {'gap (s)':>8}  status  conditional    path")
            t0 = entries[0].start
            prev_end = None
            for e in entries:
                gap = "" if prev_end is None else f"{e.start - prev_end:8.3f}"
                cond = "If-None-Match" if "if-none-match" in e.headers else ""
                print(f"{e.start - t0:7.3f} {gap:>8}  {e.status:>6}  {cond:13}  {e.path}")
                prev_end = e.end
        print("\nWARC records of both crawls (archive view): WARC-Date, type, status, URL")
        for path in warc_files(ws.corpus):
            for rec in scan_warc(path).records:
                if rec.rec_type in ("request", "response", "revisit", "metadata"):
                    status = rec.http_status if rec.http_status is not None else ""
                    print(f"  {rec.warc_headers.get('WARC-Date')}  {rec.rec_type:8} {status!s:>4}  {rec.url}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=50, help="articles per site (default 50)")
    ap.add_argument("--no-clean", action="store_true", help="hash whole pages instead of pipeline.clean.cleaner text")
    ap.add_argument("--no-fsync", action="store_true", help="do not fsync WARC writes")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--polite", action="store_true", help="print the request log of one polite crawl instead")
    ap.add_argument("--delay", type=float, default=1.0, help="site delay_seconds for --polite (default 1.0)")
    ap.add_argument("--crawl-delay", type=float, default=1.5, help="robots.txt Crawl-delay for --polite (1.5)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the per-page warnings (spam, cut pages) are not the point here
    if args.polite:
        polite_log(args.delay, args.crawl_delay, min(args.articles, 4))
    else:
        throughput(args.articles, not args.no_clean, not args.no_fsync, args.workers)


if __name__ == "__main__":
    main()
