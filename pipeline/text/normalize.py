"""Vietnamese text normalisation: NFC, one tone-placement style, invisible and look-alike characters.

Pages arrive in NFC or NFD, with old ("hòa", "thủy") or new ("hoà", "thuỷ") tone placement, with
non-breaking and zero-width spaces and the Icelandic "Ð" standing in for "Đ". Everything downstream
(rules, matching, dedup) sees one form. `normalize_with_map` also returns an offset map so that
claims found in the normalised text can point back into the text as given.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

# Combining tone marks (NFD): grave, acute, hook above, tilde, dot below.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
# Characters that are deleted (zero-width, soft hyphen, BOM).
_DELETE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Characters replaced one-for-one (same length, so offsets survive).
_REPLACE = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u3000": " ",
        "\u00d0": "\u0110",  # Ð (Icelandic Eth) used for Đ
        "\u00f0": "\u0111",  # ð used for đ
        "\u0189": "\u0110",  # Ɖ (African D) used for Đ
    }
)

# The unit of normalisation: a run of letters and combining marks (a syllable), or one other character.
_UNIT = re.compile(r"[^\W\d_][^\W\d_\u0300-\u036f]*[\u0300-\u036f]*(?:[^\W\d_]|[\u0300-\u036f])*|.", re.S)

# Old-style placement puts the tone on the first vowel of open "oa", "oe", "uy" syllables ("hòa",
# "khỏe", "thủy"); new style on the second ("hoà", "khoẻ", "thuỷ"). We unify to the old style, the
# one most Vietnamese news sites and dictionaries use. "qu" + y keeps the tone on y ("quý").
_NEW_STYLE = re.compile(rf"(?<![qQ])([oO])([aAeE])([{_TONES}])$|(?<![qQ])([uU])([yY])([{_TONES}])$")


def _fix_tone(syllable_nfd: str) -> str:
    def swap(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1) + m.group(3) + m.group(2)
        return m.group(4) + m.group(6) + m.group(5)

    return _NEW_STYLE.sub(swap, syllable_nfd)


def _normalize_unit(unit: str) -> str:
    unit = unit.translate(_DELETE).translate(_REPLACE)
    if not unit:
        return unit
    nfd = unicodedata.normalize("NFD", unit)
    if len(nfd) > 1:
        nfd = _fix_tone(nfd)
    return unicodedata.normalize("NFC", nfd)


# Fast path: text that is NFC already, has no character to delete or replace and no new-style tone
# placement needs no work (most pages); checking is far cheaper than rebuilding it unit by unit. Two
# searches, each starting with a plain character class that the regex engine skips ahead to: one
# alternation led by lookbehinds was five times slower on article texts.
_TO_DELETE_OR_REPLACE = re.compile("[" + "".join(sorted({chr(c) for c in _DELETE} | {chr(c) for c in _REPLACE})) + "]")
# New-style tone on the last vowel of an open "oa", "oe", "uy" (not "qu" + y): what _fix_tone would move.
_NEW_STYLE_TONE = re.compile(
    r"[oOuU](?:(?<=[oO])[àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ]|(?<=[uU])[ỳýỷỹỵỲÝỶỸỴ])(?![^\W\d_])(?<![qQ]..)"
)


def _is_clean(text: str) -> bool:
    return (
        unicodedata.is_normalized("NFC", text)
        and _TO_DELETE_OR_REPLACE.search(text) is None
        and _NEW_STYLE_TONE.search(text) is None
    )


def normalize_text(text: str) -> str:
    """NFC text with one tone style, plain spaces for no-break spaces and no zero-width characters."""
    if _is_clean(text):
        return text
    # Most other pages only need no-break spaces replaced: one-for-one replacements keep every unit's bounds,
    # so replacing them in the whole text gives what rebuilding it unit by unit gives.
    replaced = text.translate(_REPLACE)
    if _is_clean(replaced):
        return replaced
    return "".join(_normalize_unit(u) for u in _UNIT.findall(text))


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in a normalised text back to the original text (exact at unit boundaries)."""

    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    orig_ends: tuple[int, ...]
    norm_len: int
    orig_len: int

    def to_original_end(self, pos: int) -> int:
        """Map an end offset: the end of the unit holding pos-1, so characters deleted after a
        span (zero-width spaces) are not pulled into it."""
        if pos <= 0:
            return 0
        i = bisect_right(self.norm_starts, pos - 1) - 1
        if i < 0:
            return 0
        unit_norm_end = self.norm_starts[i + 1] if i + 1 < len(self.norm_starts) else self.norm_len
        if pos >= unit_norm_end:
            return self.orig_ends[i]
        return min(self.orig_starts[i] + (pos - self.norm_starts[i]), self.orig_ends[i])

    def to_original(self, pos: int) -> int:
        if pos >= self.norm_len:
            return self.orig_len
        i = bisect_right(self.norm_starts, pos) - 1
        if i < 0:
            return 0
        offset_in_unit = pos - self.norm_starts[i]
        next_orig = self.orig_starts[i + 1] if i + 1 < len(self.orig_starts) else self.orig_len
        return min(self.orig_starts[i] + offset_in_unit, next_orig)


class IdentityMap:
    """The offset map of a text that normalisation left unchanged."""

    @staticmethod
    def to_original(pos: int) -> int:
        return pos

    @staticmethod
    def to_original_end(pos: int) -> int:
        return pos


def normalize_with_map(text: str) -> tuple[str, OffsetMap | IdentityMap]:
    """Like normalize_text, plus a map from offsets in the result to offsets in `text`."""
    if _is_clean(text):
        return text, IdentityMap()
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    orig_ends: list[int] = []
    npos = 0
    for m in _UNIT.finditer(text):
        out = _normalize_unit(m.group())
        if not out:
            continue
        norm_starts.append(npos)
        orig_starts.append(m.start())
        orig_ends.append(m.end())
        parts.append(out)
        npos += len(out)
    return "".join(parts), OffsetMap(tuple(norm_starts), tuple(orig_starts), tuple(orig_ends), npos, len(text))


def normalized_view(text: str) -> tuple[str, Callable[[int], int]]:
    """The normalised text and a function from its offsets back to `text`'s (identity when nothing changed):
    what every mention finder (provinces, bodies, periods) works on."""
    norm, omap = normalize_with_map(text)
    if norm == text:
        return text, lambda i: i
    return norm, omap.to_original
