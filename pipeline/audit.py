"""Audit: checks over the claims, the article texts, the crawl versions and the crawl state.

`unionclaims audit [--out DIR]` reads what `unionclaims run` wrote into DIR and writes `DIR/audit.csv`
and the table `audit` in `DIR/unionclaims.sqlite`: one row per finding, with a plain Vietnamese and
English explanation (docs/design.md, "Audit findings"; the checks are explained in docs/audit.md).

Every check is a pure function returning Findings; `audit_tables` runs them all and `run_audit` is the
I/O edge. The checks lean towards silence: a finding is made only where a careful reader, given the
same text, would make it too (ambiguous arithmetic, e.g. three candidate totals for one "tăng 6", is
left alone).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import re
import sqlite3
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .cli import CliError
from .dataset import (
    _place_compatible as place_compatible,
)
from .dataset import (
    claim_records,
    clean,
    norm_name,
    num_key,
    parse_date,
    periods_overlap,
)
from .io import read_table, write_sqlite, write_table
from .records import PERCENT, VND, Quantity, stable_id
from .schema import TABLES

log = logging.getLogger(__name__)

AUDIT_COLUMNS: tuple[str, ...] = TABLES["audit"].names
SEVERITIES = ("info", "warning", "error")

# Indicators that count a stock at a point in time rather than a flow over a period.
STOCK_INDICATORS = frozenset({"members_total", "unions_total"})
MONEY_INDICATORS = frozenset({"funds_raised", "funds_disbursed"})
# Robust z-score (Iglewicz & Hoaglin): 0.6745·(x − median)/MAD; |z| > 3.5 is an outlier.
Z_LIMIT = 3.5
MIN_REFERENCE = 4  # points needed besides the one tested
# Log10 spread below which values are never called outliers (MAD floor ≈ ±26 %): small samples often
# have MAD = 0, which would flag any difference at all.
MAD_FLOOR = 0.1
# No union benefit to one person comes near this (a Mái ấm Công đoàn house is tens of millions).
PER_HEAD_CEILING = 200_000_000
QUIET_DAYS = 30


@dataclass
class Finding:
    check: str
    severity: str
    message_vi: str
    message_en: str
    doc_ids: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)

    @property
    def finding_id(self) -> str:
        return stable_id("finding", self.check, ";".join(sorted(self.doc_ids)), ";".join(sorted(self.claim_ids)),
                         ";".join(self.values))

    def row(self) -> dict[str, str]:
        return {
            "finding_id": self.finding_id, "check": self.check, "severity": self.severity,
            "doc_ids": _join(self.doc_ids), "urls": _join(self.urls), "claim_ids": _join(self.claim_ids),
            "values": ";".join(self.values), "message_vi": self.message_vi, "message_en": self.message_en,
        }


def _join(items: Iterable[Any]) -> str:
    out: dict[str, None] = {}
    for x in items:
        if x is not None and str(x):
            out.setdefault(str(x), None)
    return ";".join(out)


# --------------------------------------------------------------------------- formatting


def _trim(x: float, digits: int) -> str:
    s = f"{x:.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def fmt_vi(v: float | None, unit: str | None = None) -> str:
    """1.742 · 1,6 tỷ đồng · 485 triệu đồng · 140,5%"""
    if v is None:
        return "?"
    if unit == PERCENT:
        return _trim(v, 1).replace(".", ",") + "%"
    if unit == VND:
        for scale, word in ((1e12, "nghìn tỷ"), (1e9, "tỷ"), (1e6, "triệu")):
            if abs(v) >= scale:
                return _trim(v / scale, 3).replace(".", ",") + f" {word} đồng"
        return f"{int(round(v)):,}".replace(",", ".") + " đồng"
    if float(v).is_integer():
        return f"{int(v):,}".replace(",", ".")
    return _trim(v, 2).replace(".", ",")


def fmt_en(v: float | None, unit: str | None = None) -> str:
    """1,742 · 1.6 billion VND · 485 million VND · 140.5%"""
    if v is None:
        return "?"
    if unit == PERCENT:
        return _trim(v, 1) + "%"
    if unit == VND:
        for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(v) >= scale:
                return _trim(v / scale, 3) + f" {word} VND"
        return f"{int(round(v)):,} VND"
    if float(v).is_integer():
        return f"{int(v):,}"
    return _trim(v, 2)


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else _trim(v, 4)


def _claim_value_vi(c: dict) -> str:
    q = {"at_least": "trên ", "approx_below": "gần ", "approx": "khoảng "}.get(c.get("qualifier") or "", "")
    if c.get("value") is None:
        return f"{q}{fmt_vi(c.get('value_min'), c.get('unit'))}–{fmt_vi(c.get('value_max'), c.get('unit'))}"
    return q + fmt_vi(c["value"], c.get("unit"))


def _claim_value_en(c: dict) -> str:
    q = {"at_least": "over ", "approx_below": "nearly ", "approx": "about "}.get(c.get("qualifier") or "", "")
    if c.get("value") is None:
        return f"{q}{fmt_en(c.get('value_min'), c.get('unit'))}–{fmt_en(c.get('value_max'), c.get('unit'))}"
    return q + fmt_en(c["value"], c.get("unit"))


def _claim_num(c: dict) -> str:
    if c.get("value") is not None:
        return _num(c["value"])
    return f"{_num(c.get('value_min'))}-{_num(c.get('value_max'))}"


def indicator_label(name: str, lang: str = "vi") -> str:
    try:
        from .extract.indicators import default_ruleset

        ind = default_ruleset().indicator(name)
        return ind.label_vi if lang == "vi" else ind.label_en
    except Exception:  # noqa: BLE001 - a label is cosmetic; unknown or unreadable rules fall back to the name
        return name


def _period_vi(c: dict) -> str:
    if c.get("period_start") and c.get("period_end"):
        return f"{c['period_start']} → {c['period_end']}"
    return c.get("period_text") or "không rõ kỳ"


def _period_en(c: dict) -> str:
    if c.get("period_start") and c.get("period_end"):
        return f"{c['period_start']} → {c['period_end']}"
    return "unknown period"


def _who(c: dict) -> str:
    return c.get("org") or c.get("province") or "?"


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


# --------------------------------------------------------------------------- quantities


QuantityFinder = Callable[[str], Sequence[Quantity]]


def default_quantity_finder() -> QuantityFinder | None:
    try:
        from .text.numbers.grammar import find_quantities
    except ImportError:
        return None
    return find_quantities


def _claims_overlapping(claims: list[dict], start: int, end: int) -> list[dict]:
    out = []
    for c in claims:
        s, e = c.get("start"), c.get("end")
        if s is None or e is None:
            continue
        if int(s) < end and start < int(e):
            out.append(c)
    return out


def _finding_for_doc(check: str, severity: str, art: dict, claims: list[dict], values: list[str], vi: str,
                     en: str) -> Finding:
    return Finding(check=check, severity=severity, message_vi=vi, message_en=en, doc_ids=[art["doc_id"]],
                   urls=[art.get("url")] if art.get("url") else [], claim_ids=[c["claim_id"] for c in claims],
                   values=values)


def _where(art: dict) -> tuple[str, str]:
    title = (art.get("title") or art.get("url") or art["doc_id"]).strip()
    return f"Bài “{title}”", f"Article “{title}”"


# ---- ratio: "2178/1550 đạt 140%"

# "2178/1550 đạt 140%", "76/50 công đoàn viên mới, đạt 150%": the percent right after the fraction, or
# after its noun and a linking word.
_FRACTION_TO_PERCENT = re.compile(
    r"^\s*(?:[,(]?\s*(?:(đạt|bằng|tương đương|tương ứng|là|=|vượt)\s*)?"
    r"|(?:[^\W\d_]+\s+){0,5}[^\W\d_]*\s*[,(]?\s*(đạt|bằng|tương đương|tương ứng|=|vượt)\s*)"
    r"(?:tỷ lệ|tỉ lệ|mức)?\s*$",
    re.IGNORECASE,
)
_PERCENT_OF_PLAN_BEFORE = re.compile(r"(đạt|bằng|vượt(?:\s+hơn)?)\s*(?:tỷ lệ|tỉ lệ|mức)?\s*$", re.IGNORECASE)
_PERCENT_OF_PLAN_AFTER = re.compile(
    r"^\s*(?:so\s+với\s+)?(?:chỉ\s+tiêu|kế\s+hoạch|kh\b|mục\s+tiêu)", re.IGNORECASE
)
_TARGET_CUE = re.compile(r"(chỉ\s+tiêu|kế\s+hoạch|mục\s+tiêu|phấn\s+đấu|được\s+giao|giao)", re.IGNORECASE)


def _stated_ratio_ok(computed: float, stated: float, stated_text: str) -> tuple[bool, float]:
    """Consistent when within one unit of the last written digit, so both rounding (140,5 → 141) and
    truncation (140,5 → 140) pass."""
    tol = 10.0 ** -decimals_written(stated_text)
    return abs(computed - stated) < tol + 1e-9, tol


def check_ratios(art: dict, claims: list[dict], quantities: Sequence[Quantity]) -> list[Finding]:
    text = art.get("text") or ""
    findings: list[Finding] = []
    sents = sentence_spans(text)
    qs = sorted(quantities, key=lambda q: q.start)
    paired: set[int] = set()
    for i, q in enumerate(qs):
        if q.kind != "fraction" or not q.denominator or q.value is None:
            continue
        nxt = qs[i + 1] if i + 1 < len(qs) else None
        if nxt is None or nxt.unit != PERCENT or nxt.value is None:
            continue
        m = _FRACTION_TO_PERCENT.match(text[q.end:nxt.start])
        if not m:
            continue
        paired.add(id(nxt))
        over = (m.group(1) or m.group(2) or "").lower() == "vượt"
        computed = q.value / q.denominator * 100 - (100 if over else 0)
        stated_text = text[nxt.start:nxt.end]
        ok, _tol = _stated_ratio_ok(computed, nxt.value, stated_text)
        if ok:
            continue
        involved = _claims_overlapping(claims, q.start, nxt.end)
        snippet = text[q.start:nxt.end]
        wv, we = _where(art)
        findings.append(_finding_for_doc(
            "ratio_mismatch", "error", art, involved,
            [_num(q.value), _num(q.denominator), _num(nxt.value) + "%"],
            f"{wv} ghi “{snippet}”, nhưng {fmt_vi(q.value)}/{fmt_vi(q.denominator)} = "
            f"{fmt_vi(q.value / q.denominator * 100, PERCENT)}"
            f"{' (vượt ' + fmt_vi(computed, PERCENT) + ')' if over else ''}, không phải {fmt_vi(nxt.value, PERCENT)}"
            f" (đã tính cả sai số làm tròn). Một trong ba con số bị ghi sai.",
            f"{we} says “{snippet}”, but {fmt_en(q.value)}/{fmt_en(q.denominator)} = "
            f"{fmt_en(q.value / q.denominator * 100, PERCENT)}"
            f"{' (over by ' + fmt_en(computed, PERCENT) + ')' if over else ''}, not {fmt_en(nxt.value, PERCENT)}"
            f" (rounding allowed for). One of the three numbers is wrong.",
        ))
    # "đạt 150% kế hoạch" with the plan's figure stated elsewhere in the article
    targets = [c for c in claims if c.get("is_target") and c.get("value") is not None]
    for i, p in enumerate(qs):
        if p.unit != PERCENT or p.value is None or id(p) in paired:
            continue
        before = _PERCENT_OF_PLAN_BEFORE.search(text[max(0, p.start - 25):p.start])
        if not before or not _PERCENT_OF_PLAN_AFTER.match(text[p.end:p.end + 30]):
            continue
        s, _e = _span_of(sents, p.start)
        achieved = next((a for a in reversed(qs[:i]) if a.start >= s and _is_count(a) and a.value is not None
                         and a.kind not in ("fraction", "range")), None)
        if achieved is None:
            continue
        a_claims = [c for c in _claims_overlapping(claims, achieved.start, achieved.end) if not c.get("is_target")]
        if not a_claims:
            continue
        ac = a_claims[0]
        plan = {num_key(t["value"]): t for t in targets if t["indicator"] == ac["indicator"]
                and t["value"] != ac.get("value")}
        if len(plan) != 1:
            continue  # no plan figure, or several: nothing a reader could check
        t = next(iter(plan.values()))
        over = before.group(1).lower().startswith("vượt")
        computed = achieved.value / t["value"] * 100 - (100 if over else 0)
        ok, _tol = _stated_ratio_ok(computed, p.value, text[p.start:p.end])
        if ok:
            continue
        wv, we = _where(art)
        findings.append(_finding_for_doc(
            "ratio_mismatch", "error", art, [ac, t],
            [_num(achieved.value), _num(t["value"]), _num(p.value) + "%"],
            f"{wv} ghi kết quả {fmt_vi(achieved.value, ac.get('unit'))} “{before.group(1)} "
            f"{fmt_vi(p.value, PERCENT)}” chỉ tiêu, nhưng chỉ tiêu nêu trong bài là "
            f"{fmt_vi(t['value'], t.get('unit'))}: {fmt_vi(achieved.value)}/{fmt_vi(t['value'])} = "
            f"{fmt_vi(achieved.value / t['value'] * 100, PERCENT)}.",
            f"{we} reports {fmt_en(achieved.value, ac.get('unit'))} as “{before.group(1)} "
            f"{fmt_en(p.value, PERCENT)}” of the target, but the target it states is "
            f"{fmt_en(t['value'], t.get('unit'))}: {fmt_en(achieved.value)}/{fmt_en(t['value'])} = "
            f"{fmt_en(achieved.value / t['value'] * 100, PERCENT)}.",
        ))
    return findings


# ---- difference: "tăng 6 CĐCS" against "55 … 61"

_CHANGE_BEFORE = re.compile(r"\b(tăng|giảm)(?:\s+(?:thêm|lên|đi|xuống))?\s*$", re.IGNORECASE)


def check_differences(art: dict, claims: list[dict], quantities: Sequence[Quantity]) -> list[Finding]:
    text = art.get("text") or ""
    lines, sents = line_spans(text), sentence_spans(text)
    findings: list[Finding] = []
    qs = sorted(quantities, key=lambda q: q.start)
    for d in qs:
        if d.value is None or d.kind in ("range", "fraction"):
            continue
        m = _CHANGE_BEFORE.search(text[max(0, d.start - 20):d.start])
        if not m or d.qualifier != "exact":
            continue
        is_pct = d.unit == PERCENT
        noun = noun_after(text, d.end) if not is_pct else None
        noun = noun or noun_before(text, d.start - len(m.group(0)))
        ls, _le = _span_of(lines, d.start)
        if noun is None:
            # "có 200 CĐCS; … có 230 CĐCS, tăng 15%": the noun of the two counts before it in the sentence
            ss, _se = _span_of(sents, d.start)
            nouns = {noun_of(text, q) for q in qs if ss <= q.start < d.start and _is_count(q) and q.value is not None}
            noun = nouns.pop() if len(nouns) == 1 else None
        if noun is None:
            continue
        # The two totals: earlier numbers of the same noun in the same paragraph.
        totals = [q for q in qs if ls <= q.start < d.start and q is not d and q.value is not None
                  and _is_count(q) and q.kind != "range" and noun_of(text, q) == noun
                  and not _CHANGE_BEFORE.search(text[max(0, q.start - 20):q.start])]
        if len(totals) != 2 or any(t.qualifier != "exact" for t in totals):
            continue  # none, one, or too many candidates: a reader could not tell which pair is meant
        x, y = totals
        if is_pct:
            if x.value == 0:
                continue
            computed = abs(y.value - x.value) / x.value * 100
            ok, _ = _stated_ratio_ok(computed, d.value, text[d.start:d.end])
            shown_vi, shown_en = fmt_vi(computed, PERCENT), fmt_en(computed, PERCENT)
        else:
            computed = abs(y.value - x.value)
            tol = written_radius(d, text) + written_radius(x, text) + written_radius(y, text)
            ok = abs(computed - d.value) <= tol
            shown_vi, shown_en = fmt_vi(computed, d.unit), fmt_en(computed, d.unit)
        if ok:
            continue
        word = m.group(1).lower()
        unit = PERCENT if is_pct else d.unit
        wv, we = _where(art)
        findings.append(_finding_for_doc(
            "difference_mismatch", "error", art, _claims_overlapping(claims, x.start, d.end),
            [_num(x.value), _num(y.value), _num(d.value) + ("%" if is_pct else "")],
            f"{wv} ghi “{word} {text[d.start:d.end]}” ({noun}), nhưng hai số nêu trước đó là "
            f"{fmt_vi(x.value, x.unit)} và {fmt_vi(y.value, y.unit)}, chênh lệch {shown_vi}, "
            f"không phải {fmt_vi(d.value, unit)}.",
            f"{we} says “{word} {text[d.start:d.end]}” (a change of {fmt_en(d.value, unit)} in {noun}), but "
            f"the two figures given before it are {fmt_en(x.value, x.unit)} and {fmt_en(y.value, y.unit)}, "
            f"a difference of {shown_en}.",
        ))
    return findings


# ---- sum: "1,5 tỷ đồng, gồm: A …, B …"

_EXHAUSTIVE = re.compile(r"^[\s,:(]*(?:bao\s+gồm|gồm\s+có|gồm|cụ\s+thể)\s*:?", re.IGNORECASE)
_IN_WHICH = re.compile(r"^[\s,:(]*trong\s+đó\s*:?", re.IGNORECASE)


def check_sums(art: dict, claims: list[dict], quantities: Sequence[Quantity]) -> list[Finding]:
    text = art.get("text") or ""
    sents = sentence_spans(text)
    findings: list[Finding] = []
    qs = sorted(quantities, key=lambda q: q.start)
    for i, total in enumerate(qs):
        if total.value is None or not _is_count(total) or total.kind in ("range", "fraction"):
            continue
        noun = noun_of(text, total)
        after_total = total.end
        if total.unit != VND:
            m_noun = _WORDS.match(text, after_total + 1) if noun else None
            after_total = m_noun.end() if m_noun else after_total
        rest = text[after_total:after_total + 40]
        exhaustive = _EXHAUSTIVE.match(rest)
        in_which = _IN_WHICH.match(rest)
        if not exhaustive and not (in_which and total.unit == VND):
            continue  # "trong đó" parts of a head-count may overlap (nữ, đảng viên): not summable
        _s, e = _span_of(sents, total.start)
        parts = [q for q in qs[i + 1:] if q.start < e and q.value is not None and _is_count(q)
                 and q.kind not in ("range", "fraction") and (q.unit == VND) == (total.unit == VND)
                 and (total.unit == VND or noun_after(text, q.end) in (None, noun))]
        if len(parts) < 2 or any(q.qualifier != "exact" for q in [total, *parts]):
            continue
        s = sum(q.value for q in parts)
        tol = written_radius(total, text) + sum(written_radius(q, text) for q in parts)
        bad = abs(s - total.value) > tol if exhaustive else s > total.value + tol
        if not bad:
            continue
        wv, we = _where(art)
        part_vi = " + ".join(fmt_vi(q.value, q.unit) for q in parts)
        part_en = " + ".join(fmt_en(q.value, q.unit) for q in parts)
        findings.append(_finding_for_doc(
            "sum_mismatch", "error", art, _claims_overlapping(claims, total.start, parts[-1].end),
            [_num(total.value)] + [_num(q.value) for q in parts],
            f"{wv} nêu tổng {fmt_vi(total.value, total.unit)} rồi liệt kê các phần {part_vi} = "
            f"{fmt_vi(s, total.unit)}; các phần {'không khớp với' if exhaustive else 'vượt quá'} tổng.",
            f"{we} states a total of {fmt_en(total.value, total.unit)} and then lists parts {part_en} = "
            f"{fmt_en(s, total.unit)}; the parts {'do not add up to' if exhaustive else 'exceed'} the total.",
        ))
    return findings


def check_arithmetic(art: dict, claims: list[dict], quantities: Sequence[Quantity]) -> list[Finding]:
    return (check_ratios(art, claims, quantities) + check_differences(art, claims, quantities)
            + check_sums(art, claims, quantities))


# --------------------------------------------------------------------------- across articles


def value_interval(c: dict) -> tuple[float, float] | None:
    """The true values a claim allows, given its qualifier and the rounding of the figure."""
    v, lo, hi, unit = num_key(c.get("value")), num_key(c.get("value_min")), num_key(c.get("value_max")), c.get("unit")
    if v is None:
        if lo is None or hi is None:
            return None
        return lo - rounding_radius(lo, unit), hi + rounding_radius(hi, unit)
    r = rounding_radius(v, unit)
    q = c.get("qualifier") or "exact"
    if q == "at_least":
        return v - r, math.inf
    if q == "approx_below":
        return v * 0.85, v + r
    if q == "approx":
        return v * 0.85 - r, v * 1.15 + r
    return v - r, v + r


def compatible_values(a: dict, b: dict) -> bool:
    ia, ib = value_interval(a), value_interval(b)
    if ia is None or ib is None:
        return True
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def _has_period(c: dict) -> bool:
    return parse_date(c.get("period_start")) is not None and parse_date(c.get("period_end")) is not None


def check_conflicts(claims: list[dict]) -> list[Finding]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for c in claims:
        if _has_period(c):
            groups[(c["indicator"], c["is_target"], c["period_start"], c["period_end"])].append(c)
    findings = []
    for (indicator, is_target, p_start, p_end), group in sorted(groups.items(), key=lambda kv: str(kv[0])):
        bad_pairs = [
            (a, b) for k, a in enumerate(group) for b in group[k + 1:]
            if a["doc_id"] != b["doc_id"] and place_compatible(a, b) and not compatible_values(a, b)
        ]
        if not bad_pairs:
            continue
        involved = {c["claim_id"]: c for pair in bad_pairs for c in pair}
        # Claims agreeing with one of the conflicting figures belong in the same finding.
        for c in group:
            if c["claim_id"] not in involved and any(
                place_compatible(c, x) and compatible_values(c, x) for x in involved.values()
            ):
                involved[c["claim_id"]] = c
        cs = sorted(involved.values(), key=lambda c: (c.get("published") or "", c["doc_id"]))
        who = _who(cs[0])
        kind_vi, kind_en = ("chỉ tiêu", "target") if is_target else ("kết quả", "result")
        listing_vi = "; ".join(f"{_claim_value_vi(c)} ({c.get('site') or c['doc_id']}, {c.get('published') or '?'})"
                               for c in cs)
        listing_en = "; ".join(f"{_claim_value_en(c)} ({c.get('site') or c['doc_id']}, {c.get('published') or '?'})"
                               for c in cs)
        findings.append(Finding(
            check="cross_article_conflict", severity="warning",
            message_vi=f"Các bài khác nhau ghi {kind_vi} “{indicator_label(indicator)}” của {who} cho cùng kỳ "
                       f"{p_start} → {p_end} bằng những con số không thể cùng đúng (đã tính sai số làm tròn và "
                       f"các từ “trên”, “gần”, “khoảng”): {listing_vi}.",
            message_en=f"Different articles give {who}'s {kind_en} for “{indicator_label(indicator, 'en')}” over the "
                       f"same period {p_start} → {p_end} as figures that cannot all be true (rounding and "
                       f"“over/nearly/about” allowed for): {listing_en}.",
            doc_ids=[c["doc_id"] for c in cs], urls=[c.get("url") for c in cs if c.get("url")],
            claim_ids=[c["claim_id"] for c in cs], values=[_claim_num(c) for c in cs],
        ))
    return findings


# --------------------------------------------------------------------------- targets and periods

_MET_EXACTLY = re.compile(r"\b100\s*%|đạt\s+chỉ\s+tiêu|hoàn\s+thành\s+(?:100\s*%\s*)?(?:chỉ\s+tiêu|kế\s+hoạch)",
                          re.IGNORECASE)


def _period_or_open(a: dict, b: dict) -> bool:
    if _has_period(a) and _has_period(b):
        return periods_overlap(a, b)
    return True


def check_targets(claims: list[dict], texts: dict[str, str]) -> list[Finding]:
    findings = []
    targets = [c for c in claims if c["is_target"] and c.get("value") is not None]
    results = [c for c in claims if not c["is_target"] and c.get("value") is not None]
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for t in targets:
        by_key[(t["indicator"], num_key(t["value"]))].append(t)
    for r in results:
        for t in by_key.get((r["indicator"], num_key(r["value"])), []):
            if not (place_compatible(r, t) and _period_or_open(r, t)):
                continue
            same_doc = r["doc_id"] == t["doc_id"]
            sentence = _sentence_text(r, texts)
            if _MET_EXACTLY.search(sentence):
                continue  # "đạt 100% chỉ tiêu": the result may well equal the plan
            if same_doc and (r.get("start"), r.get("end")) == (t.get("start"), t.get("end")):
                continue
            where_vi = "trong cùng bài" if same_doc else "ở một bài khác"
            where_en = "in the same article" if same_doc else "in another article"
            findings.append(Finding(
                check="target_as_result", severity="info" if same_doc else "warning",
                message_vi=f"{_claim_value_vi(r)} ({indicator_label(r['indicator'])}, {_who(r)}) được nêu là kết quả "
                           f"đã đạt, nhưng đúng con số này là chỉ tiêu/kế hoạch {where_vi} (“{_short(t.get('quote'))}”). "
                           f"Có thể chỉ tiêu đã bị đưa tin như kết quả; cần đối chiếu báo cáo tổng kết.",
                message_en=f"{_claim_value_en(r)} ({indicator_label(r['indicator'], 'en')}, {_who(r)}) is reported as "
                           f"achieved, but the same figure is a target or plan {where_en} (“{_short(t.get('quote'))}”). "
                           f"A plan may have been reported as a result; check against the year-end report.",
                doc_ids=[r["doc_id"], t["doc_id"]], urls=[x.get("url") for x in (r, t) if x.get("url")],
                claim_ids=[r["claim_id"], t["claim_id"]], values=[_claim_num(r), _claim_num(t)],
            ))
    # A result for a period that had not started when the article was published.
    for r in claims:
        if r["is_target"]:
            continue
        start, pub = parse_date(r.get("period_start")), parse_date(r.get("published"))
        if start is None or pub is None or start <= pub:
            continue
        findings.append(Finding(
            check="target_as_result", severity="warning",
            message_vi=f"{_claim_value_vi(r)} ({indicator_label(r['indicator'])}, {_who(r)}) được ghi là kết quả cho kỳ "
                       f"bắt đầu {r['period_start']}, trong khi bài đăng ngày {r['published']}, trước kỳ đó: "
                       f"đây nhiều khả năng là chỉ tiêu, không phải kết quả.",
            message_en=f"{_claim_value_en(r)} ({indicator_label(r['indicator'], 'en')}, {_who(r)}) is recorded as a result "
                       f"for a period starting {r['period_start']}, but the article was published on {r['published']}, "
                       f"before that period began: it is most likely a target, not a result.",
            doc_ids=[r["doc_id"]], urls=[r["url"]] if r.get("url") else [], claim_ids=[r["claim_id"]],
            values=[_claim_num(r)],
        ))
    return findings


def _short(s: Any, n: int = 90) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _sentence_text(c: dict, texts: dict[str, str]) -> str:
    text = texts.get(c["doc_id"]) or ""
    s, e = c.get("sentence_start"), c.get("sentence_end")
    if text and s is not None and e is not None and 0 <= int(s) < int(e) <= len(text):
        return text[int(s):int(e)]
    return c.get("quote") or ""


def check_missing_periods(claims: list[dict], articles: dict[str, dict]) -> list[Finding]:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    named: dict[str, list[str]] = defaultdict(list)
    for c in claims:
        if c.get("period_text") and c["period_text"] not in named[c["doc_id"]]:
            named[c["doc_id"]].append(c["period_text"])
        if c["is_target"] or c["indicator"] in STOCK_INDICATORS:
            continue  # totals ("hiện có …") refer to the publication date by convention
        if not c.get("period_text") and not c.get("period_start"):
            by_doc[c["doc_id"]].append(c)
    findings = []
    for doc_id, cs in sorted(by_doc.items()):
        art = articles.get(doc_id, {"doc_id": doc_id, "url": cs[0].get("url")})
        listing_vi = "; ".join(f"{_claim_value_vi(c)} ({indicator_label(c['indicator'])})" for c in cs)
        listing_en = "; ".join(f"{_claim_value_en(c)} ({indicator_label(c['indicator'], 'en')})" for c in cs)
        # A period named elsewhere in the article may be meant; the reader decides, we do not assign it.
        other = "; ".join(f"“{p}”" for p in named.get(doc_id, []))
        hint_vi = f" Bài có nêu kỳ {other} cho số liệu khác; có thể kỳ đó áp dụng, nhưng bài không nói rõ." if other else ""
        hint_en = (f" The article names the period {other} for other figures; it may apply, but the text does "
                   f"not say so." if other else "")
        wv, we = _where(art)
        findings.append(_finding_for_doc(
            "missing_period", "info", art, cs, [_claim_num(c) for c in cs],
            f"{wv} nêu kết quả mà không nói kỳ nào (tháng, năm, từ đầu năm…): {listing_vi}. Không thể so sánh "
            f"hay cộng dồn các số này theo thời gian; ngày đăng bài không được dùng thay cho kỳ báo cáo.{hint_vi}",
            f"{we} reports results without saying for which period: {listing_en}. They cannot be compared or "
            f"added up over time; the publication date is not used in place of a reporting period.{hint_en}",
        ))
    return findings


# --------------------------------------------------------------------------- silent edits


def _version_key(c: dict) -> tuple:
    return (c["indicator"], c["is_target"], c.get("qualifier"), num_key(c.get("value")), num_key(c.get("value_min")),
            num_key(c.get("value_max")))


def check_silent_edits(versions: list[dict]) -> list[Finding]:
    by_doc: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    fetched: dict[tuple[str, int], str | None] = {}
    for c in versions:
        v = int(c.get("version") or 1)
        by_doc[c["doc_id"]][v].append(c)
        fetched[(c["doc_id"], v)] = c.get("fetched_at")
    findings = []
    for doc_id, vers in sorted(by_doc.items()):
        order = sorted(vers)
        for old_v, new_v in zip(order, order[1:], strict=False):
            old, new = vers[old_v], vers[new_v]
            old_keys = defaultdict(list)
            for c in old:
                old_keys[_version_key(c)].append(c)
            removed, added = [], []
            new_keys = defaultdict(list)
            for c in new:
                new_keys[_version_key(c)].append(c)
            for k, cs in old_keys.items():
                removed.extend(cs[len(new_keys.get(k, [])):])
            for k, cs in new_keys.items():
                added.extend(cs[len(old_keys.get(k, [])):])
            if not removed and not added:
                continue
            changes_vi, changes_en, involved, values = [], [], [], []
            for r in removed:
                match = next((a for a in added if (a["indicator"], a["is_target"]) == (r["indicator"], r["is_target"])),
                             None)
                label_vi, label_en = indicator_label(r["indicator"]), indicator_label(r["indicator"], "en")
                if match is not None:
                    added.remove(match)
                    changes_vi.append(f"{label_vi}: {_claim_value_vi(r)} → {_claim_value_vi(match)}")
                    changes_en.append(f"{label_en}: {_claim_value_en(r)} → {_claim_value_en(match)}")
                    involved += [r, match]
                    values += [_claim_num(r), _claim_num(match)]
                else:
                    changes_vi.append(f"{label_vi}: {_claim_value_vi(r)} bị xóa")
                    changes_en.append(f"{label_en}: {_claim_value_en(r)} removed")
                    involved.append(r)
                    values.append(_claim_num(r))
            for a in added:
                changes_vi.append(f"{indicator_label(a['indicator'])}: thêm {_claim_value_vi(a)}")
                changes_en.append(f"{indicator_label(a['indicator'], 'en')}: {_claim_value_en(a)} added")
                involved.append(a)
                values.append(_claim_num(a))
            t_old, t_new = fetched.get((doc_id, old_v)) or "?", fetched.get((doc_id, new_v)) or "?"
            url = next((c.get("url") for c in new + old if c.get("url")), None)
            findings.append(Finding(
                check="silent_edit", severity="warning",
                message_vi=f"Con số trong bài đã bị sửa giữa hai lần thu thập (phiên bản {old_v}, {t_old} → "
                           f"phiên bản {new_v}, {t_new}) mà không có ghi chú đính chính trong dữ liệu: "
                           f"{'; '.join(changes_vi)}.",
                message_en=f"Figures in the article changed between two crawls (version {old_v}, {t_old} → version "
                           f"{new_v}, {t_new}) with no correction notice in the data: {'; '.join(changes_en)}.",
                doc_ids=[doc_id], urls=[url] if url else [], claim_ids=[c["claim_id"] for c in involved],
                values=values,
            ))
    return findings


# --------------------------------------------------------------------------- outliers


def robust_z(x: float, reference: Sequence[float]) -> tuple[float, float, float]:
    """(z, median, MAD) on log10 values; MAD floored at MAD_FLOOR."""
    logs = [math.log10(v) for v in reference]
    med = statistics.median(logs)
    mad = max(statistics.median([abs(v - med) for v in logs]), MAD_FLOOR)
    return 0.6745 * (math.log10(x) - med) / mad, 10**med, mad


def annual_rate(c: dict) -> float | None:
    """Flows per year (a 5-year total and a 6-month total become comparable); stocks as they are."""
    v = c.get("value")
    if v is None or v <= 0:
        return None
    if c["indicator"] in STOCK_INDICATORS:
        return float(v)
    s, e = parse_date(c.get("period_start")), parse_date(c.get("period_end"))
    if s is None or e is None:
        return None
    years = max(((e - s).days + 1) / 365.25, 1 / 12)
    return float(v) / years


_PERSON_NOUNS = re.compile(
    r"^\s*(?:đoàn viên|người|lượt|công nhân|CNLĐ|CNVCLĐ|NLĐ|hộ|trường hợp|em|cháu|gia đình|lao động)\b",
    re.IGNORECASE,
)


def _recipient_count(c: dict, claims_by_doc: dict[str, list[dict]], texts: dict[str, str],
                     quantities: dict[str, Sequence[Quantity]]) -> tuple[float, dict | None] | None:
    """A head-count in the money claim's sentence: a beneficiaries claim, else a number of people."""
    s, e = c.get("sentence_start"), c.get("sentence_end")
    if s is None or e is None or int(s) < 0:
        return None
    s, e = int(s), int(e)
    heads = [b for b in claims_by_doc.get(c["doc_id"], []) if b["indicator"] == "beneficiaries"
             and b.get("value") and s <= int(b.get("start") or -1) < e and not b["is_target"]]
    if len(heads) == 1:
        return float(heads[0]["value"]), heads[0]
    if heads:
        return None
    text = texts.get(c["doc_id"]) or ""
    people = [q for q in quantities.get(c["doc_id"], []) if s <= q.start < e and q.unit is None
              and q.value and q.kind not in ("fraction", "range", "percent") and _PERSON_NOUNS.match(text[q.end:])
              and "/" not in text[q.end:q.end + 12]]
    if len(people) == 1:
        return float(people[0].value), None
    return None


