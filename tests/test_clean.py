"""Cleaning: the seed text dumps and their HTML pages, the generic fallback, spam, metadata, bad input."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest

from pipeline import clean_html, clean_text
from pipeline.clean.meta import dateline_date, looks_like_byline, parse_date, strip_site_suffix
from pipeline.clean.patterns import load_boilerplate, load_spam_words
from pipeline.records import stable_id
from pipeline.rules import RulesError

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = ROOT / "corpus" / "html"
SEED_DIR = ROOT / "corpus" / "seeds"
STEMS = sorted(p.stem for p in SEED_DIR.glob("*.txt"))

COUNTER_ROWS = ("Đang truy cập", "Máy chủ tìm kiếm", "Khách viếng thăm", "Tổng lượt truy cập", "Tháng hiện tại")
ALWAYS_ABSENT = (
    "Tổng số điểm của bài viết là",
    "Click để đánh giá bài viết",
    "Ý kiến bạn đọc",
    "Những tin mới hơn",
    "Những tin cũ hơn",
    "Có thể bạn quan tâm",
    "Tin khác",
    "Các tin cùng chuyên mục",
    "Bạn đã không sử dụng Site",
    "Phiên bản di động",
    "escort",
    "©",
)


def norm(text: str) -> str:
    return " ".join(text.split())


def expected(stem: str) -> dict:
    return json.loads((HTML_DIR / f"{stem}.expected.json").read_text(encoding="utf-8"))


def check_article(art, exp: dict, *, metadata: bool = True) -> None:
    text = norm(art.text)
    for para in exp["body"]:
        assert para in text, f"body paragraph lost: {para[:80]!r}"
    for bad in exp["must_not_contain"]:
        assert norm(bad) not in text, f"boilerplate in the body: {bad!r}"
    for bad in ALWAYS_ABSENT + COUNTER_ROWS:
        assert bad not in art.text, f"boilerplate in the body: {bad!r}"
    # Nothing but body paragraphs and (optionally) image captions.
    allowed = set(exp["body"]) | set(exp["captions"])
    for para in art.text.split("\n\n"):
        assert para in allowed, f"unexpected paragraph: {para[:80]!r}"
    assert exp["title"] not in art.text
    if metadata:
        assert art.title == exp["title"]
        assert art.published == exp["published"]
        assert art.author == exp["author"]


# --- text dumps --------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_text_dump_keeps_body_and_drops_boilerplate(stem: str) -> None:
    art = clean_text((SEED_DIR / f"{stem}.txt").read_text(encoding="utf-8"))
    check_article(art, expected(stem))
    assert art.text == art.text.strip() and "\n\n\n" not in art.text
    assert art.content_hash == hashlib.sha256(art.text.encode("utf-8")).hexdigest()
    assert art.doc_id == stable_id(art.text)
    assert art.url is None  # a dump knows no URL; its site only when its footer names one (below)


def test_text_dump_drops_the_doubled_caption_and_title_alt_text() -> None:
    art = clean_text((SEED_DIR / "002_60ffbf86a2e7e850.txt").read_text(encoding="utf-8"))
    assert "Đoàn đại biểu CĐVC tỉnh dự Đại hội Công đoàn tỉnh lần thứ XVI" not in art.text
    art = clean_text((SEED_DIR / "001_2afa2df6ee89cf42.txt").read_text(encoding="utf-8"))
    assert "(Ảnh chụp ngày" not in art.text
    assert "Kỳ cuối" not in art.text and "Mai Quý" not in art.text
    assert "Nhanh chóng đưa Nghị quyết vào cuộc sống" in art.text  # a subheading, not a caption


def test_text_dump_spam_line_is_dropped_and_flagged() -> None:
    art = clean_text((SEED_DIR / "004_860cc40584db46df.txt").read_text(encoding="utf-8"))
    assert "spam_injected" in art.flags
    assert "escort" not in art.text and "sohbet" not in art.text
    for stem in STEMS[:4]:
        assert "spam_injected" not in clean_text((SEED_DIR / f"{stem}.txt").read_text(encoding="utf-8")).flags


def test_text_dump_counter_after_body_never_leaks_numbers() -> None:
    art = clean_text((SEED_DIR / "000_c6bb8d0759ad483e.txt").read_text(encoding="utf-8"))
    for number in ("4,209,288", "171,569", "11,353", "02063 852384"):
        assert number not in art.text


def _flatten(html: str) -> str:
    """A crude text dump of a page: every text node on its own line, hidden elements included."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for el in soup(["script", "style", "noscript", "head"]):
        el.decompose()
    return soup.get_text("\n")


