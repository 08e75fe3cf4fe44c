"""Crawling a site without a rules file (`unionclaims crawl --url https://host/`), as trafilatura's
`--explore` does: a short probe reads robots.txt, its sitemaps, the homepage and its feeds, clusters the
links it found by path shape into an article URL pattern, looks at one sample article for the CMS (and its
preset templates, rules/cms/), and writes an inferred site file that the normal crawler then runs.

The probe fetches politely (robots.txt obeyed, the per-host delay, the same address checks) but does not
archive: the crawl that follows fetches and archives robots.txt, the sitemaps, feeds and listings again.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html
from protego import Protego

from ..cms import CmsPreset, detect
from ..sites import SiteRules, load_site_file
from .discover import Entry, parse_feed, parse_sitemap
from .fetch import AddressPolicy, CrawlSettings, Fetcher
from .urls import BadURL, bare_host, clean_url, netloc

log = logging.getLogger(__name__)

INFERRED_MARK = "# inferred by `unionclaims crawl --url`"
MAX_SITEMAPS = 12
MAX_ENTRIES = 5000
MAX_LISTINGS = 30
MIN_CLUSTER = 3
_FILE_EXT = re.compile(r"\.(?:pdf|jpe?g|png|gif|webp|svg|docx?|xlsx?|pptx?|zip|rar|mp[34]|css|js|xml|gz)$", re.I)
_PAGINATION = re.compile(r"^(?:page|trang|p)[-_]?\d+$", re.I)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


@dataclass
class Link:
    url: str
    sources: set[str] = field(default_factory=set)  # sitemap | feed | home
    anchor_words: int = 0


@dataclass
class Discovery:
    """What the probe found on one site."""

    base_url: str
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    links: dict[str, Link] = field(default_factory=dict)
    home_links: list[str] = field(default_factory=list)
    robots: Protego | None = None
    cms: CmsPreset | None = None
    pattern: str | None = None
    clusters: list[dict] = field(default_factory=list)

    def add(self, url: str, source: str, anchor_words: int = 0) -> None:
        link = self.links.setdefault(url, Link(url))
        link.sources.add(source)
        link.anchor_words = max(link.anchor_words, anchor_words)


# ---------------------------------------------------------------------------------- clustering


def leaf_kind(path: str) -> tuple[int, str, str] | None:
    """(depth, first segment, leaf kind) of a URL path; None for the homepage and files.

    Leaf kinds: `id.html` (`slug-123.html`, `123.htm`), `slug.html` (two or more words), `id` (`123`,
    `slug-123`), `slug` (four or more words, no extension, as WordPress permalinks), else `other`."""
    segments = [s for s in path.split("/") if s]
    if not segments or _FILE_EXT.search(path):
        return None
    leaf = segments[-1].lower()
    first = segments[0].lower() if len(segments) > 1 else ""
    if _PAGINATION.match(leaf):
        kind = "other"
    elif re.fullmatch(r"(?:[a-z0-9-]*-)?\d+\.html?", leaf):
        kind = "id.html"
    elif re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+\.html?", leaf):
        kind = "slug.html"
    elif re.fullmatch(r"(?:[a-z0-9-]*-)?\d+", leaf):
        kind = "id"
    elif re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+){3,}", leaf):
        kind = "slug"
    else:
        kind = "other"
    return len(segments), first, kind


def _cluster_key(path: str) -> tuple[int, str, str] | None:
    shape = leaf_kind(path)
    if shape is None:
        return None
    depth, first, kind = shape
    return depth, first, "html" if kind.endswith(".html") else kind


def _leaf_regex(kind: str, links: list[Link]) -> str:
    if kind == "html":
        # A numeric id is required when every link that looks like an article has one (listed in a sitemap
        # or feed, or with a title as its text); a menu link ("Giới thiệu") does not count against it.
        evidence = [m for m in links if m.sources & {"sitemap", "feed"} or m.anchor_words >= 5] or links
        with_id = all(leaf_kind(urlsplit(m.url).path)[2] == "id.html" for m in evidence)  # type: ignore[index]
        return r"[^/]*\d+\.html?" if with_id else r"[^/]+\.html?"
    if kind == "id":
        return r"(?:[^/]*-)?\d+/?"
    return r"[a-z0-9-]+/?"


def _is_article_cluster(links: list[Link]) -> bool:
    if any("feed" in link.sources for link in links):
        return True
    if len(links) < MIN_CLUSTER:
        return False
    in_sitemap = sum(1 for link in links if "sitemap" in link.sources) / len(links)
    anchors = [link.anchor_words for link in links if link.anchor_words]
    return in_sitemap >= 0.5 or (bool(anchors) and statistics.median(anchors) >= 5)


def infer_pattern(links: list[Link]) -> tuple[str | None, list[dict]]:
    """The article URL pattern (one alternative per article cluster) and a summary of every cluster."""
    groups: dict[tuple[int, str, str], list[Link]] = defaultdict(list)
    for link in links:
        key = _cluster_key(urlsplit(link.url).path)
        if key is not None:
            groups[key].append(link)
    parts, summary = [], []
    for (depth, first, kind), members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        article = kind != "other" and _is_article_cluster(members)
        paths = [urlsplit(m.url).path for m in members]
        regex = None
        if article:
            prefix = "/" if depth == 1 else "/" + re.escape(first) + "/" + (r"[^/]+/" * (depth - 2))
            regex = prefix + _leaf_regex(kind, members)
            parts.append(regex)
        summary.append({"depth": depth, "prefix": first, "kind": kind, "n": len(members), "article": article,
                        "regex": regex, "example": paths[0]})
    if not parts:
        return None, summary
    return "^(?:" + "|".join(parts) + ")$", summary


# ---------------------------------------------------------------------------------- the probe


class Prober:
    def __init__(self, base_url: str, settings: CrawlSettings, allow_private: bool = False) -> None:
        self.base_url = clean_url(base_url)
        self.settings = settings
        self.policy = AddressPolicy(allow_private)
        self.hosts = {bare_host(self.base_url)}
        self.fetcher = Fetcher(settings)
        self.delay = settings.delay if settings.delay is not None else 1.0
        self.found = Discovery(self.base_url)

    def get(self, url: str) -> bytes | None:
        rp = self.found.robots
        if rp is not None and not url.endswith("/robots.txt") and not rp.can_fetch(url, self.settings.user_agent):
            return None
        result = self.fetcher.fetch(url, delay=self.delay, addresses=self.policy, hosts=self.hosts)
        final = result.final
        if final is None or result.error or final.status != 200:
            log.info("probe: %s: %s", url, result.error or (final.status if final else "no response"))
            return None
        return final.body

    def on_site(self, url: str) -> bool:
        return bare_host(url) in self.hosts and netloc(url) == netloc(self.base_url)

    def url(self, path: str) -> str:
        return clean_url(path, base=self.base_url)

    def run(self) -> Discovery:
        found = self.found
        body = self.get(self.url("/robots.txt"))
        found.robots = Protego.parse(body.decode("utf-8", "replace") if body else "")
        sitemaps = [s for s in found.robots.sitemaps if self.on_site(s)] or [self.url("/sitemap.xml")]
        self._read_sitemaps(sitemaps)
        self._read_home()
        for feed in list(found.feeds):
            self._read_feed(feed)
        found.pattern, found.clusters = infer_pattern(list(found.links.values()))
        self._sample_cms()
        return found

    def _read_sitemaps(self, todo: list[str]) -> None:
        seeds, seen = set(todo), set()
        while todo and len(seen) < MAX_SITEMAPS and len(self.found.links) < MAX_ENTRIES:
            url = todo.pop(0)
            if url in seen:
                continue
            seen.add(url)
            body = self.get(url)
            entries = parse_sitemap(body, url, self.settings.max_bytes) if body else []
            if entries and url in seeds:  # child sitemaps are reached from their seed by the crawler
                self.found.sitemaps.append(url)
            for e in entries:
                if not self.on_site(e.url):
                    continue
                if e.is_sitemap:
                    todo.append(e.url)
                elif len(self.found.links) < MAX_ENTRIES:
                    self.found.add(e.url, "sitemap")

    def _read_home(self) -> None:
        body = self.get(self.base_url)
        if not body:
            return
        text = body.decode("utf-8", "replace")
        try:
            doc = lxml_html.document_fromstring(text)
        except (etree.ParserError, ValueError):
            return
        for el in doc.iter("link"):
            if (el.get("rel") or "").lower() == "alternate" and (el.get("type") or "").lower() in _FEED_TYPES:
                self._add_feed(el.get("href"))
        for a in doc.iter("a"):
            href = (a.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            try:
                url = clean_url(href, base=self.base_url)
            except BadURL:
                continue
            if not self.on_site(url):
                continue
            if re.search(r"/(?:rss|feed)(?:\.xml|/)?$", urlsplit(url).path):
                self._add_feed(url)
                continue
            self.found.add(url, "home", len(" ".join(a.text_content().split()).split()))
            if url not in self.found.home_links:
                self.found.home_links.append(url)

    def _add_feed(self, href: str | None) -> None:
        try:
            url = clean_url(href or "", base=self.base_url)
        except BadURL:
            return
        if self.on_site(url) and url not in self.found.feeds:
            self.found.feeds.append(url)

    def _read_feed(self, url: str) -> None:
        body = self.get(url)
        entries: list[Entry] = parse_feed(body, url) if body else []
        if not entries:
            self.found.feeds.remove(url)
        for e in entries:
            if self.on_site(e.url):
                self.found.add(e.url, "feed")

    def _sample_cms(self) -> None:
        """The CMS of one sample article (feed items first), and its preset's feeds when we had none."""
        found = self.found
        pattern = re.compile(found.pattern) if found.pattern else None
        ranked = sorted(found.links.values(), key=lambda link: "feed" not in link.sources)
        sample = next((link.url for link in ranked if pattern and pattern.search(urlsplit(link.url).path)), None)
        body = self.get(sample) if sample else None
        if not body:
            return
        found.cms = detect(body.decode("utf-8", "replace"))
        if found.cms is None:
            return
        found.sample_html = body  # type: ignore[attr-defined]
        if not found.feeds:
            for path in found.cms.feeds:
                self._add_feed(path)
            for feed in list(found.feeds):
                self._read_feed(feed)
        if found.pattern is None and found.cms.article_url_pattern:
            found.pattern = found.cms.article_url_pattern


