"""decode_html: declared charsets, detection, Windows-1258, mismatches and legacy font encodings."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.encoding import (
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
