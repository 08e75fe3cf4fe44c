"""`unionclaims crawl` command line: options → CrawlSettings, the run, the summary table, the exit status."""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..rules import RulesError
from ..sites import load_sites

if TYPE_CHECKING:  # the crawler (requests, warcio) is loaded when a crawl runs, not for --help
    from ..crawl.crawler import CrawlReport
    from ..crawl.fetch import CrawlSettings


def print_report(report: CrawlReport, file=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file or sys.stdout, width=120)
    title = f"crawl run {report.run_id}" + (" (resumed)" if report.resumed else "")
    if not report.finished:
        title += " — interrupted, rerun to resume"
    table = Table(title=title)
    cols = ("new", "changed", "unchanged", "gone", "failed", "blocked", "spam")
    table.add_column("site")
    for c in cols:
        table.add_column(c, justify="right")
    totals: dict[str, int] = defaultdict(int)
    for site in sorted(report.counts):
        row = report.counts[site]
        for c in cols:
            totals[c] += row.get(c, 0)
        table.add_row(site, *(str(row.get(c, 0)) for c in cols))
    table.add_row("total", *(str(totals[c]) for c in cols), style="bold")
    console.print(table)
    for label, urls in (("edited", report.edited), ("gone", report.gone), ("spam", report.spam)):
        for url in urls:
            console.print(f"{label}: {url}", highlight=False, soft_wrap=True)
    for url, why in report.failed:
        console.print(f"failed: {url} ({why})", highlight=False, soft_wrap=True)
    if report.recovered:
        console.print(f"recovered {report.recovered} archived fetch(es) after an interrupted run")


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return n


def _non_negative(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if x < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return x


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crawl", help="crawl the sites in rules/sites/ politely into corpus/warc/ (resumable)",
                       description="Polite, resumable, incremental crawl into WARC files. See docs/crawl.md.")
    add_site_selection(p)
    p.add_argument("--since", type=_iso_date, metavar="DATE", help="skip sitemap/feed entries and listing pages "
                   "older than DATE (YYYY-MM-DD)")
    p.add_argument("--delay", type=_non_negative, metavar="SECONDS",
                   help="per-host minimum delay, overriding the sites' delay_seconds (robots Crawl-delay wins if longer)")
    p.add_argument("--workers", type=_positive_int, default=4, metavar="N", help="sites crawled in parallel (default 4)")
    p.add_argument("--max-depth", type=int, metavar="N", help="link hops from listings/feeds/sitemaps (default 1)")
    p.add_argument("--max-sitemap-depth", type=_positive_int, metavar="N",
                   help="sitemap index levels followed below a seed sitemap (default 4)")
    p.add_argument("--max-sitemaps", type=_positive_int, metavar="N", help="sitemaps per site and run (default 500)")
    p.add_argument("--max-bytes", type=_positive_int, metavar="N", help="response size cap (default 10 MB)")
    add_fetch_limits(p)
    p.set_defaults(func=_cmd_crawl)


def add_site_selection(p: argparse.ArgumentParser) -> None:
    """Which sites, where the archive and the state go: shared by `crawl` and `monitor`."""
    p.add_argument("--sites", nargs="+", metavar="PATH", help="site rules files or folders (default: rules/sites/)")
    p.add_argument("--site", action="append", metavar="NAME", help="only this site (repeatable)")
    p.add_argument("--url", action="append", metavar="URL", help="crawl this site without a rules file "
                   "(repeatable): robots.txt, sitemaps, feeds and the homepage are probed, the article URL "
                   "pattern inferred, and the inferred site file kept in CORPUS/sites/ (docs/crawl.md)")
    p.add_argument("--allow-private-addresses", action="store_true",
                   help="let --url sites resolve to loopback/private addresses (tests, intranets)")
    p.add_argument("--corpus", default="corpus", help="corpus folder; WARC files go to CORPUS/warc/ (default: corpus/)")
    p.add_argument("--state", default="output/crawl.sqlite", help="crawl state (default: output/crawl.sqlite)")
    p.add_argument("--max-pages", type=_positive_int, metavar="N", help="at most N fetches per site in this run")


def add_fetch_limits(p: argparse.ArgumentParser) -> None:
    """Timeouts and retries, and the progress bar: shared by `crawl` and `monitor`."""
    p.add_argument("--timeout", type=_non_negative, metavar="SECONDS", help="read timeout (default 30)")
    p.add_argument("--retries", type=int, metavar="N", help="retries on timeouts/5xx/429 (default 3)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def settings_from_args(args: argparse.Namespace) -> CrawlSettings:
    from ..crawl.fetch import CrawlSettings

    s = CrawlSettings(delay=args.delay, workers=args.workers, max_pages=args.max_pages, since=args.since)
    if args.max_depth is not None:
        s.max_depth = args.max_depth
    if args.max_sitemap_depth is not None:
        s.max_sitemap_depth = args.max_sitemap_depth
    if args.max_sitemaps is not None:
        s.max_sitemaps = args.max_sitemaps
    if args.max_bytes is not None:
        s.max_bytes = args.max_bytes
    if args.timeout is not None:
        s.read_timeout = args.timeout
    if args.retries is not None:
        s.retries = max(0, args.retries)
    return s


def _cmd_crawl(args: argparse.Namespace) -> int:
    from ..crawl.crawler import Crawler, CrawlError
    from . import CliError

    try:
        sites = load_sites([Path(p) for p in args.sites] if args.sites else None) if args.sites or not args.url else []
    except RulesError as exc:
        raise CliError(str(exc)) from exc
    sites += _explored(args)
    if args.site:
        unknown = set(args.site) - {s.name for s in sites}
        if unknown:
            raise CliError(f"--site: unknown site(s) {', '.join(sorted(unknown))}; known: "
                           f"{', '.join(s.name for s in sites) or 'none'}")
        sites = [s for s in sites if s.name in args.site]
    try:
        crawler = Crawler(sites, Path(args.corpus), Path(args.state), settings_from_args(args),
                          progress=not args.no_progress)
        report = crawler.run()
    except CrawlError as exc:
        raise CliError(str(exc)) from exc
    print_report(report)
    return _exit_status(report)


def _explored(args: argparse.Namespace) -> list:
    """Inferred site rules for each --url (pipeline/crawl/explore.py), written to CORPUS/sites/."""
    from ..crawl.explore import explore_site
    from ..crawl.urls import BadURL
    from ..sites import SITE_RULES_FOLDER
    from . import CliError

    out = []
    for url in args.url or []:
        try:
            out.append(explore_site(url, Path(args.corpus) / SITE_RULES_FOLDER, settings_from_args(args),
                                    allow_private=args.allow_private_addresses))
        except (BadURL, RulesError) as exc:
            raise CliError(f"--url {url}: {exc}") from exc
    return out


def _exit_status(report: CrawlReport) -> int:
    """1 when no site gave a single page (a nightly `crawl && run` must not go on); a one-line warning
    naming the dead sites when only some did."""
    if not report.dead:
        return 0
    names = ", ".join(f"{site} ({_one_line(why)})" for site, why in report.dead)
    every = len(report.dead) >= len(report.counts)
    print(f"unionclaims crawl: {'error' if every else 'warning'}: nothing could be fetched from {names}",
          file=sys.stderr)
    return 1 if every else 0


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
