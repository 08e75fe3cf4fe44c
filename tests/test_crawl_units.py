"""Crawler building blocks without a network: URL canonicalisation, discovery parsers, WARC archive."""

from __future__ import annotations

import gzip
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.crawl.archive import (
    WarcArchive,
    build_group,
    complete_groups,
    iter_archived_pages,
    repair_warc,
    scan_warc,
)
from pipeline.crawl.discover import html_links, pagination_url, parse_date, parse_feed, parse_sitemap
from pipeline.crawl.fetch import AddressPolicy, Exchange, _Decoder, decode_body
from pipeline.crawl.urls import BadURL, clean_url, url_key

# ---------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "variant",
    [
        "https://ldld.caobang.gov.vn/news/tin-1.html",
        "http://ldld.caobang.gov.vn/news/tin-1.html",
        "https://www.ldld.caobang.gov.vn/news/tin-1.html",
        "HTTPS://LDLD.CaoBang.gov.vn:443/news/tin-1.html",
        "http://ldld.caobang.gov.vn:80/news/tin-1.html#binh-luan",
        "https://ldld.caobang.gov.vn/news/tin-1.html?utm_source=facebook&utm_medium=social&fbclid=abc",
        "https://ldld.caobang.gov.vn/news/tin-1.html?gclid=x",
        "https://ldld.caobang.gov.vn/news/tin-1.html/",
        "https://ldld.caobang.gov.vn/news/tin%2D1.html",
    ],
)
def test_url_variants_share_one_key(variant):
    assert url_key(variant) == url_key("https://ldld.caobang.gov.vn/news/tin-1.html")


def test_clean_url_keeps_meaningful_parts():
    assert clean_url("https://a.vn/news/?page=2&utm_source=x#top") == "https://a.vn/news/?page=2"
    assert clean_url("https://a.vn/a%2fb%7e") == "https://a.vn/a%2Fb~"  # escapes upper-cased, ~ decoded
    assert clean_url("/tin-tuc/bài viết.html", base="https://a.vn/x/") == "https://a.vn/tin-tuc/b%C3%A0i%20vi%E1%BA%BFt.html"
    assert clean_url("https://Bến-Tre.vn/").startswith("https://xn--")
    assert url_key("https://a.vn/l?b=2&a=1") == url_key("https://a.vn/l?a=1&b=2")
    assert url_key("https://a.vn/l?page=2") != url_key("https://a.vn/l?page=3")


@pytest.mark.parametrize("bad", ["ftp://a.vn/x", "javascript:alert(1)", "file:///etc/passwd", "http:///nohost",
                                 "https://a.vn:99999/"])
def test_non_http_urls_are_refused(bad):
    with pytest.raises(BadURL):
        clean_url(bad)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcxyz-_/.%~ àđ?=&", max_size=30))
def test_canonicalisation_is_idempotent(path):
    try:
        once = clean_url("https://a.vn/" + path)
    except BadURL:
        return
    assert clean_url(once) == once
    assert url_key(once) == url_key(clean_url(once))


def test_address_policy():
    closed = AddressPolicy()
    assert closed.refusal("127.0.0.1") and closed.refusal("10.0.0.1") and closed.refusal("169.254.169.254")
    assert closed.refusal("8.8.8.8") is None
    private = AddressPolicy(allow_private=True)
    assert private.refusal("10.0.0.1") is None
    assert private.refusal("169.254.169.254")  # metadata endpoints need an explicit network
    import ipaddress

    only_loopback = AddressPolicy(networks=(ipaddress.ip_network("127.0.0.0/8"),))
    assert only_loopback.refusal("127.0.0.5") is None
    assert "private" in only_loopback.refusal("10.0.0.1")


# ---------------------------------------------------------------------- discovery


