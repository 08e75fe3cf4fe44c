"""Clean stage: a page (HTML, or a text dump) → an Article with the main text only.

Fast path: the page's site has rules (rules/sites/<site>.toml, found by the URL's host or, when no
URL is given, by the page's canonical URL). The first template whose body selector matches gives
title, dateline, author and body; its drop selectors and every hidden element go first. When no
template matches, the site changed its template: the generic path runs and the Article carries the
flag `rules_stale`. Generic path: trafilatura (precision settings, see clean_generic.py), then the
line post-filters of rules/boilerplate.txt. Injected spam is removed before any extraction and
flagged `spam_injected`. See docs/cleaning.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

from ..crawl.urls import safe_host
from ..records import Article, stable_id
from ..sites import SiteRules, Template, default_sites, site_for_url
from . import rescue as clean_rescue
from .dom import (
    element_text,
    paragraphs,
    parse_html,
    remove,
    select,
    select_one,
    strip_invisible,
    text_without_code,
)
from .encoding import LEGACY_VIETNAMESE
from .generic import (
    find_container,
    generic_paragraphs,
    link_teasers,
    paragraph_chars,
    recover_lead,
    whole_text,
)
from .inputs import control_share, decode_page, strip_controls
from .lines import Cleaned, clean_dump, postfilter
from .meta import author_from_label, parse_date, strip_site_suffix
from .patterns import tidy
from .relevance import OFF_TOPIC, is_relevant
from .spam import hidden_spam, is_spam_text, is_vietnamese, maybe_hidden, spam_links

SPAM_INJECTED = "spam_injected"
RULES_STALE = "rules_stale"
NOT_ARTICLE = "not_article"  # a site page whose URL does not match the site's article_url_pattern
EMPTY_BODY = "empty_body"
MIN_SITE_BODY_CHARS = 80  # a template whose body selector matches an (almost) empty element is stale

_TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|zarsrc$|_ga$)")


def clean_text(text: str) -> Article:
    """An Article from a page already flattened to text (navigation, counters, teasers dropped)."""
    if isinstance(text, (bytes, bytearray)):
        raise ValueError("clean_text: expected text (str), got bytes; decode the file first")
    if not isinstance(text, str):
        raise ValueError(f"clean_text: expected text (str), got {type(text).__name__}")
    if not text.strip():
        raise ValueError("clean_text: input is empty (no text to clean)")
    if control_share(text) > 0.1:
        raise ValueError("clean_text: input looks binary (many control characters), not a text dump")
    flags: list[str] = []
    text = strip_controls(text, flags)  # a NUL anywhere in a dump never reaches the article
    cleaned = clean_dump(text)
    cleaned.flags = flags + [f for f in cleaned.flags if f not in flags]
    return _article(cleaned, url=None, site=_site_named_in_frame(text), raw=text)


_HOSTNAME = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+(?:vn|com|net|org|info))(?![\w.-])", re.IGNORECASE)


def _site_named_in_frame(text: str) -> SiteRules | None:
    """The site a text dump was captured from, when its header or footer names exactly one site we
    have rules for ("Ghi rõ nguồn http://ldld.caobang.gov.vn khi phát hành lại …"). Only the frame
    counts: a site named in the body may be a source the article quotes."""
    head, tail = text[: len(text) // 10], text[len(text) * 7 // 10 :]
    found = {s.name: s for m in _HOSTNAME.finditer(head + "\n" + tail)
             if (s := site_for_url("http://" + m.group(1).lower())) is not None}
    return next(iter(found.values())) if len(found) == 1 else None


def clean_html(html: str | bytes, url: str | None = None, *, site_rules: bool = True,
               sites: tuple[SiteRules, ...] | None = None, prefilter: bool = False) -> Article:
    """An Article from an HTML page; `url` (when known) picks the site rules and gives the doc_id.

    `site_rules=False` forces the generic path (for benchmarks and for checking a site's rules); `sites`
    replaces the rules/sites/ folder (a crawled corpus brings the rules it was crawled with). With
    `prefilter`, a page of a site without rules that names no union, member or worker is not read in
    full: it comes back with its title, no text and the flag `off_topic` (pipeline.clean.relevance).
    """
    flags: list[str] = []
    text = decode_page(html, flags)
    root = parse_html(text, flags)
    canonical = canonical_url(url) if url else _page_url(root)
    site = _site_for(canonical, sites) if site_rules else None
    if prefilter and site is None and LEGACY_VIETNAMESE not in flags:  # a legacy-font page cannot be judged by its words
        page_text = unicodedata.normalize("NFC", text_without_code(root))
        if not is_relevant(page_text, canonical or url):
            return _off_topic(root, page_text, flags, url=url or canonical, doc_url=canonical)
    page_host = _host(canonical)
    vietnamese = _page_is_vietnamese(root, text)

    cms = detect_cms(root, text)
    hidden_candidates = maybe_hidden(root)  # found once for the spam search and the stripping that follows
    if _remove_spam(root, site, page_host, vietnamese, hidden_candidates):
        flags.append(SPAM_INJECTED)
    rescue = clean_rescue.collect(root)  # before the scripts and noscripts it reads are stripped
    strip_invisible(root, hidden_candidates)
    meta = _page_meta(root)

    result = _site_extract(root, site, meta.published) if site else None
    if site and result is None and (site.templates or (canonical and not _is_article_url(site, canonical))):
        # No template fits: a redesign (rules_stale), or not an article page at all (a listing). A site
        # without templates (inferred by `crawl --url`) is read by the generic path, unflagged.
        flags.append(RULES_STALE if canonical is None or _is_article_url(site, canonical) else NOT_ARTICLE)
    if result is None and site is None and cms and site_rules:
        # An unknown site on a CMS we have rules for (many provincial union sites run NukeViet).
        result = next((r for r in (_site_extract(root, s) for s in _cms_sites(cms)) if r is not None), None)
    if result is None:
        result = _generic_extract(root, meta, vietnamese, sum(len(p) for p in rescue.jsonld_body))
        if sum(len(p) for p in result.paragraphs) < clean_rescue.TINY_CHARS:
            def tree_before_stripping() -> lxml_html.HtmlElement:  # as `collect` saw it: parsed again, spam removed
                again = parse_html(text)
                _remove_spam(again, site, page_host, vietnamese)
                return again

            result = _rescued(result, rescue, meta, vietnamese, tree_before_stripping)
    else:  # the template's selectors win; the page's meta tags fill what they leave empty
        result.title = result.title or meta.title
        result.published = result.published or meta.published
        result.author = result.author or meta.author
    for flag in result.flags:
        if flag not in flags:
            flags.append(flag)
    result.flags = flags
    return _article(result, url=url or canonical, site=site, doc_url=canonical, raw=text)


# --- input -------------------------------------------------------------------------------------


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[ccpa-preferences]": kept as given, it still names the page
        return url.strip()
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def _page_url(root: lxml_html.HtmlElement) -> str | None:
    """The page's own canonical URL (link rel=canonical, og:url), when it is absolute."""
    for selector, attr in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        el = select_one(root, selector)
        value = (el.get(attr) or "").strip() if el is not None else ""
        if value.startswith(("http://", "https://")):
            return canonical_url(value)
    return None


def _host(url: str | None) -> str | None:
    return safe_host(url) or None


def _site_for(url: str | None, sites: tuple[SiteRules, ...] | None = None) -> SiteRules | None:
    """The site rules for a URL; a URL without a readable host has none (it never raises)."""
    return site_for_url(url, sites) if safe_host(url) else None


def _is_article_url(site: SiteRules, url: str) -> bool:
    try:
        return site.is_article_url(url)
    except ValueError:  # an unparsable URL: assume an article, as for a page without a URL
        return True


# The page's own <html lang="vi…">, read from the markup: when anything stands before <html> (a <meta> a saving
# tool put above the doctype), the parser opens an <html> of its own and drops the page's attributes.
_HTML_LANG_VI = re.compile(r"""<html\b[^>]*?\slang\s*=\s*["']?vi""", re.IGNORECASE)


def _page_is_vietnamese(root: lxml_html.HtmlElement, markup: str = "") -> bool:
    lang = (root.get("lang") or "").lower()
    if lang.startswith("vi") or _HTML_LANG_VI.search(markup, 0, 20000):
        return True
    body = root.find("body")
    parts: list[str] = []
    size = 0
    for text in (body if body is not None else root).itertext():  # the start of text_content(), not all of it
        parts.append(text)
        size += len(text)
        if size >= _LANGUAGE_SAMPLE:
            break
    return is_vietnamese("".join(parts)[:_LANGUAGE_SAMPLE])


_LANGUAGE_SAMPLE = 30000  # characters of the page's text that decide its language


# --- CMS detection -------------------------------------------------------------------------------

_NUKEVIET_SCRIPT = re.compile(r"""\bnv_module_name\s*=\s*["']""")


def detect_cms(root: lxml_html.HtmlElement, text: str) -> str | None:
    """The CMS that rendered the page, when it says so (generator meta, CMS-specific script)."""
    generator = (_meta_content(root, 'meta[name="generator"]') or "").lower()
    if "nukeviet" in generator or ("nv_module_name" in text and _NUKEVIET_SCRIPT.search(text)):
        return "nukeviet"
    return None


def _cms_sites(cms: str) -> list[SiteRules]:
    """Site rules written for the same CMS (key `cms` in the rules file): their templates fit."""
    return [s for s in default_sites() if (s.cms or "").lower() == cms]


# --- spam --------------------------------------------------------------------------------------


def _remove_spam(root: lxml_html.HtmlElement, site: SiteRules | None, host: str | None, vietnamese: bool,
                 hidden_candidates: list[lxml_html.HtmlElement] | None = None) -> bool:
    """Remove injected spam elements from the tree; True when there were any."""
    found = hidden_spam(root, host, vietnamese, hidden_candidates) + spam_links(root, host)
    for el in found:
        remove(el)
    if found:
        return True
    container = select_one(root, site.spam_container) if site else None
    # Visible spam in a site's known defaced box: flag only; the line filter keeps it out of the body.
    return container is not None and is_spam_text(" ".join(container.text_content().split()), page_vietnamese=vietnamese)


# --- site rules path ---------------------------------------------------------------------------


@dataclass
class _Meta:
    """Page-level metadata candidates, read before extraction."""

    title: str | None = None
    published: str | None = None
    author: str | None = None


def templates_for(site: SiteRules, page_date: str | None) -> list[Template]:
    """The site's templates in the order to try them on a page dated `page_date` (as Fundus picks a
    publisher's version by date): those valid from on or before that date, newest first, then the undated
    ones in file order, then those of a later redesign. Without a date: file order (newest first)."""
    if not page_date:
        return list(site.templates)
    current = sorted((t for t in site.templates if t.valid_from and t.valid_from <= page_date),
                     key=lambda t: t.valid_from or "", reverse=True)
    undated = [t for t in site.templates if not t.valid_from]
    later = [t for t in site.templates if t.valid_from and t.valid_from > page_date]
    return current + undated + later


def _site_extract(root: lxml_html.HtmlElement, site: SiteRules, page_date: str | None = None) -> Cleaned | None:
    """Title, date, author and body through the first template (by date, see `templates_for`) whose body
    selector matches."""
    for template in templates_for(site, page_date):
        body = select_one(root, template.body)
        if body is None:
            continue
        cleaned = _apply_template(root, site, template)
        if sum(len(p) for p in cleaned.paragraphs) >= MIN_SITE_BODY_CHARS:
            return cleaned
    return None


def _apply_template(root: lxml_html.HtmlElement, site: SiteRules, template: Template) -> Cleaned:
    title = element_text(select_one(root, template.title))
    dateline = element_text(select_one(root, template.published))
    author_line = element_text(select_one(root, template.author))
    lead_el = select_one(root, template.lead)
    lead = paragraphs(lead_el) if lead_el is not None else []
    for selector in template.drop:
        for el in select(root, selector):
            remove(el)
    body = select_one(root, template.body)
    paras = lead + (paragraphs(body) if body is not None else [])
    cleaned = postfilter(paras, title=title, vietnamese=True, title_in_body=restates_title(body, title))
    cleaned.title = strip_site_suffix(title, _site_names(site)) or None
    cleaned.published = parse_date(dateline) or cleaned.published
    if author_line:
        cleaned.author = author_from_label(author_line) or author_line
    return cleaned


def _site_names(site: SiteRules | None) -> tuple[str, ...]:
    if site is None:
        return ()
    return tuple(x for x in (site.org, site.name, site.host) if x)


_HEADLINE_HINT = re.compile(r"tit(le|ul|re|el)|headline|heading|tieu-?de", re.IGNORECASE)
_NOT_BODY = frozenset(["figure", "figcaption", "header", "aside", "nav", "footer", "a", "li", "h1", "h2", "h3"])


def restates_title(scope: lxml_html.HtmlElement | None, title: str | None) -> bool:
    """Does the page print the title as a body paragraph of its own (a <p> not marked as a headline,
    not in a caption, header, list or link)?"""
    if scope is None or not title:
        return False
    for p in scope.iter("p"):
        if _HEADLINE_HINT.search(f"{p.get('class', '')} {p.get('id', '')}") or any(a.tag in _NOT_BODY for a in p.iterancestors()):
            continue
        own = p.text_content()
        if len(title) <= len(own) <= 2 * len(title) + 50 and tidy(own) == title:
            return True
    return False


# --- generic path ------------------------------------------------------------------------------

# Matched against the lower-cased class and id: an IGNORECASE search was six times slower, on every element.
_DATE_HINT = re.compile(r"date|time|ngay|publish|post-?meta|created|thoigian|ngaydang")


def _page_meta(root: lxml_html.HtmlElement) -> _Meta:
    """Title, dateline date and author from the page around the article (generic path)."""
    meta = _Meta()
    tags = _meta_tags(root)
    h1 = element_text(select_one(root, "h1"))
    og = _tag_content(tags, "property", "og:title")
    title_tag = element_text(select_one(root, "head title"))
    meta.title = h1 if h1 and len(h1) > 10 else strip_site_suffix(og or title_tag)
    meta.published = _dateline_from_elements(root) or _date_from_meta(root, tags)
    author = _tag_content(tags, "name", "author") or _tag_content(tags, "property", "article:author")
    publisher = " ".join(filter(None, (_tag_content(tags, "property", "og:site_name"), title_tag)))
    if author and not author.startswith("http") and not _is_publisher(author, publisher):
        meta.author = author
    return meta


def _fold_name(text: str) -> str:
    """Lower case, no diacritics, no spaces: "Dân Trí" → "dantri"."""
    nfd = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in nfd if ch.isalnum() and not unicodedata.combining(ch))


