"""The generic path's container reading (pipeline/clean/generic.py) on pages of sites without rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import clean_html
from pipeline.clean import generic
from pipeline.clean.dom import parse_html
from pipeline.clean.patterns import load_blocks
from pipeline.rules import RulesError

URL = "https://congdoan-vidu.example.vn/tin-tuc/ket-nap-doan-vien-moi-1234.html"

BODY = [
    "Sáng 12/3, Liên đoàn Lao động huyện Krông Pắc tổ chức hội nghị sơ kết công tác phát triển đoàn viên "
    "và thành lập công đoàn cơ sở quý I năm 2024 với sự tham dự của đại diện 42 công đoàn cơ sở trực thuộc.",
    "Theo báo cáo, từ đầu năm đến nay Liên đoàn Lao động huyện đã kết nạp 856 đoàn viên, đạt 107% "
    "kế hoạch năm, và thành lập được 12 công đoàn cơ sở tại các doanh nghiệp ngoài nhà nước trên địa bàn.",
    "Bên cạnh đó, các cấp công đoàn đã vận động được 1,6 tỷ đồng ủng hộ Quỹ Mái ấm Công đoàn, "
    "hỗ trợ xây mới và sửa chữa 15 nhà ở cho đoàn viên có hoàn cảnh khó khăn trên địa bàn huyện.",
    "Phát biểu tại hội nghị, Chủ tịch Liên đoàn Lao động huyện đề nghị các công đoàn cơ sở tiếp tục "
    "bám sát doanh nghiệp, tuyên truyền để người lao động hiểu rõ quyền lợi khi gia nhập tổ chức Công đoàn.",
]


def page(inner: str, *, title: str = "Kết nạp 856 đoàn viên mới trong quý I") -> str:
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="menu"><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin tức</a> <a href="/lien-he">Liên hệ</a></div>
<div class="wrap"><h1>{title}</h1>{inner}</div>
<div class="footer">Bản quyền thuộc Liên đoàn Lao động huyện Krông Pắc. Địa chỉ: 123 Giải Phóng.</div></body></html>"""


