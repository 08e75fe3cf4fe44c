"""Finding article URLs: sitemaps (and sitemap indexes, gzipped or not), RSS/Atom feeds, listing pages.

Pure functions over bytes: the crawler fetches, these parse. XML is parsed without entities or network.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

from .urls import BadURL, clean_url

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True)
class Entry:
    """A URL found in a sitemap or feed, with the date it carries (if any)."""

    url: str
    when: date | None = None
    is_sitemap: bool = False  # a child of a sitemap index


def maybe_gunzip(body: bytes, limit: int) -> bytes:
    """Sitemaps may be served as .xml.gz without Content-Encoding: unpack, capped at `limit`."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return d.decompress(body, limit)
    except (zlib.error, gzip.BadGzipFile):
        return body


def parse_date(text: str | None) -> date | None:
    """ISO 8601 (sitemaps, Atom) or RFC 822 (RSS) date → date, or None."""
    if not text:
        return None
    text = text.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str | None:
    for child in el:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def _parse_xml(body: bytes) -> etree._Element | None:
    body = body.lstrip()
    if not body:
        return None
    try:
        return etree.fromstring(body, _XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def parse_sitemap(body: bytes, base_url: str, limit: int = 50 * 1024 * 1024) -> list[Entry]:
    """Entries of a sitemap (urlset) or sitemap index; news-sitemap publication dates are used."""
    root = _parse_xml(maybe_gunzip(body, limit))
    if root is None:
        return []
    index = _local(root.tag) == "sitemapindex"
    out: list[Entry] = []
    for el in root.iter():
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(el, "loc")
        if not loc:
            continue
        when = parse_date(_child_text(el, "lastmod"))
        for sub in el.iter():
            if _local(sub.tag) == "publication_date" and sub.text:
                when = parse_date(sub.text) or when
        try:
            out.append(Entry(clean_url(loc, base=base_url), when, is_sitemap=index))
        except BadURL:
            continue
    return out


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """Item links of an RSS 2.0 / RSS 1.0 / Atom feed, with their dates."""
    root = _parse_xml(body)
    if root is None:
        return []
    out: list[Entry] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":
            link = _child_text(el, "link")
            if not link:
                for child in el:
                    if _local(child.tag) == "guid" and child.get("isPermaLink", "true") != "false" and child.text:
                        link = child.text.strip()
            when = parse_date(_child_text(el, "pubdate", "date", "published", "updated"))
        elif name == "entry":
            link = None
            for child in el:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate" and child.get("href"):
                    link = child.get("href")
                    break
            when = parse_date(_child_text(el, "published", "updated"))
        else:
            continue
        if link:
            try:
                out.append(Entry(clean_url(link, base=base_url), when))
            except BadURL:
                continue
    return out


def html_links(text: str, page_url: str) -> list[str]:
    """Absolute, cleaned <a href> targets of an HTML page, in document order, without duplicates."""
    if not text.strip():
        return []
    try:
        doc = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    base_el = doc.find(".//base[@href]")
    if base_el is not None:
        with contextlib.suppress(BadURL):
            base = clean_url(base_el.get("href"), base=page_url)
    seen: dict[str, None] = {}
    for a in doc.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            seen.setdefault(clean_url(href, base=base), None)
        except BadURL:
            continue
    return list(seen)


def pagination_url(listing_url: str, pattern: str, n: int) -> str:
    """Page `n` of a listing, from the site's `listing_pagination` pattern.

    `?page={n}` / `&p={n}` set a query parameter; anything else (`page-{n}`, `trang-{n}.html`) is a path
    segment appended to the listing's folder.
    """
    parts = urlsplit(listing_url)
    filled = pattern.replace("{n}", str(n))
    if filled.startswith(("?", "&")):
        new = dict(parse_qsl(filled[1:], keep_blank_values=True))
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in new]
        query.extend(new.items())
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path + filled.lstrip("/"), parts.query, ""))
