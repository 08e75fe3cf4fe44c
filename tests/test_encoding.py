"""decode_html: declared charsets, detection, Windows-1258, mismatches and legacy font encodings."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.encoding import (
    CHARSET_MISMATCH,
    LEGACY_VIETNAMESE,
    decode_html,
    normalize_charset,
)

TEXT = (
    "Liên đoàn Lao động tỉnh Cao Bằng đã phát triển mới 1.250 đoàn viên, thành lập 12 công đoàn cơ sở; "
    "Quỹ hỗ trợ người lao động gặp khó khăn đạt hơn 2,5 tỷ đồng. Chủ tịch nhấn mạnh: “Ưu tiên nữ công nhân”."
)
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letter (with its hat/horn/breve) + a combining tone mark."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def page(body_text: str, meta: str = "") -> str:
    return f"<!doctype html><html><head>{meta}<title>t</title></head><body><p>{body_text}</p></body></html>"


def test_utf8_declared_in_header():
    d = decode_html(page(TEXT).encode("utf-8"), "text/html; charset=UTF-8")
    assert TEXT in d.text
    assert d.encoding == "utf-8" and d.confident and d.flags == []


def test_meta_charset_used_without_header():
    html = page(TEXT, '<meta charset="windows-1258">')
    d = decode_html(to_cp1258(html), None)
    assert d.encoding == "cp1258"
    assert TEXT in d.text  # NFC: no combining marks left
    assert not any(unicodedata.combining(c) for c in d.text)
    assert d.confident and d.flags == []


def test_http_equiv_meta():
    html = page(TEXT, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    d = decode_html(to_cp1258(html))
    assert TEXT in d.text and d.encoding == "cp1258"


def test_header_wins_over_meta_when_both_fit():
    html = page("plain ascii", '<meta charset="utf-8">')
    d = decode_html(html.encode("ascii"), "text/html; charset=windows-1252")
    assert d.encoding == "cp1252" and d.flags == []


def test_wrong_header_on_windows_1258_page_is_overridden():
    body = to_cp1258(page(TEXT))
    d = decode_html(body, "text/html; charset=utf-8")
    assert TEXT in d.text
    assert d.encoding == "cp1258"
    assert CHARSET_MISMATCH in d.flags
    assert "\ufffd" not in d.text


def test_utf8_page_declared_latin1_is_overridden():
    d = decode_html(page(TEXT).encode("utf-8"), "text/html; charset=ISO-8859-1")
    assert TEXT in d.text and d.encoding == "utf-8"
    assert CHARSET_MISMATCH in d.flags


def test_windows_1258_page_declared_windows_1252_is_overridden():
    d = decode_html(to_cp1258(page(TEXT)), "text/html; charset=windows-1252")
    assert TEXT in d.text and d.encoding == "cp1258"
    assert CHARSET_MISMATCH in d.flags


def test_bom_is_used():
    d = decode_html(codecs.BOM_UTF8 + page(TEXT).encode("utf-8"))
    assert TEXT in d.text and not d.text.startswith("\ufeff")
    assert d.encoding == "utf-8" and d.flags == []


def test_detection_without_any_declaration():
    d = decode_html(page(TEXT).encode("utf-8"))
    assert TEXT in d.text and d.confident
    d = decode_html(to_cp1258(page(TEXT)))
    assert TEXT in d.text and d.encoding == "cp1258"
    assert "charset_guessed" in d.flags


def test_unknown_declared_charset_falls_through():
    d = decode_html(page(TEXT).encode("utf-8"), "text/html; charset=x-klingon")
    assert TEXT in d.text and "unknown_charset" in d.flags


def test_undecodable_everywhere_is_flagged_not_raised():
    body = page("ok").encode() + bytes(range(0x80, 0x100)) * 3
    d = decode_html(body, "text/html; charset=utf-8")
    assert isinstance(d.text, str)
    assert not d.confident or d.flags


# TCVN3 (ABC) bytes for a few letters, from the TCVN 5712:1993 VN3 table.
_TCVN3 = {"ê": 0xAA, "đ": 0xAE, "à": 0xB5, "ộ": 0xE9, "ô": 0xAB, "ư": 0xAD, "ơ": 0xAC, "á": 0xB8, "ạ": 0xB9}


def to_tcvn3(text: str) -> bytes:
    return bytes(_TCVN3.get(ch, ord(ch)) for ch in text)


@pytest.mark.parametrize("content_type", [None, "text/html; charset=iso-8859-1", "text/html; charset=windows-1258"])
def test_tcvn3_is_flagged(content_type):
    words = "Liên đoàn Lao động tỉnh đã tổ chức " .replace("ỉ", "i").replace("ổ", "o").replace("ứ", "u").replace("ã", "a")
    body = to_tcvn3(page(words * 6))
    d = decode_html(body, content_type)
    assert LEGACY_VIETNAMESE in d.flags
    assert not d.confident


def test_vni_is_flagged():
    vni = "Coâng ñoaøn cô sôû ñaõ keát naïp 120 ñoaøn vieân. Lieân ñoaøn Lao ñoäng tænh. " * 4
    d = decode_html(page(vni, '<meta charset="windows-1252">').encode("cp1252"))
    assert LEGACY_VIETNAMESE in d.flags
    assert not d.confident


def test_clean_vietnamese_with_foreign_names_is_not_legacy():
    text = TEXT + " Ông Müller (Đức) và bà Zoë đến thăm. © 2024 Báo Lao Động®"
    d = decode_html(page(text).encode("utf-8"), "text/html; charset=utf-8")
    assert LEGACY_VIETNAMESE not in d.flags and d.confident


def test_normalize_charset_aliases():
    assert normalize_charset("ISO-8859-1") == "cp1252"
    assert normalize_charset("Windows-1258") == "cp1258"
    assert normalize_charset("UTF8") == "utf-8"
    assert normalize_charset("nonsense") is None


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(set(TEXT))), min_size=1, max_size=200))
def test_roundtrip_utf8_and_cp1258(s):
    """Any Vietnamese text survives UTF-8 and Windows-1258 when declared correctly, NFC-normalised."""
    s = unicodedata.normalize("NFC", s)
    assert s in decode_html(page(s).encode("utf-8"), "text/html; charset=utf-8").text
    assert s in decode_html(to_cp1258(page(s)), "text/html; charset=windows-1258").text


# --- legacy font encodings: precision and recall ---------------------------------------------------
# Full byte maps: TCVN3 (ABC, TCVN 5712:1993 VN3) and VNI Windows (base letter + mark characters, cp1252).
_TCVN3_FULL = dict(zip(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂÊÔƠƯĐ",
    bytes([0xB5, 0xB8, 0xB6, 0xB7, 0xB9, 0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6, 0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB,
           0xAE, 0xCC, 0xD0, 0xCE, 0xCF, 0xD1, 0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6, 0xD7, 0xDD, 0xD8, 0xDC, 0xDE,
           0xDF, 0xE3, 0xE1, 0xE2, 0xE4, 0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9, 0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE,
           0xEF, 0xF3, 0xF1, 0xF2, 0xF4, 0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9, 0xFA, 0xFD, 0xFB, 0xFC, 0xFE,
           0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7]), strict=True))
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT_TONE = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE_TONE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0300": "ì", "\u0301": "í", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def to_tcvn3_full(text: str) -> bytes:
    """Capital toned letters have no TCVN3 code: the font shows them with the lower-case byte."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = _TCVN3_FULL.get(ch, _TCVN3_FULL.get(ch.lower()))
        out += bytes([code]) if code is not None else ch.encode("cp1252")
    return bytes(out)


