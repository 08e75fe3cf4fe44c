"""Claims → a tidy fact table and a province × period × indicator panel.

A *claim* is one number in one article; a *fact* is one reported figure, whoever printed it. A figure
that three sites reprint is one fact with three sources. Two claims are the same fact when

* indicator, unit, `is_target`, `qualifier` and the value (or both range bounds) are equal;
* they are about the same body: at least one of org / province is known on both sides and equal,
  and neither of the two differs where both sides give it (org compared case- and space-folded);
* their periods are compatible: both known and overlapping, both unknown, or one unknown and that
  claim was published inside the other's period or within a year after it ends (a reprint that
  drops "từ đầu năm đến nay" still reports the same figure; we never *assign* it that period).

Facts are the connected components of that relation. The panel then keeps one row per province,
indicator, achievement/target and exact period (undated facts stay in the fact table only), and never
adds facts up: bodies in one province
overlap (a district federation's recruits are part of the province's), so a cell reports the
province-wide federation's figure when there is one, else the best-sourced one, and lists the others.

Pure functions over DataFrames; the runner writes the tables (pipeline.io, typed by pipeline.schema).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from .records import CLAIM_FIELDS, stable_id
from .schema import TABLES, as_date
from .text import geo

FACT_COLUMNS: tuple[str, ...] = TABLES["facts"].names
PANEL_COLUMNS: tuple[str, ...] = TABLES["panel"].names
# A period-less reprint may trail the period it reports by this much.
REPRINT_LAG = timedelta(days=366)
_PROVINCE_WIDE = re.compile(
    r"^(?:lđlđ|liên đoàn lao động)\s+(?:tỉnh|thành phố|tp\.?)\s", re.IGNORECASE
)


# --------------------------------------------------------------------------- small helpers


def clean(v: Any) -> Any:
    """None for every flavour of missing (None, NaN, pd.NA, NaT); the value otherwise."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):  # lists/arrays: not missing
        return v
    return v


def norm_name(v: Any) -> str | None:
    """Case- and whitespace-folded name for comparing orgs and provinces."""
    v = clean(v)
    if v is None:
        return None
    s = " ".join(str(v).split()).casefold()
    return s or None


parse_date = as_date  # one date reader for every stage (pipeline.schema)


def num_key(v: Any) -> float | None:
    """Value as a comparable number (float noise from Parquet rounded away)."""
    v = clean(v)
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else round(f, 6)


def to_bool(v: Any) -> bool:
    v = clean(v)
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes")
    return bool(v) if v is not None else False


def value_key(row: dict) -> tuple:
    return (num_key(row.get("value")), num_key(row.get("value_min")), num_key(row.get("value_max")))


def claim_records(claims: pd.DataFrame) -> list[dict]:
    """Claims as plain dicts with missing values as None and is_target as bool."""
    missing = [c for c in ("claim_id", "doc_id", "indicator", "value") if c not in claims.columns]
    if missing:
        raise ValueError(f"claims table lacks column(s) {', '.join(missing)}")
    rows = []
    for rec in claims.to_dict("records"):
        row = {k: clean(rec.get(k)) for k in CLAIM_FIELDS}
        row["is_target"] = to_bool(row.get("is_target"))
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- same fact?


def _place_compatible(a: dict, b: dict) -> bool:
    shared = False
    for field in ("org", "province"):
        x, y = norm_name(a.get(field)), norm_name(b.get(field))
        if x is not None and y is not None:
            if x != y:
                return False
            shared = True
    if shared:
        return True
    # Nothing known on both sides: same only if both know nothing at all.
    return all(norm_name(r.get(f)) is None for r in (a, b) for f in ("org", "province"))


def period_of(row: dict) -> tuple[date | None, date | None]:
    return parse_date(row.get("period_start")), parse_date(row.get("period_end"))


def periods_overlap(a: dict, b: dict) -> bool:
    (s1, e1), (s2, e2) = period_of(a), period_of(b)
    if None in (s1, e1, s2, e2):
        return False
    return s1 <= e2 and s2 <= e1


def _period_compatible(a: dict, b: dict) -> bool:
    ka, kb = None not in period_of(a), None not in period_of(b)
    if ka and kb:
        return periods_overlap(a, b)
    if not ka and not kb:
        return True
    known, loose = (a, b) if ka else (b, a)
    s, e = period_of(known)
    pub = parse_date(loose.get("published"))
    return pub is not None and s <= pub <= e + REPRINT_LAG


def same_fact(a: dict, b: dict) -> bool:
    """The dedup rule (module docstring), for two claims already in the same block. Claims from copies
    of one text (a text dump and its HTML page) are the same source, whatever each copy knew of its site."""
    same_story = a.get("_story") is not None and a.get("_story") == b.get("_story")
    return (same_story or _place_compatible(a, b)) and _period_compatible(a, b)