def _is_publisher(author: str, publisher: str) -> bool:
    """Many sites put their own name in meta author ("Dân Trí", "VnExpress")."""
    name = _fold_name(author)
    return bool(name) and name in _fold_name(publisher)


def _meta_content(root: lxml_html.HtmlElement, selector: str) -> str | None:
    el = select_one(root, selector)
    return tidy(el.get("content") or "") or None if el is not None else None


def _meta_tags(root: lxml_html.HtmlElement) -> dict[tuple[str, str], str]:
    """The content of the first <meta> for each (name|property|itemprop, value): one pass over the page's
    <meta> elements instead of a search of the whole tree per tag asked for."""
    tags: dict[tuple[str, str], str] = {}
    for el in root.iter("meta"):
        for attr in ("name", "property", "itemprop"):
            value = el.get(attr)
            if value is not None:
                tags.setdefault((attr, value), el.get("content") or "")
    return tags


def _tag_content(tags: dict[tuple[str, str], str], attr: str, value: str) -> str | None:
    """As `_meta_content(root, 'meta[attr="value"]')`: the first such tag's tidied content, or None."""
    return tidy(tags.get((attr, value), "")) or None


def _dateline_from_elements(root: lxml_html.HtmlElement) -> str | None:
    """The date of the short date/time-classed element nearest below the headline (else above it).

    Sidebars and related lists carry dates too; the article's own dateline sits next to its <h1>.
    """
    body = root.find("body")
    h1: int | None = None
    found: list[tuple[int, str]] = []
    for i, el in enumerate((body if body is not None else root).iter(etree.Element)):  # elements only
        if h1 is None and el.tag == "h1":
            h1 = i
        cls, ident = el.get("class"), el.get("id")
        if (cls is None and ident is None) or not _DATE_HINT.search(f"{cls or ''} {ident or ''}".lower()):
            continue
        text = tidy(el.text_content())
        iso = parse_date(text) if 6 <= len(text) <= 120 else None
        if iso:
            found.append((i, iso))
    if not found:
        return None
    if h1 is None:
        return found[0][1]
    # Below the headline counts as nearer than the same distance above it.
    return min(found, key=lambda f: (f[0] - h1) if f[0] > h1 else 3 * (h1 - f[0]))[1]


