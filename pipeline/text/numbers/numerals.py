"""Digit numerals and the scale words after them: "1.541.158.000", "12,5 triệu", "2 triệu 500 nghìn",
"3 triệu rưỡi" (the numerals half of the number grammar, pipeline/numbers.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .lexicon import _COMPONENT, _CUR, _H, _NOUN_AFTER, _NUM, _PCT, _RUOI, _SCALE, _SCALES, _THOUSANDS_TAIL

# Thousands grouped with spaces ("730 000 đoàn viên", "1 200 000 đồng"): a head of one to three digits, then
# groups of exactly three, each after a single space, the last not glued to more digits or a separator.
_SPACE_GROUP = re.compile(rf"{_H}([0-9]{{3}})(?![0-9]|[.,/:\-][0-9])")
# What must follow a space-grouped number for it to be one amount: a currency, a scale word or a noun of
# people or things ("0912 345 678", "năm 2020 150 …" and "ngày 12 500 …" never reach here: see _spaced).
_SPACED_NOUN = re.compile(rf"{_H}+(?:đvcđ|đv|cđv|đoàn viên)(?!\w)", re.I)


def _grouped(s: str, sep: str) -> bool:
    """"1.541.158" with sep ".": a first group of 1-3 digits, then groups of exactly three."""
    groups = s.split(sep)
    head = groups[0]
    if not 1 <= len(head) <= 3 or (len(head) > 1 and head[0] == "0"):
        return False
    return all(len(g) == 3 for g in groups[1:])


def _numeral(raw: str, scaled: bool) -> Decimal | None:
    """Value of one digit numeral, or None when it is not a well-formed number (dot dates, codes).

    `scaled`: a scale word or % follows, which settles "1,250 tỷ" (decimal) against "1,250" (thousands)."""
    has_dot, has_comma = "." in raw, "," in raw
    if not has_dot and not has_comma:
        if len(raw) >= 4 and raw[0] == "0":
            return None  # "0912", "02063": phone and code fragments
        return Decimal(raw)
    if has_dot and has_comma:  # the last separator is the decimal mark: "1.130,5", "1,130.5"
        dec = "," if raw.rfind(",") > raw.rfind(".") else "."
        th = "." if dec == "," else ","
        int_part, _, frac = raw.rpartition(dec)
        if dec in int_part or not _grouped(int_part, th):
            return None
        return Decimal(int_part.replace(th, "") + "." + frac)
    sep = "." if has_dot else ","
    groups = raw.split(sep)
    if len(groups) == 2:
        head, tail = groups
        if sep == ",":
            if len(tail) == 3 and not scaled and _grouped(raw, ","):
                return Decimal(head + tail)  # "3,766" views, "11,353": English thousands
            return Decimal(head + "." + tail)  # "12,5", "190,7", "1,250 tỷ"
        if _grouped(raw, "."):
            return Decimal(head + tail)
        if scaled and len(tail) <= 2:
            return Decimal(raw)  # "1.5 triệu", "2.5%": English decimal point before a scale or %
        return None  # "28.7": a day and month
    if _grouped(raw, sep):
        return Decimal(raw.replace(sep, ""))
    return None  # "31.12.2016", "0912.345.678"


@dataclass
class _Op:
    """One operand: a numeral with its scale words, before any currency."""

    value: Decimal
    start: int
    end: int
    mant: Decimal  # the first numeral, unscaled ("3" in "3 triệu")
    scale: int  # its scale when the operand is a plain "N scale", else 1
    words: bool = False
    vnd: bool = False  # the scale word carried the currency: "trđ"


def _apply_scales(t: str, pos: int, first: Decimal) -> tuple[Decimal, int, int, bool]:
    """Scale words after a numeral: "1,6 tỷ", "23.000 tỷ", "2 nghìn tỷ", "2 triệu 500 nghìn",
    "3 triệu rưỡi". Returns (value, end, scale of a plain "N scale" or 1, currency-in-scale)."""
    sm = _SCALE.match(t, pos)
    if sm is None:
        return first, pos, 1, False
    total, group = Decimal(0), first
    max_s = last_s = 0
    end, n_scales, vnd = pos, 0, False
    while sm is not None:
        word = sm.group(1).lower()
        s = _SCALES[word]
        if s > max_s:  # "2 nghìn tỷ": a bigger scale multiplies everything before it
            total, max_s = (total + group) * s, s
        elif s < last_s and group * s < last_s:
            total += group * s
        else:
            break
        last_s, group, end = s, Decimal(0), sm.end()
        n_scales += 1
        vnd = vnd or word in ("trđ", "tr.đ")
        rm = _RUOI.match(t, end)
        if rm:
            total += Decimal(last_s) / 2
            end = rm.end()
            break
        sm = _SCALE.match(t, end)
        if sm is not None:
            continue
        cm = _COMPONENT.match(t, end)
        if cm is None:
            break
        v = _numeral(cm.group(1), True)
        if v is None:
            break
        group = v
        sm = _SCALE.match(t, cm.end(1))
    if last_s == 1000 and not vnd and (tail := _THOUSANDS_TAIL.match(t, end)) is not None:
        total, end, n_scales = total + Decimal(tail.group(1)), tail.end(1), n_scales + 1
    simple = n_scales == 1 and total == first * last_s
    return total, end, (last_s if simple else 1), vnd



def _spaced(t: str, raw: str, end: int) -> tuple[Decimal, int] | None:
    """"730 000", "1 200 000": the value and end of a number whose thousands are grouped with spaces, when
    an amount's unit or a counted noun follows it. A year, a phone number with its leading zero, or a
    head of more than three digits is never the start of one."""
    if not raw.isdigit() or not 1 <= len(raw) <= 3 or (len(raw) > 1 and raw[0] == "0"):
        return None
    digits, pos = raw, end
    while (g := _SPACE_GROUP.match(t, pos)) is not None:
        digits, pos = digits + g.group(1), g.end()
    if pos == end:
        return None
    if not (_CUR.match(t, pos) or _SCALE.match(t, pos) or _NOUN_AFTER.match(t, pos) or _SPACED_NOUN.match(t, pos)):
        return None
    return Decimal(digits), pos


def _digit_operand(t: str, p: int) -> _Op | None:
    m = _NUM.match(t, p)
    assert m is not None
    spaced = _spaced(t, m.group(), m.end())
    if spaced is not None:
        v, e = spaced
        value, end, scale, vnd = _apply_scales(t, e, v)
        return _Op(value, p, end, v, scale, vnd=vnd)
    scaled = _SCALE.match(t, m.end()) is not None or _PCT.match(t, m.end()) is not None
    v = _numeral(m.group(), scaled)
    if v is None:
        return None
    value, end, scale, vnd = _apply_scales(t, m.end(), v)
    return _Op(value, p, end, v, scale, vnd=vnd)
