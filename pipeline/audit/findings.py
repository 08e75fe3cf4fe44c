"""The audit's record (`Finding`), its settings, and how findings word values, periods and bodies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..records import PERCENT, VND, stable_id
from ..schema import TABLES

AUDIT_COLUMNS: tuple[str, ...] = TABLES["audit"].names
SEVERITIES = ("info", "warning", "error")

# The checks' thresholds live in pipeline.settings.AuditSettings (overridable in unionclaims.toml).


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


def _finding_for_doc(check: str, severity: str, art: dict, claims: list[dict], values: list[str], vi: str,
                     en: str) -> Finding:
    return Finding(check=check, severity=severity, message_vi=vi, message_en=en, doc_ids=[art["doc_id"]],
                   urls=[art.get("url")] if art.get("url") else [], claim_ids=[c["claim_id"] for c in claims],
                   values=values)


def _where(art: dict) -> tuple[str, str]:
    title = (art.get("title") or art.get("url") or art["doc_id"]).strip()
    return f"Bài “{title}”", f"Article “{title}”"


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


def stock_indicators() -> frozenset[str]:
    """Indicators that count a stock at a point in time rather than a flow over a period (`stock = true`
    in their rule file)."""
    from ..extract.indicators import indicators_where

    return indicators_where(lambda ind: ind.stock)


def money_indicators() -> frozenset[str]:
    """Indicators counted in money (`unit = "VND"` in their rule file)."""
    from ..extract.indicators import indicators_where

    return indicators_where(lambda ind: ind.money)


def indicator_label(name: str, lang: str = "vi") -> str:
    try:
        from ..extract.indicators import default_ruleset

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
