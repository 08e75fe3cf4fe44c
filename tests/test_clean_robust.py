"""The cleaning side of issues 9 and 14: broken URLs, NULs, deep nesting, doc_ids, and the generic
path's blind spots (hidden-until-revealed blocks, template scripts, unclosed noscript, JSON-LD, og)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pipeline import clean_html, clean_text
from pipeline.clean.dom import parse_html
from pipeline.clean.spam import spam_links

PAGES = Path(__file__).resolve().parent / "data" / "pages"
BODY = "<p>Công đoàn tỉnh đã kết nạp 1.250 đoàn viên mới và thành lập 12 công đoàn cơ sở trong năm 2024.</p>"


def test_malformed_hrefs_never_raise() -> None:
    links = "".join(f'<a href="{u}">casino slot gacor {i}</a>' for i, u in enumerate(
        ["http://[ccpa-preferences]", "http://[::1", "https://a.com:99999/", "http://[v1.x]/", "//[", "http://x.com/"]))
    html = f'<html><head><link rel="canonical" href="http://[bad"></head><body>{BODY}{links}<img src="http://[x"></body></html>'
    spam_links(parse_html(html), None)
    assert "1.250" in clean_html(html).text
    assert "1.250" in clean_html(html, "http://[ccpa-preferences]/x").text


@pytest.mark.parametrize("where", [10, 5000, 50_000])
def test_nul_bytes_anywhere_never_reach_the_text(where: int) -> None:
    filler = "<p>" + "Đoạn văn đệm của trang. " * 400 + "</p>"
    html = ("<html><body>" + filler + BODY + filler + "</body></html>").encode()
    damaged = html[:where] + b"\x00\x00" + html[where:]
    art = clean_html(damaged)
    assert "\x00" not in art.text and "control_characters" in art.flags
    assert "\x00" not in clean_text("Tiêu đề bài\n" + "Câu văn đầy đủ của bài báo có nhiều chữ.\x00 " * 5).text


@pytest.mark.parametrize("depth", [300, 10_000, 100_000])
def test_deep_nesting_keeps_the_text_and_distinct_doc_ids(depth: int) -> None:
    def page(n: str) -> str:
        return f"<html><body>{'<div>' * depth}<p>Công đoàn kết nạp {n} đoàn viên mới trong năm 2024 tại tỉnh.</p>{'</div>' * depth}</body></html>"

    a, b = clean_html(page("1.250")), clean_html(page("2.719"))
    assert "1.250" in a.text and "2.719" in b.text
    assert "deep_nesting" in a.flags
    assert a.doc_id != b.doc_id


def test_empty_pages_do_not_share_a_doc_id() -> None:
    a, b = clean_html("<html><body><!-- one"), clean_html("<html><body><!-- two")
    assert a.text == b.text == "" and "empty_body" in a.flags
    assert a.doc_id != b.doc_id


@pytest.mark.parametrize(("name", "flag", "needle"), [
    ("jsonld_only.html", "jsonld_article_body", "830 đoàn viên"),
    ("noscript_unclosed.html", "rescued_hidden_markup", "4,200 factory workers"),
    ("template_script.html", "rescued_hidden_markup", "3,100 people"),
    ("og_only.html", "og_description_only", "320 đoàn viên"),
])
def test_rescue_when_the_visible_body_is_empty(name: str, flag: str, needle: str) -> None:
    art = clean_html((PAGES / name).read_bytes())
    assert needle in art.text and flag in art.flags and "empty_body" not in art.flags


def test_elements_revealed_by_script_are_kept_and_truly_hidden_ones_dropped() -> None:
    art = clean_html((PAGES / "fade_in.html").read_bytes())
    assert "1,800 workers" in art.text and "4.5 percent" in art.text
    assert "newsletter" not in art.text and "Skip to navigation" not in art.text


def test_ordinary_page_takes_no_rescue() -> None:
    art = clean_html((PAGES / "blog_footer.html").read_bytes())
    assert "2,300 additional nurses" in art.text and art.flags == []


def test_magic_bytes_before_a_long_text_start_are_damage_not_binary() -> None:
    """A gzip magic pasted before a page whose first 4 KB is one huge attribute: still a page."""
    page = b"\x1f\x8b<!DOC data-x=\"" + b"x" * 10_000 + b"\"><html><body><p>" + b"Members met today. " * 20 + b"</p></body></html>"
    art = clean_html(page)
    assert "Members met today." in art.text
    with pytest.raises(ValueError, match="gzip"):
        clean_html(gzip.compress(b"<html><body><p>x</p></body></html>" * 50))


def test_utf16_without_bom_whose_first_4kb_holds_no_known_tag() -> None:
    """2,000 nested <b> before the page, all re-encoded as UTF-16-LE without a BOM: still the page."""
    page = "<b>" * 2000 + "<html><body><p>" + "Members met today. " * 20 + "</p></body></html>"
    art = clean_html(page.encode("utf-16-le"))
    assert "Members met today." in art.text


def test_page_half_utf16_whose_markup_is_in_the_utf8_half() -> None:
    page = ("<b>" * 2000).encode("utf-16-le") + ("<html><body><p>" + "Members met today. " * 20 + "</p></body></html>").encode()
    assert "Members met today." in clean_html(page).text


def test_a_form_feed_after_a_dropped_element_does_not_raise() -> None:
    """Found by the mutation test: lxml refuses '\\x0c' in the tail it joins when a script is dropped."""
    from pipeline import clean_html

    html = ("<html><body><p>Năm 2023, LĐLĐ tỉnh đã kết nạp 1.250 đoàn viên, thành lập 9 công đoàn cơ sở.</p>"
            "<script src='x.js'></script>\x0c</body></html>\x0c")
    art = clean_html(html.encode("utf-8"))
    assert "1.250 đoàn viên" in art.text
