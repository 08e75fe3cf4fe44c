"""The records that flow between stages (see docs/design.md, "Records").

Stages are plain functions over these small typed records; I/O lives at the edges.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# Units of a Claim / Quantity.
PERSON = "person"
ORGANIZATION = "organization"
VND = "VND"
PERCENT = "percent"

# Qualifiers, from the hedge words in front of a number.
EXACT = "exact"
AT_LEAST = "at_least"  # trên, hơn, ít nhất, tối thiểu, trở lên
APPROX_BELOW = "approx_below"  # gần
APPROX = "approx"  # khoảng, xấp xỉ, chừng, ước
AT_MOST = "at_most"  # dưới, không quá, ít hơn, tối đa, trở xuống
QUALIFIERS = (EXACT, AT_LEAST, APPROX_BELOW, APPROX, AT_MOST)


def stable_id(*parts: object, length: int = 16) -> str:
    """A short, stable hex id from the given parts (same input, same id, across runs and machines)."""
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:length]


@dataclass
class Article:
    """One cleaned page: title, metadata and the clean body text (NFC)."""

    doc_id: str
    url: str | None = None
    site: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or None
    author: str | None = None
    text: str = ""
    source: str | None = None  # file path or WARC record id
    fetched_at: str | None = None  # ISO timestamp of the fetch, for crawled pages
    flags: list[str] = field(default_factory=list)
    province: str | None = None  # from the site's rules, when known
    org: str | None = None  # from the site's rules, when known
    version: int = 1  # crawl version of the page (1 = first fetch); edits add versions
    content_hash: str | None = None  # sha256 of `text`, to notice edits

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Quantity:
    """A number the Vietnamese number grammar recognised in a text."""

    value: float | None  # None for ranges (then value_min/value_max are set)
    value_min: float | None
    value_max: float | None
    unit: str | None  # VND, percent, or None for a bare count
    qualifier: str  # one of QUALIFIERS
    start: int  # offsets of the whole quantity (hedge word included) in the text
    end: int
    text: str = ""  # the matched surface text
    number_start: int = -1  # offsets of the number itself, without hedge word
    number_end: int = -1
    denominator: float | None = None  # for "76/50": value=76, denominator=50
    kind: str = "number"  # number | range | fraction | percent | words | rate
    per: str | None = None  # for kind "rate": what the amount is per ("người", "1 bản", "kỳ/quý")


@dataclass
class Claim:
    """One quantitative statement about an indicator, traceable to its sentence."""

    claim_id: str
    doc_id: str
    indicator: str
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str
    qualifier: str
    is_target: bool
    quote: str
    start: int
    end: int
    url: str | None = None
    site: str | None = None
    published: str | None = None
    period_text: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    org: str | None = None
    province: str | None = None
    rule: str = ""
    confidence: float = 0.0
    sentence_start: int = -1  # offsets of the quoted sentence in Article.text
    sentence_end: int = -1
    number_start: int = -1  # offsets of the number itself (no hedge word) in Article.text
    number_end: int = -1
    fetched_at: str | None = None  # provenance of crawled pages: when the page was fetched …
    source: str | None = None  # … and the input it came from: a file, or "WARC path#WARC-Record-ID"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CLAIM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Claim))
ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
