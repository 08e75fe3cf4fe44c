"""Crawler faults against a small local fault server: slow drips, endless sitemaps, 429 storms, non-HTML
articles, dead sites. Each case failed before its fix."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from testsite.crawling import FAST
from testsite.faults import ALLOW_ALL, FaultServer, fault_server, page, send

from pipeline.cli import main as cli_main
from pipeline.crawl.archive import PAGE_KIND, scan_warc, warc_files
from pipeline.crawl.crawler import Crawler, CrawlReport
from pipeline.crawl.fetch import AddressPolicy, CrawlSettings, Fetcher
from pipeline.sites import parse_site_rules

LOOPBACK = AddressPolicy(allow_private=True)
ARTICLE = ("<html><head><title>Bài {i}</title></head><body><h1>Bài {i}</h1><p>Trong quý I năm 2024, công đoàn "
           "đã kết nạp {n} đoàn viên.</p></body></html>")


def _drip(total: int, every: float):
    """Content-Length `total`, then one byte every `every` seconds (until the client hangs up)."""

    def handler(req, _n: int) -> int:
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        req.send_header("Content-Length", str(total))
        req.end_headers()
        req.wfile.flush()
        for _ in range(total):
            req.wfile.write(b"x")
            req.wfile.flush()
            time.sleep(every)
        return 200

    return handler


def _site(server: FaultServer, **extra: object):
    data = {"name": "faults", "base_url": server.url("/"), "start_urls": [server.url("/tin/")],
            "article_url_pattern": r"/tin/.+\.(html|pdf)$", "delay_seconds": 0.0, "allow_private_addresses": True,
            **extra}
    return parse_site_rules(data)


def _crawl(tmp_path: Path, server: FaultServer, **settings: object) -> CrawlReport:
    site = _site(server, **settings.pop("site", {}))  # type: ignore[arg-type]
    merged = CrawlSettings(**{**FAST, **settings})
    return Crawler([site], tmp_path / "corpus", tmp_path / "state.sqlite", merged, progress=False).run()


def _records(corpus: Path) -> list:
    return [r for path in warc_files(corpus) for r in scan_warc(path).records]


# ---------------------------------------------------------------------- wall-clock cap


def test_dripped_body_is_cut_at_the_wall_clock_cap():
    """One byte every 0.5 s never trips the read timeout; the whole-response cap must still cut it."""
    with fault_server({"/drip.html": _drip(40, 0.5)}) as server:
        fetcher = Fetcher(CrawlSettings(**{**FAST, "read_timeout": 2.0, "max_fetch_seconds": 1.5}))
        t0 = time.monotonic()
        result = fetcher.fetch(server.url("/drip.html"), delay=0.0, addresses=LOOPBACK)
        took = time.monotonic() - t0
    ex = result.final
    assert took < 3.0, f"not cut at the cap: {took:.1f}s"
    assert ex is not None and ex.truncated == "time"
    assert 0 < len(ex.body) < 40
    assert "max_fetch_seconds" in (result.error or "")
    assert len(result.exchanges) == 1  # a slow-drip server is not retried


def test_crawl_marks_a_dripped_page_failed_and_truncated(tmp_path):
    routes = {"/robots.txt": ALLOW_ALL, "/tin/": page('<a href="/tin/drip.html">x</a>'),
              "/tin/drip.html": _drip(40, 0.5)}
    with fault_server(routes) as server:
        report = _crawl(tmp_path, server, read_timeout=2.0, max_fetch_seconds=1.0)
    failed = dict(report.failed)
    assert "max_fetch_seconds" in failed[server.url("/tin/drip.html")]
    assert report.counts["faults"]["new"] == 0
    cut = [r for r in _records(tmp_path / "corpus") if r.rec_type == "response" and r.url.endswith("drip.html")]
    assert [r.warc_headers.get("WARC-Truncated") for r in cut] == ["time"]


# ---------------------------------------------------------------------- Retry-After after the last retry


def test_retry_after_holds_for_the_host_after_the_last_retry():
    busy = lambda req, _n: send(req, 429, b"busy", headers={"Retry-After": "1"})  # noqa: E731
    with fault_server({"/busy.html": busy, "/next.html": page("<p>ok</p>")}) as server:
        fetcher = Fetcher(CrawlSettings(**{**FAST, "retries": 1, "backoff_factor": 0.01}))
        first = fetcher.fetch(server.url("/busy.html"), delay=0.0, addresses=LOOPBACK)
        fetcher.fetch(server.url("/next.html"), delay=0.0, addresses=LOOPBACK)
    assert "gave up after 2 attempts" in (first.error or "")
    last_429 = [h for h in server.hits if h.path == "/busy.html"][-1]
    nxt = next(h for h in server.hits if h.path == "/next.html")
    assert nxt.start - last_429.end >= 1.0, f"next request after {nxt.start - last_429.end:.2f}s"


# ---------------------------------------------------------------------- sitemap bounds


def _endless_sitemaps(fanout: int):
    """Every /sm/<n>.xml is a sitemap index listing `fanout` children never seen before."""

    def handler(req, _n: int) -> int:
        path = req.path.split("?")[0]
        if not path.startswith("/sm/"):
            return send(req, 404)
        n = int(path[4:].split(".")[0])
        kids = "".join(f"<sitemap><loc>/sm/{n * fanout + k + 1}.xml</loc></sitemap>" for k in range(fanout))
        body = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{kids}'
        return send(req, 200, (body + "</sitemapindex>").encode(), "application/xml")

    return handler


@pytest.mark.parametrize(("fanout", "limits", "most"), [
    (1, {"max_sitemap_depth": 4}, 5),  # a chain: the seed and 4 levels below it
    (3, {"max_sitemap_depth": 50, "max_sitemaps": 12}, 12),  # a fan: stops at the count
])
def test_sitemap_nesting_and_count_are_bounded(tmp_path, caplog, fanout, limits, most):
    with fault_server({"/robots.txt": ALLOW_ALL, "/tin/": page("<p>-</p>")}, _endless_sitemaps(fanout)) as server:
        report = _crawl(tmp_path, server, site={"sitemaps": [server.url("/sm/0.xml")]}, **limits)
        fetched = [p for p in server.paths() if p.startswith("/sm/")]
    assert report.finished
    assert 2 <= len(fetched) <= most, len(fetched)
    assert len(fetched) == len(set(fetched))
    assert "sitemap" in caplog.text and ("max_sitemap_depth" in caplog.text or "max_sitemaps" in caplog.text)


def test_sitemap_bounds_have_sane_defaults():
    s = CrawlSettings()
    assert 2 <= s.max_sitemap_depth <= 10 and 100 <= s.max_sitemaps <= 10_000


# ---------------------------------------------------------------------- Content-Type


def test_non_html_at_article_urls_is_archived_but_not_an_article(tmp_path):
    links = "".join(f'<a href="/tin/{n}">{n}</a>' for n in ("bai-1.html", "tai-lieu.pdf", "anh.html", "api.html"))
    routes = {
        "/robots.txt": ALLOW_ALL,
        "/tin/": page(f"<html><body>{links}</body></html>"),
        "/tin/bai-1.html": page(ARTICLE.format(i=1, n=118)),
        "/tin/tai-lieu.pdf": page(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "application/pdf"),
        "/tin/anh.html": page(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png"),
        "/tin/api.html": page(b'{"members": 118}', "application/json"),
    }
    with fault_server(routes) as server:
        report = _crawl(tmp_path, server)
    assert report.counts["faults"]["new"] == 1
    kinds = {r.url.rsplit("/", 1)[1]: r.warc_headers.get(PAGE_KIND) for r in _records(tmp_path / "corpus")
             if r.rec_type == "response" and r.http_status == 200}
    assert kinds["bai-1.html"] == "article"
    assert {kinds[n] for n in ("tai-lieu.pdf", "anh.html", "api.html")} == {"other"}


# ---------------------------------------------------------------------- exit status


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rules_file(folder: Path, name: str, base: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(
        f'name = "{name}"\nbase_url = "{base}/"\nstart_urls = ["{base}/tin/"]\n'
        f'article_url_pattern = "/tin/.+\\\\.html$"\ndelay_seconds = 0.0\nallow_private_addresses = true\n',
        encoding="utf-8")


def _cli(tmp_path: Path) -> list[str]:
    return ["crawl", "--sites", str(tmp_path / "sites"), "--corpus", str(tmp_path / "corpus"), "--state",
            str(tmp_path / "state.sqlite"), "--retries", "0", "--no-progress"]


def test_crawl_exits_1_naming_the_sites_when_nothing_could_be_fetched(tmp_path, capsys):
    for name in ("chet-a", "chet-b"):
        _rules_file(tmp_path / "sites", name, f"http://127.0.0.1:{_closed_port()}")
    assert cli_main(_cli(tmp_path)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    line = next(x for x in err if "nothing could be fetched" in x)
    assert "chet-a" in line and "chet-b" in line


def test_crawl_exits_0_when_one_site_of_two_worked(tmp_path, capsys):
    routes = {"/robots.txt": ALLOW_ALL, "/tin/": page('<a href="/tin/bai-1.html">1</a>'),
              "/tin/bai-1.html": page(ARTICLE.format(i=1, n=118))}
    with fault_server(routes) as server:
        _rules_file(tmp_path / "sites", "song", server.base_url)
        _rules_file(tmp_path / "sites", "chet", f"http://127.0.0.1:{_closed_port()}")
        assert cli_main(_cli(tmp_path)) == 0
    err = capsys.readouterr().err
    assert "chet" in err and "song" not in err.split("nothing could be fetched")[-1]


def _drip_headers(every: float):
    """A status line, then the header block one byte every `every` seconds."""

    def handler(req, _n: int) -> int:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Slow: " + b"a" * 40 + b"\r\n\r\n"
        try:
            for i in range(len(head)):
                req.wfile.write(head[i:i + 1])
                req.wfile.flush()
                time.sleep(every)
        except OSError:
            pass  # the client hung up: the point of the test
        return 200

    return handler


def test_dripped_headers_are_cut_at_the_wall_clock_cap():
    """The read timeout never trips on headers sent one byte every 0.3 s; the whole-response cap must."""
    with fault_server({"/slow-head.html": _drip_headers(0.3)}) as server:
        fetcher = Fetcher(CrawlSettings(**{**FAST, "read_timeout": 2.0, "max_fetch_seconds": 1.5, "retries": 2}))
        t0 = time.monotonic()
        result = fetcher.fetch(server.url("/slow-head.html"), delay=0.0, addresses=LOOPBACK)
        took = time.monotonic() - t0
    assert took < 3.5, f"headers not cut at the cap: {took:.1f}s"
    assert "headers still arriving after max_fetch_seconds" in (result.error or "")
    assert len(result.exchanges) == 1  # not retried


def test_a_normal_page_is_not_cut_by_the_header_watchdog():
    with fault_server({"/ok.html": page(ARTICLE.format(i=1, n=42))}) as server:
        fetcher = Fetcher(CrawlSettings(**{**FAST, "max_fetch_seconds": 0.5}))
        for _ in range(3):  # keep-alive reuses the connection: each request has its own deadline
            result = fetcher.fetch(server.url("/ok.html"), delay=0.0, addresses=LOOPBACK)
            assert result.error is None and result.final is not None and b"42" in result.final.body
            time.sleep(0.6)