def _date_from_meta(root: lxml_html.HtmlElement, tags: dict[tuple[str, str], str]) -> str | None:
    """The first of these that holds a date: meta tags (`tags`, see _meta_tags) and marked-up elements."""
    for source, attr in (
        (("property", "article:published_time"), "content"),
        (("itemprop", "datePublished"), "content"),
        ('[itemprop="datePublished"]', "datetime"),
        ('[itemprop="datePublished"]', "content"),
        (("name", "pubdate"), "content"),
        (("name", "publishdate"), "content"),
        (("property", "og:published_time"), "content"),
        ("time[datetime]", "datetime"),
    ):
        if isinstance(source, tuple):  # a <meta> tag
            found = source in tags
            value = tags.get(source, "")
        else:
            el = select_one(root, source)
            found = el is not None
            value = el.get(attr) or "" if el is not None else ""
        if found:
            iso = parse_date(value)
            if iso:
                return iso
    return _htmldate(root)


def _htmldate(root: lxml_html.HtmlElement) -> str | None:
    """htmldate on markup only (no guessing from body text: that finds dates of cited documents)."""
    try:
        from htmldate import find_date

        found = find_date(root, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate is a best-effort last resort; a failure there must not fail cleaning
        return None
    return found or None


def _generic_extract(root: lxml_html.HtmlElement, meta: _Meta, vietnamese: bool, reference: int = 0) -> Cleaned:
    """`reference`: the size of the page's JSON-LD articleBody (0 when it has none)."""
    container = find_container(root)  # link lists inside the container are already left out
    if container is not None:
        paras = recover_lead(root, container.paragraphs, container.element)
    else:  # no one element clearly holds the article: the general-purpose extractors decide
        paras = generic_paragraphs(root, paragraph_chars(root), reference or None)
        paras = recover_lead(root, paras) if paras else whole_text(root)
        teasers = link_teasers(root)
        paras = [p for p in paras if p not in teasers] or paras
    cleaned = postfilter(paras, title=meta.title, vietnamese=vietnamese, title_in_body=restates_title(root, meta.title))
    cleaned.title = meta.title
    cleaned.published = meta.published or cleaned.published
    cleaned.author = cleaned.author or meta.author
    return cleaned


def _rescued(result: Cleaned, rescue: clean_rescue.Rescue, meta: _Meta, vietnamese: bool,
             tree_before_stripping: Callable[[], lxml_html.HtmlElement]) -> Cleaned:
    """The visible body is empty or tiny: the best of the page's hidden markup, its JSON-LD
    articleBody and (last, flagged) its og:description, measured by the text each one holds."""
    size = sum(len(p) for p in result.paragraphs)
    candidates: list[tuple[int, Cleaned, str]] = []
    if rescue.hidden_markup:
        unwrapped = clean_rescue.unwrap(tree_before_stripping())
        strip_invisible(unwrapped)
        found = _generic_extract(unwrapped, meta, vietnamese)
        candidates.append((sum(len(p) for p in found.paragraphs), found, clean_rescue.RESCUED_HIDDEN_MARKUP))
    if rescue.jsonld_body:
        found = postfilter(rescue.jsonld_body, title=meta.title, vietnamese=vietnamese)
        candidates.append((sum(len(p) for p in found.paragraphs), found, clean_rescue.JSONLD_BODY))
    best = max(candidates, key=lambda c: c[0], default=None)
    if best is not None and best[0] > size:
        chosen = best[1]
        chosen.flags.append(best[2])
    elif not size and rescue.og_description:
        chosen = Cleaned(paragraphs=[rescue.og_description], flags=[clean_rescue.OG_ONLY])
    else:
        return result
    chosen.title, chosen.published = chosen.title or meta.title, chosen.published or meta.published
    chosen.author = chosen.author or meta.author
    return chosen


# --- the record --------------------------------------------------------------------------------


def _off_topic(root: lxml_html.HtmlElement, page_text: str, flags: list[str], *, url: str | None,
               doc_url: str | None) -> Article:
    """The Article of a page the prefilter left unread: its title and a hash of its text (so that an edit
    is still noticed), no body."""
    title = tidy(root.findtext(".//title") or "") or None
    key = doc_url or url
    return Article(
        doc_id=stable_id(key) if key else stable_id("off_topic", page_text),
        url=url,
        title=strip_site_suffix(title) if title else None,
        flags=[*flags, OFF_TOPIC],
        content_hash=hashlib.sha256(" ".join(page_text.split()).encode("utf-8")).hexdigest(),
    )


def _article(
    cleaned: Cleaned, *, url: str | None, site: SiteRules | None, raw: str, doc_url: str | None = None
) -> Article:
    text = "\n\n".join(cleaned.paragraphs)
    flags = list(cleaned.flags)
    if not text:
        flags.append(EMPTY_BODY)
    key = doc_url or url
    # Without a URL the text names the page; an empty text names nothing (every empty page would
    # share one id), so then the input itself does.
    return Article(
        doc_id=stable_id(key) if key else stable_id(text) if text else stable_id("empty", raw),
        url=url,
        site=site.name if site else None,
        title=cleaned.title,
        published=cleaned.published,
        author=cleaned.author,
        text=text,
        flags=flags,
        province=site.province if site else None,
        org=site.org if site else None,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
