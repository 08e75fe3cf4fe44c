"""Where the article is when the visible body is empty or tiny: markup a browser without JavaScript
hides, and the page's structured data.

Read from the tree before invisible elements are stripped. In order of trust:
1. the page with `<noscript>` / `<template>` unwrapped and template scripts (`type="text/template"`
   …) parsed in place: an unclosed `<noscript>` swallows the rest of the page, single-page blogs keep
   their posts in template scripts;
2. JSON-LD `articleBody` (schema.org Article/NewsArticle/BlogPosting), the text the site publishes
   for search engines;
3. `og:description`, a one-paragraph summary: a last resort, flagged `og_description_only`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from .patterns import tidy

OG_ONLY = "og_description_only"
JSONLD_BODY = "jsonld_article_body"
RESCUED_HIDDEN_MARKUP = "rescued_hidden_markup"
TINY_CHARS = 200  # a visible body shorter than this is "empty or tiny": the rescues are tried
_TEMPLATE_TYPES = re.compile(r"text/(x-)?(template|html|handlebars|x-handlebars-template|ng-template|mustache)", re.I)


@dataclass
class Rescue:
    """Fallback sources of one page."""

    jsonld_body: list[str] = field(default_factory=list)
    og_description: str | None = None
    hidden_markup: bool = False  # the page has noscript/template content that `unwrap` makes visible


def collect(root: lxml_html.HtmlElement) -> Rescue:
    """The fallback sources, read before scripts and hidden elements are removed."""
    hiders = root.xpath("//noscript|//template|//script[@type]")
    hiders = [el for el in hiders if el.tag != "script" or _TEMPLATE_TYPES.fullmatch((el.get("type") or "").strip())]
    return Rescue(jsonld_body=_jsonld_body(root), og_description=_og_description(root), hidden_markup=bool(hiders))


def unwrap(doc: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """`doc` (changed in place) with noscript/template content made visible and template scripts parsed.

    Only needed when the visible body is tiny, so the caller hands over a fresh tree of the page then,
    rather than every page keeping a copy of its tree for it."""
    for el in list(doc.xpath("//script[@type]")):
        if _TEMPLATE_TYPES.fullmatch((el.get("type") or "").strip()) and (el.text or "").strip():
            try:
                parts = lxml_html.fragments_fromstring(el.text)
            except (etree.ParserError, ValueError, AssertionError):
                continue  # lxml asserts on markup it cannot split into fragments ("too many bodies")
            wrapper = lxml_html.Element("div")
            for part in parts:
                if isinstance(part, str):
                    wrapper.text = (wrapper.text or "") + part
                else:
                    wrapper.append(part)
            el.addprevious(wrapper)
            el.getparent().remove(el)
    for el in list(doc.iter("noscript", "template")):
        el.drop_tag()  # keep the children and text
    return doc


def _jsonld_body(root: lxml_html.HtmlElement) -> list[str]:
    best = ""
    for el in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(el.text or "")
        except (ValueError, RecursionError):
            continue
        for body in _find_bodies(data, 0):
            if len(body) > len(best):
                best = body
    return [p for p in (tidy(x) for x in re.split(r"\n\s*\n|\n", best)) if p]


def _find_bodies(data: object, depth: int) -> list[str]:
    if depth > 20:
        return []
    if isinstance(data, dict):
        found = [data["articleBody"]] if isinstance(data.get("articleBody"), str) else []
        return found + [b for v in data.values() for b in _find_bodies(v, depth + 1)]
    if isinstance(data, list):
        return [b for v in data for b in _find_bodies(v, depth + 1)]
    return []


def _og_description(root: lxml_html.HtmlElement) -> str | None:
    for el in root.xpath('//meta[@property="og:description" or @name="description"]'):
        text = tidy(el.get("content") or "")
        if text:
            return text
    return None