@pytest.mark.parametrize("stem", STEMS)
def test_html_pages_flattened_to_dumps(stem: str) -> None:
    """Other dumps than the seeds: labels split from names, hidden microdata, tag lines, menus."""
    art = clean_text(_flatten((HTML_DIR / f"{stem}.html").read_text(encoding="utf-8")))
    check_article(art, expected(stem))
    assert ("spam_injected" in art.flags) == stem.startswith("004")


@pytest.mark.parametrize(
    ("dump", "title", "published", "author", "body"),
    [
        (  # byline and dateline above the body, related list below
            "Hội nghị tổng kết\nTác giả: Lê Văn B\n17/01/2025, 07:00\n"
            "Công đoàn tỉnh tổ chức hội nghị tổng kết năm 2023 với sự tham gia của 200 đại biểu.\n"
            "Tin khác\nCông đoàn huyện trao 50 suất quà cho công nhân có hoàn cảnh khó khăn dịp Tết.",
            "Hội nghị tổng kết", "2025-01-17", "Lê Văn B",
            ["Công đoàn tỉnh tổ chức hội nghị tổng kết năm 2023 với sự tham gia của 200 đại biểu."],
        ),
        (  # body only: no title line to take
            "Công đoàn tỉnh tổ chức hội nghị tổng kết năm 2023 với sự tham gia của 200 đại biểu.\n"
            "Hội nghị đã thông qua nhiều nghị quyết quan trọng cho năm tới.",
            None, None, None,
            ["Công đoàn tỉnh tổ chức hội nghị tổng kết năm 2023 với sự tham gia của 200 đại biểu.",
             "Hội nghị đã thông qua nhiều nghị quyết quan trọng cho năm tới."],
        ),
        (  # no line reads as a sentence: first line is the title, the rest is kept
            "Danh sách khen thưởng\nCông đoàn ngành Y tế\nCông đoàn ngành Giáo dục",
            "Danh sách khen thưởng", None, None, ["Công đoàn ngành Y tế", "Công đoàn ngành Giáo dục"],
        ),
    ],
)
def test_small_dumps(dump: str, title, published, author, body) -> None:
    art = clean_text(dump)
    assert (art.title, art.published, art.author) == (title, published, author)
    assert art.text.split("\n\n") == body


# --- HTML pages, site rules ------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("with_url", [True, False], ids=["url", "canonical"])
def test_html_page_through_site_rules(stem: str, with_url: bool) -> None:
    exp = expected(stem)
    raw = (HTML_DIR / f"{stem}.html").read_bytes()
    art = clean_html(raw, exp["url"] if with_url else None)
    check_article(art, exp)
    assert art.site == exp["site"]
    assert art.province and art.org
    assert art.doc_id == stable_id(exp["url"])
    assert art.url == exp["url"]
    assert "rules_stale" not in art.flags
    assert ("spam_injected" in art.flags) == (stem.startswith("004"))


@pytest.mark.parametrize("stem", STEMS)
def test_html_str_and_bytes_agree(stem: str) -> None:
    path = HTML_DIR / f"{stem}.html"
    assert clean_html(path.read_text(encoding="utf-8")).text == clean_html(path.read_bytes()).text


@pytest.mark.parametrize("stem", STEMS)
def test_text_dump_and_html_page_give_the_same_body(stem: str) -> None:
    exp = expected(stem)
    captions = set(exp["captions"])
    from_text = [p for p in clean_text((SEED_DIR / f"{stem}.txt").read_text(encoding="utf-8")).text.split("\n\n") if p not in captions]
    from_html = [p for p in clean_html((HTML_DIR / f"{stem}.html").read_bytes()).text.split("\n\n") if p not in captions]
    assert from_text == from_html


# --- generic path and stale rules ----------------------------------------------------------------


def _without_site(html: str) -> str:
    """The page as if from an unknown host: no canonical URL pointing at a site with rules."""
    return html.replace('rel="canonical"', 'rel="alternate"').replace('property="og:url"', 'property="og:x"')


@pytest.mark.parametrize("stem", STEMS)
def test_generic_path_on_union_pages(stem: str) -> None:
    exp = expected(stem)
    art = clean_html(_without_site((HTML_DIR / f"{stem}.html").read_text(encoding="utf-8")))
    assert art.site is None and "rules_stale" not in art.flags
    check_article(art, exp, metadata=False)
    assert art.title == exp["title"] and art.published == exp["published"]
    assert ("spam_injected" in art.flags) == (stem.startswith("004"))


