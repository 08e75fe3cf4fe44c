"""Checks within one article: ratios ("2178/1550 đạt 140%"), differences ("tăng 6") and sums ("gồm: A, B")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..dataset import (
    num_key,
)
from ..records import PERCENT, VND, Quantity
from .findings import Finding, _finding_for_doc, _num, _where, fmt_en, fmt_vi
from .text import (
    _WORDS,
    _is_count,
    _span_of,
    decimals_written,
    line_spans,
    noun_after,
    noun_before,
    noun_of,
    sentence_spans,
    written_radius,
)

# --------------------------------------------------------------------------- quantities


QuantityFinder = Callable[[str], Sequence[Quantity]]


def default_quantity_finder() -> QuantityFinder | None:
    try:
        from ..text.numbers import find_quantities
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