def to_vni(text: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        tone = next((m for m in marks if m in _VNI_TONE), "")
        upper = base.isupper()
        if ch in "đĐ":
            out.append("Ñ" if upper else "ñ")
            continue
        if not marks:
            out.append(ch)
            continue
        if base.lower() == "i" and tone:
            mark = _VNI_I[tone]
        elif "\u0302" in marks:
            mark = _VNI_HAT_TONE[tone]
        elif "\u0306" in marks:
            mark = _VNI_BREVE_TONE[tone]
        elif "\u031b" in marks:  # ơ ư are letters of their own in VNI (ô ö), tone after them
            base, mark = ("Ô" if upper else "ô") if base in "oO" else ("Ö" if upper else "ö"), _VNI_TONE.get(tone, "")
        else:
            mark = "î" if base.lower() == "y" and tone == "\u0323" else _VNI_TONE[tone]
            if mark == "î":
                base = ""
        out.append(base + (mark.upper() if upper else mark))
    return "".join(out).encode("cp1252")


VIETNAMESE_SAMPLES = [
    TEXT,
    "Sáng 5/3, Liên đoàn Lao động huyện tổ chức hội nghị tổng kết công tác công đoàn năm 2024, "
    "đề ra phương hướng, nhiệm vụ năm 2025. Năm qua, công đoàn các cấp đã kết nạp 320 đoàn viên mới.",
    "Đại hội Công đoàn tỉnh lần thứ XVII, nhiệm kỳ 2023-2028 đã bầu Ban Chấp hành gồm 35 đồng chí; "
    "đồng chí Nguyễn Thị Hương được bầu làm Chủ tịch. Đại hội thông qua nghị quyết với 98,5% đại biểu tán thành.",
    "Thực hiện chương trình “Tết Sum vầy”, công đoàn đã thăm hỏi, tặng 1.500 suất quà cho đoàn viên, "
    "người lao động có hoàn cảnh khó khăn, tổng trị giá hơn 750 triệu đồng; hỗ trợ 12 “Mái ấm Công đoàn”.",
]


@pytest.mark.parametrize("encoder", [to_tcvn3_full, to_vni])
@pytest.mark.parametrize("sample", range(len(VIETNAMESE_SAMPLES)))
@pytest.mark.parametrize("content_type", [None, "text/html; charset=windows-1252", "text/html; charset=utf-8"])
def test_every_tcvn3_and_vni_sample_is_flagged(encoder, sample: int, content_type) -> None:
    body = encoder(page(VIETNAMESE_SAMPLES[sample] + " " + VIETNAMESE_SAMPLES[(sample + 1) % 4]))
    d = decode_html(body, content_type)
    assert LEGACY_VIETNAMESE in d.flags and not d.confident


ORDINARY = [
    "Der Betriebsrat für die Männer und Frauen der Fabrik hat über die Löhne verhandelt; schöne Grüße aus Köln. " * 3,
    "El sindicato de España firmó el año pasado un acuerdo con la compañía: niños, señoras y señores, mañana. " * 3,
    "La col·lecció de l'any, el 1º i la 2ª edició; nº 5 del Diário Oficial, Sørensen og Ærø i Århus, Ågård. " * 3,
    "Windows® and Office® © 2024 Microsoft; ½ cup, 3¼ miles, ¾ of members; § 5 Abs. 2; naïve coöperation. " * 3,
    TEXT + " Ông Müller (Đức) và bà Zoë Søndergaard đến thăm, mang theo 1½ tấn hàng. © 2024 Báo Lao Động®",
]


@pytest.mark.parametrize("text", ORDINARY)
@pytest.mark.parametrize("enc", ["utf-8", "cp1252"])
def test_ordinary_pages_are_never_flagged_legacy(text: str, enc: str) -> None:
    body = page(text, f'<meta charset="{enc}">').encode(enc, "replace")
    assert LEGACY_VIETNAMESE not in decode_html(body, None).flags


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x2FF), st.sampled_from(sorted(set(TEXT)))), max_size=300))
def test_legacy_character_count_equals_the_character_class(s):
    """The byte-table count behind the legacy check's cheap exit counts what its character class matches."""
    from pipeline.clean.encoding import _LEGACY_CHARS, _legacy_char_count

    assert _legacy_char_count(s) == len(_LEGACY_CHARS.findall(s))