def test_renamed_body_container_falls_back_and_flags_rules_stale() -> None:
    stem = "000_c6bb8d0759ad483e"
    exp = expected(stem)
    html = (HTML_DIR / f"{stem}.html").read_text(encoding="utf-8")
    old = 'id="news-bodyhtml" class="bodytext'
    assert old in html
    changed = html.replace(old, 'id="article-content-v5" class="article-text')
    art = clean_html(changed, exp["url"])
    assert "rules_stale" in art.flags
    assert art.site == "ldld-caobang"  # still known, province/org kept
    check_article(art, exp, metadata=False)
    assert art.title == exp["title"] and art.published == exp["published"]


def test_older_template_of_a_site_still_matches_archived_pages() -> None:
    """An archived NukeViet 3.x page of the same site: the second [[templates]] block fits."""
    paras = [
        f"Năm 2012, Liên đoàn Lao động tỉnh đã kết nạp {100 + i} đoàn viên mới và thành lập {i + 2} công đoàn cơ sở."
        for i in range(4)
    ]
    page = (
        '<html lang="vi"><body><div id="header"><ul><li>Trang chủ</li><li>Tin tức</li></ul></div>'
        '<div id="news_detail"><h1>Kết quả công tác công đoàn năm 2012</h1>'
        '<span class="time">Thứ hai, 05/03/2012 10:20</span>'
        '<div class="bodytext">' + "".join(f"<p>{p}</p>" for p in paras) + "</div>"
        '<p style="text-align: right">Tác giả: Hoàng Thị Lan</p>'
        '<div id="stringrating">Tổng số điểm của bài viết là: 5 trong 1 đánh giá</div>'
        '<ul class="related"><li>Công đoàn tỉnh trao 300 suất quà Tết cho công nhân</li></ul></div>'
        '<div class="content online">Đang truy cập 12 Hôm nay 345</div></body></html>'
    )
    art = clean_html(page, "https://ldld.caobang.gov.vn/news/tin-hoat-dong/ket-qua-2012-12.html")
    assert art.site == "ldld-caobang" and not art.flags
    assert art.text.split("\n\n") == paras
    assert (art.title, art.published, art.author) == ("Kết quả công tác công đoàn năm 2012", "2012-03-05", "Hoàng Thị Lan")


def test_listing_page_of_a_known_site_is_not_taken_for_stale_rules() -> None:
    html = "<html lang='vi'><body><h1>Tin hoạt động</h1><ul>" + "".join(
        f"<li><a href='/news/tin-hoat-dong/bai-{i}-{i}.html'>Bài số {i} về hoạt động công đoàn cơ sở trong tỉnh</a></li>"
        for i in range(20)
    ) + "</ul></body></html>"
    art = clean_html(html, "https://ldld.caobang.gov.vn/news/tin-hoat-dong/")
    assert art.site == "ldld-caobang"
    assert "not_article" in art.flags and "rules_stale" not in art.flags


def test_unknown_nukeviet_site_borrows_the_cms_templates() -> None:
    stem = "002_60ffbf86a2e7e850"
    exp = expected(stem)
    html = _without_site((HTML_DIR / f"{stem}.html").read_text(encoding="utf-8"))
    art = clean_html(html, "https://ldld.other-province.gov.vn/news/tin-hoat-dong/bai-viet-1452.html")
    assert art.site is None and art.province is None and not art.flags
    check_article(art, exp)
    assert art.text == clean_html((HTML_DIR / f"{stem}.html").read_bytes()).text


def test_unknown_page_with_hidden_link_farm_is_flagged() -> None:
    paras = "".join(
        f"<p>Đoạn {i}: Công đoàn cơ sở đã tổ chức hội nghị người lao động, thông qua thỏa ước lao động tập thể "
        f"và kết nạp thêm nhiều đoàn viên mới trong quý vừa qua.</p>"
        for i in range(6)
    )
    spam = "".join(f'<a href="https://site{i}.example/">slot gacor maxwin {i}</a> ' for i in range(8))
    page = (
        "<html lang='vi'><head><title>Hội nghị người lao động</title></head><body>"
        f"<h1>Hội nghị người lao động năm 2024</h1><article>{paras}"
        f"<div style='display:none'>{spam}</div></article></body></html>"
    )
    art = clean_html(page, "https://congdoan-example.vn/tin/hoi-nghi-1.html")
    assert "spam_injected" in art.flags
    assert "gacor" not in art.text and "Đoạn 5" in art.text
    assert art.site is None


