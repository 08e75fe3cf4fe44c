"""Sentences and words of an article (underthesea), and `_Sentence`: one sentence with its quantities, folded text, clause
boundaries and the period, organisation and place mentions found in it."""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from ..records import Quantity
from ..text import geo, orgs, periods
from ..text.numbers.hedges import hedge_ends
from .indicators import fold

_DIGIT_OR_WORD = re.compile(
    r"\d|(?<!\w)(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|trăm|nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)", re.I
)
_WORD = re.compile(r"[^\s]+")
# Clause boundaries inside a sentence (a line break in one is a wrapped line, not a boundary).
# "tổng số tiền ủng hộ là: 2.100.000 đồng": a colon after "là" introduces the value, not a new clause.
_HARD_BOUNDARY = re.compile(r";|(?<!\blà):(?=\s)")
# List items on lines of their own: "- ", "1. ", "a) " (the prefix before an item's text, and a line opening with one).
_ITEM_PREFIX = re.compile(r"^\s*(?:[-–•*+]|\d{1,3}[.)]|[a-zđ][.)])?\s*$")
_ITEM_START = re.compile(r"^(?:[-–•*+]|\d{1,3}[.)]|[a-zđ][.)])\s")


# --------------------------------------------------------------------------- sentences


@lru_cache(maxsize=1)
def _sent_tokenize():
    from underthesea import sent_tokenize  # loaded once per process; bundled model, offline

    return sent_tokenize


@lru_cache(maxsize=1)
def _word_tokenize():
    from underthesea import word_tokenize

    return word_tokenize


def word_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of underthesea's words (compounds such as "công đoàn cơ sở" count as one per syllable
    group the model joins), so rule gaps are measured in words, not syllables."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for tok in _word_tokenize()(text):
        i = text.find(tok, cursor)
        if i < 0:  # the tokenizer changed the text: fall back to whitespace words
            return [(m.start(), m.end()) for m in _WORD.finditer(text)]
        spans.append((i, i + len(tok)))
        cursor = i + len(tok)
    return spans


def _logical_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the text's lines, a line hard-wrapped inside a sentence joined to the next (the break stays
    in the text: a span may hold a newline)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer("\n", text):
        if not _soft(text, m.start()):
            spans.append((start, m.start()))
            start = m.end()
    spans.append((start, len(text)))
    return spans


def _soft(text: str, newline: int) -> bool:
    """The line break at `newline` continues a sentence: its line does not end a sentence or a label, and
    the next line goes on in lower case ("phấn đấu kết nạp thêm 100 đoàn\nviên công đoàn; thành lập 2 …"), or
    the line ends in a hedge whose number starts the next ("Cục Hàng hải 3 đợt với gần\n170 triệu; …": no
    sentence ends in "gần", while a headline may well be followed by a line that starts with a date)."""
    lo = newline
    while lo > 0 and text[lo - 1] in " \t":
        lo -= 1
    if lo == 0 or text[lo - 1] in "\n.!?:;…\"”)]":
        return False
    hi = newline + 1
    while hi < len(text) and text[hi] in " \t":
        hi += 1
    if hi == len(text):
        return False
    return text[hi].islower() or (text[hi].isdigit() and hedge_ends(text, lo))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`: lines first, then underthesea's sentence splitter inside lines that
    hold a number (the only ones the extractor reads further)."""
    spans: list[tuple[int, int]] = []
    for start, end in _logical_lines(text):
        line = text[start:end]
        if not line.strip():
            continue
        if not _DIGIT_OR_WORD.search(line) or len(line) < 40:
            spans.append((start, end))
            continue
        cursor = 0
        pieces = _sent_tokenize()(line)
        found: list[tuple[int, int]] = []
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            i = line.find(piece, cursor)
            if i < 0:  # the splitter changed the text: keep the line whole
                found = [(0, len(line))]
                break
            found.append((i, i + len(piece)))
            cursor = i + len(piece)
        # underthesea splits after abbreviations glued to the next word ("CB.CNV", "TP.HCM"): a real
        # sentence break is followed by whitespace, so merge pieces that are not.
        merged: list[tuple[int, int]] = []
        for a, b in found:
            if merged and a > 0 and not line[a - 1].isspace():
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        found = merged
        if found:
            # Extend each sentence to the next one's start, so no character falls between sentences.
            for k, (s, _e) in enumerate(found):
                e = found[k + 1][0] if k + 1 < len(found) else len(line)
                spans.append((start + s, start + len(line[:e].rstrip())))
        else:
            spans.append((start, end))
    return spans




class _Sentence:
    """One sentence with its quantities, folded text and clause boundaries."""

    def __init__(self, text: str, quantities: list[Quantity]):
        self.text = text
        # A line wrapped inside the sentence (split_sentences keeps no other line break in one) reads as a space.
        self.low = fold(text).replace("\n", " ")
        self.quantities = quantities
        bounds = [m.start() for m in _HARD_BOUNDARY.finditer(text)]
        self.bounds = bounds
        self._words: list[tuple[int, int]] | None = None
        self.before: tuple[str, ...] = ()  # folded text of the sentences before it (set by the extractor)

    # Period, organisation and province mentions: found once per sentence, however many claims it has.
    @cached_property
    def periods(self) -> list:
        return periods.find_periods(self.text)

    @cached_property
    def orgs(self) -> list:
        return orgs.find_orgs(self.text)

    @cached_property
    def places(self) -> list:
        return geo.find_provinces(self.text)

    def words_between(self, lo: int, hi: int) -> int:
        """Number of words (underthesea segmentation) wholly inside [lo, hi), punctuation excluded."""
        if self._words is None:
            self._words = word_spans(self.text)
        return sum(1 for a, b in self._words if a >= lo and b <= hi and any(ch.isalnum() for ch in self.text[a:b]))

    def clause_start(self, pos: int) -> int:
        start = 0
        for b in self.bounds:
            if b < pos:
                start = b + 1
            else:
                break
        return start

    def clause_end(self, pos: int) -> int:
        for b in self.bounds:
            if b >= pos:
                return b
        return len(self.text)


def count_words(text: str) -> int:
    """Whitespace words in `text` (syllables, for Vietnamese)."""
    return len(_WORD.findall(text))


def segment_start(s: _Sentence, pos: int) -> int:
    """Start of the comma/semicolon-delimited segment holding `pos`."""
    cut = max(s.low.rfind(",", 0, pos), s.low.rfind(";", 0, pos))
    return cut + 1 if cut >= 0 else 0


def segment_end(s: _Sentence, pos: int, hi: int) -> int:
    """End of the comma/semicolon-delimited segment holding `pos`, at most `hi`."""
    cuts = [c for c in (s.low.find(",", pos, hi), s.low.find(";", pos, hi)) if c >= 0]
    return min(cuts, default=hi)
