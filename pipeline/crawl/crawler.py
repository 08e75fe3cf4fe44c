"""`unionclaims crawl`: polite, resumable, incremental crawling of the sites in rules/sites/ into WARC.

Flow per page: robots.txt check → fetch (pipeline.crawl.fetch: throttle, retries, caps, address checks) →
archive the whole exchange (pipeline.crawl.archive: one fsynced write) → record the outcome in the state
(pipeline.crawl.state: one transaction). Because the archive is written before the state, a kill between the
two leaves an archived fetch the state does not know; on restart the crawler repairs the last WARC files
and applies those fetches from the archive instead of fetching them again, so nothing is lost or
archived twice.

Sites are crawled in parallel (one worker per site at a time); within a site pages go in
(priority, discovery order): robots.txt, sitemaps and feeds, then listing pages and articles FIFO.
"""

from __future__ import annotations

import fcntl
import ipaddress
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from protego import Protego

from ..io import write_text_atomic
from ..sites import SITE_RULES_FOLDER, SiteRules
from .archive import (
    FRONTIER_URL,
    RawRecord,
    Revisit,
    WarcArchive,
    build_group,
    repair_warc,
    warc_files,
)
from .fetch import AddressPolicy, CrawlSettings, Exchange, Fetcher, FetchResult, decode_body
from .pages import PagesMixin, _Group, non_html_type, sha256
from .robots import RobotsMixin
from .state import ARTICLE_EVENTS, Page, Store, StoreError, now_iso
from .urls import BadURL, clean_url, prefer_site_form, url_key

log = logging.getLogger(__name__)


def _end_with_parent(parent: int, every: float = 1.0) -> None:
    """Initializer of the cleaning processes: end this one when the crawl that started it is gone. A crawl
    killed with kill -9 (or by the OOM killer) never shuts its pool down, and the workers would wait on their
    queue forever; a daemon thread notices the new parent process instead."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


class CrawlError(RuntimeError):
    """A problem with the crawl's input or environment (one line for the user)."""


@dataclass
class SitePlan:
    rules: SiteRules
    addresses: AddressPolicy
    hosts: set[str]
    max_depth: int


@dataclass
class CrawlReport:
    run_id: int
    resumed: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # site → event → n
    edited: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    spam: list[str] = field(default_factory=list)
    recovered: int = 0  # fetches applied from the archive after a crash
    dead: list[tuple[str, str]] = field(default_factory=list)  # (site, why) for sites nothing could be fetched from
    finished: bool = False


def _address_policy(site: SiteRules) -> AddressPolicy:
    nets = []
    for item in site.allowed_networks:
        try:
            nets.append(ipaddress.ip_network(str(item), strict=False))
        except ValueError as exc:
            raise CrawlError(f"{site.path}: allowed_networks: {item!r} is not an IP network ({exc})") from exc
    return AddressPolicy(site.allow_private_addresses, tuple(nets))


