"""Context of a number in the number grammar (pipeline/numbers.py): spans that hold no quantity at all
(URLs, e-mails, phones, clock times, ISO dates, time zones, programme names in quotes), the scanner
that walks past them, and the words before a number that make it a label or a date."""

from __future__ import annotations

import re

from .lexicon import (
    _CODE_TAIL,
    _DATE_CUE,
    _EVERY_BEFORE,
    _H,
    _LABEL_BEFORE,
    _PERIOD_LABELS,
    _SO_OK_BEFORE,
    _alt,
)

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

def _title_case(w: str) -> bool:
    return w[:1].isupper() and not w.isupper()
