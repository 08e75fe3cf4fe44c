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
_CONTROL_BYTES = bytes([*range(9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # _CONTROLS and the form feed
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|meta|title|div|p|a|script)\b", re.IGNORECASE)
_BINARY_SHARE = 0.1  # above this share of control characters the input is binary, not a damaged page


def decode_page(html: str | bytes, flags: list[str]) -> str:
    """The page as text without control characters; decoder flags appended to `flags`."""
    no_controls = False
    if isinstance(html, str):
        text = html
    elif isinstance(html, (bytes, bytearray)):
        body = bytes(html)
        # In an ASCII-compatible encoding a control character is its own byte: a page without those bytes
        # has none to strip, which a byte scan tells ten times faster than a search of the text.
        no_controls = not body.startswith((b"\xff\xfe", b"\xfe\xff")) and \
            len(body.translate(None, _CONTROL_BYTES)) == len(body)
        text = _decode_bytes(body, flags)
    else:
        raise ValueError(f"clean_html: expected HTML as str or bytes, got {type(html).__name__}")
    if not text.strip():
        raise ValueError("clean_html: input is empty (only whitespace)")
    if not no_controls:
        text = strip_controls(text, flags)
    if not text.strip():
        raise ValueError("clean_html: input looks binary (only control characters), not an HTML page")
    return text


def _decode_bytes(body: bytes, flags: list[str]) -> str:
    if not body.strip():
        raise ValueError("clean_html: input is empty (0 bytes of HTML)" if not body else "clean_html: input is only whitespace")
    head = body[:4096]
    markup = _has_markup(body)  # damaged HTML is still HTML: only the rest may be refused
    for magic, what in _BINARY_MAGIC.items():
        if body.startswith(magic) and not markup:
            raise ValueError(f"clean_html: input is {what}, not an HTML page")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and head.count(0) > _BINARY_SHARE * len(head):
        unmarked = _utf16_without_bom(body)
        if unmarked is not None:
            return unmarked
        rest = head.replace(b"\x00", b"")
        markup = _MARKUP.search(rest) or _MARKUP.search(body[: 1 << 20].replace(b"\x00", b""))  # markup may start late
        if not markup or rest.count(b"\x01") + sum(rest.count(bytes([c])) for c in range(2, 9)) > _BINARY_SHARE * len(rest):
            # Many NULs and no markup: binary data. NULs between markup are damage (a page partly
            # in UTF-16, NUL padding): without them the page decodes, flagged control_characters.
            raise ValueError("clean_html: input looks binary (NUL bytes), not an HTML page")
        body = body.replace(b"\x00", b"")
        flags.append(CONTROL_CHARACTERS)
    from .encoding import decode_html

    decoded = decode_html(body, None)
    flags.extend(f for f in decoded.flags if f not in flags)
    return decoded.text


def _has_markup(body: bytes) -> bool:
    """Markup near the start; or, when the start is text (a huge attribute, a long comment) rather than
    binary data, markup further on. Compressed or image data holds many control bytes."""
    head = body[:4096]
    if _MARKUP.search(head):
        return True
    controls = sum(head.count(bytes([c])) for c in range(0, 32) if c not in (9, 10, 13))
    return controls <= 0.01 * len(head) and _MARKUP.search(body[: 1 << 20]) is not None


def _utf16_without_bom(body: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: ASCII markup puts a NUL in every other byte."""
    head = body[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    half = len(head) // 2
    for codec, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros >= 0.6 * half:
            text = body[: len(body) // 2 * 2].decode(codec, "replace")
            # the markup may start late (a run of unknown tags, a huge attribute): look further
            if _MARKUP.search(text[: 1 << 20].encode("ascii", "ignore")):
                return text
    return None


def control_share(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROLS.findall(text)) / len(text)


def strip_controls(text: str, flags: list[str] | None = None) -> str:
    """`text` without C0 control characters (NUL included), wherever they are; flagged when any. A form
    feed is whitespace in HTML, but lxml refuses it in any text it builds (a dropped element's tail): a space."""
    if "\x0c" in text:
        text = text.replace("\x0c", " ")
    if not _CONTROLS.search(text):
        return text
    if flags is not None and CONTROL_CHARACTERS not in flags:
        flags.append(CONTROL_CHARACTERS)
    return _CONTROLS.sub("", text)
