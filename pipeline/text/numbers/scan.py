"""The scanner steps of the number grammar (pipeline/numbers.py): what a digit or a number word at a
position is (a quantity, or a date, year, document number, label or name to skip) and the quantity it
starts, with its range, unit, rate and hedge."""

from __future__ import annotations

import re
from typing import NamedTuple

from ...records import EXACT, PERCENT, VND
from .context import _date_cue, _label_before, _Scanner, _skip_word, _title_case
from .hedges import _hedge, _qualify
from .lexicon import (
    _ADDRESS_AFTER,
    _CHAIN,
    _CUR,
    _DATE_CUE_WEAK,
    _DOC_AFTER,
    _DOC_BEFORE,
    _GLUED_BEFORE,
    _GLUED_UNIT,
    _H,
    _HYPHEN_PART,
    _NEXT_WORD,
    _NOUN_AFTER,
    _NUM,
    _PCT,
    _RANGE_END,
    _RANGE_SEP,
    _SCALE,
    _SLASH_PART,
    _TIME_AFTER,
    _TU_BEFORE,
    _YEAR_CUE,
    _is_year,
    _valid_dm,
)
from .numerals import _digit_operand, _numeral, _Op
from .ranges import _range_after
from .units import _rate_after, _unit_at
from .words import _NGAY_MOT_BEFORE, _NOT_A_COUNT, _WTOK, _word_operand


class _Rec(NamedTuple):
    """A quantity with offsets into the scanned (normalised) text."""

    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str | None
    qualifier: str
    start: int
    end: int
    number_start: int
    number_end: int
    denominator: float | None
    kind: str
    per: str | None


# --------------------------------------------------------------------------- a digit


def _at_digit(sc: _Scanner, p: int) -> tuple[_Rec | None, int]:
    t = sc.t
    m = _NUM.match(t, p)
    assert m is not None
    raw, e = m.group(), m.end()
    before = sc.before(p)
    skip = _not_a_number(t, p, raw, e, before)
    if skip is not None:
        return None, skip
    money_after = _SCALE.match(t, e) is not None or _CUR.match(t, e) is not None
    # After a label the number names something ("lần thứ 13", "quận 3", "tháng 10 - 12"), unless money
    # or a percentage follows: "trao giải 500 triệu đồng", "cổ phần 30%".
    label = _label_before(sc, p) and not (money_after or _PCT.match(t, e))
    date_cue = _date_cue(before)
    sm = _SLASH_PART.match(t, e)
    if sm is not None:
        return _slashed(sc, p, raw, sm, label or bool(_DOC_BEFORE.search(before)), date_cue)
    hm = _HYPHEN_PART.match(t, e)
    if hm is not None:
        skip = _hyphen_date(sc, p, raw, hm, date_cue)
        if skip is not None:
            return None, skip
    if label or date_cue:
        rm = _RANGE_SEP.match(t, hm.end() if hm else e)
        if rm is not None and rm.end() < len(t) and t[rm.end()].isdigit():
            return None, _CHAIN.match(t, rm.end()).end()  # type: ignore[union-attr]  # "quý 1 - 2", "ngày 20 - 21/7"
        return None, hm.end() if hm else e
    if _DOC_BEFORE.search(before) and not (money_after or _PCT.match(t, e)):
        return None, e
    if _is_year(raw) and not (money_after or _PCT.match(t, e)) and (
        _YEAR_CUE.search(before) or not _NOUN_AFTER.match(t, e)
    ):
        # A year, and the second year of "2018 - 2023" after it.
        rm = _RANGE_SEP.match(t, e)
        if rm and _is_year(t[rm.end() : rm.end() + 4]) and not t[rm.end() + 4 : rm.end() + 5].isdigit():
            return None, rm.end() + 4
        return None, e
    op = _digit_operand(t, p)
    if op is None:
        return None, _skip_word(t, e)
    return _finish(sc, p, op)


def _not_a_number(t: str, p: int, raw: str, e: int, before: str) -> int | None:
    """Where to resume when the digits at p..e are glued to a word or a code, or number a list item."""
    # Glued to letters on the right ("6a/NQ", "10h16", "banner2019" is excluded by _START): not a number,
    # unless the letters are a scale word, a currency or a unit of measure.
    if (e < len(t) and (t[e].isalpha() or t[e] == "_")
            and not (_SCALE.match(t, e) or _CUR.match(t, e) or _GLUED_UNIT.match(t, e))):
        return _skip_word(t, e)
    if _GLUED_BEFORE.search(before):  # "Covid-19", "COVID – 19", "GMT+7"
        return _skip_word(t, e)
    if _TIME_AFTER.match(t, e) or _DOC_AFTER.match(t, e):  # "05:27"; "04/KH-TLĐ", "94-KH/TU", "68 /CĐCS"
        return _skip_word(t, e)
    # A list number at the start of a line: "1. Mục đích".
    ls = t.rfind("\n", 0, p) + 1
    if len(raw) <= 2 and raw.isdigit() and not t[ls:p].strip() and re.match(rf"[.)]({_H}|$)", t[e : e + 2]):
        return e + 1
    return None


# "thành lập công đoàn cơ sở được 3/7", "đạt 3/7": a count achieved against its plan, not a day and month.
_RESULT_BEFORE = re.compile(r"(?<!\w)(?:được|đạt)\s*$", re.IGNORECASE)


