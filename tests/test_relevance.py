"""The relevance prefilter: pages of unknown sites that name no union, member or worker are kept unread, and it
never drops a gold claim of the annotated sets."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from pipeline.clean.cleaner import clean_html
from pipeline.clean.relevance import OFF_TOPIC, is_relevant, load_relevance
from pipeline.cli import main
from pipeline.rules import RulesError

ROOT = Path(__file__).resolve().parent.parent
ANNOTATED = [*(p for p in (ROOT / "bench/data/real" / f"{part}.jsonl" for part in ("dev", "test", "fresh")) if p.exists()),
             ROOT / "tests/data/claims_dev.jsonl", ROOT / "tests/data/challenge.jsonl",
             *sorted((ROOT / "bench/data").glob("*.jsonl"))]

# A general news page (the shape of a national news site): prices, a football result, no union anywhere.
NEWS_PAGE = """<html><head><title>Giá xăng giảm lần thứ ba liên tiếp - Báo Kinh tế</title>
<link rel="canonical" href="https://kinhte.example.vn/gia-xang-giam-20221224.htm"></head><body>
<nav><a href="/">Trang chủ</a> <a href="/the-thao">Thể thao</a></nav>
<article><h1>Giá xăng giảm lần thứ ba liên tiếp</h1>
<p>Chiều 24/12, liên Bộ Công Thương - Tài chính điều chỉnh giá xăng dầu. Xăng RON95 giảm 1.050 đồng mỗi lít,
còn 21.850 đồng; xăng E5 RON92 giảm 980 đồng, còn 20.720 đồng.</p>
<p>Từ đầu năm, giá xăng đã được điều chỉnh 36 lần, trong đó 17 lần tăng và 19 lần giảm.</p>
</article></body></html>"""

# A union report on a site without rules: read in full, its figure extracted.
UNION_PAGE = """<html><head><title>Công đoàn huyện Yên Thành kết nạp 312 đoàn viên</title>
<link rel="canonical" href="https://tin.example.vn/cong-doan-yen-thanh-ket-nap-312-doan-vien.htm"></head><body>
<article><h1>Công đoàn huyện Yên Thành kết nạp 312 đoàn viên</h1>
<p>Năm 2024, Liên đoàn Lao động huyện Yên Thành (Nghệ An) đã kết nạp 312 đoàn viên, thành lập mới
4 công đoàn cơ sở trong các doanh nghiệp ngoài nhà nước, vượt chỉ tiêu được giao.</p>
<p>Toàn huyện hiện có 9.870 đoàn viên sinh hoạt tại 211 công đoàn cơ sở.</p>
</article></body></html>"""


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", [p for p in ANNOTATED if p.exists()], ids=lambda p: p.name)
def test_no_annotated_excerpt_with_a_gold_claim_is_left_unread(path: Path) -> None:
    dropped = [r.get("id") for r in _records(path) if (r.get("claims") or r.get("gold"))
               and not is_relevant(unicodedata.normalize("NFC", r["text"]), r.get("url"))]
    assert dropped == []


def test_the_real_sets_are_there_to_measure_recall_on() -> None:
    assert sum(len(_records(p)) for p in ANNOTATED[:3]) >= 800


def test_a_general_news_page_is_kept_unread_with_its_title() -> None:
    art = clean_html(NEWS_PAGE.encode("utf-8"), None, prefilter=True)
    assert OFF_TOPIC in art.flags
    assert art.text == ""
    assert art.title == "Giá xăng giảm lần thứ ba liên tiếp"
    assert art.url == "https://kinhte.example.vn/gia-xang-giam-20221224.htm"
    # An edit still changes the hash the monitor compares.
    edited = clean_html(NEWS_PAGE.replace("36 lần", "37 lần").encode("utf-8"), None, prefilter=True)
    assert edited.content_hash != art.content_hash and edited.doc_id == art.doc_id



def test_scripts_and_styles_neither_make_a_page_relevant_nor_change_its_hash() -> None:
    page = NEWS_PAGE.replace("</head>", "<style>.cong-doan{color:red}</style></head>")
    fetch1 = page.replace("</body>", '<script>var nonce="a1f3"; track("Công đoàn");</script></body>')
    fetch2 = page.replace("</body>", '<script>var nonce="9c2e"; track("Công đoàn");</script></body>')
    first, second = (clean_html(p.encode("utf-8"), None, prefilter=True) for p in (fetch1, fetch2))
    assert OFF_TOPIC in first.flags  # "Công đoàn" only in a script: the page names no union to its readers
    assert first.content_hash == second.content_hash  # a new nonce is not an edit


def test_text_without_code_keeps_the_text_around_scripts() -> None:
    from pipeline.clean.dom import parse_html, text_without_code

    root = parse_html("<html><body><p>Kết nạp<script>x = 'đoàn viên';</script> 120 đoàn viên</p>"
                      "<style>p{margin:0}</style><p>mới.</p></body></html>", [])
    assert text_without_code(root) == "Kết nạp 120 đoàn viênmới."

def test_without_the_prefilter_the_same_page_is_read_in_full() -> None:
    art = clean_html(NEWS_PAGE.encode("utf-8"), None)
    assert OFF_TOPIC not in art.flags
    assert "21.850 đồng" in art.text


def test_a_union_page_of_an_unknown_site_is_read_in_full() -> None:
    art = clean_html(UNION_PAGE.encode("utf-8"), None, prefilter=True)
    assert OFF_TOPIC not in art.flags
    assert "kết nạp 312 đoàn viên" in art.text


def test_workers_count_only_with_a_number_near_them() -> None:
    # General news names workers too; a union claim about workers has its number next to them.
    assert not is_relevant("Giá nhà tăng nhanh hơn nhiều so với thu nhập của đại bộ phận người lao động. "
                           "Bởi vậy, ước mơ sở hữu nhà vẫn còn xa.")
    assert is_relevant("Chỉ sau 01 giờ phát động, CBCNV-NLĐ Liên doanh Vietsovpetro đã quyên góp được số tiền "
                       "210 triệu đồng ủng hộ đồng bào bị thiệt hại do bão.")
    far = "Người lao động của công ty đã tham gia phong trào. " + "Tin tức khác trong ngày. " * 10 + "Giá vàng 80 triệu."
    assert not is_relevant(far)


def test_the_url_alone_can_make_a_page_relevant() -> None:
    assert is_relevant("Hơn 14 tỉ đồng ủng hộ đồng bào bị lũ lụt", "https://laodongthudo.vn/keu-goi-ung-ho-46926.html")
    assert not is_relevant("Hơn 14 tỉ đồng ủng hộ đồng bào bị lũ lụt", "https://kinhte.example.vn/ung-ho-46926.html")


def test_pages_of_a_site_with_rules_are_never_prefiltered() -> None:
    page = next((ROOT / "corpus/html").glob("000_*.html")).read_bytes()
    with_filter = clean_html(page, None, prefilter=True)
    assert OFF_TOPIC not in with_filter.flags
    assert with_filter.text == clean_html(page, None).text


def test_run_keeps_off_topic_pages_as_articles_without_claims(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.html").write_text(NEWS_PAGE, encoding="utf-8")
    (corpus / "union.html").write_text(UNION_PAGE, encoding="utf-8")
    assert main(["run", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--no-progress", "--workers", "1"]) == 0
    articles = pd.read_parquet(tmp_path / "out/articles.parquet")
    claims = pd.read_parquet(tmp_path / "out/claims.parquet")
    news = articles[articles["url"].str.contains("gia-xang")].iloc[0]
    assert OFF_TOPIC in news["flags"]
    assert set(claims["doc_id"]) == set(articles[articles["url"].str.contains("yen-thanh")]["doc_id"])
    assert ("members_recruited", 312.0) in set(zip(claims["indicator"], claims["value"], strict=True))
    # --read-all reads the news page too: its prices are not union claims, but its text is there.
    assert main(["run", "--corpus", str(corpus), "--out", str(tmp_path / "all"), "--no-progress", "--workers", "1",
                 "--read-all"]) == 0
    read = pd.read_parquet(tmp_path / "all/articles.parquet")
    assert not any(OFF_TOPIC in f for f in read["flags"])


def test_a_vocabulary_without_text_entries_is_a_rules_error(tmp_path: Path) -> None:
    bad = tmp_path / "relevance.txt"
    bad.write_text("[url]\ncong-doan\n", encoding="utf-8")
    with pytest.raises(RulesError, match="no \\[union\\] entries"):
        load_relevance(bad)


def test_a_legacy_font_page_is_not_judged_by_its_words() -> None:
    # VNI text read through cp1252 names no union in Unicode; it is flagged for the audit, not left unread.
    vni = "Coâng ñoaøn cô sôû ñaõ keát naïp 120 ñoaøn vieân. Lieân ñoaøn Lao ñoäng tænh. " * 4
    page = f'<html><head><meta charset="windows-1252"><title>Tin</title></head><body><p>{vni}</p></body></html>'
    art = clean_html(page.encode("cp1252"), "https://tin.example.vn/tin-1.html", prefilter=True)
    assert OFF_TOPIC not in art.flags and "legacy_vietnamese_encoding" in art.flags