def probe(base_url: str, settings: CrawlSettings, allow_private: bool = False) -> Discovery:
    return Prober(base_url, settings, allow_private).run()


# ---------------------------------------------------------------------------------- the site file


def listing_urls(found: Discovery) -> list[str]:
    """The homepage and its on-site links that are not articles or files: listings to read each run."""
    pattern = re.compile(found.pattern) if found.pattern else None
    out = [found.base_url]
    for url in found.home_links:
        path = urlsplit(url).path
        if _FILE_EXT.search(path) or (pattern and pattern.search(path)) or len(out) >= MAX_LISTINGS:
            continue
        if found.robots is not None and not found.robots.can_fetch(url, "*"):
            continue
        if url not in out:
            out.append(url)
    return out


def site_name(base_url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", bare_host(base_url) + (f"-{urlsplit(base_url).port}"
                                                             if urlsplit(base_url).port else "")).strip("-")


def matching_templates(found: Discovery) -> list:
    """The preset's templates when the sample article's body matches one of them, else none."""
    from ..clean.dom import parse_html, select_one

    sample = getattr(found, "sample_html", None)
    if found.cms is None or sample is None:
        return []
    root = parse_html(sample.decode("utf-8", "replace"), [])
    if any(select_one(root, t.body) is not None for t in found.cms.templates):
        return list(found.cms.templates)
    return []


