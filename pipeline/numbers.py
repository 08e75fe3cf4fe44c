"""The Vietnamese number grammar: every quantity in a sentence, with its value, unit, hedge and span.

Vietnamese writes "1.541.158.000đ" (dot = thousands), "12,5 triệu đồng" (comma = decimal mark),
"gần 23.000 tỷ đồng", "2 triệu 500 nghìn", "Ba mươi triệu sáu trăm năm mươi nghìn đồng", and news pages
are full of numbers that are not quantities: dates ("27/08/2022", "28.7", "4-9-2020"), years, document
numbers ("02-NQ/TW", "Kế hoạch số 94"), ordinals ("lần thứ 13", "Kỳ 2"), addresses, phones and
programme names. `find_quantities` recognises the first kind and skips the second in one left-to-right
pass over compiled patterns; the extractor decides which quantities are claims.

Values are computed with Decimal and returned as float, so "1,6 tỷ" is exactly 1600000000.0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from .normalize import OffsetMap, normalize_with_map
from .records import APPROX, APPROX_BELOW, AT_LEAST, EXACT, PERCENT, VND, Quantity

__all__ = ["find_quantities", "parse_number", "format_vi", "spell_vi", "USD"]

USD = "USD"  # "500 USD", "đô la": kept apart so a dollar amount is never read as a head-count

_H = r"[^\S\r\n]"  # horizontal whitespace, no-break spaces included (str.isspace)
_L = r"[^\W\d_]"  # a letter
_NUM_RE = r"[0-9]+(?:[.,][0-9]+)*"
_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"  # for [...] classes: hyphen, en/em dashes, minus


def _alt(words: list[str]) -> str:
    """Alternation of phrases, longest first, with any run of spaces between the words of a phrase."""
    return "|".join(w.replace(" ", _H + "+") for w in sorted(set(words), key=len, reverse=True))


# --------------------------------------------------------------------------- vocabulary

_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9,
           "tr": 10**6, "trđ": 10**6, "tr.đ": 10**6}
_DIGIT_WORDS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
                "lăm": 5, "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_MULTIPLIERS = {"mươi", "chục", "trăm", "nghìn", "ngàn", "triệu", "tỷ", "tỉ"}

# Nouns that make a number a count: they rescue "2000 tấm chắn" from the year rule, "10/12 đơn vị" from
# the date rule and a bare "năm" (five) from "năm" (year).
_COUNT_NOUNS = [
    "người", "đoàn viên", "công đoàn viên", "công đoàn", "cđcs", "cđ", "nghiệp đoàn", "đơn vị",
    "doanh nghiệp", "dn", "lao động", "lđ", "công nhân", "cnlđ", "cnvclđ", "cnvc", "nlđ", "cán bộ", "cb",
    "hộ", "gia đình", "suất", "xuất", "phần quà", "lượt", "em", "cháu", "học sinh", "sinh viên", "cuốn",
    "quyển", "tấm", "chiếc", "cái", "căn", "ngôi", "nhà", "lớp", "cuộc", "buổi", "trường hợp", "tập thể",
    "cá nhân", "sáng kiến", "đề tài", "công trình", "ca", "tấn", "kg", "lít", "bộ", "cây", "hộp", "chai",
    "bao", "thùng", "túi", "phiếu", "vé", "thẻ", "sổ", "chi đoàn", "hội viên", "thành viên", "đại biểu",
    "ủy viên", "uỷ viên", "đồng chí", "đảng viên", "công chức", "viên chức", "giáo viên", "bác sĩ",
    "cơ sở", "cơ quan", "trường", "xã", "huyện", "tỉnh", "xe", "chuyến", "bản", "món", "đôi", "vụ",
    "dự án", "hợp đồng", "thỏa ước", "thoả ước", "bằng khen", "giấy khen", "mô hình", "câu lạc bộ",
    "clb", "công ty", "cty", "hợp tác xã", "htx", "chi nhánh", "số",
]
_NOUN_AFTER = re.compile(rf"{_H}+(?:{_alt(_COUNT_NOUNS)})(?!\w)", re.I)
# What may follow "8-10" for it to be a range rather than a day and month: a noun, a unit, a scale word.
_RANGE_END = re.compile(
    rf"{_H}*(?:%|(?:nghìn|ngàn|triệu|tỷ|tỉ|đồng|năm|tháng|ngày|giờ|tuần|lần|phút|{_alt(_COUNT_NOUNS)})(?!\w))",
    re.I)

_SCALE_WORD = r"(nghìn|ngàn|triệu|tỷ|tỉ|tr\.đ|trđ|tr)"
# "tỷ lệ" (ratio), "triệu chứng" (symptom), "triệu tập" (convene) are not scale words.
_SCALE = re.compile(
    rf"{_H}*{_SCALE_WORD}(?=[đð]?(?!{_L}))(?!{_H}*(?:lệ|trọng|chứng|tập)(?!\w))", re.I)
_COMPONENT = re.compile(rf"{_H}+({_NUM_RE}){_H}*{_SCALE_WORD}(?=[đð]?(?!{_L}))", re.I)
_RUOI = re.compile(rf"{_H}+rưỡi(?!\w)", re.I)

# "đồng" is the currency unless it starts a compound: "16 đồng chí" are sixteen comrades.
_DONG_NOT = _alt(["chí", "bào", "nghiệp", "hồ", "đội", "hương", "thời", "loạt", "lòng", "ý", "bộ", "phục",
                  "ruộng", "bằng", "tâm", "minh", "nhất", "thuận", "hành", "cảm", "tác", "đẳng", "điệu",
                  "dạng", "ca", "vọng", "xu", "niên", "môn", "chủ", "tình", "khởi", "hạng", "sức"])
_CUR = re.compile(
    rf"{_H}*(?:(?P<vnd>VN[ĐÐD]|[Vv]n[đd]|(?:đồng|ĐỒNG|Đồng(?!{_H}+[A-ZĐ]))(?!{_H}+(?:{_DONG_NOT})(?!\w))"
    rf"|[đð](?!{_L}))|(?P<usd>USD|usd|[Đđ]ô{_H}?la|\$))(?!{_L})")
_DONG_TYPO = re.compile(rf"{_H}+động(?!{_L})")  # "30 triệu động": only ever a typo after a scale word
_PCT = re.compile(rf"{_H}*%|{_H}+phần{_H}+trăm(?!\w)", re.I)
_GLUED_UNIT = re.compile(r"(?:km2|km²|km|kg|m2|m²|m3|m³|ha|cm|mm|m|g|lít|tấn|tạ)(?!\w)")

_RANGE_SEP = re.compile(rf"{_H}*(?:[{_DASH}~]|(?:đến|tới)(?!\w)){_H}*", re.I)
_PER_WORD = rf"(?:[0-9]+{_H}*)?{_L}+(?:{_H}*/{_H}*{_L}+)*"
_RATE_AFTER_UNIT = re.compile(rf"{_H}*/{_H}*({_PER_WORD})")
_RATE_AFTER_NOUN = re.compile(rf"{_H}+({_L}+(?:{_H}+{_L}+)?){_H}*/{_H}*({_PER_WORD})")
_PER_BIGRAMS = {"đoàn viên", "công nhân", "lao động", "trường hợp", "gia đình", "học sinh", "cá nhân",
                "tập thể", "doanh nghiệp", "công đoàn", "người lao", "đơn vị", "hộ gia", "cán bộ"}
_NEXT_WORD = re.compile(rf"{_H}+({_L}+)")
_TRO_LEN = re.compile(rf"((?:{_H}+{_L}+){{0,5}}?){_H}+trở{_H}+lên(?!\w)", re.I)

# Hedge words just before the number. The earliest start wins, so "trên dưới" beats "dưới".
_HEDGES = {
    "trên dưới": APPROX, "ít nhất là": AT_LEAST, "ít nhất": AT_LEAST, "tối thiểu": AT_LEAST,
    "không dưới": AT_LEAST, "không ít hơn": AT_LEAST, "hơn": AT_LEAST, "trên": AT_LEAST,
    "gần như": APPROX_BELOW, "gần": APPROX_BELOW, "ngót": APPROX_BELOW, "dưới": APPROX_BELOW,
    "chưa đến": APPROX_BELOW, "chưa tới": APPROX_BELOW, "không quá": APPROX_BELOW, "tối đa": APPROX_BELOW,
    "khoảng chừng": APPROX, "khoảng": APPROX, "xấp xỉ": APPROX, "chừng": APPROX, "ước tính": APPROX,
    "ước khoảng": APPROX, "ước": APPROX, "tầm": APPROX, "độ": APPROX,
}
_HEDGE_BEFORE = re.compile(rf"(?<!\w)({_alt(list(_HEDGES))}){_H}*$", re.I)
_HEDGE_KEYS = {re.sub(r"\s+", " ", k): v for k, v in _HEDGES.items()}
# "độ" is a hedge ("độ 50 người") except at the end of a compound: "nhiệt độ 30", "trình độ 12/12".
_DO_OK_BEFORE = {"có", "chỉ", "vào", "được", "là", "khoảng", "tầm"}
_TU_BEFORE = re.compile(rf"(?<!\w)từ{_H}*$", re.I)

# Words after which a number is a label, an ordinal or part of a name: "lần thứ 13", "Kỳ 2", "quận 3",
# "giai đoạn 1", "Quốc lộ 3", "tháng 6", "ngày 12", "Ảnh 1", "số 32 Trương Định", "bão số 10".
_LABELS = ["lần thứ", "thứ", "kỳ", "kì", "khóa", "khoá", "giai đoạn", "đợt", "quận", "phường", "khu",
           "phố", "ấp", "khóm", "thôn", "xóm", "tổ", "bão", "lô", "tầng", "phòng", "điều", "khoản",
           "chương", "mục", "trang", "hình", "ảnh", "bảng", "phụ lục", "quý", "tháng", "ngày", "tuần",
           "quốc lộ", "tỉnh lộ", "ql", "đường", "hẻm", "ngõ", "ngách", "kiệt", "km", "lớp", "khối",
           "phần", "số", "top", "hạng", "vòng", "bước", "tiết", "câu", "mã", "đại hội", "trung ương",
           "nhiệm kỳ", "năm thứ", "giải", "lần", "giờ", "phút"]
_LABEL_BEFORE = re.compile(rf"(?<!\w)({_alt(_LABELS)}|số{_H}*:){_H}*$", re.I)
# "hằng tháng 500 nghìn đồng", "mỗi kỳ 10.800 cuốn": a period word after hằng/mỗi is not a label.
_PERIOD_LABELS = {"ngày", "tháng", "tuần", "quý", "kỳ", "kì"}
_EVERY_BEFORE = re.compile(rf"(?<!\w)(?:hằng|hàng|mỗi|từng|cả){_H}+$", re.I)
_SO_OK_BEFORE = re.compile(rf"(?<!\w)(?:tổng|con){_H}+$", re.I)  # "tổng số 500 đoàn viên" is a count
_DOC_TYPES = ["nghị quyết", "quyết định", "chỉ thị", "kế hoạch", "công văn", "thông tư", "nghị định",
              "tờ trình", "kết luận", "luật", "pháp lệnh", "đề án", "chương trình", "thông tri",
              "hiệp định", "công điện"]
_DOC_BEFORE = re.compile(rf"(?<!\w)(?:{_alt(_DOC_TYPES)}|NQ|QĐ|CT|KH|CV|NĐ|TT){_H}*$", re.I)
# A number glued to an upper-case document code: "04/KH-TLĐ", "02-NQ/TW", "Công văn số 68 /CĐCS".
_DOC_AFTER = re.compile(rf"{_H}?/{_H}?[A-ZĐ]|-[A-ZĐ]{{2}}|{_H}*[{_DASH}]{_H}*[A-ZĐ]{{2,}}[/{_DASH}]")
_CODE_TAIL = re.compile(rf"[\w/.{_DASH}]*")
_GLUED_BEFORE = re.compile(rf"(?:{_L}[+{_DASH}]|(?i:covid|sars|ncov){_H}*[{_DASH}]{_H}*)$")
# Dates: day-time words make "4-7" a date (range otherwise); weaker cues only confirm slashed dates.
_DATE_CUE = re.compile(rf"(?<!\w)(?:ngày|hôm|sáng|chiều|tối|trưa|đêm|mùng|mồng|rạng{_H}+sáng){_H}*:?{_H}*$",
                       re.I)
_DATE_CUE_WEAK = re.compile(rf"(?<!\w)(?:từ|đến|tới|trước|sau|hết|cuối|đầu){_H}*$", re.I)
_YEAR_CUE = re.compile(rf"(?<!\w)(?:năm|tết|xuân|dịp|niên{_H}+khóa|niên{_H}+khoá|khóa|khoá){_H}*$", re.I)
_ADDRESS_AFTER = re.compile(rf",?{_H}*(?:khu{_H}+phố|đường|phố|ấp|thôn|tổ|khóm|hẻm|ngõ|kiệt)(?!\w)", re.I)

_ADDRESS_RANGE = re.compile(rf"[0-9]+{_H}?/{_H}?[0-9]+{_ADDRESS_AFTER.pattern}", re.I)
_SLASH_PART = re.compile(rf"{_H}?/{_H}?({_NUM_RE})(?![\w])")
_HYPHEN_PART = re.compile(r"-([0-9]+)(?!\w|[.,][0-9])")
_TIME_AFTER = re.compile(r":[0-9]{2}")
_CHAIN = re.compile(r"[0-9]+(?:[./\-][0-9]+)*")
_DAY_MONTH = re.compile(r"([0-9]{1,2})/([0-9]{1,2})(?:/[0-9]{2,4})?(?![0-9])")

# Spans that contain no quantity at all: URLs, e-mails, phones, clock times, ISO dates, time zones and
# programme names in quotes ("chương trình “01 triệu sáng kiến …”").
_QUOTE_CUES = ["chương trình", "phong trào", "cuộc vận động", "đề án", "chủ đề", "cuộc thi", "hội thi",
               "giải thưởng", "khẩu hiệu", "mô hình", "dự án", "quỹ", "câu lạc bộ", "clb", "tháng",
               "năm", "ngày hội", "chiến dịch", "hội diễn", "hội thao", "giải"]
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_LABELLED = re.compile(
    rf"(?<!\w)(?:điện{_H}+thoại|đt|đtdđ|fax|hotline|sđt|tel|di{_H}+động)(?!\w){_H}*:?{_H}*\+?[0-9][0-9 .()\-]{{5,}}[0-9]",
    re.I)
_PHONE_CUES = ("điện", "đt", "fax", "hotline", "sđt", "tel", "di động")
# Digit-led patterns, checked only where a digit, "+" or "(" starts: phones, clock times, ISO dates.
_BLOCK_DIGITS = re.compile(
    r"(?=[0-9+(])(?:"
    r"(?P<phone>(?<![\w.,])(?:\+84|\(?0[0-9]{2,4}\)?)(?:[ .\-]?[0-9]{2,4}){2,4})(?![\w])"
    r"|(?<![0-9])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?![0-9])"
    r"|(?<![0-9])(?:19|20)[0-9]{2}-[0-9]{1,2}(?:-[0-9]{1,2})?(?![0-9])"
    r")")
_TIMEZONE = re.compile(rf"(?:GMT|UTC){_H}*[+\-−]{_H}*[0-9]+")
_QUOTED = re.compile(r"[“\"«][^”\"»\n]{1,200}[”\"»]")
_QUOTE_CUE_BEFORE = re.compile(rf"(?<!\w)(?:{_alt(_QUOTE_CUES)})[^“”\"«»\n0-9]{{0,60}}$", re.I)
_PHONE_GROUPS = re.compile(r"[0-9]+")

# Number words. "năm" (five / year), "tư", "mốt", "lăm" only count inside a compound (see _words).
_WORD_START = r"một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|mười"
_START = re.compile(rf"(?<!\w)(?<![0-9][.,])(?:(?P<d>[0-9])|(?P<w>(?i:{_WORD_START}))(?!\w))")
_WTOK = re.compile(
    r"(một|mốt|hai|ba|bốn|tư|năm|lăm|nhăm|sáu|bảy|bẩy|tám|chín|mười|mươi|chục|trăm|linh|lẻ|không"
    r"|nghìn|ngàn|triệu|tỷ|tỉ|rưỡi)(?!\w)", re.I)
_HSP = re.compile(rf"{_H}+")
# "một" in phrases that are not counts, and homographs of other number words.
_NOT_A_COUNT = re.compile(
    rf"(?:một{_H}+(?:số|vài|cách|trong|phần(?!{_H}+quà)|lúc|mình|chút|khi|loạt|thời|ít|chiều|nửa|mực|lòng"
    rf"|dạ|khác|hai|mai)|ba{_H}+(?:lô|mẹ|má|gác|hoa|phải|láp|chỉ|rọi|bốn)|chín{_H}+(?:chắn|muồi|mọng)"
    rf"|hai{_H}+lúa)(?!\w)", re.I)
_NGAY_MOT_BEFORE = re.compile(rf"(?<!\w)ngày{_H}+$", re.I)  # "ngày một tốt hơn"


# --------------------------------------------------------------------------- numerals


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
    simple = n_scales == 1 and total == first * last_s
    return total, end, (last_s if simple else 1), vnd


_NUM = re.compile(_NUM_RE)


def _digit_operand(t: str, p: int) -> _Op | None:
    m = _NUM.match(t, p)
    assert m is not None
    scaled = _SCALE.match(t, m.end()) is not None or _PCT.match(t, m.end()) is not None
    v = _numeral(m.group(), scaled)
    if v is None:
        return None
    value, end, scale, vnd = _apply_scales(t, m.end(), v)
    return _Op(value, p, end, v, scale, vnd=vnd)


def _words(tokens: list[str]) -> tuple[int, int, int, int]:
    """Parse Vietnamese number words. Returns (value, tokens used, first scale, tokens before it);
    stops at the first word that does not continue the number ("hai năm qua" uses one word)."""
    total = group = 0
    pending: int | None = None
    hundreds = tens = False
    max_s = last_s = 0
    used = 0
    first_scale, before_scale = 1, 0
    n = len(tokens)
    for i, w in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < n else ""
        if w in _DIGIT_WORDS:
            if pending is not None:
                break
            if w == "mốt" and prev != "mươi":
                break
            if w == "tư" and prev not in ("mươi", "mười", "linh", "lẻ", "trăm"):
                break
            if w in ("lăm", "nhăm") and prev not in ("mươi", "mười", "chục"):
                break
            if w == "năm" and nxt not in _MULTIPLIERS and prev not in ("linh", "lẻ"):
                break  # "hai năm qua": years; "năm mươi", "trăm linh năm": five
            if w == "không" and (nxt != "trăm" or not last_s):
                break
            if tens and prev not in ("mươi", "mười", "chục", "linh", "lẻ"):
                break
            pending = _DIGIT_WORDS[w]
        elif w == "mười":
            if pending is not None or tens:
                break
            group += 10
            tens = True
        elif w in ("mươi", "chục"):
            if pending is None or tens or (w == "mươi" and pending < 2):
                break
            group += pending * 10
            pending, tens = None, True
        elif w == "trăm":
            if hundreds or tens or (pending is None and (group or total)):
                break
            group += (1 if pending is None else pending) * 100
            pending, hundreds = None, True
        elif w in ("linh", "lẻ"):
            if pending is not None or tens or not (hundreds or prev in _SCALES) or nxt not in _DIGIT_WORDS:
                break
            tens = True
        elif w in _SCALES:
            s = _SCALES[w]
            g = group + (pending or 0)
            if s > max_s and (g or total):
                total, max_s = (total + g) * s, s
            elif s < last_s and g:
                total += g * s
            else:
                if pending is not None:  # "hai triệu ba triệu": the "ba" starts the next number
                    used, pending = used - 1, None
                break
            if first_scale == 1:
                first_scale, before_scale = s, i
            last_s, group, pending = s, 0, None
            hundreds = tens = False
        elif w == "rưỡi":
            if pending is not None or not (prev in _SCALES or prev == "trăm"):
                break
            if prev == "trăm":
                group += 50
            else:
                total += last_s // 2
            used = i + 1
            break
        else:
            break
        used = i + 1
    # State after the last used word (a break never mutates). A final digit after "trăm" or a scale
    # word is the next lower place, as in speech: "một trăm hai" 120, "hai nghìn ba" 2300.
    if pending is not None:
        last = tokens[used - 2] if used >= 2 else ""
        if tens:
            group += pending
        elif last == "trăm" and hundreds:
            group += pending * 10
        elif last in _SCALES and last_s >= 1000:
            total += pending * last_s // 10
        else:
            group += pending
    return total + group, used, first_scale, before_scale


def _word_operand(t: str, p: int) -> _Op | None:
    toks: list[tuple[str, int, int]] = []
    pos = p
    while len(toks) < 48:
        m = _WTOK.match(t, pos)
        if m is None:
            break
        w = m.group(1).lower()
        if w in _SCALES and _SCALE.match(t, m.start()) is None:
            break  # "tỷ lệ"
        toks.append((w, m.start(), m.end()))
        sp = _HSP.match(t, m.end())
        if sp is None:
            break
        pos = sp.end()
    if not toks:
        return None
    value, used, first_scale, before = _words([w for w, _, _ in toks])
    if used == 0 and toks[0][0] == "năm":
        value, used = 5, 1  # a lone "năm": the caller accepts it only before a counting noun
    if used == 0:
        return None
    mant_v, _, _, _ = _words([w for w, _, _ in toks[:before]]) if first_scale > 1 else (value, 0, 0, 0)
    simple = first_scale > 1 and before == used - 1
    return _Op(Decimal(value), p, toks[used - 1][2], Decimal(mant_v), first_scale if simple else 1,
               words=True)


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


_UNITS_VI = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _spell_group(g: int, leading: bool) -> list[str]:
    h, tu = divmod(g, 100)
    t, u = divmod(tu, 10)
    out: list[str] = []
    if h or not leading:
        out += [_UNITS_VI[h], "trăm"]
    if t == 0:
        if u:
            out += (["linh"] if out else []) + [_UNITS_VI[u]]
    elif t == 1:
        out.append("mười")
        if u:
            out.append("lăm" if u == 5 else _UNITS_VI[u])
    else:
        out += [_UNITS_VI[t], "mươi"]
        if u:
            out.append({1: "mốt", 4: "tư", 5: "lăm"}.get(u, _UNITS_VI[u]))
    return out


def spell_vi(n: int) -> str:
    """A non-negative integer in Vietnamese words, formal style ("một triệu không trăm linh năm")."""
    if n < 0:
        raise ValueError("negative")
    if n == 0:
        return "không"
    if n >= 10**12:  # "hai nghìn ba trăm tỷ"
        hi, lo = divmod(n, 10**9)
        rest = _spell_below_billion(lo, leading=False) if lo else []
        return " ".join([spell_vi(hi), "tỷ", *rest])
    hi, lo = divmod(n, 10**9)
    words: list[str] = []
    if hi:
        words += _spell_below_billion(hi, leading=True) + ["tỷ"]
    if lo:
        words += _spell_below_billion(lo, leading=not hi)
    return " ".join(words)


def _spell_below_billion(n: int, leading: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        g = (n // scale) % 1000
        if g:
            words += _spell_group(g, leading and not words) + ([name] if name else [])
    return words


# --------------------------------------------------------------------------- the scanner


def _prepare(text: str) -> tuple[str, OffsetMap | None]:
    """NFC text to scan, and an offset map back to `text` when normalising changed lengths."""
    if text.isascii() or (unicodedata.is_normalized("NFC", text) and not _ZERO_WIDTH.search(text)):
        return text, None
    norm, omap = normalize_with_map(text)
    return norm, omap


# Characters that only the full normaliser handles: zero-width and soft hyphen, BOM, look-alikes of Đ.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u00d0\u00f0\u0189]")


def _blocked_spans(t: str) -> list[tuple[int, int]]:
    """Sorted spans that hold no quantity. Each pattern runs only when a cheap substring test says it
    can match: this is the costliest step of the scan otherwise."""
    spans = []
    for m in _BLOCK_DIGITS.finditer(t):
        if m.group("phone") is not None and sum(map(len, _PHONE_GROUPS.findall(m.group()))) < 9:
            continue  # too short for a phone number: "01 02 03" stay numbers
        spans.append(m.span())
    if "http" in t or "www." in t or "WWW." in t:
        spans += [m.span() for m in _URL.finditer(t)]
    if "@" in t:
        spans += [m.span() for m in _EMAIL.finditer(t)]
    if "GMT" in t or "UTC" in t:
        spans += [m.span() for m in _TIMEZONE.finditer(t)]
    low = t.lower()
    if any(c in low for c in _PHONE_CUES):
        spans += [m.span() for m in _PHONE_LABELLED.finditer(t)]
    if "“" in t or '"' in t or "«" in t:
        for m in _QUOTED.finditer(t):
            if _QUOTE_CUE_BEFORE.search(t, max(0, m.start() - 90), m.start()):
                spans.append(m.span())
    spans.sort()
    return spans


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


class _Scanner:
    def __init__(self, t: str):
        self.t = t
        self.blocked = _blocked_spans(t)
        self.bi = 0
        self.prev_end = 0

    def blocked_until(self, p: int) -> int:
        """End of the blocked span containing p, or -1."""
        b = self.blocked
        while self.bi < len(b) and b[self.bi][1] <= p:
            self.bi += 1
        if self.bi < len(b) and b[self.bi][0] <= p:
            return b[self.bi][1]
        return -1

    def before(self, p: int, n: int = 20) -> str:
        # 20 characters hold the longest cue ("chương trình", "rạng sáng") with some spacing.
        return self.t[max(self.prev_end, p - n) : p]


def _skip_word(t: str, p: int) -> int:
    m = _CODE_TAIL.match(t, p)
    return m.end() if m and m.end() > p else p + 1


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity the grammar recognises in `text`, in order and non-overlapping (see module doc)."""
    t, omap = _prepare(text)
    sc = _Scanner(t)
    out: list[Quantity] = []
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