def check_outliers(claims: list[dict], texts: dict[str, str],
                   quantities: dict[str, Sequence[Quantity]]) -> list[Finding]:
    findings: list[Finding] = []
    results = [c for c in claims if not c["is_target"] and c.get("value") and c.get("value") > 0]
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_doc[c["doc_id"]].append(c)

    # 1. Money per recipient in one sentence.
    per_head: list[tuple[dict, float, float, dict | None]] = []
    for c in results:
        if c["indicator"] not in MONEY_INDICATORS:
            continue
        rc = _recipient_count(c, by_doc, texts, quantities)
        if rc is not None and rc[0] > 0:
            per_head.append((c, c["value"] / rc[0], rc[0], rc[1]))
    for k, (c, ph, n, head_claim) in enumerate(per_head):
        ref = [p for j, (_c, p, _n, _h) in enumerate(per_head) if j != k]
        z = med = None
        if len(ref) >= MIN_REFERENCE:
            z, med, _mad = robust_z(ph, ref)
        if ph <= PER_HEAD_CEILING and (z is None or z <= Z_LIMIT):
            continue
        stats_vi = stats_en = ""
        if z is not None:
            stats_vi = (f" Trung vị của {len(ref)} bài khác là {fmt_vi(med, VND)}/người; điểm z bền vững (trung vị/MAD "
                        f"trên thang log) là {z:.1f}, vượt ngưỡng {Z_LIMIT}.")
            stats_en = (f" The median over {len(ref)} other articles is {fmt_en(med, VND)} per person; the robust z-score "
                        f"(median/MAD on a log scale) is {z:.1f}, above the {Z_LIMIT} limit.")
        findings.append(Finding(
            check="outlier", severity="warning",
            message_vi=f"{_claim_value_vi(c)} cho {fmt_vi(n)} người là {fmt_vi(ph, VND)} mỗi người — vượt xa mọi khoản "
                       f"hỗ trợ công đoàn cho một người (trần kiểm tra {fmt_vi(PER_HEAD_CEILING, VND)}).{stats_vi} Có thể "
                       f"đơn vị bị ghi nhầm (tỷ thay cho triệu).",
            message_en=f"{_claim_value_en(c)} for {fmt_en(n)} people is {fmt_en(ph, VND)} per person — far beyond any "
                       f"union payment to one person (check ceiling {fmt_en(PER_HEAD_CEILING, VND)}).{stats_en} The "
                       f"unit may be wrong (billion for million).",
            doc_ids=[c["doc_id"]], urls=[c["url"]] if c.get("url") else [],
            claim_ids=[c["claim_id"]] + ([head_claim["claim_id"]] if head_claim else []),
            values=[_claim_num(c), _num(n), _num(round(ph))],
        ))

    # 2. Against the body's own history (annualised flows, log scale).
    series: dict[tuple, list[tuple[dict, float]]] = defaultdict(list)
    for c in results:
        rate = annual_rate(c)
        if rate is not None and norm_name(c.get("org")):
            series[(norm_name(c.get("org")), c["indicator"])].append((c, rate))
    flagged: set[str] = set()
    for (_org, indicator), pts in sorted(series.items()):
        # One point per distinct figure: reprints of the same number must not shrink the MAD.
        uniq: dict[tuple, tuple[dict, float]] = {}
        for c, rate in pts:
            uniq.setdefault((c.get("period_start"), c.get("period_end"), num_key(c["value"])), (c, rate))
        pts = list(uniq.values())
        for k, (c, rate) in enumerate(pts):
            ref = [r for j, (_c, r) in enumerate(pts) if j != k]
            if len(ref) < MIN_REFERENCE:
                continue
            z, med, mad = robust_z(rate, ref)
            if abs(z) <= Z_LIMIT:
                continue
            flagged.add(c["claim_id"])
            per_vi = "" if indicator in STOCK_INDICATORS else "/năm"
            per_en = "" if indicator in STOCK_INDICATORS else " a year"
            findings.append(Finding(
                check="outlier", severity="warning",
                message_vi=f"{_claim_value_vi(c)} ({indicator_label(indicator)}, {_who(c)}, {_period_vi(c)}) ≈ "
                           f"{fmt_vi(rate, c.get('unit'))}{per_vi}, {'cao' if z > 0 else 'thấp'} bất thường so với "
                           f"{len(ref)} số liệu khác của chính đơn vị này (trung vị {fmt_vi(med, c.get('unit'))}{per_vi}; "
                           f"điểm z bền vững = 0,6745·(log x − trung vị)/MAD = {z:.1f}, ngưỡng ±{Z_LIMIT}).",
                message_en=f"{_claim_value_en(c)} ({indicator_label(indicator, 'en')}, {_who(c)}, {_period_en(c)}) ≈ "
                           f"{fmt_en(rate, c.get('unit'))}{per_en}, unusually {'high' if z > 0 else 'low'} against "
                           f"{len(ref)} other figures of the same body (median {fmt_en(med, c.get('unit'))}{per_en}; "
                           f"robust z = 0.6745·(log x − median)/MAD = {z:.1f}, limit ±{Z_LIMIT}).",
                doc_ids=[c["doc_id"]], urls=[c["url"]] if c.get("url") else [], claim_ids=[c["claim_id"]],
                values=[_claim_num(c), _num(round(rate, 2)), _num(round(med, 2))],
            ))

    # 3. Against other provinces, per member (size = the province's latest total membership).
    size: dict[str, tuple[str, float]] = {}
    for c in results:
        if c["indicator"] == "members_total" and c.get("province"):
            when = c.get("period_end") or c.get("published") or ""
            p = norm_name(c["province"])
            if p not in size or when > size[p][0]:
                size[p] = (when, float(c["value"]))
    by_ind: dict[str, dict[str, tuple[dict, float]]] = defaultdict(dict)
    for c in results:
        p = norm_name(c.get("province"))
        rate = annual_rate(c)
        if c["indicator"] in STOCK_INDICATORS or p not in size or rate is None:
            continue
        intensity = rate / size[p][1] * 1000
        cur = by_ind[c["indicator"]].get(p)
        if cur is None or intensity > cur[1]:  # one point per province: its highest
            by_ind[c["indicator"]][p] = (c, intensity)
    for indicator, per_prov in sorted(by_ind.items()):
        items = sorted(per_prov.items())
        for p, (c, x) in items:
            ref = [v for q, (_c, v) in items if q != p]
            if len(ref) < MIN_REFERENCE or c["claim_id"] in flagged:
                continue
            z, med, _mad = robust_z(x, ref)
            if abs(z) <= Z_LIMIT:
                continue
            findings.append(Finding(
                check="outlier", severity="warning",
                message_vi=f"{_claim_value_vi(c)} ({indicator_label(indicator)}, {c.get('province')}) ≈ {fmt_vi(x)} trên "
                           f"1.000 đoàn viên mỗi năm, {'cao' if z > 0 else 'thấp'} bất thường so với {len(ref)} tỉnh khác "
                           f"khi đã chia theo quy mô đoàn viên (trung vị {fmt_vi(med)}; điểm z bền vững {z:.1f}, "
                           f"ngưỡng ±{Z_LIMIT}).",
                message_en=f"{_claim_value_en(c)} ({indicator_label(indicator, 'en')}, {c.get('province')}) ≈ {fmt_en(x)} "
                           f"per 1,000 members a year, unusually {'high' if z > 0 else 'low'} against {len(ref)} other "
                           f"provinces once scaled by membership (median {fmt_en(med)}; robust z {z:.1f}, "
                           f"limit ±{Z_LIMIT}).",
                doc_ids=[c["doc_id"]], urls=[c["url"]] if c.get("url") else [], claim_ids=[c["claim_id"]],
                values=[_claim_num(c), _num(round(x, 3)), _num(round(med, 3))],
            ))
    return findings