_TCVN3_SYMBOLS = "".join(chr(c) for c in [*range(0xA8, 0xAF), *range(0xB5, 0xBF)])
_VNI_LETTERS = "øûïåäëüöñØÛÏÅÄËÜÖÑ"


def _in_word_positions(s: str, symbols: str, before_letter: str) -> int:
    """The in-word count by its definition: a symbol right after an ASCII letter, or one of `before_letter`
    right before one."""
    ascii_letter = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return sum(
        1 for i, ch in enumerate(s) if ch in symbols and (
            (i > 0 and s[i - 1] in ascii_letter) or (ch in before_letter and i + 1 < len(s) and s[i + 1] in ascii_letter))
    )


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(sorted(set("aZx ®§µ·º½¾¨©ª«øñÑüÖ\n.-đoàn" + _TCVN3_SYMBOLS + _VNI_LETTERS))),
               max_size=120))
def test_in_word_legacy_patterns_count_by_their_definition(s):
    # The patterns open with their character class (the engine skips to those characters); the count must be
    # the definition's: "®oµn" (TCVN3 "đoàn") and "ñoaøn" (VNI) count, a lone "©" or "½" does not.
    from pipeline.clean.encoding import _TCVN3_INWORD, _VNI_INWORD

    assert len(_TCVN3_INWORD.findall(s)) == _in_word_positions(s, _TCVN3_SYMBOLS, _TCVN3_SYMBOLS)
    assert len(_VNI_INWORD.findall(s)) == _in_word_positions(s, _VNI_LETTERS, "ñÑ")