def _is_year(raw: str) -> bool:
    return len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) <= 2100


def _valid_dm(d: int, mo: int) -> bool:
    return 1 <= d <= 31 and 1 <= mo <= 12


def _label_before(sc: _Scanner, p: int) -> bool:
    before = sc.before(p)
    lm = _LABEL_BEFORE.search(before)
    if lm is None:
        return False
    word = re.sub(r"[\s:]+", " ", lm.group(1).lower()).strip()
    head = before[: lm.start()]
    if word in _PERIOD_LABELS and _EVERY_BEFORE.search(head):
        return False
    return not (word == "số" and _SO_OK_BEFORE.search(head))


def _date_cue(before: str) -> bool:
    """A day-time word just before: "ngày 12/6", "Chiều 13/8", "sáng 4-7" (but not "mỗi ngày 500")."""
    dm = _DATE_CUE.search(before)
    return dm is not None and not _EVERY_BEFORE.search(before[: dm.start()])


def _at_digit(sc: _Scanner, p: int) -> tuple[_Rec | None, int]:
    t = sc.t
    m = _NUM.match(t, p)
    assert m is not None
    raw, e = m.group(), m.end()
    before = sc.before(p)
    # Glued to letters on the right ("6a/NQ", "10h16", "banner2019" is excluded by _START): not a number,
    # unless the letters are a scale word, a currency or a unit of measure.
    if (e < len(t) and (t[e].isalpha() or t[e] == "_")
            and not (_SCALE.match(t, e) or _CUR.match(t, e) or _GLUED_UNIT.match(t, e))):
        return None, _skip_word(t, e)
    if _GLUED_BEFORE.search(before):  # "Covid-19", "COVID – 19", "GMT+7"
        return None, _skip_word(t, e)
    if _TIME_AFTER.match(t, e) or _DOC_AFTER.match(t, e):  # "05:27"; "04/KH-TLĐ", "94-KH/TU", "68 /CĐCS"
        return None, _skip_word(t, e)
    # A list number at the start of a line: "1. Mục đích".
    ls = t.rfind("\n", 0, p) + 1
    if len(raw) <= 2 and raw.isdigit() and not t[ls:p].strip() and re.match(rf"[.)]({_H}|$)", t[e : e + 2]):
        return None, e + 1
    money_after = _SCALE.match(t, e) is not None or _CUR.match(t, e) is not None
    # After a label the number names something ("lần thứ 13", "quận 3", "tháng 10 - 12"), unless money
    # or a percentage follows: "trao giải 500 triệu đồng", "cổ phần 30%".
    label = _label_before(sc, p) and not (money_after or _PCT.match(t, e))
    date_cue = _date_cue(before)
    # Slashed numbers: dates, month/year, fractions, codes.
    sm = _SLASH_PART.match(t, e)
    if sm is not None:
        parts = [raw]
        end = e
        while sm is not None and len(parts) < 4:
            parts.append(sm.group(1))
            end = sm.end()
            sm = _SLASH_PART.match(t, end)
        if len(parts) > 2 or label or _DOC_BEFORE.search(before) or _DOC_AFTER.match(t, end):
            return None, _skip_word(t, end)  # "12/6/2021", "145/2020/NĐ-CP"
        a, b = parts
        if _is_year(b) and (a.isdigit() and 1 <= int(a) <= 12 or _is_year(a)):
            return None, end  # "5/2023", "2015/2016"
        noun = _NOUN_AFTER.match(t, end)
        if a.isdigit() and b.isdigit() and _valid_dm(int(a), int(b)) and not (
            noun and not date_cue and not _DATE_CUE_WEAK.search(before)
        ):
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
    # Tight hyphens: "4-9-2020", "2015-2020", "20-11", "(1-5)" are dates; "8-10 người" is a range.
    hm = _HYPHEN_PART.match(t, e)
    if hm is not None:
        h2 = _HYPHEN_PART.match(t, hm.end())
        if h2 is not None:
            return None, h2.end()
        b = hm.group(1)
        if _is_year(raw) and (_is_year(b) or (len(b) <= 2 and 1 <= int(b) <= 12)):
            return None, hm.end()
        if raw.isdigit() and _valid_dm(int(raw), int(b)) and (
            date_cue or int(raw) >= int(b)
            or not (_RANGE_END.match(t, hm.end()) or _CUR.match(t, hm.end()) or _TU_BEFORE.search(before)
                    or _hedge(sc, p))
        ):
            return None, hm.end()
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