# --------------------------------------------------------------------------- site health

FLAG_CHECKS: dict[str, tuple[str, str, str]] = {
    # flag: (severity, Vietnamese, English)
    "spam_injected": ("warning",
                      "Trang có nội dung quảng cáo rác bị chèn vào (đã loại khỏi văn bản trước khi trích số liệu). "
                      "Trang web có thể đã bị tấn công; nên báo cho đơn vị quản trị.",
                      "The page carries injected spam (removed from the text before any number was taken). The "
                      "site may be compromised; its webmaster should be told."),
    "truncated": ("info", "Văn bản bài có thể bị cắt cụt; có thể thiếu số liệu ở phần cuối.",
                  "The article text may be cut short; numbers near its end may be missing."),
    "charset_mismatch": ("info", "Bảng mã khai báo của trang không khớp với nội dung; văn bản đã được giải mã lại.",
                         "The page's declared character set does not match its bytes; the text was decoded again."),
}


def check_article_flags(articles: list[dict]) -> list[Finding]:
    findings = []
    stale: dict[str, list[dict]] = defaultdict(list)
    for a in articles:
        flags = a.get("flags") or []
        for flag in flags:
            if flag == "rules_stale":
                stale[a.get("site") or "?"].append(a)
            elif flag in FLAG_CHECKS:
                sev, vi, en = FLAG_CHECKS[flag]
                wv, we = _where(a)
                findings.append(_finding_for_doc(flag, sev, a, [], [], f"{wv}: {vi}", f"{we}: {en}"))
    for site, arts in sorted(stale.items()):
        findings.append(Finding(
            check="rules_stale", severity="warning",
            message_vi=f"Trang {site}: bộ chọn trong rules/sites không còn khớp với {len(arts)} bài (giao diện trang "
                       f"có thể đã đổi); văn bản được lấy bằng phương án dự phòng. Cần cập nhật tệp quy tắc của trang.",
            message_en=f"Site {site}: the selectors in rules/sites no longer matched {len(arts)} article(s) (the "
                       f"template has probably changed); text was taken by the fallback. The site's rules file "
                       f"needs updating.",
            doc_ids=[a["doc_id"] for a in arts], urls=[a.get("url") for a in arts if a.get("url")],
            values=[str(len(arts))],
        ))
    return findings


