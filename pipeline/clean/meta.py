"""Article metadata from Vietnamese pages: datelines, author lines and bylines, titles without site names."""

from __future__ import annotations

import re
from datetime import date

# dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy (Vietnamese day-first order)
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
# ISO yyyy-mm-dd (meta tags, <time datetime>)
_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# "ngày 5 tháng 3 năm 2020"
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)

# What a dateline may hold besides the date: weekday, time, labels ("Ngày đăng:", "Cập nhật lúc").
_DATELINE_NOISE = re.compile(
    r"thứ\s+(hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật|\bt[2-7]\b|\bcn\b|"
    r"ngày\s+(đăng|cập\s+nhật|xuất\s+bản)|(đăng|cập\s+nhật|xuất\s+bản)(\s+(ngày|lúc))?|"
    r"\blúc\b|\bngày\b|\bgiờ\b|\bthời\s+gian\b|\bgmt\s*[+-]?\s*\d*|\butc\b|"
    r"\bposted\b|\bpublished\b|\bupdated\b|\bon\b|\bat\b|\bsa\b|\bch\b|\bam\b|\bpm\b|"
    r"\d{1,2}\s*[:h]\s*\d{2}(\s*:\s*\d{2})?|[\s,;|:()/+\-–—•·]+",
    re.IGNORECASE,
)


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """The first valid date written in `text` (day-first or ISO), as YYYY-MM-DD."""
    if not text:
        return None
    candidates = []
    for rx, order in ((_WORDS, "dmy"), (_DMY, "dmy"), (_YMD, "ymd")):
        for m in rx.finditer(text):
            a, b, c = m.groups()
            iso = _iso(c, b, a) if order == "dmy" else _iso(a, b, c)
            if iso:
                candidates.append((m.start(), iso))
    return min(candidates)[1] if candidates else None


def dateline_date(line: str, max_len: int = 80) -> str | None:
    """The date of a line that is only a dateline ("Thứ bảy - 27/08/2022 05:27", "Ngày đăng: 21/05/2020")."""
    if len(line) > max_len:
        return None
    iso = parse_date(line)
    if not iso:
        return None
    rest = _DATELINE_NOISE.sub(" ", _WORDS.sub(" ", _YMD.sub(" ", _DMY.sub(" ", line)))).split()
    return iso if not rest else None


_AUTHOR_LABEL = re.compile(
    r"^(?:tác\s+giả(?:\s+bài\s+viết)?|người\s+viết|bài\s*(?:và|,|&)\s*ảnh|tin\s*(?:và|,|&)\s*ảnh|"
    r"bài|tin|thực\s+hiện|biên\s+tập)\s*:\s*(.+)$",
    re.IGNORECASE,
)


_LABEL_ONLY = re.compile(
    r"^(?:tác\s+giả(?:\s+bài\s+viết)?|người\s+viết|bài\s*(?:và|,|&)\s*ảnh|tin\s*(?:và|,|&)\s*ảnh)\s*:?$",
    re.IGNORECASE,
)


def join_label_lines(lines: list[str]) -> list[str]:
    """"Tác giả bài viết:" on a line of its own, the name on the next (a flattened <strong> label)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _LABEL_ONLY.match(lines[i]) and i + 1 < len(lines) and len(lines[i + 1]) <= 100:
            out.append(f"{lines[i].rstrip(':').rstrip()}: {lines[i + 1]}")
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return out


def author_from_label(line: str) -> str | None:
    """"Tác giả bài viết: X" → "X" (also "Tác giả:", "Người viết:", "Bài và ảnh:")."""
    if len(line) > 200:
        return None
    m = _AUTHOR_LABEL.match(line.strip())
    return m.group(1).strip(" .") or None if m else None


_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_.]*\.?$")


def looks_like_byline(line: str) -> bool:
    """A short line that is a person's name ("Mai Quý", "Ngọc Văn Phán - Chủ tịch CĐVC tỉnh")."""
    line = line.strip()
    if not 3 <= len(line) <= 80 or line[-1] in ".:;!?,":
        return False
    name = re.split(r"\s+[-–—(]\s*", line, maxsplit=1)[0]
    words = name.split()
    if not 2 <= len(words) <= 5:
        return False
    return all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


# Trailing " - Báo Lao động Thủ đô", " | LĐLĐ tỉnh Cao Bằng", " - laodongthudo.vn": site names, not title.
_TITLE_SEP = re.compile(r"\s+[-|–—:»]{1,2}\s+")
_SITE_MARK = re.compile(
    r"^(báo|tạp\s+chí|cổng|trang|website|kênh|đài|tin\s+tức|lđlđ|liên\s+đoàn\s+lao\s+động|"
    r"công\s+đoàn\s+(việt\s+nam|tỉnh|thành\s+phố|ngành|viên\s+chức)|tổng\s+liên\s+đoàn|"
    r"\S+\.(vn|com|net|org|gov\.vn|info)\b)",
    re.IGNORECASE,
)


def strip_site_suffix(title: str | None, site_names: tuple[str, ...] = ()) -> str | None:
    """The title without trailing site-name segments."""
    if not title:
        return None
    title = title.strip()
    names = {n.lower() for n in site_names if n}
    while True:
        parts = _TITLE_SEP.split(title)
        if len(parts) < 2:
            return title
        seps = list(_TITLE_SEP.finditer(title))
        last = parts[-1].strip()
        if not (_SITE_MARK.match(last) or last.lower() in names) or len(last.split()) > 10:
            return title
        title = title[: seps[-1].start()].strip()