def test_visible_spam_inside_a_site_body_never_reaches_the_text() -> None:
    stem = "000_c6bb8d0759ad483e"
    exp = expected(stem)
    html = (HTML_DIR / f"{stem}.html").read_text(encoding="utf-8")
    marker = '<div id="news-bodyhtml" class="bodytext margin-bottom-lg">'
    assert marker in html
    spam = '<p><a href="https://x.example/">situs slot gacor</a> <a href="https://y.example/">judi online</a> maxwin</p>'
    art = clean_html(html.replace(marker, marker + spam), exp["url"])
    assert "spam_injected" in art.flags
    assert "gacor" not in art.text and "judi" not in art.text
    check_article(art, exp)


def test_a_report_on_gambling_is_not_spam() -> None:
    para = (
        "Công đoàn các khu công nghiệp đã phối hợp với công an tuyên truyền cho công nhân về tác hại của "
        "cá độ bóng đá, cá cược trên mạng và lô đề, giúp người lao động tránh xa tệ nạn xã hội."
    )
    dump = f"Tuyên truyền phòng chống tệ nạn\n{para}\nCác tin cùng chuyên mục"
    art = clean_text(dump)
    assert art.text == para and "spam_injected" not in art.flags


def test_casino_news_in_english_is_not_spam() -> None:
    paras = "".join(
        f"<p>The casino operator said on Tuesday that betting revenue rose {i} percent as tourists returned "
        "to the resort, according to a filing with regulators.</p>"
        for i in range(6)
    )
    art = clean_html(f"<html lang='en'><body><h1>Casino revenue rises</h1><article>{paras}</article></body></html>")
    assert "spam_injected" not in art.flags
    assert "betting revenue rose 5 percent" in art.text


# --- normalisation -------------------------------------------------------------------------------


def _mangle(text: str) -> str:
    """Same words in NFD, new-style tone placement, NBSP and zero-width spaces."""
    text = text.replace("hóa", "hoá").replace("Thỏa", "Thoả").replace("khóa", "khoá")
    text = text.replace("đoàn viên", "đoàn \u200bviên")
    return unicodedata.normalize("NFD", text).replace("Công đoàn", "Công\u00a0đoàn")


def test_nfd_new_tones_and_nbsp_give_the_same_text() -> None:
    dump = (SEED_DIR / "000_c6bb8d0759ad483e.txt").read_text(encoding="utf-8")
    mangled = _mangle(dump)
    assert mangled != dump and "\u00a0" in mangled and "oá" in unicodedata.normalize("NFC", mangled)
    assert clean_text(mangled).text == clean_text(dump).text
    html = (HTML_DIR / "000_c6bb8d0759ad483e.html").read_text(encoding="utf-8")
    a, b = clean_html(_mangle(html)), clean_html(html)
    assert a.text == b.text and a.title == b.title
    assert unicodedata.is_normalized("NFC", a.text) and "\u00a0" not in a.text and "\u200b" not in a.text


def _to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed base letters (ư, ơ, â …) plus combining tone marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
        out += (base + "".join(c for c in nfd if c in tones)).encode("cp1258", errors="xmlcharrefreplace")
    return bytes(out)


def test_bytes_in_another_charset_decode_to_the_same_article_and_carry_decoder_flags() -> None:
    html = (HTML_DIR / "000_c6bb8d0759ad483e.html").read_text(encoding="utf-8")
    ref = clean_html(html)
    declared = clean_html(_to_cp1258(html.replace('charset="utf-8"', 'charset="windows-1258"')))
    assert declared.text == ref.text and declared.title == ref.title and not declared.flags
    mislabelled = clean_html(_to_cp1258(html))  # still says utf-8
    assert mislabelled.text == ref.text and "charset_mismatch" in mislabelled.flags


# --- metadata ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Thứ bảy - 27/08/2022 05:27", "2022-08-27"),
        ("Ngày đăng: 21/05/2020", "2020-05-21"),
        ("Cập nhật lúc 09:50 ngày 27/09/2013", "2013-09-27"),
        ("THỨ NĂM, 10/10/2019 10:53:08", "2019-10-10"),
        ("17/01/2025, 07:00", "2025-01-17"),
        ("Chủ nhật, 05/3/2023 - 08:15 GMT+7", "2023-03-05"),
    ],
)
def test_datelines(line: str, iso: str) -> None:
    assert dateline_date(line) == iso