@dataclass
class SiteActivity:
    """What the crawl knows about one site: when it last found a new article, and when it last looked."""

    site: str
    last_new_article: str | None  # ISO date/time of the newest article first seen (or published)
    last_checked: str | None  # ISO date/time of the last successful fetch from the site


def _to_date(v: Any) -> date | None:
    v = clean(v)
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return datetime.fromisoformat(str(v).replace("Z", "+00:00")).date()
    except ValueError:
        return parse_date(v)


def check_quiet_sites(activity: Sequence[SiteActivity], as_of: date | None, quiet_days: int = QUIET_DAYS) -> list[Finding]:
    """A site is quiet when the crawl kept reaching it but its newest article is more than `quiet_days`
    older than that crawl (or than `as_of`)."""
    if not activity:
        return []
    checked = [d for a in activity if (d := _to_date(a.last_checked))]
    latest_check = max(checked) if checked else None
    findings = []
    for a in sorted(activity, key=lambda a: a.site):
        last = _to_date(a.last_new_article)
        ref = as_of or _to_date(a.last_checked) or latest_check
        if last is None or ref is None:
            continue
        days = (ref - last).days
        if days <= quiet_days:
            continue
        findings.append(Finding(
            check="site_quiet", severity="info",
            message_vi=f"Trang {a.site} không có bài mới nào trong {days} ngày (bài mới nhất {last}, lần thu thập "
                       f"{ref}; ngưỡng {quiet_days} ngày). Trang có thể đã ngừng cập nhật, đổi địa chỉ, hoặc danh "
                       f"sách bài không còn khớp quy tắc thu thập.",
            message_en=f"Site {a.site} has had no new article for {days} days (newest {last}, crawled {ref}; limit "
                       f"{quiet_days} days). It may have stopped publishing, moved, or its listing no longer matches "
                       f"the crawl rules.",
            values=[str(days)],
        ))
    return findings


