"""Ranges of the number grammar (pipeline/numbers.py): "8.000 – 11.000", "từ 2 - 3 triệu đồng",
"1000 đến 2000 đồng", "giữa 1.000 và 2.000 đồng", and the dashes that are no range at all ("20 - 21/7",
"65 - 67/16, khu phố")."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ...records import VND
from .lexicon import (
    _ADDRESS_RANGE,
    _CUR,
    _DAY_MONTH,
    _DOC_AFTER,
    _H,
    _HYPHEN_PART,
    _NOUN_AFTER,
    _NUM,
    _PCT,
    _RANGE_SEP,
    _SCALE,
    _SLASH_PART,
    _START,
    _TIME_AFTER,
    _is_year,
    _valid_dm,
)
from .numerals import _digit_operand
from .units import _unit_at
from .words import _WTOK, _word_operand

# "và" joins the two ends of a range only after "giữa" (between): "giữa 1.000 và 2.000 đồng"; elsewhere
# "1.000 và 2.000" are two quantities.
_BETWEEN_BEFORE = re.compile(rf"(?<!\w)giữa{_H}*$", re.I)
_AND_SEP = re.compile(rf"{_H}+và{_H}+", re.I)

if TYPE_CHECKING:
    from .context import _Scanner
    from .numerals import _Op


class _Range(NamedTuple):
    lo: Decimal
    last: _Op  # the upper end
    end: int
    unit: str | None


def _range_after(sc: _Scanner, op: _Op, end: int, unit: str | None, has_unit: bool) -> _Range | int | None:
    """The range that op opens, with a separator at `end` (op's end, past its unit). An int is where to
    resume when the separator shows the number is no quantity at all; None when there is no range."""
    t = sc.t
    rm = _RANGE_SEP.match(t, end)
    if rm is None and _BETWEEN_BEFORE.search(sc.before(op.start, 12)):
        rm = _AND_SEP.match(t, end)
    if rm is None:
        return None
    if _ADDRESS_RANGE.match(t, rm.end()):
        return rm.end()  # "(65 - 67/16, khu phố Tân Phước)": house numbers
    dm = _DAY_MONTH.match(t, rm.end())
    if dm and not op.words and op.value == op.mant and op.value <= 31 and _valid_dm(
            int(dm.group(1)), int(dm.group(2))):
        return dm.end()  # "20 - 21/7": a span of days
    op2 = _second_operand(sc, rm.end(), op.words)
    if op2 is None:
        return None
    lo = op.value
    if op.scale == 1 and op2.scale > 1 and op.mant < op2.mant and not has_unit:
        lo = op.mant * op2.scale  # "từ 2 - 3 triệu": the scale word serves both ends
    if lo >= op2.value:
        return None
    end = op2.end
    cur2 = _unit_at(t, end, op2)
    if cur2:
        unit, end = cur2
    elif op2.vnd:
        unit = VND
    return _Range(lo, op2, end, unit)


def _second_operand(sc: _Scanner, q: int, words: bool) -> _Op | None:
    t = sc.t
    if q >= len(t):
        return None
    if t[q].isdigit():
        m = _NUM.match(t, q)
        assert m is not None
        e = m.end()
        if _SLASH_PART.match(t, e) or _HYPHEN_PART.match(t, e) or _TIME_AFTER.match(t, e) or _DOC_AFTER.match(t, e):
            return None
        if e < len(t) and t[e].isalpha() and not (_SCALE.match(t, e) or _CUR.match(t, e)):
            return None
        # a year-like upper end is still a count before its noun: "kết nạp từ 1500- 2000 đoàn viên"
        if _is_year(m.group()) and not (_SCALE.match(t, e) or _PCT.match(t, e) or _CUR.match(t, e)
                                        or _NOUN_AFTER.match(t, e)):
            return None
        return _digit_operand(t, q)
    if words and _WTOK.match(t, q) and _START.match(t, q):
        return _word_operand(t, q)
    return None