def test_dates_that_are_not_datelines() -> None:
    assert dateline_date("Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị") is None
    assert parse_date("31/02/2020") is None  # no such day
    assert parse_date("Kế hoạch ngày 5 tháng 3 năm 2020") == "2020-03-05"


def test_dateline_of_an_unknown_page_wins_over_meta_tags() -> None:
    body = "<p>" + "Công đoàn tổ chức hội nghị tổng kết năm với nhiều đoàn viên tham dự. " * 8 + "</p>"
    page = (
        '<html lang="vi"><head><meta property="article:published_time" content="2019-01-02T00:00:00+07:00">'
        '<title>Tổng kết năm - Báo Lao động Thủ đô</title></head><body>'
        f'<h1>Tổng kết năm</h1><span class="post-date">THỨ NĂM, 10/10/2019 10:53:08</span><article>{body}</article></body></html>'
    )
    art = clean_html(page)
    assert art.published == "2019-10-10"
    assert art.title == "Tổng kết năm"
    assert clean_html(page.replace("THỨ NĂM, 10/10/2019 10:53:08", "")).published == "2019-01-02"


def test_title_suffixes_and_bylines() -> None:
    assert strip_site_suffix("Hội nghị công đoàn - Báo Lao động Thủ đô") == "Hội nghị công đoàn"
    assert strip_site_suffix("Hội nghị | LĐLĐ tỉnh Cao Bằng") == "Hội nghị"
    assert strip_site_suffix("Hà Nội - Những điểm mới của Luật Công đoàn") == "Hà Nội - Những điểm mới của Luật Công đoàn"
    assert looks_like_byline("Mai Quý") and looks_like_byline("Ngọc Văn Phán - Chủ tịch CĐVC tỉnh")
    assert not looks_like_byline("Nhanh chóng đưa Nghị quyết vào cuộc sống")