def activity_from_articles(articles: list[dict]) -> list[SiteActivity]:
    """Fallback when there is no crawl state: only crawled articles (with fetched_at) count, so the
    bundled files never make a site look quiet."""
    per: dict[str, list[dict]] = defaultdict(list)
    for a in articles:
        if a.get("site") and a.get("fetched_at"):
            per[a["site"]].append(a)
    out = []
    for site, arts in per.items():
        newest = max((a.get("published") or a["fetched_at"][:10] for a in arts), default=None)
        out.append(SiteActivity(site, newest, max(a["fetched_at"] for a in arts)))
    return out


def activity_from_crawl_state(path: Path) -> list[SiteActivity] | None:
    """Per-site activity from the crawler's state (pipeline.crawl.state.site_activity), if both exist. The
    newest article is its publication date when known: a first crawl finds every old article "new"."""
    if not path.exists():
        return None
    try:
        from .crawl import state as store
    except ImportError:
        return None
    try:
        rows = store.site_activity(path)
    except Exception as exc:  # noqa: BLE001 - StoreError, sqlite3 errors: one line naming the file
        raise CliError(f"{path}: crawl state not readable ({exc})") from exc
    return [SiteActivity(str(r.get("site")), r.get("latest_published") or r.get("last_new_article_at"),
                         r.get("last_crawl_at")) for r in rows]


