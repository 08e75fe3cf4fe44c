"""What a fetched page says and what the crawler does with it: sitemap/feed entries, listing links,
article versions (a mixin of `pipeline.crawl.crawler.Crawler`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..clean.encoding import decode_html
from .archive import is_html
from .discover import Entry, html_links, pagination_url, parse_feed, parse_sitemap
from .fetch import CrawlSettings, Exchange
from .state import Page, Store, now_iso
from .urls import BadURL, bare_host, clean_url, prefer_site_form, url_key

if TYPE_CHECKING:
    from .crawler import SitePlan

log = logging.getLogger("pipeline.crawl.crawler")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _clean_article(text: str, url: str) -> tuple[str, list[str], str | None]:
    """(clean body text, flags, published) via pipeline.clean.cleaner when available, else the whole page."""
    try:
        from ..clean.cleaner import clean_html
    except ImportError:
        return text, [], None
    try:
        art = clean_html(text, url)
    except ValueError as exc:
        log.warning("%s: cleaning failed (%s); hashing the whole page", url, exc)
        return text, ["clean_failed"], None
    return art.text, list(art.flags), art.published


@dataclass
class _Parsed:
    """What a fetched page says, worked out before the state transaction."""

    entries: list[Entry] = field(default_factory=list)  # sitemap/feed entries
    links: list[str] = field(default_factory=list)  # same-site article links
    text_hash: str | None = None
    flags: list[str] = field(default_factory=list)
    published: str | None = None


@dataclass
class _Group:
    fetch_id: str
    warc_path: str
    offset: int
    final_record_id: str | None
    final_date: str | None
    revisit: bool = False


def non_html_type(page: Page, final: Exchange | None) -> str | None:
    """The media type of a 2xx at an article URL that is not an HTML page (PDF, image, JSON …), else None."""
    if page.kind != "article" or final is None or final.status is None or not 200 <= final.status < 300:
        return None
    ctype = final.header("content-type") or ""
    if is_html({"content-type": ctype}, final.body):
        return None
    return ctype.split(";")[0].strip().lower() or "no Content-Type, not HTML"


class PagesMixin:
    """Needs the Crawler's settings, store, run_id, _enqueue_url and _event."""

    settings: CrawlSettings
    store: Store
    run_id: int

    def _on_site(self, plan: SitePlan, url: str) -> bool:
        try:
            return bare_host(clean_url(url)) in plan.hosts
        except BadURL:
            return False

    def _article_link(self, plan: SitePlan, url: str) -> str | None:
        if not self._on_site(plan, url):
            return None
        url = prefer_site_form(url, plan.rules.base_url)
        return url if plan.rules.is_article_url(url) else None

    def _enqueue_entries(self, db, plan: SitePlan, page: Page, entries: list[Entry]) -> int:
        since = self.settings.since
        added = skipped = 0
        children = [e.url for e in entries if e.is_sitemap and self._on_site(plan, e.url)]
        if children:
            self._enqueue_sitemaps(db, plan, page, children)
        for e in entries:
            if e.is_sitemap:
                continue
            url = self._article_link(plan, e.url)
            if url is None:
                continue
            if since is not None and e.when is not None and e.when < since:
                skipped += 1
                continue
            lastmod = e.when.isoformat() if e.when else None
            known = self.store.get(url_key(url))
            # A sitemap/feed date after our last fetch means the article may have been edited.
            refetch = bool(known and lastmod and known.last_fetched and lastmod > known.last_fetched[:10])
            if self._enqueue_url(db, plan, url, "article", depth=page.depth + 1, refetch=refetch,
                                 found_via=page.key, lastmod=lastmod):
                added += 1
        if skipped:
            log.info("%s: %d entries older than --since skipped", page.url, skipped)
        return added

    def _enqueue_sitemaps(self, db, plan: SitePlan, page: Page, urls: list[str]) -> None:
        """Schedule child sitemaps of a sitemap index within max_sitemap_depth and max_sitemaps."""
        s, site = self.settings, plan.rules.name
        level = self.store.sitemap_level(db, page.key, s.max_sitemap_depth) + 1
        if level > s.max_sitemap_depth:
            log.warning("%s: %d child sitemap(s) not followed: nested deeper than max_sitemap_depth=%d", page.url,
                        len(urls), s.max_sitemap_depth)
            return
        count = self.store.sitemaps_in_run(db, self.run_id, site)
        for i, url in enumerate(urls):
            try:
                known = self.store.get(url_key(url))
            except BadURL:
                continue
            is_new = known is None or known.run_id != self.run_id or known.kind != "sitemap"
            if is_new and count >= s.max_sitemaps:
                log.warning("%s: max_sitemaps=%d reached for %s in this run; %d child sitemap(s) not followed",
                            page.url, s.max_sitemaps, site, len(urls) - i)
                return
            if self._enqueue_url(db, plan, url, "sitemap", depth=page.depth, refetch=True, found_via=page.key):
                count += is_new

    # Parsing (CPU work: decoding, cleaning, link extraction) happens before the state transaction, so one
    # site's cleaning never holds the state lock the other workers need.

    def _parse(self, plan: SitePlan, page: Page, final: Exchange, group: _Group) -> _Parsed:
        if page.kind == "sitemap":
            return _Parsed(entries=parse_sitemap(final.body, page.url, self.settings.max_bytes))
        if page.kind == "feed":
            return _Parsed(entries=parse_feed(final.body, page.url))
        if page.kind == "article" and group.revisit:
            return _Parsed()
        decoded = decode_html(final.body, final.header("content-type"))
        links = [u for u in (self._article_link(plan, link) for link in html_links(decoded.text, final.url)) if u]
        if page.kind == "listing":
            return _Parsed(links=links)
        if self.settings.clean_text and not final.truncated:
            cleaner = getattr(self, "_cleaner", None)
            if cleaner is not None:  # in a cleaning process: this thread waits without holding the GIL
                text, flags, published = cleaner.submit(_clean_article, decoded.text, final.url).result()
            else:
                text, flags, published = _clean_article(decoded.text, final.url)
        else:  # a cut page's clean text is not worth the cleaner's time (and may be megabytes)
            text, flags, published = decoded.text, [], None
        flags = sorted({*flags, *decoded.flags, *(["truncated"] if final.truncated else [])})
        return _Parsed(links=links, text_hash=sha256(text.encode("utf-8")), flags=flags, published=published)

    def _apply_sitemap(self, db, plan: SitePlan, page: Page, final: Exchange, group: _Group, parsed: _Parsed):
        self._enqueue_entries(db, plan, page, parsed.entries)

    _apply_feed = _apply_sitemap

    def _apply_listing(self, db, plan: SitePlan, page: Page, final: Exchange, group: _Group,
                       parsed: _Parsed) -> dict[str, object]:
        keys = []
        for url in parsed.links:
            key = self._enqueue_url(db, plan, url, "article", depth=page.depth + 1, found_via=page.key)
            if key:
                keys.append(key)
        links_hash = sha256("\n".join(sorted(keys)).encode())
        site = plan.rules
        max_pages = site.max_listing_pages or 1
        if site.listing_pagination and page.listing_root and (page.page_no or 1) < max_pages and keys:
            prev = self.store.listing_page(page.listing_root, (page.page_no or 1) - 1)
            repeated = prev is not None and prev.links_hash == links_hash
            fresh = set(keys) - self.store.known_before(keys, self.run_id)  # links new to us in this run
            if fresh and not repeated:
                n = (page.page_no or 1) + 1
                self._enqueue_url(db, plan, pagination_url(page.listing_root, site.listing_pagination, n), "listing",
                                  depth=page.depth, refetch=True, page_no=n, listing_root=page.listing_root,
                                  found_via=page.key)
        return {"links": json.dumps(keys), "links_hash": links_hash}

    def _apply_article(self, db, plan: SitePlan, page: Page, final: Exchange, group: _Group,
                       parsed: _Parsed) -> dict[str, object]:
        cols: dict[str, object] = {}
        if group.revisit:
            self._event(db, page, "unchanged", "identical body")
            return cols
        flags, published, text_hash = parsed.flags, parsed.published, parsed.text_hash
        cols["flags"] = json.dumps(flags)
        if published:
            cols["published"] = published
        if page.version == 0:
            version, event = 1, "new"
            cols.update(first_fetched=group.final_date, first_fetch_run=self.run_id)
            self.store.note_site(db, page.site, new_article_at=group.final_date, published=published)
        elif text_hash != page.text_hash:
            version, event = page.version + 1, "changed"
            log.warning("%s: text changed since version %d — stored as version %d", page.url, page.version, version)
        else:
            version, event = page.version, "unchanged"
        if event != "unchanged":
            self.store.add_version(db, page, version, group.final_date or now_iso(), sha256(final.body),
                                   text_hash or "", group.final_record_id or "", group.warc_path, flags, self.run_id)
        self._event(db, page, event, f"version {version}" if event == "changed" else None)
        if "spam_injected" in flags and event != "unchanged":
            self._event(db, page, "spam", "spam_injected")
            log.warning("%s: injected spam detected", page.url)
        cols.update(text_hash=text_hash, version=version)
        if page.depth < plan.max_depth:
            for url in parsed.links:
                self._enqueue_url(db, plan, url, "article", depth=page.depth + 1, found_via=page.key)
        return cols
