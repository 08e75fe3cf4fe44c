"""The site registry (`rules/registry.toml`): every union site we monitor, with the evidence that its host
is right. Validated like the site rules (strict pydantic schema via `pipeline.rules.validate_schema`).

An entry is not a rules file: it names a site (base URL, province, org, level, CMS) so that it can be
crawled without hand-written rules (`crawl --url`, CMS presets) and listed with its crawl health
(`sites list`). `verified = false` marks a base URL that is a guess; it stays a guess until a stored page
from that host naming the federation is found (see docs/registry.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from .rules import STRICT_SCHEMA, RulesError, load_toml, rules_dir, validate_schema

LEVELS = ("province", "sector", "national", "press")
KNOWN_CMS = ("nukeviet", "wordpress", "joomla", "drupal", "dotnetnuke", "sharepoint")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class RegistryEntry:
    """One `[[sites]]` table of the registry."""

    __pydantic_config__ = STRICT_SCHEMA

    name: str
    base_url: str
    org: str
    level: Literal["province", "sector", "national", "press"]
    verified: bool
    province: str | None = None  # the post-merger unit (34 since 1 July 2025)
    legacy_provinces: tuple[str, ...] = ()  # the pre-merger provinces the site covers
    cms: str | None = None
    evidence_url: str | None = None  # a stored public page on this host that names the org
    evidence: str | None = None  # a verbatim quote from that page

    @property
    def host(self) -> str:
        return bare_host(self.base_url)

    @property
    def legacy(self) -> bool:
        """A pre-merger provincial site (its province was merged into another unit on 1 July 2025)."""
        return "(cũ" in self.org


@dataclass(frozen=True)
class Registry:
    __pydantic_config__ = STRICT_SCHEMA

    sites: tuple[RegistryEntry, ...]
    path: str | None = None

    def by_name(self) -> dict[str, RegistryEntry]:
        return {s.name: s for s in self.sites}

    def provinces_covered(self) -> set[str]:
        return {s.province for s in self.sites if s.level == "province" and s.province}


def bare_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def registry_path() -> Path:
    return rules_dir() / "registry.toml"


def parse_registry(data: dict, path: str = "<memory>") -> Registry:
    """A validated Registry, or RulesError naming the file, the entry and the problem."""
    if "path" in data:
        raise RulesError(f"{path}: unknown key 'path'")
    sites = data.get("sites", [])
    if not isinstance(sites, list) or not sites:
        raise RulesError(f"{path}: no [[sites]] entries")
    entries = []
    for i, raw in enumerate(sites):
        where = f"{path}: sites[{i}]" + (f" ({raw.get('name')})" if isinstance(raw, dict) and raw.get("name") else "")
        entry = validate_schema(RegistryEntry, raw, where) if isinstance(raw, dict) else None
        if entry is None:
            raise RulesError(f"{where}: not a table")
        _check_entry(entry, where)
        entries.append(entry)
    dupes = [n for n, c in Counter(e.name for e in entries).items() if c > 1]
    if dupes:
        raise RulesError(f"{path}: site name(s) used twice: {', '.join(sorted(dupes))}")
    return Registry(tuple(entries), path)


def _check_entry(e: RegistryEntry, where: str) -> None:
    """What the type schema cannot say: slugs, URLs, evidence on the site's own host, known provinces."""
    if not _SLUG.match(e.name):
        raise RulesError(f"{where}: name must be a lower-case ASCII slug (a-z, 0-9, -), got {e.name!r}")
    if urlsplit(e.base_url).scheme not in ("http", "https") or not e.host:
        raise RulesError(f"{where}: base_url must be an http(s) URL, got {e.base_url!r}")
    if e.cms is not None and e.cms not in KNOWN_CMS:
        raise RulesError(f"{where}: cms must be one of {', '.join(KNOWN_CMS)}, got {e.cms!r}")
    if e.verified:
        if not e.evidence_url or not e.evidence:
            raise RulesError(f"{where}: verified = true needs evidence_url and evidence (a quote naming the org)")
        if not _same_site(bare_host(e.evidence_url), e.host):
            raise RulesError(f"{where}: evidence_url {e.evidence_url!r} is not on the site's host {e.host}")
    elif e.evidence_url and not e.evidence:
        raise RulesError(f"{where}: evidence_url without an evidence quote")
    if e.level == "province":
        _check_province(e, where)
    elif e.province is not None and _unit(e.province) is None:
        raise RulesError(f"{where}: unknown province {e.province!r}")


def _same_site(host: str, site_host: str) -> bool:
    return host == site_host or host.endswith("." + site_host) or site_host.endswith("." + host)


def _unit(name: str) -> str | None:
    """The post-merger unit a province name belongs to, or None when the name is unknown."""
    from .text import geo

    canonical = geo.canonical_province(name)
    return geo.province_after_2025(canonical) if canonical else None


def _check_province(e: RegistryEntry, where: str) -> None:
    from .text import geo

    if not e.province:
        raise RulesError(f"{where}: a province-level site needs 'province' (the post-merger unit)")
    unit = _unit(e.province)
    if unit is None or unit not in geo.provinces_2025():
        raise RulesError(f"{where}: province {e.province!r} is not one of the 34 post-merger units")
    for old in e.legacy_provinces:
        if _unit(old) != unit:
            raise RulesError(f"{where}: legacy province {old!r} was not merged into {e.province}")


def load_registry(path: Path | None = None) -> Registry:
    path = path or registry_path()
    return parse_registry(load_toml(path), str(path))


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return load_registry()


def coverage(reg: Registry) -> dict[str, object]:
    """Counts for `rules check` and docs: units covered, verified entries per level, units missing."""
    from .text import geo

    units = {_unit(s.province) for s in reg.sites if s.level == "province" and s.province and not s.legacy}
    missing = [p for p in geo.provinces_2025() if p not in units]
    # A unit has evidence when a verified site covers it: its own, or a legacy site of a province merged into it.
    evidenced = {_unit(s.province) for s in reg.sites if s.level == "province" and s.province and s.verified}
    unverified = [p for p in geo.provinces_2025() if p not in evidenced]
    by_level = {lv: sum(1 for s in reg.sites if s.level == lv) for lv in LEVELS}
    verified = {lv: sum(1 for s in reg.sites if s.level == lv and s.verified) for lv in LEVELS}
    return {"sites": len(reg.sites), "units": len(units), "missing_units": missing, "by_level": by_level,
            "verified": verified, "units_with_evidence": len(evidenced & set(geo.provinces_2025())),
            "units_without_evidence": unverified}
