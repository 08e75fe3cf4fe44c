"""Vietnamese number words, read and written: "ba mươi ba" 33, "hai mươi mốt nghìn không trăm mười một"
21011, "bảy trăm linh năm", "hai triệu rưỡi" (the words half of the number grammar, pipeline/numbers.py)."""

from __future__ import annotations

import re
from decimal import Decimal

from .lexicon import _H, _SCALE, _SCALES
from .numerals import _Op

_DIGIT_WORDS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
                "lăm": 5, "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_MULTIPLIERS = {"mươi", "chục", "trăm", "nghìn", "ngàn", "triệu", "tỷ", "tỉ"}
# Words that may only follow certain others: "hai mươi mốt", "mười lăm", "trăm linh tư".
_DIGIT_AFTER = {"mốt": ("mươi",), "tư": ("mươi", "mười", "linh", "lẻ", "trăm"),
                "lăm": ("mươi", "mười", "chục"), "nhăm": ("mươi", "mười", "chục")}
_UNITS_VI = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

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


# --------------------------------------------------------------------------- reading


def _digit_word_fits(w: str, prev: str, nxt: str, tens: bool, last_s: int) -> bool:
    """Whether the digit word w continues the number after prev (and before nxt)."""
    if w in _DIGIT_AFTER and prev not in _DIGIT_AFTER[w]:
        return False
    if w == "năm" and nxt not in _MULTIPLIERS and prev not in ("linh", "lẻ"):
        return False  # "hai năm qua": years; "năm mươi", "trăm linh năm": five
    if w == "không" and (nxt != "trăm" or not last_s):
        return False
    return not (tens and prev not in ("mươi", "mười", "chục", "linh", "lẻ"))


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
            if pending is not None or not _digit_word_fits(w, prev, nxt, tens, last_s):
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
    if pending is not None:
        last = tokens[used - 2] if used >= 2 else ""
        total, group = _last_digit(pending, last, tens, hundreds, last_s, total, group)
    return total + group, used, first_scale, before_scale


def _last_digit(pending: int, last: str, tens: bool, hundreds: bool, last_s: int, total: int,
                group: int) -> tuple[int, int]:
    """A final digit word, given the state after the last used word (a break never mutates). After
    "trăm" or a scale word it is the next lower place, as in speech: "một trăm hai" 120, "hai nghìn ba"
    2300. Returns (total, group)."""
    if tens:
        return total, group + pending
    if last == "trăm" and hundreds:
        return total, group + pending * 10
    if last in _SCALES and last_s >= 1000:
        return total + pending * last_s // 10, group
    return total, group + pending


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


# --------------------------------------------------------------------------- writing


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
