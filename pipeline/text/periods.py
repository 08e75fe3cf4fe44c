"""Period expressions: find them as written, and resolve them to ISO start/end dates.

`find_periods` returns the longest non-overlapping period expressions in a text, with offsets into
the text as given (NFD or new-style tones are matched through `normalize_with_map`).
`resolve_period` turns one expression into (start, end) ISO dates, using the publication date only
where the text is relative to it. It never invents a year: with no year in the text and no
publication date, a relative expression resolves to (None, None).

Conventions (documented because the text leaves them open):
- Rolling windows ("Trong 5 năm qua", "hơn một năm qua", "Qua một năm thực hiện", "Sau 7 tháng thành
  lập"): from the same calendar day N years/months before publication, to the publication date.
  "năm qua" alone is a rolling 12 months, not the previous calendar year. Explicit years win:
  "Trong 5 năm qua (2015-2020)" is 2015-01-01..2020-12-31.
- "Trong quý", "quý này", "Trong năm", "năm nay", "tháng này": the quarter/year/month *containing* the
  publication date (whole calendar unit, not cut at the publication date). "quý trước/vừa qua",
  "năm ngoái", "tháng trước/vừa qua" are the previous unit.
- A day and month without a year ("ngày 31-10", "Ngày 12/12"), or a month without a year
  ("tháng 5"), is the latest such date not after publication.
- Cut-offs ("Tính đến nay", "tính đến ngày 31-10", "đến năm 2018", "Kết thúc giai đoạn 1 (31/5/2022)")
  have no start: (None, end). "từ đầu năm đến nay" runs from 1 January of the publication year.
- Terms ("nhiệm kỳ 2018-2023", "giai đoạn 2021-2025") cover whole calendar years; "nhiệm kỳ qua"
  is the five years before publication (union terms are five years); a school year
  ("năm học 2020-2021") runs 1 September to 31 August; "năm học mới" published in July or August is the
  coming school year, otherwise the current one.
- "Tháng công nhân" (Workers' Month) is May of its year.
- Tết of a lunar year (Nguyên đán / cổ truyền, "Xuân Quý Mão") is the Tết season: from the first day
  of tháng Chạp (lunar month 12) to rằm tháng Giêng (15th day of lunar month 1), when unions run
  their Tết programmes. A can-chi name without a year is the occurrence nearest the publication year.
  "Tết Trung thu" is lunar 8/1 to 8/15. Lunar dates use the Vietnamese calendar (UTC+7).
- Recurring ("mỗi năm", "hằng năm") and event periods ("Dịp này", "Trong đợt này", "đợt 2") are found
  but resolve to (None, None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .lunar import canchi_year, lunar_to_solar, tet_day, tet_season
from .normalize import normalize_text, normalized_view

# The `kind` of a PeriodMention: which family of expression it is.
KINDS = (
    "range", "to_date", "cutoff", "rolling", "since", "months", "quarter", "month", "year", "school_year",
    "term", "workers_month", "tet", "mid_autumn", "date", "recurring", "event",
)


@dataclass(frozen=True)
class PeriodMention:
    """A period expression as written: its text, offsets in the input, and which rule found it."""

    text: str
    start: int
    end: int
    kind: str


# --------------------------------------------------------------------------- building blocks

_Y = r"(?:19|20)\d{2}"
_D = r"(?:0?[1-9]|[12]\d|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_SEP = r"\s*[/.\-]\s*"
_ROMAN = r"(?:IV|I{1,3}|[1-4])"
_DASH = r"\s*[-–—]\s*"
# Counts written as words; "năm" (five) is left out because it is also "year".
_NUM_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
    "mười": 10, "mười một": 11, "mười hai": 12, "nửa": 0,
}
_NUMW = r"(?:\d{1,2}|mười một|mười hai|một|hai|ba|bốn|sáu|bảy|tám|chín|mười)"
_CAN = r"(?:giáp|ất|bính|đinh|mậu|kỷ|canh|tân|nhâm|quý)"
_CHI = r"(?:tý|tí|sửu|dần|mão|mẹo|thìn|tỵ|tị|ngọ|mùi|thân|dậu|tuất|hợi)"
_CANCHI = rf"{_CAN}\s+{_CHI}"
_OPEN_Q = r"[“\"«‘']"
_CLOSE_Q = r"[”\"»’']"

# A point in time, used on either side of "từ … đến …" and after "đến".
_POINT = (
    rf"(?:ngày\s+{_D}\s+tháng\s+{_M}(?:\s+năm\s+{_Y})?"
    rf"|(?:ngày\s+)?{_D}{_SEP}{_M}{_SEP}{_Y}"
    rf"|ngày\s+{_D}{_SEP}{_M}"
    rf"|tháng\s+{_M}(?:\s*(?:/|-|\.|năm)\s*{_Y})?"
    rf"|quý\s+{_ROMAN}(?:\s*(?:/|-|năm)\s*{_Y})?"
    rf"|(?:đầu|cuối|giữa)\s+năm(?:\s+{_Y})?"
    rf"|năm\s+{_Y}"
    rf"|{_Y}"
    rf"|(?:ngày|khi)\s+thành\s+lập|đầu\s+nhiệm\s+kỳ)"
)
_NOW = r"(?:nay|hiện\s+nay|hiện\s+tại|thời\s+điểm\s+(?:này|hiện\s+tại))"
_PREFIX = r"(?:(?:trong|nhân|dịp|vào|suốt|riêng|cả)\s+)?"


# --------------------------------------------------------------------------- dates


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    return date(y, m + 1, min(d.day, _month_end(y, m + 1).day))


def _parse_published(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _num(word: str) -> int | None:
    w = word.strip().lower()
    if w.isdigit():
        return int(w)
    return _NUM_WORDS.get(w)


def _roman(q: str) -> int:
    q = q.upper()
    return {"I": 1, "II": 2, "III": 3, "IV": 4}.get(q) or int(q)


def _latest_not_after(day: int, month: int, pub: date | None) -> date | None:
    """The date day/month in the publication year, or the year before if that is after publication."""
    if pub is None:
        return None
    try:
        d = date(pub.year, month, day)
        return d if d <= pub else date(pub.year - 1, month, day)
    except ValueError:  # 29 February
        return None


# --------------------------------------------------------------------------- resolvers

_Range = tuple[date | None, date | None]


def _g(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


def _year_or_pub(y: str | None, pub: date | None) -> int | None:
    if y:
        return int(y)
    return pub.year if pub else None


def _point(text: str, pub: date | None) -> _Range:
    """Start and end of one point expression (a day, month, quarter, year, "đầu năm"…)."""
    t = text.strip().lower()
    if m := re.fullmatch(rf"ngày\s+(?P<d>{_D})\s+tháng\s+(?P<m>{_M})(?:\s+năm\s+(?P<y>{_Y}))?", t):
        return _day(m, pub)
    if m := re.fullmatch(rf"(?:ngày\s+)?(?P<d>{_D}){_SEP}(?P<m>{_M})(?:{_SEP}(?P<y>{_Y}))?", t):
        return _day(m, pub)
    if m := re.fullmatch(rf"tháng\s+(?P<m>{_M})(?:\s*(?:/|-|\.|năm)\s*(?P<y>{_Y}))?", t):
        return _month(m, pub)
    if m := re.fullmatch(rf"quý\s+(?P<q>{_ROMAN})(?:\s*(?:/|-|năm)\s*(?P<y>{_Y}))?", t, re.I):
        return _quarter(m, pub)
    if m := re.fullmatch(rf"(?P<w>đầu|cuối|giữa)\s+năm(?:\s+(?P<y>{_Y}))?", t):
        y = _year_or_pub(_g(m, "y"), pub)
        if y is None:
            return None, None
        return {"đầu": (date(y, 1, 1), date(y, 1, 31)), "cuối": (date(y, 12, 1), date(y, 12, 31)),
                "giữa": (date(y, 6, 1), date(y, 7, 31))}[m.group("w")]
    if m := re.fullmatch(rf"(?:năm\s+)?(?P<y>{_Y})", t):
        y = int(m.group("y"))
        return date(y, 1, 1), date(y, 12, 31)
    return None, None  # "ngày thành lập", "đầu nhiệm kỳ": no date in the text


def _day(m: re.Match[str], pub: date | None) -> _Range:
    d, mo, y = int(m.group("d")), int(m.group("m")), _g(m, "y")
    try:
        day = date(int(y), mo, d) if y else _latest_not_after(d, mo, pub)
    except ValueError:
        return None, None
    return day, day


def _month(m: re.Match[str], pub: date | None) -> _Range:
    mo, y = int(m.group("m")), _g(m, "y")
    if y:
        year = int(y)
    elif pub is None:
        return None, None
    else:
        year = pub.year if mo <= pub.month else pub.year - 1
    return date(year, mo, 1), _month_end(year, mo)


def _quarter(m: re.Match[str], pub: date | None) -> _Range:
    q = _roman(m.group("q"))
    y = _year_or_pub(_g(m, "y"), pub)
    if y is None:
        return None, None
    return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)


def _r_range(m: re.Match[str], pub: date | None) -> _Range:
    if re.fullmatch(r"nay|bây\s+giờ", m.group("a"), re.I):  # "từ nay đến cuối năm": ahead of publication
        return pub, _point(re.sub(r"^hết\s+", "", m.group("b").strip(), flags=re.I), pub)[1]
    b = m.group("b")
    if re.fullmatch(_NOW, b.strip(), re.I):
        end = pub
    else:
        end = _point(re.sub(r"^hết\s+", "", b.strip(), flags=re.I), pub)[1]
    # A start without a year takes it from the end: "từ ngày 1/1 đến 30/6/2022" starts on 2022-01-01.
    a_start, _ = _point(m.group("a"), end or pub)
    return a_start, end


def _r_from_start_of_year(m: re.Match[str], pub: date | None) -> _Range:
    y = _year_or_pub(_g(m, "y"), pub)
    return (date(y, 1, 1) if y else None), pub


def _r_cutoff(m: re.Match[str], pub: date | None) -> _Range:
    b = _g(m, "b") or _g(m, "b2") or ""
    if re.fullmatch(_NOW, b.strip(), re.I):
        return None, pub
    return None, _point(b, pub)[1]


def _r_rolling(m: re.Match[str], pub: date | None) -> _Range:
    if _g(m, "y1") and _g(m, "y2"):
        return date(int(m.group("y1")), 1, 1), date(int(m.group("y2")), 12, 31)
    if pub is None:
        return None, None
    n = _num(_g(m, "n") or "một") or 1
    unit = (_g(m, "unit") or "năm").lower()
    if unit == "năm":
        return _add_months(pub, -12 * n), pub
    if unit == "tuần":
        return pub - timedelta(weeks=n), pub
    if unit == "ngày":
        return pub - timedelta(days=n), pub
    return _add_months(pub, -n), pub


# Union congresses elect for five years (2013–2018, 2018–2023, 2023–2028).
TERM_YEARS = 5


def _r_last_term(m: re.Match[str], pub: date | None) -> _Range:
    """"nhiệm kỳ qua" in a report: the five years before publication (the term just ended)."""
    if pub is None:
        return None, None
    return _add_months(pub, -12 * TERM_YEARS), pub


def _r_months(m: re.Match[str], pub: date | None) -> _Range:
    n = _num(m.group("n"))
    n = n or 6  # "nửa" (half) gives 0
    y = _year_or_pub(_g(m, "y"), pub)
    if y is None or not 1 <= n <= 12:
        return None, None
    if (_g(m, "which") or "đầu").lower() == "cuối":
        return date(y, 13 - n, 1), date(y, 12, 31)
    return date(y, 1, 1), _month_end(y, n)


def _r_quarter(m: re.Match[str], pub: date | None) -> _Range:
    return _quarter(m, pub)


def _r_this_quarter(m: re.Match[str], pub: date | None) -> _Range:
    if pub is None:
        return None, None
    q = (pub.month - 1) // 3 + 1
    if re.search(r"trước|vừa qua|qua$", m.group(0), re.I):
        q -= 1
        if q == 0:
            return date(pub.year - 1, 10, 1), date(pub.year - 1, 12, 31)
    return date(pub.year, 3 * q - 2, 1), _month_end(pub.year, 3 * q)


def _r_month(m: re.Match[str], pub: date | None) -> _Range:
    return _month(m, pub)


def _r_this_month(m: re.Match[str], pub: date | None) -> _Range:
    if pub is None:
        return None, None
    d = pub if re.search(r"này|nay", m.group(0), re.I) else _add_months(pub, -1)
    return date(d.year, d.month, 1), _month_end(d.year, d.month)


def _r_year(m: re.Match[str], pub: date | None) -> _Range:
    y = int(m.group("y"))
    return date(y, 1, 1), date(y, 12, 31)


def _r_this_year(m: re.Match[str], pub: date | None) -> _Range:
    if pub is None:
        return None, None
    y = pub.year - 1 if re.search(r"ngoái", m.group(0), re.I) else pub.year
    return date(y, 1, 1), date(y, 12, 31)


def _r_years(m: re.Match[str], pub: date | None) -> _Range:
    return date(int(m.group("y1")), 1, 1), date(int(m.group("y2")), 12, 31)


def _r_school_year(m: re.Match[str], pub: date | None) -> _Range:
    return date(int(m.group("y1")), 9, 1), date(int(m.group("y2")), 8, 31)


def _r_this_school_year(m: re.Match[str], pub: date | None) -> _Range:
    """School year (1 Sep-31 Aug) relative to publication; "năm học mới" in July/August is the coming one."""
    if pub is None:
        return None, None
    y = pub.year if pub.month >= 9 else pub.year - 1
    rel = re.sub(r"\s+", " ", m.group("rel").lower())
    if rel == "tới" or (rel == "mới" and pub.month in (7, 8)):
        y += 1
    elif rel in ("trước", "vừa qua"):
        y -= 1
    return date(y, 9, 1), date(y + 1, 8, 31)


def _r_workers_month(m: re.Match[str], pub: date | None) -> _Range:
    y = _year_or_pub(_g(m, "y"), pub)
    return (date(y, 5, 1), date(y, 5, 31)) if y else (None, None)


def _r_tet(m: re.Match[str], pub: date | None) -> _Range:
    y, cc = _g(m, "y"), _g(m, "cc")
    if y:
        year = int(y)
    elif cc and pub:
        year = canchi_year(cc, pub.year)
    elif pub and not cc:
        # Plain "dịp Tết": the Tết whose season is nearest the publication date.
        year = min((pub.year, pub.year + 1), key=lambda yy: abs((tet_day(yy) - pub).days))
    else:
        return None, None
    return tet_season(year)


def _r_mid_autumn(m: re.Match[str], pub: date | None) -> _Range:
    y = _year_or_pub(_g(m, "y"), pub)
    if y is None:
        return None, None
    return lunar_to_solar(1, 8, y), lunar_to_solar(15, 8, y)


def _r_date(m: re.Match[str], pub: date | None) -> _Range:
    return _day(m, pub)


def _r_none(m: re.Match[str], pub: date | None) -> _Range:
    return None, None


# --------------------------------------------------------------------------- rules
# (kind, pattern, resolver). Kinds starting with "_" consume text without being reported: they stop a
# shorter rule from matching inside a vague phrase ("những năm qua" is not "năm qua").

_Resolver = Callable[[re.Match[str], date | None], _Range]

_RULES: list[tuple[str, str, _Resolver]] = [
    ("range", rf"(?:tính\s+)?từ\s+(?P<a>{_POINT})\s+(?:đến|tới)\s+(?P<b>{_NOW}|(?:hết\s+)?{_POINT})", _r_range),
    ("range", rf"từ\s+(?P<a>nay|bây\s+giờ)\s+(?:đến|tới)\s+(?P<b>(?:hết\s+)?{_POINT})", _r_range),
    (
        "range",
        rf"(?:tính\s+)?từ\s+(?:ngày\s+)?(?P<a>{_D}{_SEP}{_M}(?:{_SEP}{_Y})?)\s*(?:đến|tới|[-–])\s*(?:ngày\s+)?"
        rf"(?P<b>{_D}{_SEP}{_M}(?:{_SEP}{_Y})?)(?![\d.,])(?!\s*(?:triệu|tỷ|tỉ|nghìn|ngàn|%|đồng|người))",
        _r_range,
    ),
    ("to_date", rf"(?:ngay\s+)?từ\s+đầu\s+năm(?:\s+(?P<y>{_Y}))?", _r_from_start_of_year),
    (
        "cutoff",
        rf"(?:(?:tính\s+)?(?:đến|tới)\s+(?:hết\s+|cuối\s+)?(?P<b>{_NOW}|{_POINT})"
        rf"|hết\s+(?P<b2>{_POINT}))"
        rf"(?:,?\s+qua\s+{_NUMW}\s+đợt(?:\s+(?:vận\s+động|quyên\s+góp|phát\s+động|ủng\s+hộ))?)?",
        _r_cutoff,
    ),
    ("cutoff", rf"kết\s+thúc\s+giai\s+đoạn\s+\w+\s*\(\s*(?P<b>{_D}{_SEP}{_M}{_SEP}{_Y})\s*\)", _r_cutoff),
    (
        "rolling",
        rf"(?:(?:trong|qua|suốt)\s+)?(?:(?:hơn|gần|khoảng)\s+)?(?P<n>{_NUMW})\s+(?P<unit>năm|tháng|tuần)\s+"
        rf"(?:qua|vừa\s+qua|gần\s+đây|trở\s+lại\s+đây)"
        rf"(?:\s*\(\s*(?P<y1>{_Y}){_DASH}(?P<y2>{_Y})\s*\))?",
        _r_rolling,
    ),
    ("rolling", r"(?:(?:trong|suốt)\s+)?(?:(?:hơn|gần)\s+)?năm\s+(?:qua|vừa\s+qua)", _r_rolling),
    (
        "rolling",
        rf"qua\s+(?P<n>{_NUMW})\s+(?P<unit>năm|tháng)\s+(?:triển\s+khai|thực\s+hiện|hoạt\s+động)",
        _r_rolling,
    ),
    (
        "since",
        rf"sau\s+(?:(?:hơn|gần)\s+)?(?P<n>{_NUMW})\s+(?P<unit>năm|tháng|tuần|ngày)\s+"
        rf"(?:thành\s+lập|đi\s+vào\s+hoạt\s+động|hoạt\s+động|triển\s+khai|thực\s+hiện|ra\s+mắt|phát\s+động)",
        _r_rolling,
    ),
    ("_vague", r"(?:(?:trong|suốt|qua)\s+)?(?:những|các|nhiều|mấy|bao)\s+năm\s+(?:qua|vừa\s+qua|gần\s+đây)", _r_none),
    ("term", r"(?:(?:trong|suốt|qua)\s+)?nhiệm\s+kỳ\s+(?:qua|vừa\s+qua)(?!\w)", _r_last_term),
    (
        "months",
        rf"{_PREFIX}(?P<n>{_NUMW}|nửa)\s+(?:tháng\s+)?(?P<which>đầu|cuối)\s+năm(?:\s+(?P<y>{_Y}))?"
        r"(?!\s+học)",
        _r_months,
    ),
    ("months", rf"{_PREFIX}(?P<n>{_NUMW})\s+tháng\s+(?:của\s+|đầu\s+)?năm\s+(?P<y>{_Y})", _r_months),
    ("quarter", rf"{_PREFIX}quý\s+(?P<q>{_ROMAN})(?:\s*(?:/|-|năm)\s*(?P<y>{_Y}))?(?!\w)", _r_quarter),
    ("quarter", r"(?:trong\s+quý(?:\s+(?:này|vừa\s+qua|trước))?|quý\s+(?:này|vừa\s+qua|trước))(?!\s*\w)", _r_this_quarter),
    ("month", rf"{_PREFIX}tháng\s+(?P<m>{_M})(?:\s*(?:/|-|\.|năm)\s*(?P<y>{_Y}))?(?!\s*[/.\-]?\s*\d)", _r_month),
    ("month", r"(?:trong\s+)?tháng\s+(?:này|trước|vừa\s+qua)", _r_this_month),
    (
        "workers_month",
        rf"(?:(?:trong|nhân|dịp|nhân\s+dịp|hưởng\s+ứng)\s+)?(?P<q>{_OPEN_Q})?\s*tháng\s+công\s+nhân"
        rf"(?:\s+lần\s+thứ\s+\w+)?(?:\s+(?:năm\s+)?(?P<y>{_Y}))?\s*(?(q){_CLOSE_Q})",
        _r_workers_month,
    ),
    (
        "tet",
        rf"(?:(?:trong|nhân|vào)\s+)?(?:(?:dịp|mùa|trước|sau)\s+)?tết\s+"
        rf"(?!trung\s+thu|thiếu\s+nhi|dương\s+lịch|tây|đoan\s+ngọ|hàn\s+thực|thanh\s+minh|độc\s+lập|trồng\s+cây)"
        rf"(?:nguyên\s+đán|cổ\s+truyền(?:\s+dân\s+tộc)?|âm\s+lịch)(?:\s+(?P<cc>{_CANCHI}))?(?:\s+(?:năm\s+)?(?P<y>{_Y}))?",
        _r_tet,
    ),
    (
        "tet",
        rf"(?:(?:trong|nhân|vào)\s+)?(?:(?:dịp|mùa|trước|sau)\s+)?(?:tết|xuân)\s+(?P<cc>{_CANCHI})(?:\s+(?:năm\s+)?(?P<y>{_Y}))?",
        _r_tet,
    ),
    ("tet", rf"(?:(?:trong|nhân|vào)\s+)?(?:(?:dịp|mùa|trước|sau)\s+)?tết\s+(?:năm\s+)?(?P<y>{_Y})", _r_tet),
    ("tet", r"(?:(?:trong|nhân|vào)\s+)?(?:nhân\s+dịp|dịp|mùa)\s+tết(?!\s+\w)", _r_tet),
    ("mid_autumn", rf"(?:(?:nhân|trong|vào)\s+)?(?:dịp\s+)?tết\s+trung\s+thu(?:\s+(?:năm\s+)?(?P<y>{_Y}))?", _r_mid_autumn),
    ("school_year", rf"{_PREFIX}năm\s+học(?:\s+mới)?\s+(?P<y1>{_Y}){_DASH}(?P<y2>{_Y})", _r_school_year),
    ("school_year", rf"{_PREFIX}năm\s+học\s+(?P<rel>mới|này|tới|trước|vừa\s+qua)", _r_this_school_year),
    (
        "term",
        rf"(?:nhiệm\s+kỳ|giai\s+đoạn|thời\s+kỳ)\s+(?P<y1>{_Y}){_DASH}(?P<y2>{_Y})",
        _r_years,
    ),
    ("year", rf"{_PREFIX}năm\s+(?P<y>{_Y})(?!\s*[-–—/]\s*\d)", _r_year),
    ("year", r"(?:(?:trong|cả)\s+)?năm\s+(?:nay|ngoái)|trong\s+năm(?!\s*\w)", _r_this_year),
    ("recurring", r"(?:mỗi|hằng|hàng)\s+(?:năm|tháng|quý)(?!\s+(?:học|thứ))", _r_none),
    ("event", r"(?:(?:trong|nhân|qua|sau)\s+)?(?:dịp|đợt|lần)\s+(?:này|đó|ấy)", _r_none),
    (
        "event",
        rf"(?:trong|qua|sau)\s+{_NUMW}\s+đợt(?:\s+(?:vận\s+động|quyên\s+góp|phát\s+động|ủng\s+hộ))?",
        _r_none,
    ),
    ("event", r"đợt\s+(?:\d{1,2}|I{1,3}|IV|một|hai|ba)(?!\s*[/.\-]\s*\d)(?!\w)", _r_none),
    (
        "date",
        rf"(?:(?:sáng|chiều|tối|trưa)\s+)?ngày\s+(?P<d>{_D})\s+tháng\s+(?P<m>{_M})(?:\s+năm\s+(?P<y>{_Y}))?",
        _r_date,
    ),
    (
        "date",
        rf"(?:(?:sáng|chiều|tối|trưa)\s+(?:ngày\s+)?|ngày\s+)(?P<d>{_D}){_SEP}(?P<m>{_M})(?:{_SEP}(?P<y>{_Y}))?"
        r"(?![\d/])",
        _r_date,
    ),
]

_COMPILED: list[tuple[str, re.Pattern[str], _Resolver]] = [
    (kind, re.compile(rf"(?<!\w)(?:{pat})(?!\w)", re.I), res)
    for kind, pat, res in _RULES
]


def _required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literal strings one of which every match of `pattern` holds (read from its parse tree), or None when
    none can be told. A text holding none of them (matched with the pattern's own flags) has no match."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    c = sre_parse  # its constants (LITERAL, BRANCH, …) are re-exported by the parser module

    def of(items) -> set[str] | None:
        found: list[set[str]] = []
        run = ""
        for op, av in list(items) + [(None, None)]:
            if op is c.LITERAL:
                run += chr(av)  # consecutive literals must occur together
                continue
            if run:
                found.append({run})
                run = ""
            need = None
            if op is c.SUBPATTERN and not av[1] and not av[2]:  # a group that sets no flags of its own
                need = of(av[-1])
            elif op is c.BRANCH:  # one of the branches matches: one of their literals is there
                branches = [of(b) for b in av[1]]
                need = set().union(*branches) if all(branches) else None
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                need = of(av[2])
            if need:
                found.append(need)
        # Every item of a sequence must match: any one item's literals will do; the longest are the rarest.
        return max(found, key=lambda lits: min(map(len, lits))) if found else None

    try:
        literals = of(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - an unfamiliar parse tree only costs the shortcut
        return None
    return tuple(sorted(literals)) if literals else None


# One search for a rule's required words (case as the rule has it) before its own search: most sentences
# hold none of a rule's words ("quý", "tết", "nhiệm kỳ"), and the rules' leading lookbehind makes the
# regular expression engine try every position of the sentence. Same candidates, found in about half the time.
_GATES: list[re.Pattern[str] | None] = [
    re.compile("|".join(map(re.escape, lits)), rx.flags) if (lits := _required_literals(rx)) else None
    for _kind, rx, _res in _COMPILED
]

# A date right after a document number ("Kế hoạch số 94-KH/TU ngày 29/11/2021") dates the document;
# one after a deadline word ("trước ngày 20-11") or a time of day (a page's "Cập nhật lúc 09:50
# ngày …") is not a period of anything reported.
_NOT_A_PERIOD_BEFORE = re.compile(
    r"(?:\d+[\w.]*\s*[-/]\s*[A-ZĐ][\w/.\-]*|[A-ZĐ]{2,}\s*/\s*[\w/.\-]+|\bsố\s+\d+\w*)\s*,?\s*$"
    r"|(?:trước|chậm\s+nhất(?:\s+là)?|hạn(?:\s+chót)?|hết\s+hạn|lúc\s+\d{1,2}\s*[:h]\s*\d{2})\s*,?\s*$",
    re.I,
)


def _candidates(norm: str) -> list[tuple[int, int, str, re.Match[str], _Resolver]]:
    found = []
    for (kind, rx, res), gate in zip(_COMPILED, _GATES, strict=True):
        if gate is not None and gate.search(norm) is None:
            continue
        for m in rx.finditer(norm):
            s, e = m.span()
            # Trim spaces the optional parts may have swallowed at the end.
            while e > s and norm[e - 1].isspace():
                e -= 1
            if e <= s:
                continue
            if kind in ("date", "cutoff") and _NOT_A_PERIOD_BEFORE.search(norm[max(0, s - 40) : s]):
                continue
            found.append((s, e, kind, m, res))
    return found


def _select(found: list[tuple[int, int, str, re.Match[str], _Resolver]]) -> list[tuple[int, int, str, re.Match[str], _Resolver]]:
    """Longest first, then leftmost; no overlaps."""
    chosen: list[tuple[int, int, str, re.Match[str], _Resolver]] = []
    for c in sorted(found, key=lambda c: (-(c[1] - c[0]), c[0])):
        if all(c[1] <= o[0] or c[0] >= o[1] for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c[0])


def find_periods(text: str) -> list[PeriodMention]:
    """Period expressions in `text`, longest match first, as written (offsets index `text`)."""
    norm, to_orig = normalized_view(text)
    out: list[PeriodMention] = []
    for s, e, kind, _m, _res in _select(_candidates(norm)):
        if kind.startswith("_"):
            continue
        start, end = to_orig(s), to_orig(e)
        out.append(PeriodMention(text=text[start:end], start=start, end=end, kind=kind))
    return out


def resolve_period(text: str, published: str | None) -> tuple[str | None, str | None]:
    """ISO (start, end) of a period expression; relative ones against `published` (ISO date).

    Either end may be None (a cut-off has no start); (None, None) when the text gives no date.
    """
    norm = normalize_text(text)
    chosen = _select(_candidates(norm))
    if not chosen:
        return None, None
    s, e, kind, m, res = max(chosen, key=lambda c: c[1] - c[0])
    if kind.startswith("_"):
        return None, None
    start, end = res(m, _parse_published(published))
    if start and end and start > end:
        return None, None
    return _iso(start), _iso(end)
