"""Per-site rules (`rules/sites/<name>.toml`): one small declarative spec per site, as in Fundus.

Shared by cleaning (selectors) and crawling (start URLs, feeds, sitemaps, politeness).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .rules import STRICT_SCHEMA, RulesError, load_toml, rules_dir, validate_schema


@dataclass(frozen=True)
class Template:
    """Selectors for one version of a site's article template (newest first in the file)."""

    __pydantic_config__ = STRICT_SCHEMA

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
    """One site's rules file (`rules/sites/<name>.toml`), validated against this schema on load."""

    __pydantic_config__ = STRICT_SCHEMA
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
    max_depth: int | None = None  # link hops from the start URLs (None: the crawl setting)
    delay_seconds: float = 1.0
    allow_private_addresses: bool = False
    allowed_networks: tuple[str, ...] = ()  # private networks the crawl may reach (tests, intranets)
    sitemaps_from_robots: bool = True
    hosts: tuple[str, ...] = ()  # extra host names served by the same site
    cms: str | None = None  # the CMS that renders the site ("nukeviet"): its templates fit its sister sites
    spam_container: str | None = None  # a box that defacers fill with visible spam: flag it
    templates: tuple[Template, ...] = ()
    path: str | None = None  # the rules file it came from

    @property
    def host(self) -> str:
        return _bare_host(urlsplit(self.base_url).hostname or "")

    def all_hosts(self) -> set[str]:
        return {self.host, *(_bare_host(h) for h in self.hosts)}

    def is_article_url(self, url: str) -> bool:
        if not self.article_url_pattern:
            return True
        return re.search(self.article_url_pattern, urlsplit(url).path) is not None


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def parse_site_rules(data: dict[str, Any], path: str = "<memory>") -> SiteRules:
    """A validated SiteRules: unknown keys, wrong types and bad patterns raise RulesError naming the key."""
    if "path" in data:
        raise RulesError(f"{path}: unknown key 'path'")
    templates = data.get("templates", [])
    if isinstance(templates, list):  # unnamed templates are v1 (oldest) … vN (newest, first in the file)
        templates = [
            {**t, "name": t.get("name") or f"v{len(templates) - i}"} if isinstance(t, dict) else t
            for i, t in enumerate(templates)
        ]
    site = validate_schema(SiteRules, {**data, "templates": templates, "path": path}, path)
    _check_site_values(site, path)
    return site


def _check_site_values(site: SiteRules, path: str) -> None:
    """What the type schema cannot say: required values, regexes, selectors and URLs that must parse."""
    from lxml.cssselect import CSSSelector

    for key in ("name", "base_url"):
        if not getattr(site, key):
            raise RulesError(f"{path}: '{key}' must not be empty")
    if site.article_url_pattern:
        try:
            re.compile(site.article_url_pattern)
        except re.error as exc:
            raise RulesError(f"{path}: article_url_pattern is not a valid regular expression ({exc})") from exc
    if urlsplit(site.base_url).scheme not in ("http", "https"):
        raise RulesError(f"{path}: base_url must be an http(s) URL, got {site.base_url!r}")
    if site.delay_seconds < 0:
        raise RulesError(f"{path}: delay_seconds must not be negative")
    for i, t in enumerate(site.templates):
        if not t.body:
            raise RulesError(f"{path}: templates[{i}] has no 'body' selector")
        for key in ("body", "title", "published", "author", "lead"):
            _check_selector(getattr(t, key), f"{path}: templates[{i}].{key}", CSSSelector)
        for j, sel in enumerate(t.drop):
            _check_selector(sel, f"{path}: templates[{i}].drop[{j}]", CSSSelector)
        if t.valid_from and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", t.valid_from):
            raise RulesError(f"{path}: templates[{i}].valid_from must be a date YYYY-MM-DD, got {t.valid_from!r}")
    if site.spam_container:
        _check_selector(site.spam_container, f"{path}: spam_container", CSSSelector)


def _check_selector(selector: str | None, where: str, compiler: Any) -> None:
    if not selector:
        return
    try:
        compiler(selector)
    except Exception as exc:  # noqa: BLE001 - cssselect raises several parse error types
        raise RulesError(f"{where}: not a valid CSS selector {selector!r} ({exc})") from exc


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


# A crawl keeps the rules of the sites it archived in this folder of its corpus (see `corpus_sites`).
SITE_RULES_FOLDER = "sites"


def corpus_sites(corpus: Path) -> tuple[SiteRules, ...]:
    """The site rules a corpus was crawled with (`<corpus>/sites/*.toml`), before the default ones: an
    archive is read with the rules that fetched it, wherever they came from."""
    folder = corpus / SITE_RULES_FOLDER
    kept = tuple(load_sites([folder])) if folder.is_dir() and any(folder.glob("*.toml")) else ()
    names = {s.name for s in kept}
    return kept + tuple(s for s in default_sites() if s.name not in names)


def default_sites() -> tuple[SiteRules, ...]:
    """The rules/sites/ folder. A broken file raises RulesError: it never silently disables the others."""
    return _sites_of(rules_dir() / "sites")


@lru_cache(maxsize=4)  # per rules folder: $UNIONCLAIMS_RULES may point elsewhere
def _sites_of(folder: Path) -> tuple[SiteRules, ...]:
    return tuple(load_sites([folder]))


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