# --------------------------------------------------------------------------- all checks


def _articles_records(articles: pd.DataFrame) -> list[dict]:
    out = []
    for rec in articles.to_dict("records"):
        a = {k: clean(v) if not hasattr(v, "__len__") or isinstance(v, str) else v for k, v in rec.items()}
        flags = rec.get("flags")
        if isinstance(flags, str):
            try:
                flags = json.loads(flags)
            except ValueError:
                flags = [f for f in flags.split(";") if f]
        a["flags"] = [str(f) for f in (flags if flags is not None else [])]
        out.append(a)
    return out


def _copies(arts: list[dict]) -> dict[str, list[str]]:
    """Canonical doc_id → doc_ids of the other articles with exactly the same text. The canonical one
    is the copy with a URL (a page rather than a file), then the smallest doc_id."""
    by_text: dict[str, list[dict]] = defaultdict(list)
    for a in arts:
        text = a.get("text") or ""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest() if text.strip() else f"doc:{a['doc_id']}"
        by_text[key].append(a)
    out = {}
    for group in by_text.values():
        group.sort(key=lambda a: (a.get("url") is None, a["doc_id"]))
        out[group[0]["doc_id"]] = [a["doc_id"] for a in group[1:]]
    return out


def _with_copies(f: Finding, copies: dict[str, list[str]], arts: list[dict], claims: list[dict]) -> Finding:
    extra_docs = [d for doc in f.doc_ids for d in copies.get(doc, [])]
    if not extra_docs:
        return f
    url_of = {a["doc_id"]: a.get("url") for a in arts}
    spans = {c["claim_id"]: (c.get("start"), c.get("end"), c["indicator"]) for c in claims}
    wanted = {spans[cid] for cid in f.claim_ids if cid in spans}
    extra_claims = [c["claim_id"] for c in claims if c["doc_id"] in extra_docs
                    and (c.get("start"), c.get("end"), c["indicator"]) in wanted]
    f.doc_ids = f.doc_ids + extra_docs
    f.urls = f.urls + [u for d in extra_docs if (u := url_of.get(d))]
    f.claim_ids = f.claim_ids + extra_claims
    return f


