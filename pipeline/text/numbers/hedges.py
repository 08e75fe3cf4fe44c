"""Hedges of the number grammar (pipeline/numbers.py): the words before a number that make it a lower
bound ("trên", "hơn", "ít nhất"), an upper bound ("dưới", "không quá", "ít hơn", "tối đa"), an estimate
("khoảng", "gần"), and the thresholds after it ("từ 20 LĐ trở lên", "từ 7.000 đồng trở xuống")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...records import APPROX, APPROX_BELOW, AT_LEAST, AT_MOST, EXACT
from .lexicon import _H, _L, _TU_BEFORE, _alt

if TYPE_CHECKING:
    from .context import _Scanner

# Hedge words just before the number. The earliest start wins, so "trên dưới" beats "dưới", "không ít
# hơn" beats "ít hơn" and "không cao hơn" beats "hơn".
_HEDGES = {
    "trên dưới": APPROX, "ít nhất là": AT_LEAST, "ít nhất": AT_LEAST, "tối thiểu": AT_LEAST,
    "không dưới": AT_LEAST, "không ít hơn": AT_LEAST, "không thấp hơn": AT_LEAST, "hơn": AT_LEAST,
    "trên": AT_LEAST,
    "dưới": AT_MOST, "ít hơn": AT_MOST, "không quá": AT_MOST, "không vượt quá": AT_MOST, "tối đa": AT_MOST,
    "không hơn": AT_MOST, "không cao hơn": AT_MOST, "không nhiều hơn": AT_MOST, "không tới": AT_MOST,
    "không đến": AT_MOST,
    "gần như": APPROX_BELOW, "gần": APPROX_BELOW, "ngót": APPROX_BELOW, "chưa đến": APPROX_BELOW,
    "chưa tới": APPROX_BELOW,
    "khoảng chừng": APPROX, "khoảng": APPROX, "xấp xỉ": APPROX, "chừng": APPROX, "ước tính": APPROX,
    "ước khoảng": APPROX, "ước": APPROX, "tầm": APPROX, "độ": APPROX,
}
_HEDGE_BEFORE = re.compile(rf"(?<!\w)({_alt(list(_HEDGES))}){_H}*$", re.I)
_HEDGE_KEYS = {re.sub(r"\s+", " ", k): v for k, v in _HEDGES.items()}
# "độ" is a hedge ("độ 50 người") except at the end of a compound: "nhiệt độ 30", "trình độ 12/12".
_DO_OK_BEFORE = {"có", "chỉ", "vào", "được", "là", "khoảng", "tầm"}
# Thresholds after the number: "50 trở lên" (and more), "7.000 đồng trở xuống" (and less).
_TRO_LEN = re.compile(rf"((?:{_H}+{_L}+){{0,5}}?){_H}+trở{_H}+(lên|xuống)(?!\w)", re.I)
_THRESHOLDS = {"lên": AT_LEAST, "xuống": AT_MOST}
# Words that open a range before its first number: "từ 8.000 – 11.000", "giữa 1.000 và 2.000".
_RANGE_OPEN = re.compile(rf"(?<!\w)(?:từ|giữa){_H}*$", re.I)


def hedge_ends(text: str, p: int) -> bool:
    """Whether a hedge word ("gần", "hơn", "khoảng", …) ends `text` just before `p`."""
    return _HEDGE_BEFORE.search(text, max(0, p - 24), p) is not None


def _hedge(sc: _Scanner, p: int) -> tuple[str, int] | None:
    """The hedge word that ends just before p: (qualifier, its start), or None."""
    before = sc.before(p, 24)
    hm = _HEDGE_BEFORE.search(before)
    if hm is None:
        return None
    word = re.sub(r"\s+", " ", hm.group(1).lower())
    start = p - (len(before) - hm.start())
    if word == "độ":
        pw = re.search(rf"({_L}+){_H}+$", before[: hm.start()])
        if pw and pw.group(1).lower() not in _DO_OK_BEFORE:
            return None
    return _HEDGE_KEYS[word], start


def _qualify(sc: _Scanner, p: int, end: int, is_range: bool, is_rate: bool) -> tuple[str, int, int]:
    """Qualifier and the quantity's (start, end) around the number at p..end: "từ" opens a range
    ("từ 8.000 – 11.000") and a threshold ("từ 20 LĐ trở lên"), "giữa" a range ("giữa 1.000 và 2.000");
    a hedge word may precede either."""
    t = sc.t
    start = p
    before8 = sc.before(p, 8)
    tl = None if is_range or is_rate else _TRO_LEN.match(t, end)
    tm = (_RANGE_OPEN if is_range else _TU_BEFORE).search(before8)
    if tm is not None and (is_range or tl is not None):
        start = p - (len(before8) - tm.start())
    qual = EXACT
    hedge = _hedge(sc, start)
    if hedge is not None:
        qual, start = hedge
    if tl is not None:
        qual = _THRESHOLDS[tl.group(2).lower()]
        if not tl.group(1):
            end = tl.end()  # "50 trở lên": the hedge is part of the quantity
    return qual, start, end