def paras(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def no_general_extractors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the slower extractors fail loudly: the container path must not need them."""
    def refuse(*_args: object, **_kwargs: object) -> list[str]:
        raise AssertionError("trafilatura or readability was called although one element holds the article")

    monkeypatch.setattr(generic, "trafilatura_paragraphs", refuse)
    monkeypatch.setattr(generic, "readability_paragraphs", refuse)


def test_article_in_one_element_is_read_from_it_without_the_blocks_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    no_general_extractors(monkeypatch)
    inner = f"""<div class="detail-content">{paras(BODY[:2])}
      <figure><img src="a.jpg"><figcaption>Quang cảnh hội nghị sơ kết quý I. Ảnh: Minh Châu</figcaption></figure>
      <div class="share-buttons"><span>Chia sẻ bài viết lên mạng xã hội Facebook và Zalo ngay hôm nay</span></div>
      {paras(BODY[2:])}
      <ul class="news-list"><li><a href="/a">Công đoàn tỉnh trao 200 suất quà Tết cho công nhân khó khăn</a></li>
      <li><a href="/b">Hội nghị Ban Chấp hành Liên đoàn Lao động tỉnh lần thứ 12 khóa mới</a></li></ul></div>"""
    art = clean_html(page(inner), URL)
    assert art.text.split("\n\n") == BODY
    assert "Ảnh: Minh Châu" not in art.text and "Chia sẻ" not in art.text and "200 suất quà" not in art.text


def test_a_line_break_in_the_page_source_does_not_split_a_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    no_general_extractors(monkeypatch)
    wrapped = [t.replace(", ", ",\n      ", 1) for t in BODY]  # hand-wrapped source lines
    art = clean_html(page(f'<div class="content">{paras(wrapped)}</div>'), URL)
    assert art.text.split("\n\n") == BODY


def test_body_split_over_boxes_is_read_from_their_common_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    no_general_extractors(monkeypatch)
    inner = f"""<div class="article"><div class="part">{paras(BODY[:2])}</div>
      <div class="advert-slot"><a href="https://quangcao.example.com">Quảng cáo</a></div>
      <div class="part">{paras(BODY[2:])}</div></div>"""
    art = clean_html(page(inner), URL)
    assert art.text.split("\n\n") == BODY


def test_a_block_with_a_furniture_class_that_holds_the_article_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    no_general_extractors(monkeypatch)
    inner = f'<div class="post"><div class="entry-content social-share-enabled">{paras(BODY)}</div></div>'
    art = clean_html(page(inner), URL)
    assert art.text.split("\n\n") == BODY


def test_paragraphs_of_comments_footers_and_teasers_do_not_hide_the_container(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long paragraphs outside any article (readers' comments, the footer, teaser links) are not counted
    against the container: without that, the article's element holds too small a share of the page."""
    no_general_extractors(monkeypatch)
    comment = ("Tôi là công nhân Khu công nghiệp Hòa Khánh, rất mong công đoàn tiếp tục quan tâm hỗ trợ "
               "những người lao động thuê trọ xa quê như chúng tôi trong dịp Tết Nguyên đán sắp tới.")
    inner = f"""<div class="noi-dung">{paras(BODY)}</div>
      <div class="comment-list">{paras([comment] * 4)}</div>
      <a href="/tin-khac" class="item"><p>{comment.replace("Tôi là", "Bà con")}</p></a>"""
    html = page(inner).replace('<div class="footer">', f'<footer><p>{comment}</p></footer><div class="footer">')
    art = clean_html(html, URL)
    assert art.text.split("\n\n") == BODY


def test_article_typed_as_text_and_line_breaks_is_read_from_its_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """Older provincial sites put the whole article in one <div> as text and <br>, with no <p> at all."""
    no_general_extractors(monkeypatch)
    inner = '<div class="content-news">' + "<br><br>".join(BODY) + "</div>"
    art = clean_html(page(inner), URL)
    assert art.text.split("\n\n") == BODY


def test_photo_story_is_left_to_the_general_extractors() -> None:
    """Captions are most of a photo story's text: no element holds it as long paragraphs."""
    captions = "".join(
        f'<figure><img src="{i}.jpg"><figcaption>{t}</figcaption></figure>' for i, t in enumerate(BODY)
    )
    root = parse_html(page(f'<div class="gallery">{captions}<p>{BODY[0]}</p></div>'))
    assert generic.find_container(root) is None
    art = clean_html(page(f'<div class="gallery">{captions}<p>{BODY[0]}</p></div>'), URL)
    assert "kết nạp 856 đoàn viên" in art.text  # the captions are the story; the general path keeps them


def test_page_without_a_dominant_element_is_left_to_the_general_extractors() -> None:
    """Long paragraphs spread over unrelated boxes: none holds 85 % of them."""
    inner = "".join(f'<section class="box-{i}"><div class="c"><p>{t}</p></div></section>' for i, t in enumerate(BODY))
    root = parse_html(f"<html><body>{inner}</body></html>")
    assert generic.find_container(root) is None


def test_short_page_is_left_to_the_general_extractors() -> None:
    root = parse_html(f"<html><body><div><p>{BODY[0][:150]}</p></div></body></html>")
    assert generic.find_container(root) is None


def test_blocks_file_marks_whole_words_of_class_and_id() -> None:
    blocks = load_blocks()
    assert blocks.marks("div", "post-share")
    assert blocks.marks("div", "related_news")
    assert blocks.marks("figure", "")
    assert not blocks.marks("div", "shared-content")
    assert not blocks.marks("div", "detail-content")
    assert blocks.outside("aside", "") and blocks.outside("div", "comment-list")
    assert not blocks.outside("div", "sidebar-1")  # VnExpress's main column


def test_bad_blocks_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "blocks.txt"
    bad.write_text("[tag]\nnav\n[class]\nshare\n(unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"blocks.txt:5"):
        load_blocks(bad)
