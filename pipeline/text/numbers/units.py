"""Units of the number grammar (pipeline/numbers.py): the currency or percent sign after a number and
the per-unit of a rate ("đồng/1 bản", "triệu đồng/người", "01 ngày lương/01 đoàn viên", "cuốn/kỳ/quý")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...records import PERCENT, VND
from .lexicon import (
    _COMRADES,
    _CUR,
    _DONG_TYPO,
    _NEXT_WORD,
    _PCT,
    _PER_BIGRAMS,
    _RATE_AFTER_NOUN,
    _RATE_AFTER_UNIT,
    USD,
)

if TYPE_CHECKING:
    from .numerals import _Op


def _rate_after(t: str, end: int, unit: str | None) -> tuple[str | None, int]:
    """What the amount ending at `end` is per, and where the rate ends (its "/1 bản" holds no quantity
    of its own); (None, end) when it is no rate."""
    if unit in (VND, USD):
        rm = _RATE_AFTER_UNIT.match(t, end)
        if rm and _lower_word(rm.group(1)):
            return _per_text(t, rm), rm.end()
    elif unit is None:
        rm = _RATE_AFTER_UNIT.match(t, end)  # "1.000/tháng"
        if rm and _lower_word(rm.group(1)):
            return _per_text(t, rm), rm.end()
        rm = _RATE_AFTER_NOUN.match(t, end)
        if rm and rm.group(1)[0].islower() and _lower_word(rm.group(2)) and not _COMRADES.match(t, end):
            return _per_text(t, rm, 2), rm.end()
    return None, end


def _unit_at(t: str, pos: int, op: _Op) -> tuple[str, int] | None:
    pm = _PCT.match(t, pos)
    if pm:
        return PERCENT, pm.end()
    cm = _CUR.match(t, pos)
    if cm:
        return (VND if cm.group("vnd") else USD), cm.end()
    if op.scale > 1 or op.value != op.mant:
        dm = _DONG_TYPO.match(t, pos)
        if dm and not op.words:
            return VND, dm.end()
    return None


def _lower_word(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and letters[0].islower()


def _per_text(t: str, m: re.Match[str], g: int = 1) -> str:
    per = m.group(g)
    nw = _NEXT_WORD.match(t, m.end(g))
    if nw:
        last = re.split(r"[\s/]+", per)[-1].lower()
        if f"{last} {nw.group(1).lower()}" in _PER_BIGRAMS:
            per = per + " " + nw.group(1)
    return re.sub(r"\s+", " ", per)
