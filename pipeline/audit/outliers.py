"""Outliers: money per recipient, a body against its own history, a province against the others."""

from __future__ import annotations

import bisect
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..dataset import (
    norm_name,
    num_key,
    parse_date,
)
from ..records import VND, Quantity
from ..settings import AuditSettings
from .findings import (
    Finding,
    _claim_num,
    _claim_value_en,
    _claim_value_vi,
    _num,
    _period_en,
    _period_vi,
    _who,
    fmt_en,
    fmt_vi,
    indicator_label,
    money_indicators,
    stock_indicators,
)

# --------------------------------------------------------------------------- outliers


def robust_z(x: float, reference: Sequence[float], mad_floor: float = AuditSettings.outlier_mad_floor,
             ) -> tuple[float, float, float]:
    """(z, median, MAD) on log10 values; MAD floored at `mad_floor`."""
    logs = [math.log10(v) for v in reference]
    med = statistics.median(logs)
    mad = max(statistics.median([abs(v - med) for v in logs]), mad_floor)
    return 0.6745 * (math.log10(x) - med) / mad, 10**med, mad


def _median_without(ordered: Sequence[float], skip: int) -> float:
    """statistics.median of `ordered` (sorted) with the item at index `skip` left out."""
    m = len(ordered) - 1
    def at(j: int) -> float:
        return ordered[j if j < skip else j + 1]
    return at(m // 2) if m % 2 else (at(m // 2 - 1) + at(m // 2)) / 2


def robust_z_each(values: Sequence[float], mad_floor: float = AuditSettings.outlier_mad_floor,
                  ) -> list[tuple[float, float, float]]:
    """`robust_z(values[k], values without item k)` for every k, the same floats, in O(n log n) instead
    of a median of the other n - 1 per item: leaving one item out moves the median to one of a few
    neighbouring order statistics, and each of those medians needs one sorted list of deviations."""
    n = len(values)
    if n < 2:
        raise ValueError("robust_z_each needs at least two values")
    logs = [math.log10(v) for v in values]
    order = sorted(range(n), key=logs.__getitem__)
    ordered = [logs[i] for i in order]
    rank = [0] * n
    for r, i in enumerate(order):
        rank[i] = r
    deviations: dict[float, list[float]] = {}  # median of the others -> sorted |log - median| of all n
    out = []
    for k in range(n):
        med = _median_without(ordered, rank[k])
        devs = deviations.get(med)
        if devs is None:
            devs = deviations[med] = sorted(abs(v - med) for v in ordered)
        # Leave out item k's own deviation: any copy of an equal value leaves the same multiset.
        mad = max(_median_without(devs, bisect.bisect_left(devs, abs(logs[k] - med))), mad_floor)
        out.append((0.6745 * (logs[k] - med) / mad, 10**med, mad))
    return out


def annual_rate(c: dict) -> float | None:
    """Flows per year (a 5-year total and a 6-month total become comparable); stocks as they are."""
    v = c.get("value")
    if v is None or v <= 0:
        return None
    if c["indicator"] in stock_indicators():
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
                     quantities: Mapping[str, Sequence[Quantity]]) -> tuple[float, dict | None] | None:
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


def check_outliers(claims: list[dict], texts: dict[str, str], quantities: Mapping[str, Sequence[Quantity]],
                   settings: AuditSettings | None = None) -> list[Finding]:
    cfg = settings or AuditSettings()
    results = [c for c in claims if not c["is_target"] and c.get("value") and c.get("value") > 0]
    findings = _per_head_outliers(claims, results, texts, quantities, cfg)
    history, flagged = _history_outliers(results, cfg)
    return findings + history + _province_outliers(results, flagged, cfg)


def _per_head_outliers(claims: list[dict], results: list[dict], texts: dict[str, str],
                       quantities: Mapping[str, Sequence[Quantity]], cfg: AuditSettings) -> list[Finding]:
    """Money per recipient in one sentence."""
    findings: list[Finding] = []
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_doc[c["doc_id"]].append(c)
    per_head: list[tuple[dict, float, float, dict | None]] = []
    money = money_indicators()
    for c in results:
        if c["indicator"] not in money:
            continue
        rc = _recipient_count(c, by_doc, texts, quantities)
        if rc is not None and rc[0] > 0:
            per_head.append((c, c["value"] / rc[0], rc[0], rc[1]))
    others = len(per_head) - 1  # each figure is judged against all the others
    stats = (robust_z_each([p for _c, p, _n, _h in per_head], cfg.outlier_mad_floor)
             if others >= cfg.outlier_min_reference else None)
    for k, (c, ph, n, head_claim) in enumerate(per_head):
        z = med = None
        if stats is not None:
            z, med, _mad = stats[k]
        if ph <= cfg.per_head_ceiling_vnd and (z is None or z <= cfg.outlier_z_limit):
            continue
        stats_vi = stats_en = ""
        if z is not None:
            stats_vi = (f" Trung vị của {others} bài khác là {fmt_vi(med, VND)}/người; điểm z bền vững (trung vị/MAD "
                        f"trên thang log) là {z:.1f}, vượt ngưỡng {cfg.outlier_z_limit}.")
            stats_en = (f" The median over {others} other articles is {fmt_en(med, VND)} per person; the robust z-score "
                        f"(median/MAD on a log scale) is {z:.1f}, above the {cfg.outlier_z_limit} limit.")
        findings.append(Finding(
            check="outlier", severity="warning",
            message_vi=f"{_claim_value_vi(c)} cho {fmt_vi(n)} người là {fmt_vi(ph, VND)} mỗi người — vượt xa mọi khoản "
                       f"hỗ trợ công đoàn cho một người (trần kiểm tra {fmt_vi(cfg.per_head_ceiling_vnd, VND)}).{stats_vi} Có thể "
                       f"đơn vị bị ghi nhầm (tỷ thay cho triệu).",
            message_en=f"{_claim_value_en(c)} for {fmt_en(n)} people is {fmt_en(ph, VND)} per person — far beyond any "
                       f"union payment to one person (check ceiling {fmt_en(cfg.per_head_ceiling_vnd, VND)}).{stats_en} The "
                       f"unit may be wrong (billion for million).",
            doc_ids=[c["doc_id"]], urls=[c["url"]] if c.get("url") else [],
            claim_ids=[c["claim_id"]] + ([head_claim["claim_id"]] if head_claim else []),
            values=[_claim_num(c), _num(n), _num(round(ph))],
        ))
    return findings


