"""`unionclaims sites new URL`: a first site file from one archived article page, as Scrapy's `genspider`.

Guesses, to be read and corrected: title = the page's h1; body = the densest text container (the element
whose own paragraphs hold the most text); drop = the link lists and forms inside the body; published = an
element with a date-like class and a dd/mm/yyyy date. The article URL pattern generalises the page's own
path (pipeline/crawl/explore.py). The page is copied as the site's first fixture, and `sites check` is run.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from urllib.parse import urlsplit

from .rules import RulesError, rules_dir

_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
_DATE_CLASS = re.compile(r"date|time|ngay|publish|post-?meta|created", re.I)
_BLOCKS = ("div", "article", "section", "td", "main")


def selector_for(el, root) -> str:
    """A CSS selector that picks `el` first: tag#id, else tag.classes, else tag.classes under an ancestor."""
    from .clean.dom import select_one

    def own(e) -> str:
        if e.get("id") and re.fullmatch(r"[A-Za-z][\w-]*", e.get("id")):
            return f"{e.tag}#{e.get('id')}"
        classes = [c for c in (e.get("class") or "").split() if re.fullmatch(r"[A-Za-z_][\w-]*", c)]
        return e.tag + "".join(f".{c}" for c in classes[:3])

    sel = own(el)
    if select_one(root, sel) is el:
        return sel
    parent = el.getparent()
    while parent is not None and parent.tag not in ("body", "html"):
        candidate = f"{own(parent)} {sel}"
        if select_one(root, candidate) is el:
            return candidate
        if parent.get("id"):
            break
        parent = parent.getparent()
    return sel


def densest(root):
    """The block whose paragraphs (direct <p> children, or its own text lines) hold the most text."""
    best, best_score = None, 0
    for el in root.iter(*_BLOCKS):
        score = 0
        for child in el:
            if child.tag in ("p", "h2", "h3", "blockquote", "ul", "ol", "table", "figure", "div"):
                text = " ".join(child.text_content().split())
                links = sum(len(" ".join(a.text_content().split())) for a in child.iter("a"))
                if child.tag in ("p", "h2", "h3", "blockquote") or len(text) > 2 * links:
                    score += max(0, len(text) - links) if child.tag != "div" else (len(text) - links) // 3
        score += len((el.text or "").strip())
        if score > best_score:
            best, best_score = el, score
    return best


def _drops(body, root) -> list[str]:
    """Link lists and forms inside the body (related articles, share bars, tags)."""
    out: list[str] = []
    for el in body.iter("ul", "ol", "form", "nav", "aside"):
        text = len(" ".join(el.text_content().split()))
        links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
        if el.tag in ("form", "nav", "aside") or (text and links >= 0.6 * text):
            sel = selector_for(el, root)
            if sel not in out and sel not in ("ul", "ol"):
                out.append(sel)
    return out


def _published(root, body) -> str | None:
    for el in root.iter():
        if not isinstance(el.tag, str) or el is body or body in el.iterancestors():
            continue
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        text = " ".join(el.text_content().split())
        if _DATE_CLASS.search(marks) and _DATE.search(text) and len(text) < 80:
            return selector_for(el, root)
    return None


def guess_template(page: str) -> dict:
    """Selectors for one article page: title, published, body, drop (None when no body can be found)."""
    from .clean.dom import parse_html, strip_invisible

    root = parse_html(page, [])
    strip_invisible(root)
    body = densest(root)
    if body is None:
        raise RulesError("no text container found on the page: is it an article?")
    h1s = list(root.iter("h1"))
    title = selector_for(h1s[0], root) if h1s else None
    return {"name": "v1", "title": title, "published": _published(root, body), "body": selector_for(body, root),
            "drop": _drops(body, root)}


def url_pattern(url: str) -> str:
    from .crawl.explore import Link, infer_pattern

    pattern, _ = infer_pattern([Link(url, {"feed"})])
    return pattern or "^" + re.escape(urlsplit(url).path) + "$"


def site_file(url: str, page: str, name: str | None = None) -> dict:
    from .crawl.explore import site_name
    from .registry import bare_host, default_registry

    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}/"
    entry = next((e for e in default_registry().sites if e.host == bare_host(url)), None)
    data = {"name": name or (entry.name if entry else site_name(base)), "base_url": base}
    if entry:
        data.update({k: v for k, v in (("province", entry.province), ("org", entry.org), ("cms", entry.cms)) if v})
    data.update(start_urls=[base], article_url_pattern=url_pattern(url), delay_seconds=2.0,
                templates=[guess_template(page)])
    return data


def _archived_page(url: str, corpus: Path) -> str:
    from .clean.inputs import decode_page
    from .crawl.archive import iter_archived_pages
    from .crawl.urls import url_key

    key, found = url_key(url), None
    for page in iter_archived_pages(corpus):
        if url_key(page.url) == key:
            found = page  # the newest copy wins (archive order)
    if found is None:
        raise RulesError(f"{url}: not in the archive of {corpus} (crawl it first, or give --html FILE)")
    return decode_page(found.body, [])


def scaffold_command(args: argparse.Namespace) -> int:
    from .clean.inputs import decode_page
    from .cli import CliError
    from .sitecheck import check_site, fixtures_root, print_site
    from .sites import load_site_file
    from .tomlout import to_toml

    try:
        page = decode_page(Path(args.html).read_bytes(), []) if args.html else _archived_page(args.url, Path(args.corpus))
        data = site_file(args.url, page, args.name)
    except (OSError, RulesError) as exc:
        raise CliError(str(exc)) from exc
    out = Path(args.out) if args.out else rules_dir() / "sites"
    path = out / f"{data['name']}.toml"
    if path.exists() and not args.force:
        raise CliError(f"{path} exists (use --force to overwrite)")
    out.mkdir(parents=True, exist_ok=True)
    header = (f"# scaffolded by `unionclaims sites new` from {args.url}: guessed selectors, read and correct them;\n"
              f"# then `unionclaims sites check {data['name']}`.\n")
    path.write_text(header + to_toml(data), encoding="utf-8")
    fixtures = (Path(args.fixtures) if args.fixtures else fixtures_root()) / data["name"]
    fixtures.mkdir(parents=True, exist_ok=True)
    leaf = re.sub(r"[^A-Za-z0-9._-]+", "-", urlsplit(args.url).path.strip("/").split("/")[-1] or "index")
    (fixtures / (leaf if leaf.endswith((".html", ".htm")) else leaf + ".html")).write_text(page, encoding="utf-8")
    print(f"wrote {path} and the fixture {fixtures}/")
    site = load_site_file(path)
    return 0 if print_site(site, check_site(site, fixtures)) else 1