def test_author_label_and_trailing_byline_in_html() -> None:
    body = "".join(f"<p>Đoạn {i}: công đoàn cơ sở vận động người lao động tham gia các hoạt động thi đua.</p>" for i in range(5))
    art = clean_html(f'<html lang="vi"><body><h1>Tin hoạt động công đoàn</h1><article>{body}<p>Tác giả: Nguyễn Văn A</p></article></body></html>')
    assert art.author == "Nguyễn Văn A" and "Tác giả" not in art.text


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "whitespace"),
        ("  \n ", "empty"),
        (b"%PDF-1.7\n%binary", "PDF"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip"),
        (b"<html>\x00\x01\x02\x00\x00\x03</html>" * 20, "binary"),
        (12345, "got int"),
    ],
)
def test_bad_html_input_raises_a_clear_value_error(data, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        clean_html(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [("", "empty"), ("\n \n", "empty"), (b"bytes", "got bytes"), ("\x00\x01\x02\x03" * 50, "binary"), (None, "got NoneType")],
)
def test_bad_text_input_raises_a_clear_value_error(data, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        clean_text(data)


def test_bad_pattern_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "boilerplate.txt"
    bad.write_text("[drop]\n# ok\nfine line\n(unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"boilerplate.txt:4"):
        load_boilerplate(bad)
    words = tmp_path / "spam.txt"
    words.write_text("casino\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"before any \[section\]"):
        load_spam_words(words)


def test_text_dump_names_its_site_in_the_footer() -> None:
    seeds = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
    art = clean_text((seeds / "000_c6bb8d0759ad483e.txt").read_text(encoding="utf-8"))
    assert (art.site, art.province, art.org) == ("ldld-caobang", "Cao Bằng", "LĐLĐ tỉnh Cao Bằng")
    # A site named only inside the article body is a quoted source, not where the page came from.
    filler = [f"Đoạn văn bản bình thường của bài viết số {i}, không có tên trang nào." for i in range(10)]
    body = "\n".join(["Tiêu đề bài viết", *filler, "Theo ldld.caobang.gov.vn, kết nạp 856 đoàn viên công đoàn.",
                      *filler])
    assert clean_text(body).site is None


# --- headline rule (docs/cleaning.md) -----------------------------------------------------------

_HEADLINE = "Công đoàn tỉnh trao 1.250 suất quà Tết cho đoàn viên khó khăn"
_BODY = "".join(
    f"<p>Đoạn {i}: sáng nay, Liên đoàn Lao động tỉnh tổ chức chương trình Tết Sum vầy, trao quà cho công nhân lao động có hoàn cảnh khó khăn tại các khu công nghiệp.</p>"
    for i in range(6)
)


def _headline_page(inside: str) -> str:
    return f"<html><head><title>{_HEADLINE}</title></head><body><nav><a href='/'>Trang chủ</a></nav><article><h1>{_HEADLINE}</h1>{inside}</article><footer>Bản quyền</footer></body></html>"


def test_headline_alone_goes_to_title_not_text() -> None:
    art = clean_html(_headline_page(_BODY))
    assert art.title == _HEADLINE
    assert _HEADLINE not in art.text.split("\n\n")


def test_body_that_restates_the_headline_keeps_it() -> None:
    """The lead paragraph is the headline word for word: it is the body's own, so it stays (once)."""
    art = clean_html(_headline_page(f"<p>{_HEADLINE}</p>{_BODY}"))
    assert art.title == _HEADLINE
    assert art.text.split("\n\n").count(_HEADLINE) == 1


def test_headline_as_first_sentence_of_the_lead_stays() -> None:
    lead = f"{_HEADLINE}. Chương trình diễn ra tại Nhà văn hóa công nhân với sự tham gia của 300 đoàn viên."
    art = clean_html(_headline_page(f"<p>{lead}</p>{_BODY}"))
    assert art.text.startswith(lead)


def test_postfilter_headline_rule() -> None:
    from pipeline.clean.lines import postfilter

    body = ["Đoạn một của bài viết, đủ dài để là thân bài.", "Đoạn hai."]
    assert _HEADLINE not in postfilter([_HEADLINE, *body], title=_HEADLINE).paragraphs
    kept = postfilter([_HEADLINE, _HEADLINE, *body], title=_HEADLINE, title_in_body=True).paragraphs
    assert kept.count(_HEADLINE) == 1


def test_site_templates_are_chosen_by_the_page_date() -> None:
    """Fundus-style versions: a page from before a redesign is read with the template of its time."""
    from pipeline.clean.cleaner import templates_for
    from pipeline.sites import parse_site_rules

    site = parse_site_rules({
        "name": "ldld-x", "base_url": "https://ldld.x.gov.vn/",
        "templates": [{"name": "2024", "body": "div#content", "valid_from": "2024-01-01"},
                      {"name": "2019", "body": "div.bodytext", "valid_from": "2019-06-01"},
                      {"name": "mobile", "body": "div.mbody"}],
    }, "x.toml")
    assert [t.name for t in templates_for(site, "2025-03-01")] == ["2024", "2019", "mobile"]
    assert [t.name for t in templates_for(site, "2021-05-10")] == ["2019", "mobile", "2024"]
    assert [t.name for t in templates_for(site, "2018-01-01")] == ["mobile", "2024", "2019"]
    assert [t.name for t in templates_for(site, None)] == ["2024", "2019", "mobile"]


@pytest.mark.parametrize("lang, expected", [("vi", True), ("vi-VN", True), ("en", False)])
def test_page_language_is_read_from_the_html_tag_even_after_a_stray_meta(lang: str, expected: bool) -> None:
    """A saved page may carry a <meta> above its doctype; the parser then opens an <html> of its own and
    drops the page's lang attribute, which must still decide (the body here has no Vietnamese letter)."""
    from pipeline.clean.cleaner import _page_is_vietnamese
    from pipeline.clean.dom import parse_html

    markup = (f'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n<!DOCTYPE html>\n'
              f'<html lang="{lang}"><head><title>Video</title></head><body><p>Video clip 2024</p></body></html>')
    root = parse_html(markup)
    assert root.get("lang") is None  # the parser's own <html>, as on the saved pages
    assert _page_is_vietnamese(root, markup) is expected


@pytest.mark.parametrize("entry", ["slot gacor", "Slot Gacor", r"slot\Wgacor"])
def test_spam_entries_match_in_any_case(tmp_path: Path, entry: str) -> None:
    """Entries without capitals are searched in the lower-cased text (faster); with capitals, ignoring case."""
    words = tmp_path / "spam.txt"
    words.write_text(f"[strong]\n{entry}\n[weak]\nbonus\n", encoding="utf-8")
    spam = load_spam_words(words)
    strong, weak = spam.terms("Link SLOT GACOR hôm nay, nhận BONUS ngay")
    assert strong == {"slot gacor"} and weak == {"bonus"}
    assert spam.has_strong("slot gacor") and not spam.has_strong("đoàn viên công đoàn")
