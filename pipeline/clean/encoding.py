"""Bytes of an HTML page → text, with the charset decision made explicit and auditable.

Order of evidence: byte-order mark (unambiguous, as in browsers), HTTP `Content-Type` charset,
`<meta charset>` / `http-equiv`, then detection (charset-normalizer). A declared charset is only
trusted when its decoding looks clean; when it yields replacement characters, decoding errors or
UTF-8 mojibake and another candidate decodes cleanly, that candidate wins and the result is
flagged `charset_mismatch`. Windows-1258 decodes into base letters + combining tone marks, so the
text is always NFC-normalised. Pages typed in the legacy TCVN3 (ABC) or VNI font encodings look
like Latin-1 gibberish under every charset; they are flagged `legacy_vietnamese_encoding` rather
than passed on silently garbled.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

CHARSET_MISMATCH = "charset_mismatch"
LEGACY_VIETNAMESE = "legacy_vietnamese_encoding"
DECODE_ERRORS = "decode_errors"
UNKNOWN_CHARSET = "unknown_charset"
CHARSET_GUESSED = "charset_guessed"


@dataclass
class Decoded:
    text: str
    encoding: str  # Python codec name, e.g. "utf-8", "cp1258", "cp1252"
    confident: bool
    flags: list[str] = field(default_factory=list)
    declared: str | None = None  # what the header/meta/BOM said, normalised, if anything


# WHATWG: these labels mean windows-1252 in practice; Python's latin-1 would turn 0x80-0x9F into C1 controls.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
    "windows-1258": "cp1258", "x-cp1258": "cp1258", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)

# Vietnamese letters (NFC), to score how Vietnamese a candidate decoding looks.
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VIET_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + tone)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for tone in _TONES
) | {"đ", "Đ"}

# UTF-8 multi-byte sequences read as a single-byte charset: a lead byte shown as Ã/Â/Ä/Å/Æ/á/â/ã…
# followed by a continuation byte shown as a Latin-1/cp125x symbol.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00c6\u0102\u00e1-\u00e3\u00e2][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161"
    "\u0178\u017d\u017e\u0192\u02c6\u02dc\u20ac\u2122\u201e\u2026]"
)
_C1 = re.compile("[\u0080-\u009f]")
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")  # the same, on valid UTF-8 bytes: four times faster than on text
# Latin-1 symbols that show up inside words when TCVN3 bytes are read as Latin-1/cp125x: the symbol after a
# letter, or before one. Each pattern opens with its character class, so the regular expression engine
# skips to those characters instead of trying a lookbehind at every position of the page.
_TCVN3_INWORD = re.compile("[\u00a8-\u00ae\u00b5-\u00be](?:(?<=[A-Za-z].)|(?=[A-Za-z]))")
# Letters that exist in VNI mark positions but never in Vietnamese (ø û ï å ä ë ü ö ñ …), after a letter;
# "ñ" also before one.
_VNI_INWORD = re.compile("[øûïåäëüöñØÛÏÅÄËÜÖÑ](?:(?<=[A-Za-z].)|(?<=[ñÑ])(?=[A-Za-z]))")
_LEGACY_FONT = re.compile(r"\.Vn[A-Z][A-Za-z]+|VNI[-_ ][A-Z][a-z]+", re.I)
_WORD = re.compile(r"\w+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CASE_ANOMALY = re.compile("(?<=[a-z\u00e0-\u1ef9])[\u00c0-\u00dd\u0102\u0110\u01a0\u01af](?=[a-z])")


def normalize_charset(label: str | None) -> str | None:
    """A charset label → Python codec name (WHATWG aliases applied), or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _LABEL_ALIASES.get(name, name)


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META_CHARSET.search(body[:16384])
    return m.group(1).decode("ascii", "replace") if m else None