def _slashed(sc: _Scanner, p: int, raw: str, sm: re.Match[str], named: bool,
             date_cue: bool) -> tuple[_Rec | None, int]:
    """Slashed numbers: dates, month/year, fractions, codes. `named`: a label or a document type before."""
    t = sc.t
    before = sc.before(p)
    parts = [raw]
    end = sm.start()
    next_sm: re.Match[str] | None = sm
    while next_sm is not None and len(parts) < 4:
        parts.append(next_sm.group(1))
        end = next_sm.end()
        next_sm = _SLASH_PART.match(t, end)
    if len(parts) > 2 or named or _DOC_AFTER.match(t, end):
        return None, _skip_word(t, end)  # "12/6/2021", "145/2020/NĐ-CP"
    a, b = parts
    if _is_year(b) and (a.isdigit() and 1 <= int(a) <= 12 or _is_year(a)):
        return None, end  # "5/2023", "2015/2016"
    noun = _NOUN_AFTER.match(t, end)
    if a.isdigit() and b.isdigit() and _valid_dm(int(a), int(b)) and not (
        noun and not date_cue and not _DATE_CUE_WEAK.search(before)
    ) and not (_RESULT_BEFORE.search(before) and not date_cue):
        return None, end  # "12/12", "ngày 27/5"
    if _ADDRESS_AFTER.match(t, end):
        return None, end  # "67/16, khu phố Tân Phước"
    va, vb = _numeral(a, False), _numeral(b, False)
    if va is None or vb is None:
        return None, end
    hedge = _hedge(sc, p)
    start = hedge[1] if hedge else p
    return _Rec(float(va), None, None, None, hedge[0] if hedge else EXACT, start, end, p, end, float(vb),
                "fraction", None), end


def _hyphen_date(sc: _Scanner, p: int, raw: str, hm: re.Match[str], date_cue: bool) -> int | None:
    """Tight hyphens: "4-9-2020", "2015-2020", "20-11", "(1-5)" are dates (where to resume is returned);
    "8-10 người" is a range (None)."""
    t = sc.t
    h2 = _HYPHEN_PART.match(t, hm.end())
    if h2 is not None:
        return h2.end()
    b = hm.group(1)
    if _is_year(raw) and (_is_year(b) or (len(b) <= 2 and 1 <= int(b) <= 12)):
        return hm.end()
    if raw.isdigit() and _valid_dm(int(raw), int(b)) and (
        date_cue or int(raw) >= int(b)
        or not (_RANGE_END.match(t, hm.end()) or _CUR.match(t, hm.end()) or _TU_BEFORE.search(sc.before(p))
                or _hedge(sc, p))
    ):
        return hm.end()
    return None


# --------------------------------------------------------------------------- a number word


def _at_word(sc: _Scanner, p: int) -> tuple[_Rec | None, int]:
    t = sc.t
    wm = _WTOK.match(t, p)
    assert wm is not None
    w_end = wm.end()
    before = sc.before(p)
    if _label_before(sc, p) or _NOT_A_COUNT.match(t, p):
        return None, w_end
    if wm.group(1).lower() == "một" and _NGAY_MOT_BEFORE.search(before):
        return None, w_end
    # A title-case word before another title-case word is a name ("Ba Đình", "Hai Bà Trưng"); all-caps
    # headlines ("HAI ĐOÀN VIÊN") and acronyms ("Ba CĐCS") are not.
    if _title_case(wm.group(1)):
        nw = _NEXT_WORD.match(t, w_end)
        if nw and _title_case(nw.group(1)) and not _WTOK.fullmatch(nw.group(1)):
            return None, w_end
    op = _word_operand(t, p)
    if op is None:
        return None, w_end
    if (op.end == w_end and wm.group(1).lower() == "năm"
            and not (_NOUN_AFTER.match(t, w_end) or _CUR.match(t, w_end))):
        return None, w_end
    return _finish(sc, p, op)


# --------------------------------------------------------------------------- the quantity


def _finish(sc: _Scanner, p: int, op: _Op) -> tuple[_Rec | None, int]:
    """Range, currency, percent, rate and hedges around an operand starting at p."""
    t = sc.t
    unit: str | None = VND if op.vnd else None
    end = op.end
    cur = _unit_at(t, end, op)
    if cur:
        unit, end = cur
    rng = _range_after(sc, op, end, unit, cur is not None)
    if isinstance(rng, int):
        return None, rng
    if rng is not None:
        unit, end = rng.unit, rng.end
    # Per-unit rates: "đồng/1 bản", "triệu đồng/người", "01 ngày lương/01 đoàn viên", "cuốn/kỳ/quý".
    per, resume = _rate_after(t, end, unit)
    qual, start, end = _qualify(sc, p, end, rng is not None, per is not None)
    if per is not None:
        kind = "rate"
    elif unit == PERCENT:
        kind = "percent"
    elif rng is not None:
        kind = "range"
    elif op.words:
        kind = "words"
    else:
        kind = "number"
    if rng is not None:
        rec = _Rec(None, float(rng.lo), float(rng.last.value), unit, qual, start, end, p, rng.last.end, None,
                   kind, per)
    else:
        rec = _Rec(float(op.value), None, None, unit, qual, start, end, p, op.end, None, kind, per)
    return rec, max(end, resume)
