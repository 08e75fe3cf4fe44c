"""The shared vocabulary of the number grammar (pipeline/numbers.py) and the patterns compiled from it.

Word lists are data: add a count noun, a label or a document type here and every pattern built from
them follows. Hedge words live in numbers_hedges, number words in numbers_words, the spans that hold
no quantity (phones, URLs, quoted programme names) in numbers_context.
"""

from __future__ import annotations

import re

USD = "USD"  # "500 USD", "đô la": kept apart so a dollar amount is never read as a head-count

_H = r"[^\S\r\n]"  # horizontal whitespace, no-break spaces included (str.isspace)
_L = r"[^\W\d_]"  # a letter
_NUM_RE = r"[0-9]+(?:[.,][0-9]+)*"
_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"  # for [...] classes: hyphen, en/em dashes, minus


def _alt(words: list[str]) -> str:
    """Alternation of phrases, longest first, with any run of spaces between the words of a phrase."""
    return "|".join(w.replace(" ", _H + "+") for w in sorted(set(words), key=len, reverse=True))


# --------------------------------------------------------------------------- vocabulary

_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "vạn": 10**4, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9,
           "tr": 10**6, "trđ": 10**6, "tr.đ": 10**6}

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

# "đồng" is the currency unless it starts a compound: "16 đồng chí" are sixteen comrades; so is "28 đ/c", the
# abbreviation, where "đ" alone would be the currency sign (_CUR).
_DONG_COMPOUNDS = ["chí", "bào", "nghiệp", "hồ", "đội", "hương", "thời", "loạt", "lòng", "ý", "bộ", "phục",
                   "ruộng", "bằng", "tâm", "minh", "nhất", "thuận", "hành", "cảm", "tác", "đẳng", "điệu",
                   "dạng", "ca", "vọng", "xu", "niên", "môn", "chủ", "tình", "khởi", "hạng", "sức"]

# Words after which a number is a label, an ordinal or part of a name: "lần thứ 13", "Kỳ 2", "quận 3",
# "giai đoạn 1", "Quốc lộ 3", "tháng 6", "ngày 12", "Ảnh 1", "số 32 Trương Định", "bão số 10".
_LABELS = ["lần thứ", "thứ", "kỳ", "kì", "khóa", "khoá", "giai đoạn", "đợt", "quận", "phường", "khu",
           "phố", "ấp", "khóm", "thôn", "xóm", "tổ", "bão", "lô", "tầng", "phòng", "điều", "khoản",
           "chương", "mục", "trang", "hình", "ảnh", "bảng", "phụ lục", "quý", "tháng", "ngày", "tuần",
           "quốc lộ", "tỉnh lộ", "ql", "đường", "hẻm", "ngõ", "ngách", "kiệt", "km", "lớp", "khối",
           "phần", "số", "top", "hạng", "vòng", "bước", "tiết", "câu", "mã", "đại hội", "trung ương",
           "nhiệm kỳ", "năm thứ", "giải", "lần", "giờ", "phút"]
# "hằng tháng 500 nghìn đồng", "mỗi kỳ 10.800 cuốn": a period word after hằng/mỗi is not a label.
_PERIOD_LABELS = {"ngày", "tháng", "tuần", "quý", "kỳ", "kì"}
_DOC_TYPES = ["nghị quyết", "quyết định", "chỉ thị", "kế hoạch", "công văn", "thông tư", "nghị định",
              "tờ trình", "kết luận", "luật", "pháp lệnh", "đề án", "chương trình", "thông tri",
              "hiệp định", "công điện"]

# What a rate is per, when two words make one noun: "đồng/đoàn viên", "đồng/người lao động".
_PER_BIGRAMS = {"đoàn viên", "công nhân", "lao động", "trường hợp", "gia đình", "học sinh", "cá nhân",
                "tập thể", "doanh nghiệp", "công đoàn", "người lao", "đơn vị", "hộ gia", "cán bộ"}

# --------------------------------------------------------------------------- patterns

_NUM = re.compile(_NUM_RE)
_NOUN_AFTER = re.compile(rf"{_H}+(?:{_alt(_COUNT_NOUNS)})(?!\w)", re.I)
# What may follow "8-10" for it to be a range rather than a day and month: a noun, a unit, a scale word.
_RANGE_END = re.compile(
    rf"{_H}*(?:%|(?:nghìn|ngàn|triệu|tỷ|tỉ|đồng|năm|tháng|ngày|giờ|tuần|lần|phút|{_alt(_COUNT_NOUNS)})(?!\w))",
    re.I)

