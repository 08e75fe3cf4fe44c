"""Per-site rules (`rules/sites/<name>.toml`): one small declarative spec per site, as in Fundus.

Shared by cleaning (selectors) and crawling (start URLs, feeds, sitemaps, politeness).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .rules import RulesError, load_toml, rules_dir


@dataclass(frozen=True)
class Template:
    """Selectors for one version of a site's article template (newest first in the file)."""

    body: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    lead: str | None = None  # a lead/sapo element outside the body (NukeViet div.hometext)
    drop: tuple[str, ...] = ()
    valid_from: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class SiteRules:
    name: str
    base_url: str
    province: str | None = None
    org: str | None = None
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_url_pattern: str | None = None
    listing_pagination: str | None = None  # e.g. "page-{n}" appended, see crawl docs
    max_listing_pages: int | None = None
    delay_seconds: float = 1.0
    allow_private_addresses: bool = False
    hosts: tuple[str, ...] = ()  # extra host names served by the same site
    templates: tuple[Template, ...] = ()
    path: str | None = None  # the rules file it came from
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def host(self) -> str:
        return _bare_host(urlsplit(self.base_url).hostname or "")

    def all_hosts(self) -> set[str]:
        return {self.host, *(_bare_host(h) for h in self.hosts)}

    def is_article_url(self, url: str) -> bool:
        if not self.article_url_pattern:
            return True
        return re.search(self.article_url_pattern, urlsplit(url).path) is not None


_KNOWN_KEYS = {
    "name", "base_url", "province", "org", "start_urls", "feeds", "sitemaps", "article_url_pattern",
    "listing_pagination", "max_listing_pages", "delay_seconds", "allow_private_addresses", "hosts", "templates",
}


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def parse_site_rules(data: dict[str, Any], path: str = "<memory>") -> SiteRules:
    for key in ("name", "base_url"):
        if not data.get(key):
            raise RulesError(f"{path}: missing required key '{key}'")
    templates = []
    for i, t in enumerate(data.get("templates", [])):
        if not t.get("body"):
            raise RulesError(f"{path}: templates[{i}] has no 'body' selector")
        templates.append(
            Template(
                body=t["body"],
                title=t.get("title"),
                published=t.get("published"),
                author=t.get("author"),
                lead=t.get("lead"),
                drop=tuple(t.get("drop", [])),
                valid_from=t.get("valid_from"),
                name=t.get("name") or f"v{len(data.get('templates', [])) - i}",
            )
        )
    if data.get("article_url_pattern"):
        try:
            re.compile(data["article_url_pattern"])
        except re.error as exc:
            raise RulesError(f"{path}: article_url_pattern is not a valid regex ({exc})") from exc
    return SiteRules(
        name=data["name"],
        base_url=data["base_url"],
        province=data.get("province"),
        org=data.get("org"),
        start_urls=tuple(data.get("start_urls", [])),
        feeds=tuple(data.get("feeds", [])),
        sitemaps=tuple(data.get("sitemaps", [])),
        article_url_pattern=data.get("article_url_pattern"),
        listing_pagination=data.get("listing_pagination"),
        max_listing_pages=data.get("max_listing_pages"),
        delay_seconds=float(data.get("delay_seconds", 1.0)),
        allow_private_addresses=bool(data.get("allow_private_addresses", False)),
        hosts=tuple(data.get("hosts", [])),
        templates=tuple(templates),
        path=path,
        extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
    )


def load_site_file(path: Path) -> SiteRules:
    return parse_site_rules(load_toml(path), str(path))


def load_sites(paths: list[Path] | None = None) -> list[SiteRules]:
    """Load site rules from files or folders (default: rules/sites/). Names must be unique."""
    if not paths:
        paths = [rules_dir() / "sites"]
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(p.glob("*.toml")))
        elif p.exists():
            files.append(p)
        else:
            raise RulesError(f"{p}: no such site rules file or folder")
    sites = [load_site_file(f) for f in files]
    seen: dict[str, str] = {}
    for s in sites:
        if s.name in seen:
            raise RulesError(f"{s.path}: site name '{s.name}' already used by {seen[s.name]}")
        seen[s.name] = s.path or ""
    return sites


@lru_cache(maxsize=1)
def default_sites() -> tuple[SiteRules, ...]:
    try:
        return tuple(load_sites())
    except RulesError:
        return ()


def site_for_url(url: str | None, sites: tuple[SiteRules, ...] | list[SiteRules] | None = None) -> SiteRules | None:
    """The site whose host matches the URL's host (www. ignored), or None."""
    if not url:
        return None
    host = _bare_host(urlsplit(url).hostname or "")
    if not host:
        return None
    for site in sites if sites is not None else default_sites():
        if host in site.all_hosts():
            return site
    return None
