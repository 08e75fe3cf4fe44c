"""robots.txt and per-host delays for the crawler (a mixin of `pipeline.crawl.crawler.Crawler`).

robots.txt is fetched (and archived) like any page, once per host and run, before anything else on the
host; an unreachable robots.txt disallows the host for the run. The per-host gap is the longer of the
site's delay and robots Crawl-delay (capped at max_crawl_delay).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from protego import Protego

from .fetch import CrawlSettings, Exchange
from .state import Page, Store
from .urls import netloc, url_key

if TYPE_CHECKING:
    from .crawler import SitePlan

log = logging.getLogger("pipeline.crawl.crawler")

DISALLOW_ALL = "User-agent: *\nDisallow: /\n"


class RobotsMixin:
    """Needs the Crawler's settings, store, run_id, _robots* fields, _enqueue_url, _on_site and _process."""

    settings: CrawlSettings
    store: Store
    run_id: int
    _robots: dict[str, Protego]
    _robots_lock: threading.Lock
    _delay_warned: set[str]

    def _robots_for(self, url: str, plan: SitePlan) -> Protego | None:
        """The host's robots.txt for this run, or None after scheduling its fetch (the caller retries)."""
        nl = netloc(url)
        with self._robots_lock:
            if nl in self._robots:
                return self._robots[nl]
        saved = self.store.robots(nl, self.run_id)
        if saved is not None:
            return self._remember_robots(nl, *saved)
        robots_url = f"{urlsplit(url).scheme}://{nl}/robots.txt"
        with self.store.tx() as db:
            scheduled = self.store.enqueue(db, self.run_id, key=url_key(robots_url), url=robots_url,
                                           site=plan.rules.name, kind="robots", refetch=True)
        if not scheduled:
            page = self.store.get(url_key(robots_url))
            if page is None or page.state != "pending":
                log.warning("%s: robots.txt could not be read in this run; not crawling this host", nl)
                return self._remember_robots(nl, None, "")
            if page.site != plan.rules.name:
                time.sleep(0.05)  # another site on the same host is fetching it: wait for that worker
        return None

    def _remember_robots(self, nl: str, status: int | None, body: str) -> Protego:
        if status is None or status >= 500 or status == 429:
            text = DISALLOW_ALL  # robots.txt unreachable: assume everything is disallowed for this run
        elif status >= 400:
            text = ""  # no robots.txt: everything allowed
        else:
            text = body
        rp = Protego.parse(text)
        with self._robots_lock:
            self._robots[nl] = rp
        return rp

    def _delay(self, plan: SitePlan, url: str) -> float:
        base = self.settings.delay if self.settings.delay is not None else plan.rules.delay_seconds
        with self._robots_lock:
            rp = self._robots.get(netloc(url))
        cd = rp.crawl_delay(self.settings.user_agent) if rp is not None else None
        if cd is None:
            return base
        cd = float(cd)
        if cd > self.settings.max_crawl_delay:
            host = netloc(url)
            if host not in self._delay_warned:
                self._delay_warned.add(host)
                log.warning("%s: robots Crawl-delay %.0fs capped at max_crawl_delay=%.0fs", host, cd,
                            self.settings.max_crawl_delay)
            cd = self.settings.max_crawl_delay
        return max(base, cd)

    def _may_fetch(self, plan: SitePlan) -> Callable[[str], str | None]:
        def check(url: str) -> str | None:
            rp = self._robots.get(netloc(url))
            if rp is None:
                return None if self._fetch_robots_inline(plan, url) else f"robots.txt of {netloc(url)} unreadable"
            if not rp.can_fetch(url, self.settings.user_agent):
                return "disallowed by robots.txt"
            return None

        return check

    def _fetch_robots_inline(self, plan: SitePlan, url: str) -> bool:
        """A redirect reached a site host whose robots.txt is not known yet: fetch (and archive) it now."""
        robots_url = f"{urlsplit(url).scheme}://{netloc(url)}/robots.txt"
        with self.store.tx() as db:
            self.store.enqueue(db, self.run_id, key=url_key(robots_url), url=robots_url, site=plan.rules.name,
                               kind="robots", refetch=True)
        page = self.store.get(url_key(robots_url))
        if page is not None and page.state == "pending":
            self._process(plan, page)
        rp = self._robots.get(netloc(url))
        return rp is not None and rp.can_fetch(url, self.settings.user_agent)

    def _apply_robots(self, db, plan: SitePlan, page: Page, final: Exchange | None, revisit: bool) -> None:
        nl = netloc(page.url)
        status = final.status if final is not None else None
        body = final.body.decode("utf-8", "replace") if status is not None and 200 <= status < 300 else ""
        if revisit and not body:  # recovered from a revisit record: same body as last time
            body = (self.store.robots_validators(nl) or (None, ""))[1]
        if status is None or status >= 500:
            log.warning("%s: robots.txt unavailable (%s); host treated as disallowed for this run", nl,
                        status or "no response")
        self.store.save_robots(db, nl, self.run_id, status, body)
        rp = self._remember_robots(nl, status, body)
        if plan.rules.sitemaps_from_robots:
            for sm in rp.sitemaps:
                if self._on_site(plan, sm):
                    self._enqueue_url(db, plan, sm, "sitemap", refetch=True)
