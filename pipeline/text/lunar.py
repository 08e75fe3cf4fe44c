"""The Vietnamese lunar calendar (UTC+7): lunar dates to solar ones, Tết, can-chi years; used by
pipeline.text.periods for "Tết Quý Mão", "rằm tháng Giêng", "Tết Trung thu"."""

from __future__ import annotations

import math
from datetime import date, timedelta

from .normalize import normalize_text

# --------------------------------------------------------------------------- Vietnamese lunar calendar
# Ho Ngoc Duc's algorithm (public, widely used for the Vietnamese calendar), at UTC+7.

_TZ = 7.0


def _jdn(d: date) -> int:
    return d.toordinal() + 1721425


def _from_jdn(jd: int) -> date:
    return date.fromordinal(jd - 1721425)


def _new_moon(k: int) -> float:
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 -= 0.4068 * math.sin(mpr * dr) - 0.0161 * math.sin(dr * 2 * mpr)
    c1 -= 0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 -= 0.0074 * math.sin(dr * (m - mpr)) - 0.0004 * math.sin(dr * (2 * f + m))
    c1 -= 0.0004 * math.sin(dr * (2 * f - m)) + 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        deltat = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        deltat = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - deltat


def _new_moon_day(k: int) -> int:
    return int(_new_moon(k) + 0.5 + _TZ / 24)


def _sun_sector(jdn: int) -> int:
    """Which 30° sector of the ecliptic the sun is in at local midnight starting day `jdn` (0..11)."""
    t = (jdn - 2451545.5 - _TZ / 24) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    lon = (l0 + dl) * dr
    lon -= math.pi * 2 * math.floor(lon / (math.pi * 2))  # floor, not int(): T < 0 before 2000
    return int(lon / math.pi * 6)


def _lunar_month11(year: int) -> int:
    """JDN of the first day of lunar month 11 (the month containing the winter solstice) of `year`."""
    off = _jdn(date(year, 12, 31)) - 2415021
    k = int(off / 29.530588853)
    nm = _new_moon_day(k)
    if _sun_sector(nm) >= 9:
        nm = _new_moon_day(k - 1)
    return nm


def _leap_month_offset(a11: int) -> int:
    k = int((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            break
    return i - 1


def lunar_to_solar(day: int, month: int, year: int, leap: bool = False) -> date | None:
    """Gregorian date of a Vietnamese lunar date; None for a leap month that the year doesn't have."""
    if month < 11:
        a11, b11 = _lunar_month11(year - 1), _lunar_month11(year)
    else:
        a11, b11 = _lunar_month11(year), _lunar_month11(year + 1)
    k = int(0.5 + (a11 - 2415021.076998695) / 29.530588853)
    off = month - 11
    if off < 0:
        off += 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11)
        leap_month = leap_off - 2
        if leap_month < 0:
            leap_month += 12
        if leap and month != leap_month:
            return None
        if leap or off >= leap_off:
            off += 1
    elif leap:
        return None
    return _from_jdn(_new_moon_day(k + off) + day - 1)


def tet_day(year: int) -> date:
    """Mùng 1 Tết (lunar new year's day) falling in Gregorian `year`."""
    d = lunar_to_solar(1, 1, year)
    assert d is not None
    return d


def tet_season(year: int) -> tuple[date, date]:
    """From the 1st of tháng Chạp before Tết to rằm tháng Giêng (Tết + 14 days)."""
    first = lunar_to_solar(1, 12, year - 1)
    assert first is not None
    return first, tet_day(year) + timedelta(days=14)


def canchi_year(name: str, near: int) -> int:
    """The Gregorian year (of its Tết) nearest `near` whose lunar year has the can-chi `name`."""
    cans = ["canh", "tân", "nhâm", "quý", "giáp", "ất", "bính", "đinh", "mậu", "kỷ"]  # year % 10
    chis = ["thân", "dậu", "tuất", "hợi", "tý", "sửu", "dần", "mão", "thìn", "tỵ", "ngọ", "mùi"]  # year % 12
    alias = {"tí": "tý", "tị": "tỵ", "mẹo": "mão"}
    can, chi = normalize_text(name).lower().split()
    chi = alias.get(chi, chi)
    ci, hi = cans.index(can), chis.index(chi)
    base = next(y for y in range(near - 30, near + 30) if y % 10 == ci and y % 12 == hi)
    return min((base, base + 60), key=lambda y: (abs(y - near), -y))