def _title_case(w: str) -> bool:
    return w[:1].isupper() and not w.isupper()


def _hedge(sc: _Scanner, p: int) -> tuple[str, int] | None:
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
        if _is_year(m.group()) and not (_SCALE.match(t, e) or _PCT.match(t, e) or _CUR.match(t, e)):
            return None
        return _digit_operand(t, q)
    if words and _WTOK.match(t, q) and _START.match(t, q):
        return _word_operand(t, q)
    return None


def _finish(sc: _Scanner, p: int, op: _Op) -> tuple[_Rec | None, int]:
    """Range, currency, percent, rate and hedges around an operand starting at p."""
    t = sc.t
    lo, last = op.value, op
    unit: str | None = VND if op.vnd else None
    end = op.end
    cur = _unit_at(t, end, op)
    if cur:
        unit, end = cur
    is_range = False
    rm = _RANGE_SEP.match(t, end)
    if rm is not None:
        if _ADDRESS_RANGE.match(t, rm.end()):
            return None, rm.end()  # "(65 - 67/16, khu phố Tân Phước)": house numbers
        dm = _DAY_MONTH.match(t, rm.end())
        if dm and not op.words and op.value == op.mant and op.value <= 31 and _valid_dm(
                int(dm.group(1)), int(dm.group(2))):
            return None, dm.end()  # "20 - 21/7": a span of days
        op2 = _second_operand(sc, rm.end(), op.words)
        if op2 is not None:
            lo2 = op.value
            if op.scale == 1 and op2.scale > 1 and op.mant < op2.mant and not cur:
                lo2 = op.mant * op2.scale  # "từ 2 - 3 triệu": the scale word serves both ends
            if lo2 < op2.value:
                is_range, lo, last, end = True, lo2, op2, op2.end
                cur2 = _unit_at(t, end, op2)
                if cur2:
                    unit, end = cur2
                elif op2.vnd:
                    unit = VND
    # Per-unit rates: "đồng/1 bản", "triệu đồng/người", "01 ngày lương/01 đoàn viên", "cuốn/kỳ/quý".
    per = None
    resume = end  # past the "/1 bản" of a rate, whose number is not a quantity of its own
    if unit in (VND, USD):
        rm2 = _RATE_AFTER_UNIT.match(t, end)
        if rm2 and _lower_word(rm2.group(1)):
            per, resume = _per_text(t, rm2), rm2.end()
    elif unit is None:
        rm2 = _RATE_AFTER_UNIT.match(t, end)  # "1.000/tháng"
        if rm2 and _lower_word(rm2.group(1)):
            per, resume = _per_text(t, rm2), rm2.end()
        else:
            rm2 = _RATE_AFTER_NOUN.match(t, end)
            if rm2 and rm2.group(1)[0].islower() and _lower_word(rm2.group(2)):
                per, resume = _per_text(t, rm2, 2), rm2.end()
    # "từ" opens a range ("từ 8.000 – 11.000") and a threshold ("từ 20 LĐ trở lên").
    start = p
    before8 = sc.before(p, 8)
    tm = _TU_BEFORE.search(before8)
    tl = None if is_range or per is not None else _TRO_LEN.match(t, end)
    if tm is not None and (is_range or tl is not None):
        start = p - (len(before8) - tm.start())
    qual = EXACT
    hedge = _hedge(sc, start)
    if hedge is not None:
        qual, start = hedge
    if tl is not None:
        qual = AT_LEAST
        if not tl.group(1):
            end = tl.end()  # "50 trở lên": the hedge is part of the quantity
    if per is not None:
        kind = "rate"
    elif unit == PERCENT:
        kind = "percent"
    elif is_range:
        kind = "range"
    elif op.words:
        kind = "words"
    else:
        kind = "number"
    if is_range:
        rec = _Rec(None, float(lo), float(last.value), unit, qual, start, end, p, last.end, None, kind, per)
    else:
        rec = _Rec(float(op.value), None, None, unit, qual, start, end, p, op.end, None, kind, per)
    return rec, max(end, resume)


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
