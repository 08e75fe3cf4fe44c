"""Text helpers of the checks: sentence and line spans, the noun a number counts, rounding radii."""

from __future__ import annotations

import re

from ..records import PERCENT, VND, Quantity

# --------------------------------------------------------------------------- text helpers

_SENT_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZÀ-Ỹ0-9])|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentences: a full stop followed by a capital, or a line break. Thousands dots ("1.742")
    never end a sentence because no space follows them."""
    spans, pos = [], 0
    for m in _SENT_END.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _span_of(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= offset < e:
            return s, e
    return offset, offset


# Nouns written in several ways; the first matching prefix gives the canonical noun.
_NOUN_ALIASES: tuple[tuple[str, str], ...] = (
    ("công đoàn cơ sở", "cđcs"), ("cđcs", "cđcs"), ("công đoàn viên", "đoàn viên"), ("đoàn viên", "đoàn viên"),
    ("đv", "đoàn viên"), ("đảng viên", "đảng viên"), ("người lao động", "người lao động"),
    ("nlđ", "người lao động"), ("lượt", "lượt"), ("người", "người"), ("đồng", "đồng"), ("tỷ", "đồng"),
    ("triệu", "đồng"), ("sáng kiến", "sáng kiến"), ("thỏa ước", "thỏa ước"), ("tlđ", "thỏa ước"),
)
_WORDS = re.compile(r"[^\W\d_]+(?:\s+[^\W\d_]+){0,3}", re.UNICODE)


def canonical_noun(words: str) -> str | None:
    w = " ".join(words.casefold().split())
    if not w:
        return None
    for prefix, canon in _NOUN_ALIASES:
        if w.startswith(prefix) and (len(w) == len(prefix) or not w[len(prefix)].isalnum()):
            return canon
    return None


def noun_after(text: str, end: int) -> str | None:
    m = _WORDS.match(text, end + (len(text[end:]) - len(text[end:].lstrip(" \u00a0"))))
    return canonical_noun(m.group(0)) if m else None


_SO_NOUN = re.compile(r"\bsố\s+(?:lượng\s+)?((?:[^\W\d_]+\s*){1,4})", re.UNICODE)


def noun_before(text: str, start: int, window: int = 60) -> str | None:
    """The noun of "số (lượng) đoàn viên là 2.719" / "số lượng đoàn viên tăng 977"."""
    found = None
    for m in _SO_NOUN.finditer(text[max(0, start - window):start]):
        found = canonical_noun(m.group(1))
    return found


def noun_of(text: str, q: Quantity) -> str | None:
    if q.unit == VND:
        return "đồng"
    return noun_after(text, q.end) or noun_before(text, q.start)


def decimals_written(s: str) -> int:
    """Decimal places as written in Vietnamese ("190,7%" → 1, "140%" → 0)."""
    m = re.search(r"\d+(?:[.,]\d+)*", s)
    if not m:
        return 0
    num = m.group(0)
    return len(num.split(",")[-1]) if "," in num else 0


def rounding_radius(v: float, unit: str | None) -> float:
    """Half a unit of the last significant digit for figures that look rounded (≥ 2 trailing zeros, or
    any money figure): "1,6 tỷ" may stand for 1,55–1,65 tỷ; "856" and "12" are taken as exact."""
    if v is None or v == 0 or not float(v).is_integer():
        return 0.0
    n, k = int(abs(v)), 0
    while n % 10 == 0 and n:
        n //= 10
        k += 1
    if k >= 2 or (unit == VND and k >= 1):
        return 0.5 * 10**k
    return 0.0


def written_radius(q: Quantity, text: str) -> float:
    """Half a unit of the last digit as written: "1,5 tỷ" → ±0,05 tỷ, "500 triệu" → ±0,5 triệu,
    "1.742" → ±0,5. Used where the written figure is at hand (arithmetic inside one article)."""
    if q.value is None:
        return 0.0
    s, e = (q.number_start, q.number_end) if q.number_start >= 0 else (q.start, q.end)
    m = re.search(r"\d+(?:[.,]\d+)*", text[s:e])
    if not m:
        return 0.0
    raw = m.group(0)
    decimals = len(raw.split(",")[-1]) if "," in raw else 0
    written = float(raw.replace(".", "").replace(",", "."))
    if written == 0:
        return 0.0
    return 0.5 * 10.0**-decimals * abs(q.value) / written


def _is_count(q: Quantity) -> bool:
    return q.unit != PERCENT and q.kind not in ("percent", "rate")