class Crawler(RobotsMixin, PagesMixin):
    def __init__(self, sites: list[SiteRules], corpus_dir: Path, state_path: Path, settings: CrawlSettings,
                 progress: bool = True) -> None:
        if not sites:
            raise CrawlError("no sites to crawl")
        self.settings = settings
        self.corpus_dir = corpus_dir
        self.warc_dir = corpus_dir / "warc"
        self.state_path = state_path
        self.progress = progress
        self.plans: dict[str, SitePlan] = {}
        for s in sites:
            depth = s.max_depth if s.max_depth is not None else settings.max_depth
            self.plans[s.name] = SitePlan(s, _address_policy(s), s.all_hosts(), depth)
        self.fetcher = Fetcher(settings)
        self._robots: dict[str, Protego] = {}
        self._robots_lock = threading.Lock()
        self._delay_warned: set[str] = set()
        self._stop = threading.Event()
        self._cleaner: Executor | None = None  # processes that clean fetched articles (see _crawl_all)
        self.store: Store
        self.archive: WarcArchive
        self.run_id = 0

    # ------------------------------------------------------------------ entry point

    def _keep_site_rules(self) -> None:
        """Copy the rules files of the crawled sites into `<corpus>/sites/`: `run` reads the archive with the
        same site rules (province, org, templates, article URL pattern) the crawl used, wherever they came from."""
        folder = self.corpus_dir / SITE_RULES_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        for plan in self.plans.values():
            if plan.rules.path and Path(plan.rules.path).is_file():
                write_text_atomic(folder / f"{plan.rules.name}.toml", Path(plan.rules.path).read_text(encoding="utf-8"))

    def run(self) -> CrawlReport:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.state_path.with_name(self.state_path.name + ".lock")
        with open(lock_path, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise CrawlError(f"{self.state_path}: another crawl is using this state file") from exc
            try:
                self.store = Store(self.state_path)
            except StoreError as exc:
                raise CrawlError(str(exc)) from exc
            try:
                return self._run()
            finally:
                self.store.close()

    def _run(self) -> CrawlReport:
        s = self.settings
        args = {k: (str(v) if isinstance(v, date) else v) for k, v in asdict(s).items()}
        self.run_id, resumed = self.store.open_run({**args, "sites": sorted(self.plans)})
        report = CrawlReport(self.run_id, resumed)
        self.archive = WarcArchive(self.warc_dir, s.warc_max_bytes, on_open=self.store.warc_opened,
                                   on_close=self.store.warc_closed, fsync=s.fsync,
                                   info={"operator": s.user_agent, "run": str(self.run_id)})
        report.recovered = self._recover()
        self._keep_site_rules()
        if resumed:
            log.warning("resuming unfinished crawl run %d from %s", self.run_id, self.state_path)
        self._seed()
        try:
            self._crawl_all()
        finally:
            self.archive.close()
        if not self._stop.is_set():
            self.store.finish_run(self.run_id)
            report.finished = True
        self._fill_report(report)
        return report

    def stop(self) -> None:
        self._stop.set()

    # ------------------------------------------------------------------ restart recovery

    def _recover(self) -> int:
        """Repair WARC files left open by a killed crawl and apply the fetches the state missed."""
        if not self.warc_dir.exists():
            return 0
        closed = self.store.closed_warcs()
        applied = 0
        for path in warc_files(self.warc_dir):
            if str(path) in closed or not path.name.startswith("unionclaims-"):
                continue
            groups, note = repair_warc(path)
            if note:
                log.warning("%s", note)
            for fid, records in groups.items():
                if self.store.fetch_known(fid):
                    continue
                try:
                    if self._apply_archived(fid, records, str(path)):
                        applied += 1
                except Exception as exc:  # noqa: BLE001 - one odd record must not block every restart
                    log.error("%s: could not apply archived fetch %s: %s: %s", path, fid, type(exc).__name__, exc)
            self.store.warc_opened(str(path))
            self.store.warc_closed(str(path))
        if applied:
            log.warning("recovered %d archived fetch(es) that the state had not recorded", applied)
        return applied

    def _apply_archived(self, fid: str, records: list[RawRecord], warc_path: str) -> bool:
        frontier = records[0].warc_headers.get(FRONTIER_URL, "")
        try:
            page = self.store.get(url_key(frontier))
        except BadURL:
            page = None
        if page is None or page.site not in self.plans:
            log.warning("%s: archived fetch %s of %s has no frontier entry here; left as is", warc_path, fid,
                        frontier)
            return False
        result = FetchResult(frontier)
        final_id = final_date = None
        revisit = False
        for rec in records:
            if rec.rec_type not in ("response", "revisit"):
                if rec.rec_type == "metadata" and rec.payload.startswith(b"fetch-error: "):
                    result.error = rec.payload[13:].decode("utf-8", "replace").strip()
                continue
            headers = rec.http_headers
            ex = Exchange(url=rec.url or frontier, started=datetime.now(timezone.utc), request_headers=[],
                          status=rec.http_status, response_headers=headers, raw=rec.payload,
                          truncated=rec.warc_headers.get("WARC-Truncated"))
            enc = ex.header("content-encoding")
            ex.body, _ = decode_body(rec.payload, enc, self.settings.max_bytes)
            result.exchanges.append(ex)
            final_id, final_date = rec.warc_headers.get("WARC-Record-ID"), rec.warc_headers.get("WARC-Date")
            revisit = rec.rec_type == "revisit"
        group = _Group(fid, warc_path, 0, final_id, final_date, revisit)
        if revisit and page.kind in ("sitemap", "feed", "listing"):
            # A revisit carries no body, and these pages are only useful for their links: note the fetch and
            # let the page be fetched again (an identical body is archived as another revisit, not a copy).
            with self.store.tx() as db:
                self.store.add_fetch(db, fid, page, self.run_id, warc_path, 0)
            return True
        if revisit and result.exchanges:
            result.exchanges[-1].body = b""  # unchanged since its last full record
        self._apply(page, result, group)
        return True

    # ------------------------------------------------------------------ scheduling

    def _seed(self) -> None:
        """Schedule this run's seeds and revalidations (once per run; a resumed run keeps its frontier)."""
        with self.store.tx() as db:
            row = db.execute("SELECT args FROM runs WHERE run_id=?", (self.run_id,)).fetchone()
            args = json.loads(row["args"] or "{}")
            seeded = set(args.get("seeded_sites", []))
            todo = [name for name in self.plans if name not in seeded]
            for name in todo:
                plan = self.plans[name]
                site = plan.rules
                for url in [*site.sitemaps]:
                    self._enqueue_url(db, plan, url, "sitemap", refetch=True)
                for url in site.feeds:
                    self._enqueue_url(db, plan, url, "feed", refetch=True)
                for url in site.start_urls:
                    self._enqueue_url(db, plan, url, "listing", refetch=True, page_no=1, root=True)
            if todo:
                since = self.settings.since.isoformat() if self.settings.since else None
                for row in self.store.revalidation_candidates(db, todo, self.settings.revalidate_days):
                    if since and row["published"] and row["published"] < since:
                        continue
                    self.store.enqueue(db, self.run_id, key=row["key"], url=row["url"], site=row["site"],
                                       kind="article", depth=row["depth"], refetch=True)
                args["seeded_sites"] = sorted(seeded | set(todo))
                db.execute("UPDATE runs SET args=? WHERE run_id=?", (json.dumps(args), self.run_id))

    def _enqueue_url(self, db, plan: SitePlan, url: str, kind: str, *, depth: int = 0, refetch: bool = False,
                     page_no: int | None = None, root: bool = False, listing_root: str | None = None,
                     found_via: str | None = None, lastmod: str | None = None) -> str | None:
        try:
            url = prefer_site_form(clean_url(url), plan.rules.base_url)
            key = url_key(url)
        except BadURL as exc:
            log.warning("%s: skipped a bad URL: %s", plan.rules.name, exc)
            return None
        self.store.enqueue(db, self.run_id, key=key, url=url, site=plan.rules.name, kind=kind, depth=depth,
                           listing_root=url if root else listing_root, page_no=page_no, found_via=found_via,
                           lastmod=lastmod, refetch=refetch)
        return key

    def _crawl_all(self) -> None:
        from tqdm import tqdm

        names = list(self.plans)
        total = self.store.pending_count(names)
        bar = tqdm(total=total, unit="page", desc="crawl", disable=None if self.progress else True,
                   file=sys.stderr, dynamic_ncols=True)
        bar_lock = threading.Lock()

        def tick() -> None:
            with bar_lock:
                bar.update(1)
                bar.total = bar.n + self.store.pending_count(names)
                bar.refresh()

        workers = max(1, min(self.settings.workers, len(names)))
        if workers > 1 and self.settings.clean_text:
            # Cleaning is CPU work: in the fetch threads it held the GIL and several workers were no faster
            # than one. A process pool cleans while the threads fetch. "spawn": forking a threaded process
            # is unsafe.
            import multiprocessing as mp

            from ..engine import default_workers

            self._cleaner = ProcessPoolExecutor(max_workers=min(workers, default_workers()),
                                                mp_context=mp.get_context("spawn"), initializer=_end_with_parent,
                                                initargs=(os.getpid(),))
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
                futures = [pool.submit(self._crawl_site, name, tick) for name in names]
                try:
                    for f in futures:
                        f.result()
                except KeyboardInterrupt:
                    self._stop.set()
                    raise
        finally:
            bar.close()
            if self._cleaner is not None:
                self._cleaner.shutdown(wait=True, cancel_futures=True)
                self._cleaner = None

    def _crawl_site(self, name: str, tick: Callable[[], None]) -> None:
        plan = self.plans[name]
        limit = self.settings.max_pages
        while not self._stop.is_set():
            if limit is not None and self.store.fetched_in_run(self.run_id, name) >= limit:
                left = self.store.pending_count([name])
                if left:
                    log.warning("%s: --max-pages %d reached; %d page(s) left for the next run", name, limit, left)
                return
            page = self.store.next_pending(name)
            if page is None:
                return
            try:
                self._process(plan, page)
            except Exception as exc:  # noqa: BLE001 - one bad page must not stop the crawl
                log.error("%s: %s: %s", page.url, type(exc).__name__, exc, exc_info=log.isEnabledFor(logging.DEBUG))
                self.store.set_state(page.key, "failed", f"{type(exc).__name__}: {exc}", self.run_id, page.site,
                                     page.url, "failed")
            tick()

    # ------------------------------------------------------------------ one page

    def _process(self, plan: SitePlan, page: Page) -> None:
        ua = self.settings.user_agent
        if page.kind != "robots":
            rp = self._robots_for(page.url, plan)
            if rp is None:
                return  # robots.txt scheduled first
            if not rp.can_fetch(page.url, ua):
                log.info("%s: disallowed by robots.txt; not fetched", page.url)
                self.store.set_state(page.key, "blocked", "disallowed by robots.txt", self.run_id, page.site,
                                     page.url, "blocked" if page.kind == "article" else None)
                return
        if page.kind == "listing" and self._listing_past_since(page):
            log.info("%s: previous listing page only has articles before --since; pagination stops", page.url)
            self.store.set_state(page.key, "skipped", "listing reached --since")
            return
        conditional: dict[str, str] = {}
        # Only articles are revalidated conditionally: a 304 on a sitemap, feed or listing would leave its
        # links (and child sitemaps) unread this run; an identical discovery page costs a revisit record only.
        if page.kind == "article" and page.last_status in (200, 304):
            if page.etag:
                conditional["If-None-Match"] = page.etag
            if page.last_modified:
                conditional["If-Modified-Since"] = page.last_modified
        result = self.fetcher.fetch(page.url, delay=self._delay(plan, page.url), addresses=plan.addresses,
                                    hosts=plan.hosts, conditional=conditional or None,
                                    may_fetch=self._may_fetch(plan))
        if not result.exchanges:  # refused before any request was sent: nothing to archive
            log.warning("%s: not fetched: %s", page.url, result.error)
            self.store.set_state(page.key, "failed", result.error, self.run_id, page.site, page.url, "failed")
            return
        final = result.final
        revisit = None
        if (final is not None and final.status == 200 and not final.truncated and page.last_record_id
                and page.content_hash == sha256(final.body)):
            revisit = Revisit(page.last_record_id, page.last_record_date or "")
        # A PDF or image at an article URL is archived, but marked so that `run` never reads it as an article.
        kind = "other" if non_html_type(page, final) else page.kind
        data, fid, final_id, final_date = build_group(result.exchanges, page.url, revisit, error=result.error,
                                                      kind=kind)
        path, offset = self.archive.write(data)
        self._apply(page, result, _Group(fid, path, offset, final_id, final_date, revisit is not None))

    def _listing_past_since(self, page: Page) -> bool:
        since = self.settings.since
        if since is None or not page.page_no or page.page_no <= 1 or not page.listing_root:
            return False
        prev = self.store.listing_page(page.listing_root, page.page_no - 1)
        if prev is None or not prev.links:
            return False
        dates = [d for d in self.store.published_of(json.loads(prev.links)) if d]
        return bool(dates) and all(d < since.isoformat() for d in dates)

    # ------------------------------------------------------------------ outcomes

    def _apply(self, page: Page, result: FetchResult, group: _Group) -> None:
        """Record one archived fetch in the state: a single transaction."""
        plan = self.plans[page.site]
        final = result.final
        status = final.status if final is not None else None
        at = group.final_date or now_iso()
        usable = (final is not None and status is not None and 200 <= status < 300 and not result.error
                  and final.truncated not in ("disconnect", "time"))
        parsed = None
        media = non_html_type(page, final) if usable else None
        if usable and page.kind != "robots" and not media:
            try:
                parsed = self._parse(plan, page, final, group)
            except Exception as exc:  # noqa: BLE001 - the fetch is archived; record it as failed, go on
                log.error("%s: could not read the page: %s: %s", page.url, type(exc).__name__, exc)
                result.error = f"could not read the page ({type(exc).__name__}: {exc})"
        with self.store.tx() as db:
            self.store.add_fetch(db, group.fetch_id, page, self.run_id, group.warc_path, group.offset)
            cols: dict[str, object] = {"last_fetched": at, "last_fetch_run": self.run_id, "last_status": status,
                                       "error": result.error}
            if page.kind == "robots":
                self._apply_robots(db, plan, page, final if result.error is None else None, group.revisit)
                cols["state"] = "done"
                if final is not None and final.status == 200 and not group.revisit:
                    cols.update(content_hash=sha256(final.body), last_record_id=group.final_record_id,
                                last_record_date=group.final_date)
            elif final is None or status is None:
                cols["state"] = "failed"
                self._event(db, page, "failed", result.error or "no response")
            elif status == 304:
                cols["state"] = "done"
                if page.kind == "article":
                    self._event(db, page, "unchanged", "304 Not Modified")
            elif status in (404, 410):
                cols["state"] = "gone"
                if page.kind == "article":
                    self._event(db, page, "gone", f"HTTP {status}")
                    log.warning("%s: HTTP %d — reported as gone", page.url, status)
                elif not (page.page_no or 0) > 1:  # running off the end of a listing is normal
                    self._event(db, page, "failed", f"HTTP {status}")
                    log.warning("%s: HTTP %d for a %s page", page.url, status, page.kind)
            elif not 200 <= status < 300 or final.truncated in ("disconnect", "time") or result.error:
                reason = result.error or (f"HTTP {status}" if not 200 <= status < 300 else
                                          f"body incomplete ({final.truncated})")
                cols["state"] = "failed"
                self._event(db, page, "failed", reason)
                log.warning("%s: failed: %s", page.url, reason)
            else:
                cols["state"] = "done"
                cols["etag"] = final.header("etag")
                cols["last_modified"] = final.header("last-modified")
                if not group.revisit:  # an identical refetch is archived as a revisit of this record
                    cols.update(content_hash=sha256(final.body), last_record_id=group.final_record_id,
                                last_record_date=group.final_date)
                if media:
                    log.info("%s: %s, archived but not an article", page.url, media)
                    self._event(db, page, "other", f"{media}: archived, not an article")
                    self.store.update_page(db, page.key, **cols)
                    return
                handler = {"sitemap": self._apply_sitemap, "feed": self._apply_feed,
                           "listing": self._apply_listing, "article": self._apply_article}[page.kind]
                cols.update(handler(db, plan, page, final, group, parsed) or {})
            self.store.update_page(db, page.key, **cols)

    def _event(self, db, page: Page, event: str, detail: str | None = None) -> None:
        self.store.add_event(db, self.run_id, page.site, page.key, page.url, event, detail)

    # ------------------------------------------------------------------ report

    def _fill_report(self, report: CrawlReport) -> None:
        counts: dict[str, dict[str, int]] = {name: dict.fromkeys(ARTICLE_EVENTS, 0) for name in self.plans}
        for ev in self.store.run_events(self.run_id):
            site = ev["site"]
            if site not in counts:
                continue
            counts[site][ev["event"]] = counts[site].get(ev["event"], 0) + 1
            if ev["event"] == "changed":
                report.edited.append(ev["url"])
            elif ev["event"] == "gone":
                report.gone.append(ev["url"])
            elif ev["event"] == "failed":
                report.failed.append((ev["url"], ev["detail"] or ""))
            elif ev["event"] == "spam":
                report.spam.append(ev["url"])
        report.counts = counts
        if report.finished:
            for site in self.plans:
                ok, why = self.store.site_run_outcome(self.run_id, site)
                if not ok:
                    report.dead.append((site, why or "no page answered"))
