"""The Vietnamese number grammar: every quantity in a sentence, with its value, unit, hedge and span.

Vietnamese writes "1.541.158.000đ" (dot = thousands), "12,5 triệu đồng" (comma = decimal mark),
"gần 23.000 tỷ đồng", "2 triệu 500 nghìn", "Ba mươi triệu sáu trăm năm mươi nghìn đồng", and news pages
are full of numbers that are not quantities: dates ("27/08/2022", "28.7", "4-9-2020"), years, document
numbers ("02-NQ/TW", "Kế hoạch số 94"), ordinals ("lần thứ 13", "Kỳ 2"), addresses, phones and
programme names. `find_quantities` recognises the first kind and skips the second in one left-to-right
pass over compiled patterns; the extractor decides which quantities are claims.

Values are computed with Decimal and returned as float, so "1,6 tỷ" is exactly 1600000000.0.

The grammar is split by concern: numbers_lexicon (shared vocabulary and patterns), numbers_numerals
(digits and scale words), numbers_words (number words), numbers_hedges, numbers_ranges, numbers_units
(currency, percent, rates), numbers_context (spans with no quantity, labels, dates) and numbers_scan (the
step at each digit or number word). This module keeps the public API.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ...records import Quantity
from ..normalize import OffsetMap, normalize_with_map
from .context import _Scanner
from .lexicon import _CUR, _PCT, _START, USD
from .numerals import _digit_operand
from .scan import _at_digit, _at_word, _Rec
from .words import _WTOK, _word_operand, spell_vi

__all__ = ["find_quantities", "parse_number", "format_vi", "spell_vi", "USD"]

# Characters that only the full normaliser handles: zero-width and soft hyphen, BOM, look-alikes of Đ.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u00d0\u00f0\u0189]")


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity the grammar recognises in `text`, in order and non-overlapping (see module doc)."""
    t, omap = _prepare(text)
    sc = _Scanner(t)
    out: list[_Rec] = []
    pos = 0
    n = len(t)
    while pos < n:
        m = _START.search(t, pos)
        if m is None:
            break
        p = m.start()
        until = sc.blocked_until(p)
        if until >= 0:
            pos = max(until, p + 1)
            continue
        q, resume = (_at_digit if m.group("d") else _at_word)(sc, p)
        if q is not None:
            out.append(q)
            sc.prev_end = q.end
        pos = max(resume, p + 1)
    return [_to_quantity(text, r, omap) for r in out]


def _to_quantity(text: str, r: _Rec, omap: OffsetMap | None) -> Quantity:
    start, end, nstart, nend = r.start, r.end, r.number_start, r.number_end
    if omap is not None:
        conv = omap.to_original
        start, end, nstart, nend = conv(start), conv(end), conv(nstart), conv(nend)
    return Quantity(
        value=r.value, value_min=r.value_min, value_max=r.value_max, unit=r.unit, qualifier=r.qualifier,
        start=start, end=end, text=text[start:end], number_start=nstart, number_end=nend,
        denominator=r.denominator, kind=r.kind, per=r.per,
    )


def _prepare(text: str) -> tuple[str, OffsetMap | None]:
    """NFC text to scan, and an offset map back to `text` when normalising changed lengths."""
    if text.isascii() or (unicodedata.is_normalized("NFC", text) and not _ZERO_WIDTH.search(text)):
        return text, None
    norm, omap = normalize_with_map(text)
    return norm, omap


# --------------------------------------------------------------------------- public helpers


def parse_number(s: str) -> float | None:
    """One numeral with optional scale words: "1.130" 1130, "1,6 tỷ" 1.6e9, "2 triệu 500 nghìn",
    "một trăm hai mươi lăm" 125. A trailing currency or % is allowed; anything else gives None."""
    t = _prepare(s)[0].strip()
    if not t:
        return None
    if t[0].isdigit():
        op = _digit_operand(t, 0)
    elif _WTOK.match(t):
        op = _word_operand(t, 0)
    else:
        return None
    if op is None:
        return None
    end = op.end
    if not op.vnd:
        cm = _CUR.match(t, end) or _PCT.match(t, end)
        if cm:
            end = cm.end()
    return float(op.value) if t[end:].strip() == "" else None


def format_vi(n: float | int | Decimal, decimals: int | None = None) -> str:
    """Vietnamese number formatting: "." between thousands, "," before decimals (1.541.158.000; 12,5).
    `decimals=None` writes as many decimals as the number needs."""
    d = Decimal(str(n)) if not isinstance(n, Decimal) else n
    if decimals is None:
        s = format(d.normalize(), "f") if d != d.to_integral_value() else format(d.to_integral_value(), "f")
    else:
        s = format(d.quantize(Decimal(1).scaleb(-decimals)) if decimals else d.to_integral_value(), "f")
    sign = "-" if s.startswith("-") else ""
    s = s.lstrip("-")
    int_part, _, frac = s.partition(".")
    groups = []
    while len(int_part) > 3:
        groups.insert(0, int_part[-3:])
        int_part = int_part[:-3]
    groups.insert(0, int_part)
    out = sign + ".".join(groups)
    return out + ("," + frac if frac else "")