def site_data(found: Discovery, *, allow_private: bool, delay: float) -> dict:
    """The inferred site file's contents (a registry entry for the host fills name, province and org)."""
    from ..registry import default_registry

    entry = next((e for e in default_registry().sites if e.host == bare_host(found.base_url)), None)
    data: dict = {"name": entry.name if entry else site_name(found.base_url), "base_url": found.base_url}
    if entry:
        data.update({k: v for k, v in (("province", entry.province), ("org", entry.org)) if v})
    if found.cms:
        data["cms"] = found.cms.name
    data.update(start_urls=listing_urls(found), feeds=found.feeds, sitemaps=found.sitemaps,
                delay_seconds=delay, allow_private_addresses=allow_private)
    if found.pattern:
        data["article_url_pattern"] = found.pattern
    templates = matching_templates(found)
    if templates:
        data["templates"] = [{k: v for k, v in vars(t).items() if v not in (None, ())} for t in templates]
    return data


def write_site_file(data: dict, folder: Path, found: Discovery) -> SiteRules:
    from ..io import write_text_atomic
    from ..tomlout import to_toml

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{data['name']}.toml"
    lines = [INFERRED_MARK + f" from {found.base_url}",
             f"# {len(found.links)} links found: sitemaps {len(found.sitemaps)}, feeds {len(found.feeds)}, "
             f"homepage {len(found.home_links)}; CMS {found.cms.name if found.cms else 'unknown'}"]
    for c in found.clusters[:12]:
        lines.append(f"# cluster depth {c['depth']} /{c['prefix']} {c['kind']}: {c['n']} links"
                     f"{' → article' if c['article'] else ''} (e.g. {c['example']})")
    write_text_atomic(path, "\n".join(lines) + "\n" + to_toml(data))
    return load_site_file(path)


def explore_site(url: str, folder: Path, settings: CrawlSettings, *, allow_private: bool = False) -> SiteRules:
    """Probe `url`, write `<folder>/<name>.toml` and return its rules (the crawl keeps it in the corpus)."""
    found = probe(url, settings, allow_private)
    if not found.links and not found.home_links:
        log.warning("%s: the probe found no links (robots.txt, sitemaps, feeds and homepage)", url)
    if found.pattern is None:
        log.warning("%s: no article URL pattern could be inferred; every on-site link counts as an article", url)
    delay = settings.delay if settings.delay is not None else 1.0
    return write_site_file(site_data(found, allow_private=allow_private, delay=delay), folder, found)