def test_sitemap_index_and_gzipped_urlset():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://a.vn/sm-1.xml.gz</loc><lastmod>2024-03-01</lastmod></sitemap></sitemapindex>"""
    entries = parse_sitemap(index, "https://a.vn/sitemap.xml")
    assert [(e.url, e.is_sitemap) for e in entries] == [("https://a.vn/sm-1.xml.gz", True)]
    urlset = gzip.compress(b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://a.vn/tin-1.html?utm_source=x</loc><lastmod>2024-03-05T08:00:00+07:00</lastmod></url>
      <url><loc>https://a.vn/tin-2.html</loc><news:news><news:publication_date>2024-02-01</news:publication_date>
      </news:news></url></urlset>""")
    entries = parse_sitemap(urlset, "https://a.vn/sm-1.xml.gz")
    assert [(e.url, e.when) for e in entries] == [("https://a.vn/tin-1.html", date(2024, 3, 5)),
                                                   ("https://a.vn/tin-2.html", date(2024, 2, 1))]


def test_sitemap_with_entities_is_not_expanded():
    evil = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
      <urlset><url><loc>https://a.vn/&e;</loc></url></urlset>"""
    assert all("root:" not in e.url for e in parse_sitemap(evil, "https://a.vn/"))


def test_rss_and_atom_feeds():
    rss = b"""<rss version="2.0"><channel><item><title>t</title><link>https://a.vn/tin-1.html</link>
      <pubDate>Thu, 28 Mar 2024 10:00:00 +0700</pubDate></item>
      <item><guid>https://a.vn/tin-2.html</guid></item></channel></rss>"""
    assert [(e.url, e.when) for e in parse_feed(rss, "https://a.vn/rss")] == [
        ("https://a.vn/tin-1.html", date(2024, 3, 28)), ("https://a.vn/tin-2.html", None)]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/tin-3.html"/>
      <updated>2024-01-02T00:00:00Z</updated></entry></feed>"""
    assert [(e.url, e.when) for e in parse_feed(atom, "https://a.vn/atom")] == [("https://a.vn/tin-3.html",
                                                                                  date(2024, 1, 2))]
    assert parse_feed(b"<html>not a feed", "https://a.vn/") == []
    assert parse_date("not a date") is None


def test_html_links_and_pagination():
    page = """<html><head><base href="https://a.vn/news/"></head><body>
      <a href="tin-1.html#x">1</a><a href="/tin-2.html?utm_campaign=z">2</a><a href="mailto:x@a.vn">m</a>
      <a href="tin-1.html">again</a><a href="javascript:void(0)">j</a></body></html>"""
    assert html_links(page, "https://a.vn/") == ["https://a.vn/news/tin-1.html", "https://a.vn/tin-2.html"]
    assert pagination_url("https://a.vn/news/", "page-{n}", 3) == "https://a.vn/news/page-3"
    assert pagination_url("https://a.vn/news", "page-{n}", 2) == "https://a.vn/news/page-2"
    assert pagination_url("https://a.vn/tin.html?cat=1", "?page={n}", 2) == "https://a.vn/tin.html?cat=1&page=2"
    assert pagination_url("https://a.vn/tin.html?page=2", "?page={n}", 3) == "https://a.vn/tin.html?page=3"


def test_decoder_caps_a_gzip_bomb():
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    out = _Decoder("gzip").feed(bomb, 1024 * 1024)
    assert len(out) == 1024 * 1024 + 1  # one byte past the cap tells the caller to stop
    body, cut = decode_body(bomb, "gzip", 1000)
    assert len(body) == 1000 and cut
    assert decode_body(gzip.compress(b"abc"), "gzip", 1000) == (b"abc", False)


# ---------------------------------------------------------------------- WARC archive


def _exchange(url: str, body: bytes, status: int = 200, **kw) -> Exchange:
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    return Exchange(url=url, started=datetime(2024, 3, 1, tzinfo=timezone.utc), request_headers=[("User-Agent", "t")],
                    status=status, reason="OK", response_headers=headers + kw.pop("extra", []), raw=body, body=body,
                    **kw)


def test_archive_roundtrip_and_order(tmp_path):
    opened = []
    arch = WarcArchive(tmp_path / "warc", max_bytes=3000, on_open=opened.append)
    for i in range(5):
        body = f"<html><body><p>Bài {i}</p>{'x' * 800}</body></html>".encode()
        data, *_ = build_group([_exchange(f"https://a.vn/tin-{i}.html", body)], f"https://a.vn/tin-{i}.html")
        arch.write(data)
    arch.close()
    assert len(opened) >= 2  # rotated by size
    pages = list(iter_archived_pages(tmp_path))
    assert [p.url for p in pages] == [f"https://a.vn/tin-{i}.html" for i in range(5)]
    assert pages[0].body.startswith(b"<html><body><p>B\xc3\xa0i 0")
    assert pages[0].fetched_at.startswith("2024-03-01T00:00:00")
    assert pages[0].record_id.startswith("<urn:uuid:") and pages[0].status == 200
    assert pages[0].headers["content-type"] == "text/html; charset=utf-8"


def test_every_record_of_a_group_carries_the_page_kind(tmp_path):
    """The page kind must survive the request/response loop (it was overwritten by the record type)."""
    body = b"<html><body><p>1</p></body></html>"
    arch = WarcArchive(tmp_path, max_bytes=10**6)
    arch.write(build_group([_exchange("https://a.vn/tin-1.html", body)], "https://a.vn/tin-1.html",
                           kind="article")[0])
    arch.write(build_group([_exchange("https://a.vn/tin-2.html", body)], "https://a.vn/tin-2.html",
                           kind="listing")[0])
    arch.close()
    kinds = [r.warc_headers.get("Unionclaims-Page-Kind") for p in tmp_path.glob("*.warc.gz")
             for r in scan_warc(p).records if r.rec_type != "warcinfo"]
    assert kinds == ["article", "article", "listing", "listing"]
    assert [p.url for p in iter_archived_pages(tmp_path, kinds={"article"})] == ["https://a.vn/tin-1.html"]


def test_content_encoding_removed_and_non_html_skipped(tmp_path):
    raw = gzip.compress("<html><body>Đoàn viên</body></html>".encode())
    ex = _exchange("https://a.vn/tin-1.html", raw, extra=[("Content-Encoding", "gzip")])
    redirect = _exchange("https://a.vn/old", b"", status=301)
    xml = _exchange("https://a.vn/sitemap.xml", b"<urlset/>")
    xml.response_headers = [("Content-Type", "application/xml")]
    arch = WarcArchive(tmp_path, max_bytes=10**6)
    for group in ([redirect, ex], [xml]):
        arch.write(build_group(group, group[0].url)[0])
    arch.close()
    pages = list(iter_archived_pages(tmp_path))
    assert [(p.url, p.body) for p in pages] == [("https://a.vn/tin-1.html", "<html><body>Đoàn viên</body></html>".encode())]


def test_repair_cuts_a_half_written_group_and_reading_survives_it(tmp_path, caplog):
    arch = WarcArchive(tmp_path, max_bytes=10**6)
    good, fid, *_ = build_group([_exchange("https://a.vn/tin-1.html", b"<html>1</html>")], "https://a.vn/tin-1.html")
    path, _ = arch.write(good)
    half, *_ = build_group([_exchange("https://a.vn/tin-2.html", b"<html>2</html>" * 100),
                            _exchange("https://a.vn/tin-2b.html", b"<html>2b</html>")], "https://a.vn/tin-2.html")
    arch._fh.write(half[: len(half) - 40])  # a crash in the middle of the second group's write
    arch._fh.flush()
    size_before = Path(path).stat().st_size
    # Readers see the complete records and one warning, not an exception.
    assert [p.url for p in iter_archived_pages(tmp_path)][0] == "https://a.vn/tin-1.html"
    groups, note = repair_warc(Path(path))
    assert list(groups) == [fid] and note and "cut" in note
    scan = scan_warc(Path(path))
    assert scan.damaged is None and scan.valid_end < size_before
    assert complete_groups(scan)[1] == scan.valid_end
    assert [p.url for p in iter_archived_pages(tmp_path)] == ["https://a.vn/tin-1.html"]


def test_garbage_file_is_one_warning_not_a_traceback(tmp_path, caplog):
    (tmp_path / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    assert list(iter_archived_pages(tmp_path)) == []
    assert any("broken.warc.gz" in r.getMessage() for r in caplog.records)
