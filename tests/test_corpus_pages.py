"""Pins the bundled HTML pages (corpus/html/) to their ground truth and to the site rules.

For every page: it parses; its site rules pick a template whose body selector matches; every
expected body paragraph occurs in that body element (whitespace-normalised, after the template's
drop selectors); no must_not_contain string does; the seed text dump contains each paragraph;
title/author/published selectors find what expected.json says. Every site rule file loads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.sites import SiteRules, Template, load_sites

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = ROOT / "corpus" / "html"
SEED_DIR = ROOT / "corpus" / "seeds"
SITES_DIR = ROOT / "rules" / "sites"

PAGES = sorted(HTML_DIR.glob("*.html"))
DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def norm(text: str) -> str:
    """Collapse all whitespace (NBSP included) to single spaces."""
    return " ".join(text.split())


def sites_by_name() -> dict[str, SiteRules]:
    return {s.name: s for s in load_sites([SITES_DIR])}


def load_page(path: Path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    return soup, expected


def pick_template(soup: BeautifulSoup, site: SiteRules) -> Template:
    for template in site.templates:
        if soup.select_one(template.body) is not None:
            return template
    raise AssertionError(f"no template of {site.name} matches")


def texts(el) -> tuple[str, str]:
    """The element's text joined without and with a separator: a cleaner may do either."""
    return norm(el.get_text("")), norm(el.get_text(" "))


def body_texts(soup: BeautifulSoup, template: Template) -> tuple[str, str]:
    body = soup.select_one(template.body)
    for selector in template.drop:
        for el in body.select(selector):
            el.decompose()
    return texts(body)


def el_text(soup: BeautifulSoup, selector: str | None) -> str | None:
    if not selector:
        return None
    el = soup.select_one(selector)
    return norm(el.get_text(" ")) if el is not None else None


def test_there_are_pages_for_all_seeds():
    seeds = {p.stem for p in SEED_DIR.glob("*.txt")}
    pages = {p.stem for p in PAGES}
    assert seeds and seeds == pages


def test_every_site_rule_file_loads():
    files = sorted(SITES_DIR.glob("*.toml"))
    assert len(files) >= 4
    sites = load_sites([SITES_DIR])
    assert len(sites) == len(files)
    for site in sites:
        assert site.province and site.org and site.templates, site.name
        assert site.start_urls, site.name
        assert all(t.body for t in site.templates)


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_page_matches_ground_truth(path: Path):
    raw = path.read_bytes()
    raw.decode("utf-8")  # UTF-8 throughout
    soup, expected = load_page(path)
    assert soup.select_one('meta[charset="utf-8"]') is not None
    assert soup.select_one('link[rel="canonical"]')["href"] == expected["url"]
    assert soup.select_one('meta[property="og:url"]')["content"] == expected["url"]

    site = sites_by_name()[expected["site"]]
    host = re.sub(r"^www\.", "", re.match(r"https?://([^/]+)", expected["url"]).group(1))
    assert host in site.all_hosts()
    assert site.is_article_url(expected["url"])

    template = pick_template(soup, site)
    page_texts = texts(soup)
    for text in body_texts(soup, template):
        for para in expected["body"]:
            assert para == norm(para) and para
            assert para in text, f"body paragraph missing from {template.body}: {para[:80]!r}"
        for bad in expected["must_not_contain"]:
            assert norm(bad) not in text, f"boilerplate inside the body: {bad!r}"
    for bad in expected["must_not_contain"]:
        # the string really is on the page, so the check above means something
        assert any(norm(bad) in t for t in page_texts), f"must_not_contain string not on the page: {bad!r}"

    assert el_text(soup, template.title) == norm(expected["title"])
    if expected["author"] is not None:
        assert norm(expected["author"]) in (el_text(soup, template.author) or "")
    if expected["published"] is not None:
        dateline = el_text(soup, template.published) or ""
        d, m, y = DATE_RE.search(dateline).groups()
        assert f"{y}-{int(m):02d}-{int(d):02d}" == expected["published"]


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_seed_dump_contains_the_body(path: Path):
    _, expected = load_page(path)
    dump = norm((SEED_DIR / f"{path.stem}.txt").read_text(encoding="utf-8"))
    assert norm(expected["title"]) in dump
    for para in expected["body"] + expected.get("captions", []):
        assert para in dump, para[:80]
    if expected["author"]:
        assert norm(expected["author"]) in dump


def test_every_selector_of_the_used_templates_matches_some_page():
    """Selectors in the templates the sample pages use must match those pages (no dead selectors)."""
    sites = sites_by_name()
    used: dict[tuple[str, str], list[tuple[BeautifulSoup, dict]]] = {}
    for path in PAGES:
        soup, expected = load_page(path)
        site = sites[expected["site"]]
        used.setdefault((site.name, pick_template(soup, site).name), []).append((soup, expected))
    for (site_name, template_name), pages in used.items():
        template = next(t for t in sites[site_name].templates if t.name == template_name)
        selectors = [template.title, template.body, *template.drop]
        if template.author and any(e["author"] for _, e in pages):
            selectors.append(template.author)
        if template.published and any(e["published"] for _, e in pages):
            selectors.append(template.published)
        for sel in selectors:
            assert any(soup.select(sel) for soup, _ in pages), f"{site_name}/{template_name}: {sel!r} matches nothing"


def test_spam_is_on_the_page_but_outside_the_body():
    path = HTML_DIR / "004_860cc40584db46df.html"
    soup, expected = load_page(path)
    spam = "bodrum escort cesme escort didim escort eryaman escort antalya escort mersin escort manavgat escort sohbet hatti"
    site = sites_by_name()[expected["site"]]
    container = soup.select_one(site.spam_container)
    assert spam in norm(container.get_text(" "))
    assert all(spam not in t for t in body_texts(soup, pick_template(soup, site)))
