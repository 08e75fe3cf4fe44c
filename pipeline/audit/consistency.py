"""Checks across claims: conflicting values, targets against results, missing periods, silent edits."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

from ..dataset import (
    _place_compatible as place_compatible,
)
from ..dataset import (
    norm_name,
    num_key,
    parse_date,
    periods_overlap,
)
from .findings import (
    Finding,
    _claim_num,
    _claim_value_en,
    _claim_value_vi,
    _finding_for_doc,
    _where,
    _who,
    indicator_label,
    stock_indicators,
)
from .text import rounding_radius

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


def same_body(a: dict, b: dict) -> bool:
    """Both claims name their body and it is the same one (org names compare case- and space-folded).
    A conflict between bodies we could not identify says nothing: "?'s result" is no finding."""
    x, y = norm_name(a.get("org")), norm_name(b.get("org"))
    return x is not None and x == y and place_compatible(a, b)


def check_conflicts(claims: list[dict]) -> list[Finding]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for c in claims:
        if _has_period(c) and norm_name(c.get("org")) is not None:
            groups[(c["indicator"], c["is_target"], c["period_start"], c["period_end"])].append(c)
    findings = []
    for (indicator, is_target, p_start, p_end), group in sorted(groups.items(), key=lambda kv: str(kv[0])):
        bad_pairs = [
            (a, b) for k, a in enumerate(group) for b in group[k + 1:]
            if a["doc_id"] != b["doc_id"] and same_body(a, b) and not compatible_values(a, b)
        ]
        if not bad_pairs:
            continue
        involved = {c["claim_id"]: c for pair in bad_pairs for c in pair}
        # Claims agreeing with one of the conflicting figures belong in the same finding.
        for c in group:
            if c["claim_id"] not in involved and any(
                same_body(c, x) and compatible_values(c, x) for x in involved.values()
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
    stocks = stock_indicators()
    for c in claims:
        if c.get("period_text") and c["period_text"] not in named[c["doc_id"]]:
            named[c["doc_id"]].append(c["period_text"])
        if c["is_target"] or c["indicator"] in stocks:
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
