"""CMS presets (`rules/cms/<cms>.toml`): what the sites built on one CMS share — how to recognise it, where
its feeds and sitemaps live, its article URL shape and its article templates (docs/crawl.md).

Used by `crawl --url` (pipeline/crawl/explore.py) for sites without a rules file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .rules import STRICT_SCHEMA, RulesError, load_toml, rules_dir, validate_schema
from .sites import Template, parse_site_rules


@dataclass(frozen=True)
class CmsPreset:
    __pydantic_config__ = STRICT_SCHEMA

    name: str
    generator: tuple[str, ...] = ()  # lower-case substrings of <meta name="generator">
    markers: tuple[str, ...] = ()  # regexes found in the page source of this CMS only
    feeds: tuple[str, ...] = ()  # paths to probe
    sitemaps: tuple[str, ...] = ()
    article_url_pattern: str | None = None  # fallback when link clustering finds no article cluster
    listing_pagination: str | None = None
    templates: tuple[Template, ...] = ()
    path: str | None = None

    def matches(self, generator: str, source: str) -> bool:
        generator = generator.lower()
        if any(g in generator for g in self.generator):
            return True
        return any(re.search(m, source) for m in self.markers)


def parse_preset(data: dict, path: str) -> CmsPreset:
    if "path" in data:
        raise RulesError(f"{path}: unknown key 'path'")
    preset = validate_schema(CmsPreset, {**data, "path": path}, path)
    for m in preset.markers:
        try:
            re.compile(m)
        except re.error as exc:
            raise RulesError(f"{path}: markers: {m!r} is not a regular expression ({exc})") from exc
    # Templates and the URL pattern are checked exactly as in a site file.
    parse_site_rules({"name": preset.name, "base_url": "https://example.invalid/",
                      "article_url_pattern": preset.article_url_pattern,
                      "templates": list(data.get("templates", []))}, path)
    return preset


def load_presets(folder: Path | None = None) -> tuple[CmsPreset, ...]:
    folder = folder or rules_dir() / "cms"
    if not folder.is_dir():
        return ()
    return tuple(parse_preset(load_toml(p), str(p)) for p in sorted(folder.glob("*.toml")))


@lru_cache(maxsize=1)
def default_presets() -> tuple[CmsPreset, ...]:
    return load_presets()


def preset_named(name: str | None) -> CmsPreset | None:
    return next((p for p in default_presets() if p.name == (name or "").lower()), None)


_GENERATOR = re.compile(r"""<meta[^>]+name\s*=\s*["']generator["'][^>]*>""", re.IGNORECASE)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']*)""", re.IGNORECASE)


def detect(source: str) -> CmsPreset | None:
    """The preset whose CMS rendered this page (generator meta, CMS-only markers), or None."""
    tag = _GENERATOR.search(source[:200_000])
    content = _CONTENT.search(tag.group(0)) if tag else None
    generator = content.group(1) if content else ""
    return next((p for p in default_presets() if p.matches(generator, source)), None)
