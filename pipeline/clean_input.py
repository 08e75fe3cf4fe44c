"""What the clean stage accepts: bytes or text of an HTML page → text safe to parse, with flags.

Input that is not an HTML page at all (empty, a PDF, an image, gzip data, mostly binary bytes, a
wrong type) raises ValueError with a message naming what it is: the caller reports the file. Any
damage *inside* a page never raises: NUL bytes and other control characters anywhere in it (not only
in the first few KiB) are removed and flagged `control_characters`, so they never reach the text.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = "control_characters"

_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "gzip-compressed data (decompress it first)",
    b"PK\x03\x04": "a ZIP archive",
}
# C0 controls except tab, newline, carriage return and form feed, and DEL: no page text holds them,
# and lxml refuses a str that contains NUL.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_SHARE = 0.1  # above this share of control characters the input is binary, not a damaged page


def decode_page(html: str | bytes, flags: list[str]) -> str:
    """The page as text without control characters; decoder flags appended to `flags`."""
    if isinstance(html, str):
        text = html
    elif isinstance(html, (bytes, bytearray)):
        text = _decode_bytes(bytes(html), flags)
    else:
        raise ValueError(f"clean_html: expected HTML as str or bytes, got {type(html).__name__}")
    if not text.strip():
        raise ValueError("clean_html: input is empty (only whitespace)")
    if control_share(text[:4096]) > _BINARY_SHARE:
        raise ValueError("clean_html: input looks binary (many control characters), not an HTML page")
    return strip_controls(text, flags)


def _decode_bytes(body: bytes, flags: list[str]) -> str:
    if not body.strip():
        raise ValueError("clean_html: input is empty (0 bytes of HTML)" if not body else "clean_html: input is only whitespace")
    for magic, what in _BINARY_MAGIC.items():
        if body.startswith(magic):
            raise ValueError(f"clean_html: input is {what}, not an HTML page")
    head = body[:4096]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and head.count(0) > _BINARY_SHARE * len(head):
        # Many NULs up front: binary data. A few stray NULs are damage; they are stripped below.
        raise ValueError("clean_html: input looks binary (NUL bytes), not an HTML page")
    from .encoding import decode_html

    decoded = decode_html(body, None)
    flags.extend(f for f in decoded.flags if f not in flags)
    return decoded.text


def control_share(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROLS.findall(text)) / len(text)


def strip_controls(text: str, flags: list[str] | None = None) -> str:
    """`text` without C0 control characters (NUL included), wherever they are; flagged when any."""
    if not _CONTROLS.search(text):
        return text
    if flags is not None and CONTROL_CHARACTERS not in flags:
        flags.append(CONTROL_CHARACTERS)
    return _CONTROLS.sub("", text)