def audit_tables(
    claims: pd.DataFrame,
    articles: pd.DataFrame,
    versions: pd.DataFrame | None = None,
    activity: Sequence[SiteActivity] | None = None,
    *,
    find_quantities: QuantityFinder | None = None,
    as_of: date | None = None,
    quiet_days: int = QUIET_DAYS,
) -> pd.DataFrame:
    """Every check over the given tables; one row per finding (columns AUDIT_COLUMNS)."""
    all_claims = claim_records(claims)
    all_arts = _articles_records(articles)
    # The same text reached us more than once (a text dump and its HTML page, a mirror): check it once
    # and name every copy in the finding.
    copies = _copies(all_arts)
    arts = [a for a in all_arts if a["doc_id"] in copies]
    cl = [c for c in all_claims if c["doc_id"] in copies]
    art_by_id = {a["doc_id"]: a for a in arts}
    texts = {a["doc_id"]: a.get("text") or "" for a in arts}
    claims_by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in cl:
        claims_by_doc[c["doc_id"]].append(c)
    quantities: dict[str, Sequence[Quantity]] = {}
    findings: list[Finding] = []
    if find_quantities is not None:
        for a in arts:
            if texts[a["doc_id"]]:
                quantities[a["doc_id"]] = find_quantities(texts[a["doc_id"]])
                findings += check_arithmetic(a, claims_by_doc.get(a["doc_id"], []), quantities[a["doc_id"]])
    findings += check_conflicts(cl)
    findings += check_targets(cl, texts)
    findings += check_missing_periods(cl, art_by_id)
    if versions is not None and len(versions):
        vrows = claim_records(versions)
        for rec, row in zip(versions.to_dict("records"), vrows, strict=True):
            row["version"], row["fetched_at"] = clean(rec.get("version")), clean(rec.get("fetched_at"))
        findings += check_silent_edits(vrows)
    findings += check_outliers(cl, texts, quantities)
    findings += check_article_flags(arts)
    findings += check_quiet_sites(activity if activity is not None else activity_from_articles(arts), as_of,
                                  quiet_days)
    findings = [_with_copies(f, copies, all_arts, all_claims) for f in findings]
    rows, seen = [], set()
    for f in findings:
        r = f.row()
        if r["finding_id"] not in seen:
            seen.add(r["finding_id"])
            rows.append(r)
    df = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    if len(df):
        df = df.sort_values(["severity", "check", "doc_ids"], key=lambda s: s.map(order) if s.name == "severity" else s,
                            kind="stable").reset_index(drop=True)
    return df