_SCALE_WORD = r"(nghìn|ngàn|vạn|triệu|tỷ|tỉ|tr\.đ|trđ|tr)"  # vạn: ten thousand ("1,62 vạn đoàn viên")
# "tỷ lệ" (ratio), "triệu chứng" (symptom), "triệu tập" (convene) are not scale words.
_SCALE = re.compile(
    rf"{_H}*{_SCALE_WORD}(?=[đð]?(?!{_L}))(?!{_H}*(?:lệ|trọng|chứng|tập)(?!\w))", re.I)
_COMPONENT = re.compile(rf"{_H}+({_NUM_RE}){_H}*{_SCALE_WORD}(?=[đð]?(?!{_L}))", re.I)
_RUOI = re.compile(rf"{_H}+rưỡi(?!\w)", re.I)
# "4 nghìn 500": the hundreds said after "nghìn" without their own scale word, as in speech ("bốn nghìn năm
# trăm"); a bare number of up to three digits, not the start of another number.
_THOUSANDS_TAIL = re.compile(rf"{_H}+(\d{{1,3}})(?!\d|[.,:/]\d|{_H}*{_SCALE_WORD}(?!{_L}))", re.I)

_DONG_NOT = _alt(_DONG_COMPOUNDS)
_CUR = re.compile(
    rf"{_H}*(?:(?P<vnd>VN[ĐÐD]|[Vv]n[đd]|(?:đồng|ĐỒNG|Đồng(?!{_H}+[A-ZĐ]))(?!{_H}+(?:{_DONG_NOT})(?!\w))"
    rf"|[đð](?!{_L}|/[cC](?!{_L})))|(?P<usd>USD|usd|[Đđ]ô{_H}?la|\$))(?!{_L})")
# "28 đ/c": "đ/c" abbreviates "đồng chí" (comrades), a noun after a count, neither the currency (_CUR above) nor a
# unit per "c" (units._rate_after).
_COMRADES = re.compile(r"\s+[đĐ]\s*/\s*[cC](?!\w)")
_DONG_TYPO = re.compile(rf"{_H}+động(?!{_L})")  # "30 triệu động": only ever a typo after a scale word
_PCT = re.compile(rf"{_H}*%|{_H}+phần{_H}+trăm(?!\w)", re.I)
_GLUED_UNIT = re.compile(r"(?:km2|km²|km|kg|m2|m²|m3|m³|ha|cm|mm|m|g|lít|tấn|tạ)(?!\w)")

_RANGE_SEP = re.compile(rf"{_H}*(?:[{_DASH}~]|(?:đến|tới)(?!\w)){_H}*", re.I)
_PER_WORD = rf"(?:[0-9]+{_H}*)?{_L}+(?:{_H}*/{_H}*{_L}+)*"
_RATE_AFTER_UNIT = re.compile(rf"{_H}*/{_H}*({_PER_WORD})")
# After a counted noun the rate's denominator holds at most "1": "01 ngày lương/01 đoàn viên" is a rate, "166
# đoàn viên/199 người lao động" and "15.237 đoàn viên/tổng số 78.426 công nhân" are parts of a whole (members
# among the workforce), counts.
_PER_ONE_WORD = rf"(?:0*1{_H}+)?(?!tổng{_H}+số(?!\w)){_L}+(?:{_H}*/{_H}*{_L}+)*"
_RATE_AFTER_NOUN = re.compile(rf"{_H}+({_L}+(?:{_H}+{_L}+)?){_H}*/{_H}*({_PER_ONE_WORD})")
_NEXT_WORD = re.compile(rf"{_H}+({_L}+)")
_TU_BEFORE = re.compile(rf"(?<!\w)từ{_H}*$", re.I)

_LABEL_BEFORE = re.compile(rf"(?<!\w)({_alt(_LABELS)}|số{_H}*:){_H}*$", re.I)
_EVERY_BEFORE = re.compile(rf"(?<!\w)(?:hằng|hàng|mỗi|từng|cả){_H}+$", re.I)
_SO_OK_BEFORE = re.compile(rf"(?<!\w)(?:tổng|con){_H}+$", re.I)  # "tổng số 500 đoàn viên" is a count
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

# Where a quantity may start: a digit, or a number word that can open a number ("năm" (five / year),
# "tư", "mốt", "lăm" only count inside a compound, see numbers_words).
_WORD_START = r"một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|mười"
_START = re.compile(rf"(?<!\w)(?<![0-9][.,])(?:(?P<d>[0-9])|(?P<w>(?i:{_WORD_START}))(?!\w))")


def _is_year(raw: str) -> bool:
    return len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) <= 2100


def _valid_dm(d: int, mo: int) -> bool:
    return 1 <= d <= 31 and 1 <= mo <= 12