def _history_outliers(results: list[dict], cfg: AuditSettings) -> tuple[list[Finding], set[str]]:
    """Against the body's own history (annualised flows, log scale); also the claim ids it flagged."""
    findings: list[Finding] = []
    stocks = stock_indicators()
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
        others = len(pts) - 1
        if others < cfg.outlier_min_reference:
            continue
        for (c, rate), (z, med, _mad) in zip(pts, robust_z_each([r for _c, r in pts], cfg.outlier_mad_floor), strict=True):
            if abs(z) <= cfg.outlier_z_limit:
                continue
            flagged.add(c["claim_id"])
            per_vi = "" if indicator in stocks else "/năm"
            per_en = "" if indicator in stocks else " a year"
            findings.append(Finding(
                check="outlier", severity="warning",
                message_vi=f"{_claim_value_vi(c)} ({indicator_label(indicator)}, {_who(c)}, {_period_vi(c)}) ≈ "
                           f"{fmt_vi(rate, c.get('unit'))}{per_vi}, {'cao' if z > 0 else 'thấp'} bất thường so với "
                           f"{others} số liệu khác của chính đơn vị này (trung vị {fmt_vi(med, c.get('unit'))}{per_vi}; "
                           f"điểm z bền vững = 0,6745·(log x − trung vị)/MAD = {z:.1f}, ngưỡng ±{cfg.outlier_z_limit}).",
                message_en=f"{_claim_value_en(c)} ({indicator_label(indicator, 'en')}, {_who(c)}, {_period_en(c)}) ≈ "
                           f"{fmt_en(rate, c.get('unit'))}{per_en}, unusually {'high' if z > 0 else 'low'} against "
                           f"{others} other figures of the same body (median {fmt_en(med, c.get('unit'))}{per_en}; "
                           f"robust z = 0.6745·(log x − median)/MAD = {z:.1f}, limit ±{cfg.outlier_z_limit}).",
                doc_ids=[c["doc_id"]], urls=[c["url"]] if c.get("url") else [], claim_ids=[c["claim_id"]],
                values=[_claim_num(c), _num(round(rate, 2)), _num(round(med, 2))],
            ))
    return findings, flagged


def _province_outliers(results: list[dict], flagged: set[str], cfg: AuditSettings) -> list[Finding]:
    """Against other provinces, per member (size = the province's latest total membership)."""
    findings: list[Finding] = []
    stocks = stock_indicators()
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
        if c["indicator"] in stocks or p not in size or rate is None:
            continue
        intensity = rate / size[p][1] * 1000
        cur = by_ind[c["indicator"]].get(p)
        if cur is None or intensity > cur[1]:  # one point per province: its highest
            by_ind[c["indicator"]][p] = (c, intensity)
    for indicator, per_prov in sorted(by_ind.items()):
        items = sorted(per_prov.items())
        others = len(items) - 1
        if others < cfg.outlier_min_reference:
            continue
        for (_p, (c, x)), (z, med, _mad) in zip(items, robust_z_each([x for _p, (_c, x) in items], cfg.outlier_mad_floor),
                                                 strict=True):
            if c["claim_id"] in flagged:
                continue
            if abs(z) <= cfg.outlier_z_limit:
                continue
            findings.append(Finding(
                check="outlier", severity="warning",
                message_vi=f"{_claim_value_vi(c)} ({indicator_label(indicator)}, {c.get('province')}) ≈ {fmt_vi(x)} trên "
                           f"1.000 đoàn viên mỗi năm, {'cao' if z > 0 else 'thấp'} bất thường so với {others} tỉnh khác "
                           f"khi đã chia theo quy mô đoàn viên (trung vị {fmt_vi(med)}; điểm z bền vững {z:.1f}, "
                           f"ngưỡng ±{cfg.outlier_z_limit}).",
                message_en=f"{_claim_value_en(c)} ({indicator_label(indicator, 'en')}, {c.get('province')}) ≈ {fmt_en(x)} "
                           f"per 1,000 members a year, unusually {'high' if z > 0 else 'low'} against {others} other "
                           f"provinces once scaled by membership (median {fmt_en(med)}; robust z {z:.1f}, "
                           f"limit ±{cfg.outlier_z_limit}).",
                doc_ids=[c["doc_id"]], urls=[c["url"]] if c.get("url") else [], claim_ids=[c["claim_id"]],
                values=[_claim_num(c), _num(round(x, 3)), _num(round(med, 3))],
            ))
    return findings