# --------------------------------------------------------------------------- I/O edge


def load_outputs(out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """claims, articles and claim versions from what `unionclaims run` wrote; CliError if missing."""
    if not out_dir.is_dir():
        raise CliError(f"{out_dir}: no such output folder (run `unionclaims run --out {out_dir}` first)")
    frames = []
    for name in ("claims.parquet", "articles.parquet"):
        p = out_dir / name
        if not p.exists():
            raise CliError(f"{p}: missing (run `unionclaims run --out {out_dir}` first)")
        try:
            frames.append(read_table(p))
        except Exception as exc:  # noqa: BLE001 - any damage to the file becomes one line
            raise CliError(f"{p}: not a readable Parquet file ({exc.__class__.__name__})") from exc
    versions = None
    db = out_dir / "unionclaims.sqlite"
    if db.exists():
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='claim_versions'").fetchone()
                if has:
                    versions = pd.read_sql_query("SELECT * FROM claim_versions", con)
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise CliError(f"{db}: not a readable SQLite database ({exc})") from exc
    return frames[0], frames[1], versions


def run_audit(out_dir: Path, *, crawl_state: Path | None = None, as_of: date | None = None,
              quiet_days: int = QUIET_DAYS) -> pd.DataFrame:
    out_dir = Path(out_dir)
    claims, articles, versions = load_outputs(out_dir)
    finder = default_quantity_finder()
    if finder is None:
        log.warning("pipeline.text.numbers.grammar is not available: arithmetic checks skipped")
    state = crawl_state if crawl_state is not None else out_dir / "crawl.sqlite"
    activity = activity_from_crawl_state(state)
    try:
        df = audit_tables(claims, articles, versions, activity, find_quantities=finder, as_of=as_of,
                          quiet_days=quiet_days)
    except ValueError as exc:
        raise CliError(f"{out_dir}: {exc}") from exc
    write_table(out_dir, "audit", df, ("csv",))
    write_sqlite(out_dir / "unionclaims.sqlite", {"audit": df})
    return df


def _cmd_audit(args: argparse.Namespace) -> int:
    as_of = None
    if args.as_of:
        as_of = parse_date(args.as_of)
        if as_of is None:
            raise CliError(f"--as-of {args.as_of!r}: not a date (YYYY-MM-DD)")
    if args.quiet_days < 1:
        raise CliError(f"--quiet-days {args.quiet_days}: must be at least 1")
    out = Path(args.out)
    df = run_audit(out, crawl_state=Path(args.state) if args.state else None, as_of=as_of,
                   quiet_days=args.quiet_days)
    counts = df.groupby(["severity", "check"]).size() if len(df) else {}
    print(f"unionclaims audit: {len(df)} finding(s) → {out / 'audit.csv'} and table `audit` in "
          f"{out / 'unionclaims.sqlite'}")
    for (sev, check), n in (counts.items() if len(df) else []):
        print(f"  {sev:8} {check:24} {n}")
    return 0


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="check the extracted numbers; write DIR/audit.csv and the `audit` table")
    p.add_argument("--out", default="output", help="output folder written by `unionclaims run` (default: output/)")
    p.add_argument("--state", default=None,
                   help="crawl state for the site_quiet check (default: DIR/crawl.sqlite when present)")
    p.add_argument("--quiet-days", type=int, default=QUIET_DAYS,
                   help=f"days without a new article before a site counts as quiet (default {QUIET_DAYS})")
    p.add_argument("--as-of", default=None, help="date the quiet-site check counts to (default: the last crawl)")
    p.set_defaults(func=_cmd_audit)