def bom_charset(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


@dataclass
class _Trial:
    encoding: str
    text: str
    errors: int  # undecodable bytes (strict decoding failed; replaced)
    score: float
    bad: bool  # replacement chars, mojibake or C1 controls: not a clean decoding
    suspect: bool  # many non-Vietnamese accented letters (ð, Ì, Þ …): maybe the wrong single-byte charset


def _decode(body: bytes, encoding: str) -> _Trial:
    errors = 0
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        text = body.decode(encoding, errors="replace")
        errors = max(1, text.count("\ufffd"))
    except LookupError:
        return _Trial(encoding, "", 1, float("-inf"), True, True)
    if encoding.startswith("utf-8") and text.startswith("\ufeff"):
        text = text[1:]
    text = unicodedata.normalize("NFC", text)
    return _score(encoding, text, errors)


def _score(encoding: str, text: str, errors: int) -> _Trial:
    replacement = text.count("\ufffd")
    mojibake = len(_MOJIBAKE.findall(text)) if encoding != "utf-8" else 0
    c1 = len(_C1.findall(text))
    # Combining marks left after NFC: a single-byte charset put tone marks where none belong.
    non_ascii = _NON_ASCII.findall(text)  # only these can tell candidates apart
    stray_marks = sum(1 for ch in non_ascii if unicodedata.combining(ch))
    viet = sum(1 for ch in non_ascii if ch in _VIET_LETTERS)
    # Other non-ASCII letters (Ð, ý, Þ …) are what a wrong single-byte Vietnamese decoding produces.
    other = sum(1 for ch in non_ascii if ch.isalpha() and ch not in _VIET_LETTERS)
    # … and accented capitals inside lower-case words ("phaìt", "tiÒnh": tone bytes read as letters).
    other += len(_CASE_ANOMALY.findall(text))
    score = viet - 5 * (other + replacement + mojibake + c1 + stray_marks)
    bad = bool(replacement or errors or c1 or mojibake >= 2 or stray_marks >= 3)
    return _Trial(encoding, text, errors, score, bad, suspect=other >= 3 and other > viet / 20)


def _detected(body: bytes) -> list[str]:
    """Candidate encodings from charset-normalizer, best first (at most three)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return []
    out: list[str] = []
    for match in from_bytes(body[:200_000]):
        name = normalize_charset(match.encoding)
        if name and name not in out:
            out.append(name)
        if len(out) == 3:
            break
    return out


_LEGACY_SAMPLE = 60_000  # characters from each end: a legacy-font page is garbled throughout
# Every character the in-word patterns below look for (all in Latin-1): pages with fewer than three skip them.
_LEGACY_CHARS = re.compile("[\u00a7-\u00ae\u00b5-\u00be\u00f8\u00fb\u00ef\u00e5\u00e4\u00eb\u00fc\u00f6\u00f1"
                           "\u00d8\u00db\u00cf\u00c5\u00c4\u00cb\u00dc\u00d6\u00d1]")
# The same set as bytes to drop everything else: counting them is an encode and a byte translation, five times
# faster than the regular expression's scan over a page (this check runs on every page a run reads).
_NOT_LEGACY_BYTES = bytes(b for b in range(256) if not _LEGACY_CHARS.match(chr(b)))


def _legacy_char_count(text: str) -> int:
    """How many of _LEGACY_CHARS `text` holds (characters outside Latin-1 are none of them)."""
    return len(text.encode("latin-1", "ignore").translate(None, _NOT_LEGACY_BYTES))


# "đ" is the commonest Vietnamese initial ("đã", "đoàn", "được"): TCVN3 writes it 0xAE ("®oµn"), VNI
# writes it "ñ" ("ñoaøn"). No Latin language starts words with "®" + letter or "ñ" + vowel, while
# German, Spanish, Nordic or Catalan text does have ä ö ü ñ ø · º inside words: without this marker
# the in-word count alone fired on a quarter of a multilingual benchmark.
_TCVN3_D = re.compile("(?<![\\w\u00a8-\u00be])[\u00ae\u00a7](?=[a-z\u00a8-\u00be])")
_VNI_D = re.compile("(?<!\\w)[\u00f1\u00d1](?=[aeiouyAEIOUY])")


def _legacy_evidence(text: str) -> bool:
    """Is this text TCVN3 or VNI bytes read through a Western charset (see module docstring)?"""
    if _legacy_char_count(text[: 2 * _LEGACY_SAMPLE]) < 3:  # cheap exit: almost every page
        return False
    if len(text) > 2 * _LEGACY_SAMPLE:  # large pages: the evidence is the same in a sample, at a fraction of the cost
        text = text[:_LEGACY_SAMPLE] + "\n" + text[-_LEGACY_SAMPLE:]
    found = [(len(inword.findall(text)), initial_d) for inword, initial_d in
             ((_TCVN3_INWORD, _TCVN3_D), (_VNI_INWORD, _VNI_D))]
    if max(hits for hits, _ in found) < 2:  # below what either threshold needs: spare the word count
        return False
    words = max(1, len(_WORD.findall(text)))
    needed = 2 if _LEGACY_FONT.search(text) else 3
    return any(hits >= needed and hits / words >= 0.01 and len(initial_d.findall(text)) >= needed - 1
               for hits, initial_d in found)


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML page's bytes; see the module docstring for the order of evidence."""
    flags: list[str] = []
    declared_label = None
    declared: str | None = None
    bom = bom_charset(body)
    for label in (header_charset(content_type), meta_charset(body)):
        if label and declared_label is None:
            declared_label = label
            declared = normalize_charset(label)
            if declared is None:
                flags.append(UNKNOWN_CHARSET)
                declared_label = None  # look for the next declaration
    first = bom or declared

    if first in (None, "utf-8") and (plain := _plain_utf8(body)) is not None:
        # The common case, and the costliest to score: valid UTF-8, declared so or not declared at
        # all. A single-byte charset never wins over it (its decoding would be mojibake), so the
        # candidate scoring and charset detection are skipped.
        text = unicodedata.normalize("NFC", plain.removeprefix("\ufeff"))
        return _finish(_Trial("utf-8", text, 0, 0.0, False, False), True, flags, declared or bom)

    if first is not None:
        trial = _decode(body, first)
        if not trial.bad and not trial.suspect and not (first != "utf-8" and _utf8_fits(body)):
            if bom and declared and declared != bom:
                flags.append(CHARSET_MISMATCH)
            return _finish(trial, True, flags, declared or bom)
        # The declaration does not fit the bytes: look for a candidate that decodes cleanly.
        best = _best_candidate(body, exclude={first})
        if best is not None and best.score > trial.score + 5:
            flags.append(CHARSET_MISMATCH)
            return _finish(best, True, flags, declared or bom)
        if trial.errors or "\ufffd" in trial.text:
            flags.append(DECODE_ERRORS)
        return _finish(trial, not trial.bad, flags, declared or bom)

    # Nothing declared: valid UTF-8 is UTF-8 (random single-byte text almost never is), else guess.
    if _utf8_fits(body) or body.isascii():
        return _finish(_decode(body, "utf-8"), True, flags, None)
    best = _best_candidate(body, exclude=set())
    if best is None:
        trial = _decode(body, "utf-8")
        flags.append(DECODE_ERRORS)
        return _finish(trial, False, flags, None)
    flags.append(CHARSET_GUESSED)
    return _finish(best, not best.bad and best.score > 0, flags, None)


def _plain_utf8(body: bytes) -> str | None:
    """The text of strictly valid UTF-8 without C1 controls (those mean cp1252 text was encoded twice)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _C1_UTF8.search(body) is None else None


def _utf8_fits(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _best_candidate(body: bytes, exclude: set[str]) -> _Trial | None:
    names: list[str] = []
    for name in ["utf-8", *_detected(body), "cp1258", "cp1252"]:
        if name not in exclude and name not in names:
            names.append(name)
    trials = [t for t in (_decode(body, n) for n in names) if not t.bad]
    if not trials:
        return None
    return max(trials, key=lambda t: t.score)


def _finish(trial: _Trial, confident: bool, flags: list[str], declared: str | None) -> Decoded:
    if _legacy_evidence(trial.text):
        flags.append(LEGACY_VIETNAMESE)
        confident = False
    return Decoded(trial.text, trial.encoding, confident, list(dict.fromkeys(flags)), declared)