def story_ids(articles: pd.DataFrame | None) -> dict[str, str]:
    """doc_id → one id shared by all articles with exactly the same text."""
    if articles is None or articles.empty or "doc_id" not in articles.columns or "text" not in articles.columns:
        return {}
    out = {}
    for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True):
        text = clean(text)
        if text and str(text).strip():
            out[str(doc_id)] = stable_id("story", text, length=24)
    return out


def _components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _most_common(values: Iterable[Any]) -> Any:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    counts = Counter(vals)
    best = max(counts.values())
    return next(v for v in vals if counts[v] == best)  # first seen among the most common


def _join(values: Iterable[Any]) -> str:
    seen: dict[str, None] = {}
    for v in values:
        if v is not None and str(v) != "":
            seen.setdefault(str(v), None)
    return ";".join(seen)


# --------------------------------------------------------------------------- facts


def build_facts(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per distinct fact with all its sources (columns FACT_COLUMNS). With `articles`, claims
    from copies of the same text merge even when only one copy knows its org/province."""
    rows = claim_records(claims)
    stories = story_ids(articles)
    for r in rows:
        r["_story"] = stories.get(r["doc_id"])
    blocks: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        key = (r["indicator"], r.get("unit"), r["is_target"], r.get("qualifier"), value_key(r))
        blocks.setdefault(key, []).append(i)
    out: list[dict] = []
    for members in blocks.values():
        # Blocks are small (same indicator and value), so comparing all pairs is cheap.
        edges = [
            (x, y) for k, x in enumerate(members) for y in members[k + 1:] if same_fact(rows[x], rows[y])
        ]
        local = {m: k for k, m in enumerate(members)}
        for comp in _components(len(members), ((local[x], local[y]) for x, y in edges)):
            out.append(_fact_row([rows[members[k]] for k in comp]))
    seen: Counter = Counter()
    for f in out:  # disconnected groups that summarise alike still get distinct ids
        seen[f["fact_id"]] += 1
        if seen[f["fact_id"]] > 1:
            f["fact_id"] = stable_id(f["fact_id"], min(f["claim_ids"].split(";")))
    df = pd.DataFrame(out, columns=list(FACT_COLUMNS))
    if not df.empty:
        df = df.sort_values(["indicator", "province", "org", "period_start", "is_target", "value"],
                            na_position="last", kind="stable").reset_index(drop=True)
    return df


def _fact_row(group: list[dict]) -> dict:
    group = sorted(group, key=lambda r: (r.get("published") or "9999", r["doc_id"], r.get("start") or 0))
    first = group[0]
    periods = [(r.get("period_start"), r.get("period_end")) for r in group if None not in period_of(r)]
    p_start, p_end = _most_common(periods) or (None, None)
    p_text = _most_common(
        r.get("period_text") for r in group if (r.get("period_start"), r.get("period_end")) == (p_start, p_end)
    ) if periods else _most_common(r.get("period_text") for r in group)
    org = _most_common(r.get("org") for r in group)
    province = _most_common(r.get("province") for r in group)
    published = sorted(r["published"] for r in group if r.get("published"))
    vk = value_key(first)
    return {
        "fact_id": stable_id("fact", first["indicator"], first["is_target"], first.get("qualifier"), vk,
                             norm_name(province), norm_name(org), p_start, p_end),
        "indicator": first["indicator"],
        "is_target": first["is_target"],
        "value": vk[0], "value_min": vk[1], "value_max": vk[2],
        "unit": first.get("unit"),
        "qualifier": first.get("qualifier"),
        "org": org, "province": province,
        "period_text": p_text, "period_start": p_start, "period_end": p_end,
        "n_sources": len({r["doc_id"] for r in group}),
        "n_sites": len({r.get("site") for r in group if r.get("site")}),
        "first_published": published[0] if published else None,
        "last_published": published[-1] if published else None,
        "doc_ids": _join(r["doc_id"] for r in group),
        "urls": _join(r.get("url") for r in group),
        "sites": _join(r.get("site") for r in group),
        "claim_ids": _join(r["claim_id"] for r in group),
        "quote": first.get("quote"),
        "confidence": max(float(r.get("confidence") or 0.0) for r in group),
    }


# --------------------------------------------------------------------------- panel


def period_label(start: date | None, end: date | None) -> str | None:
    """Readable label: 2021, 2022-H1, 2022-Q3, 2022-06, or start..end."""
    if start is None or end is None:
        return None
    if start == end:
        return start.isoformat()  # a stock at a date: "ngày 10/10/2006"
    last_day = (date(end.year + (end.month == 12), end.month % 12 + 1, 1) - timedelta(days=1)).day
    whole_months = start.day == 1 and end.day == last_day
    if whole_months and start.year == end.year:
        if (start.month, end.month) == (1, 12):
            return str(start.year)
        if (start.month, end.month) in ((1, 6), (7, 12)):
            return f"{start.year}-H{1 if start.month == 1 else 2}"
        if end.month - start.month == 2 and start.month % 3 == 1:
            return f"{start.year}-Q{(start.month + 2) // 3}"
        if start.month == end.month:
            return f"{start.year}-{start.month:02d}"
    if whole_months and (start.month, end.month) == (1, 12):
        return f"{start.year}–{end.year}"
    return f"{start.isoformat()}..{end.isoformat()}"


def period_months(start: date | None, end: date | None) -> float | None:
    if start is None or end is None:
        return None
    return round(((end - start).days + 1) / (365.25 / 12), 1)


def is_province_wide(org: Any) -> bool:
    """The province/city federation itself (LĐLĐ tỉnh X, Liên đoàn Lao động thành phố Y)."""
    o = clean(org)
    return bool(o) and bool(_PROVINCE_WIDE.match(" ".join(str(o).split())))


def _fmt_value(f: dict) -> str:
    if f.get("value") is not None:
        v = f["value"]
        return f"{int(v)}" if float(v).is_integer() else f"{v}"
    return f"{f.get('value_min')}–{f.get('value_max')}"


def _unit_after_merger(province: Any) -> str | None:
    """The post-July-2025 unit a province belongs to, so one time series can span the merger."""
    if not province:
        return None
    try:
        return geo.province_after_2025(str(province))
    except ValueError:
        return None


def build_panel(facts: pd.DataFrame) -> pd.DataFrame:
    """Province × period × indicator, achievements and targets apart (columns PANEL_COLUMNS)."""
    cells: dict[tuple, list[dict]] = {}
    for rec in facts.to_dict("records"):
        f = {k: clean(v) for k, v in rec.items()}
        f["is_target"] = to_bool(f.get("is_target"))
        if parse_date(f.get("period_start")) is None or parse_date(f.get("period_end")) is None:
            continue  # undated figures have no place on a time axis; they stay in the facts table
        key = (f.get("province"), f["indicator"], f["is_target"], f.get("period_start"), f.get("period_end"))
        cells.setdefault(key, []).append(f)
    out = []
    for (province, indicator, is_target, p_start, p_end), group in cells.items():
        # Province federation first, then the best-sourced figure, then the largest: among one body's
        # figures for one period the total is at least each of its parts.
        group.sort(key=lambda f: (not is_province_wide(f.get("org")), -int(f.get("n_sources") or 0),
                                  -float(f.get("value") if f.get("value") is not None else f.get("value_max") or 0),
                                  f.get("first_published") or "9999", f["fact_id"]))
        best = group[0]
        s, e = parse_date(p_start), parse_date(p_end)
        out.append({
            "province": province, "province_2025": _unit_after_merger(province),
            "indicator": indicator, "unit": best.get("unit"),
            "kind": "target" if is_target else "achievement", "is_target": is_target,
            "period_start": p_start, "period_end": p_end, "period_label": period_label(s, e),
            "period_months": period_months(s, e), "year": e.year if e else None,
            "value": best.get("value"), "value_min": best.get("value_min"), "value_max": best.get("value_max"),
            "qualifier": best.get("qualifier"), "org": best.get("org"),
            "n_facts": len(group), "n_sources": sum(int(f.get("n_sources") or 0) for f in group),
            "fact_ids": ";".join(f["fact_id"] for f in group),
            "other_values": "; ".join(f"{f.get('org') or '?'}: {_fmt_value(f)}" for f in group[1:]) or None,
        })
    df = pd.DataFrame(out, columns=list(PANEL_COLUMNS))
    if not df.empty:
        df["year"] = df["year"].astype("Int64")
        df = df.sort_values(["province", "indicator", "is_target", "period_start"], na_position="last",
                            kind="stable").reset_index(drop=True)
    return df


# --------------------------------------------------------------------------- I/O edge


@dataclass
class DatasetCounts:
    claims: int
    facts: int
    multi_source_facts: int
    panel_rows: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def build_dataset(claims: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The fact table, the panel, and a few counts for the run summary."""
    facts = build_facts(claims, articles)
    panel = build_panel(facts)
    counts = DatasetCounts(
        claims=len(claims), facts=len(facts),
        multi_source_facts=int((facts["n_sources"] > 1).sum()) if len(facts) else 0,
        panel_rows=len(panel),
    ).as_dict()
    return facts, panel, counts
