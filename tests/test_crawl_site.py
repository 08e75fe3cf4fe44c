"""`unionclaims crawl` against real HTTP servers on 127.0.0.x: politeness, faults, monitoring, recovery."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from testsite.crawling import Workspace, archived, crawl, response_counts, write_rules
from testsite.server import FAULT_DIR, serve_sites

from pipeline.cli import main as cli_main
from pipeline.crawl import crawler as crawl_module
from pipeline.crawl.state import page_versions, run_summary, site_activity

pytestmark = pytest.mark.slow


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


def _messages(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------------- politeness


def test_polite_crawl_obeys_robots_and_spaces_requests(ws):
    """robots.txt first, disallowed URLs never requested, ≥ Crawl-delay between requests, hosts in parallel."""
    with serve_sites(["ldld-caobang", "congdoan-vinhphuc"], crawl_delay=0.3, n_articles=4) as servers:
        # Site delay 0.2 s; robots Crawl-delay 0.3 s is longer and wins.
        report = crawl(ws, servers, rules_delay=0.2, delay=None, workers=2)
        for name, server in servers.items():
            paths = server.requested()
            assert paths[0] == "/robots.txt"
            assert not [p for p in paths if p.startswith(server.site.spec.private_prefix)], name
            assert all("unionclaims" in e.headers["user-agent"] and "+http" in e.headers["user-agent"]
                       for e in server.log)
            # Server-side arrival times: the client starts a request ≥ 0.3 s after it finished reading the
            # previous response, which the server had received the request for before; so arrivals are
            # ≥ 0.3 s apart whatever the thread scheduling.
            starts = sorted(e.start for e in server.log)
            gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
            assert min(gaps) >= 0.3, (name, [round(g, 3) for g in gaps])
            assert report.counts[name]["new"] == 4 and report.counts[name]["blocked"] == 1
        a, b = (sorted(s.log, key=lambda e: e.start) for s in servers.values())
        assert a[0].start < b[-1].end and b[0].start < a[-1].end  # the two hosts were crawled at the same time
    counts = response_counts(ws.corpus)
    assert counts and max(counts.values()) == 1


# ---------------------------------------------------------------------- faults


def test_each_fault_is_handled_and_the_crawl_goes_on(ws, caplog):
    caplog.set_level(logging.WARNING)
    with serve_sites([], faults=True) as servers:
        server = servers["loi-test"]
        report = crawl(ws, servers)
        url = server.site.url
        hits = server.hits
        msgs = _messages(caplog)

    counts = report.counts["loi-test"]
    failed = dict(report.failed)
    # 500 every time: 1 + 2 retries, then failed with a clear line.
    assert hits[FAULT_DIR + "loi-500-1.html"] == 3
    assert "HTTP 500 (gave up after 3 attempts)" in failed[url(FAULT_DIR + "loi-500-1.html")]
    # One 500, one 429 with Retry-After: retried, then archived as new articles; Retry-After respected.
    assert hits[FAULT_DIR + "tam-loi-500-2.html"] == 2 and hits[FAULT_DIR + "qua-tai-429-3.html"] == 2
    first, second = [e for e in server.log if e.path == FAULT_DIR + "qua-tai-429-3.html"]
    assert first.status == 429 and second.status == 200 and second.start - first.end >= 1.0
    assert "HTTP 429; retry 1/2 in 1.0s" in msgs
    # Slow past the read timeout: retried, then failed.
    assert "read timed out" in failed[url(FAULT_DIR + "cham-4.html")]
    # Redirect loop cut; private and link-local redirect targets refused (never connected to).
    assert "redirect loop" in failed[url(FAULT_DIR + "vong-lap-5.html")]
    assert hits[FAULT_DIR + "vong-lap-5.html"] == 1 and hits[FAULT_DIR + "vong-lap-5b.html"] == 1
    assert "10.0.0.1 is a private address" in failed[url(FAULT_DIR + "chuyen-huong-rieng-6.html")]
    assert "169.254.169.254 is a link-local address" in failed[url(FAULT_DIR + "chuyen-huong-metadata-7.html")]
    # Connection closed mid-body: retried, then failed, naming the byte counts.
    assert "connection closed after 3000 of 50000 bytes" in failed[url(FAULT_DIR + "cat-ngan-9.html")]
    # 410 → gone.
    assert report.gone == [url(FAULT_DIR + "da-xoa-12.html")]
    # Every failure and the cut pages have their warning line naming the URL.
    for name in ("loi-500-1", "cham-4", "vong-lap-5", "chuyen-huong-rieng-6", "cat-ngan-9", "trang-lon-10",
                 "bom-gzip-11", "da-xoa-12"):
        assert f"{FAULT_DIR}{name}.html" in msgs, name
    assert "body over max_bytes=2097152; cut and flagged truncated" in msgs

    versions = {v["url"]: v for v in page_versions(ws.state)}
    # Wrong charset header on a Windows-1258 page: decoded right, flagged.
    assert "charset_mismatch" in versions[url(FAULT_DIR + "sai-bang-ma-8.html")]["flags"]
    # The 20 MB page and the gzip bomb are cut at the cap and flagged.
    for name in ("trang-lon-10.html", "bom-gzip-11.html"):
        assert "truncated" in versions[url(FAULT_DIR + name)]["flags"]
    pages = {p.url: p for p in _pages(ws)}
    assert pages[url(FAULT_DIR + "bom-gzip-11.html")].truncated
    assert len(pages[url(FAULT_DIR + "bom-gzip-11.html")].body) <= 2 * 1024 * 1024 + 64 * 1024
    assert "Liên đoàn Lao động tỉnh" in pages[url(FAULT_DIR + "sai-bang-ma-8.html")].decoded().text
    # … and the crawl went on: the normal articles and the recovered faults are all archived.
    assert counts["new"] == 3 + 2 + 1 + 2  # articles, 500-then-ok and 429-then-ok, charset page, two cut pages
    assert counts["failed"] == 6 and counts["gone"] == 1


def _pages(ws):
    from pipeline.crawl.archive import iter_archived_pages

    return list(iter_archived_pages(ws.corpus))


# ---------------------------------------------------------------------- monitoring


def test_second_crawl_finds_new_revalidates_and_reports_edits_and_gone(ws):
    with serve_sites(["ldld-caobang"], n_articles=12) as servers:
        server = servers["ldld-caobang"]
        site = server.site
        first = crawl(ws, servers)
        assert first.counts["ldld-caobang"]["new"] == 12 and not first.edited
        n_first = len(server.log)

        edited, removed = site.article_path(2), site.article_path(3)
        old_n = site.recruited[edited]
        site.edit(edited, 4321)
        site.delete(removed)
        added = site.add_article(12)
        second = crawl(ws, servers)
        log2 = server.log[n_first:]

    c = second.counts["ldld-caobang"]
    assert (c["new"], c["changed"], c["gone"], c["unchanged"], c["failed"]) == (1, 1, 1, 10, 0)
    assert second.edited == [site.url(edited)] and second.gone == [site.url(removed)]
    # Unchanged articles were revalidated with a conditional GET and answered 304.
    revalidated = [e for e in log2 if e.path in site.articles and e.path not in (edited, removed, added)]
    assert len(revalidated) == 10 and all(e.headers.get("if-none-match") and e.status == 304 for e in revalidated)
    # Listing page 2 holds no article the first crawl lacked: the second crawl stops paginating there.
    assert "/news/page-2" in [e.path for e in log2] and "/news/page-3" not in [e.path for e in log2]

    # Both versions are kept: in the state …
    versions = [v for v in page_versions(ws.state) if v["url"] == site.url(edited)]
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["text_hash"] != versions[1]["text_hash"]
    # … and in the archive, where every other article has exactly one full response.
    bodies = [p.body.decode() for p in _pages(ws) if p.url == site.url(edited)]
    assert len(bodies) == 2 and f"kết nạp {old_n} đoàn viên" in bodies[0] and "kết nạp 4321 đoàn viên" in bodies[1]
    counts = response_counts(ws.corpus)
    assert all(n == 1 for u, n in counts.items() if u != site.url(edited) and "/news/tin-hoat-dong/" in u)
    assert run_summary(ws.state)["ldld-caobang"]["changed"] == 1
    activity = {a["site"]: a for a in site_activity(ws.state)}["ldld-caobang"]
    assert activity["articles"] == 13 and activity["last_new_article_at"] and activity["days_since_new_article"] < 1
    assert activity["latest_published"] == "2024-03-13"


def test_unchanged_page_without_validators_is_archived_as_revisit(ws):
    with serve_sites(["congdoan-vinhphuc"], n_articles=3) as servers:
        servers["congdoan-vinhphuc"].conditional = False
        crawl(ws, servers)
        before = archived(ws.corpus)
        second = crawl(ws, servers)
    assert second.counts["congdoan-vinhphuc"]["unchanged"] == 3
    # Same bodies came back (200, no ETag): revisit records, so the readable archive is unchanged …
    assert sorted(archived(ws.corpus)) == sorted(before)
    # … but the exchange itself is in the WARC.
    db = sqlite3.connect(ws.state)
    assert db.execute("SELECT COUNT(*) FROM fetches WHERE run_id=2 AND kind='article'").fetchone()[0] == 3


def test_injected_spam_is_flagged(ws):
    with serve_sites(["ldld-bentre"], n_articles=3) as servers:
        report = crawl(ws, servers)
    assert report.counts["ldld-bentre"]["spam"] == 3 and len(report.spam) == 3
    assert all("spam_injected" in v["flags"] for v in page_versions(ws.state))


def test_since_stops_listing_pagination_and_skips_old_sitemap_entries(ws):
    with serve_sites(["ldld-caobang"], n_articles=12) as servers:
        server = servers["ldld-caobang"]
        # Listing page 1: articles of 8-12 March; page 2: 3-7 March; page 3: 2 March and the 2022 seed.
        crawl(ws, servers, since=__import__("datetime").date(2024, 3, 9))
        paths = server.requested()
    assert "/news/page-2" in paths and "/news/page-3" not in paths
    assert server.site.article_path(1) not in paths and server.site.seed_doc.path not in paths


def test_max_pages_limits_a_run_and_the_next_run_continues(ws):
    with serve_sites(["ldld-caobang"], n_articles=8) as servers:
        first = crawl(ws, servers, max_pages=6)
        db = sqlite3.connect(ws.state)
        fetched = db.execute("SELECT COUNT(*) FROM fetches WHERE run_id=1 AND kind != 'robots'").fetchone()[0]
        assert fetched == 6 and first.finished
        crawl(ws, servers)
    assert len(response_counts(ws.corpus)) >= 8
    assert max(response_counts(ws.corpus).values()) == 1


# ---------------------------------------------------------------------- crash recovery (deterministic)


class _Crash(BaseException):
    """Stands in for kill -9 between the WARC write and the state commit."""


def test_fetch_archived_but_not_recorded_is_recovered_not_refetched(ws, monkeypatch):
    with serve_sites(["ldld-caobang"], n_articles=6) as servers:
        write_rules(servers, ws.sites_dir)
        calls = {"n": 0}
        real_apply = crawl_module.Crawler._apply

        def crashing_apply(self, page, result, group):
            calls["n"] += 1
            if calls["n"] == 8:  # the 8th fetch is on disk, its state commit never happens
                raise _Crash
            return real_apply(self, page, result, group)

        with monkeypatch.context() as m:
            m.setattr(crawl_module.Crawler, "_apply", crashing_apply)
            m.setattr(crawl_module.WarcArchive, "close", lambda self: None)  # a killed process closes nothing
            with pytest.raises(_Crash):
                crawl(ws)
        # The crash also left half a record at the end of the open WARC file.
        (open_warc,) = ws.corpus.glob("warc/*.warc.gz")
        with open(open_warc, "ab") as fh:
            fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03half a record")
        hits_before = dict(servers["ldld-caobang"].hits)
        resumed = crawl(ws)
        hits_after = servers["ldld-caobang"].hits

        assert resumed.resumed and resumed.recovered == 1 and resumed.finished
        # Nothing fetched twice: every path requested once over both processes.
        assert all(n == 1 for n in hits_after.values()), hits_after
        assert set(hits_after) > set(hits_before)

        clean = Workspace(ws.root / "clean")
        write_rules(servers, clean.sites_dir)
        crawl(clean)
    assert sorted(archived(ws.corpus)) == sorted(archived(clean.corpus))
    assert max(response_counts(ws.corpus).values()) == 1


# ---------------------------------------------------------------------- CLI


def test_cli_crawl_prints_a_summary_table(ws, capsys):
    with serve_sites(["ldld-bentre"], n_articles=2) as servers:
        write_rules(servers, ws.sites_dir)
        code = cli_main(["crawl", "--sites", str(ws.sites_dir), "--corpus", str(ws.corpus), "--state",
                         str(ws.state), "--delay", "0", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "ldld-bentre" in out and "new" in out and "changed" in out and "gone" in out and "failed" in out
    row = next(line for line in out.splitlines() if "ldld-bentre" in line)
    assert row.split("│")[2].strip() == "2"  # two new articles


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "yesterday"], "'yesterday' is not a date (YYYY-MM-DD)"),
        (["--max-pages", "0"], "must be at least 1"),
        (["--delay", "-1"], "must not be negative"),
        (["--sites", "no/such/folder"], "no/such/folder: no such site rules file or folder"),
        (["--site", "nowhere"], "--site: unknown site(s) nowhere"),
    ],
)
def test_cli_bad_input_is_one_clear_line(args, message, capsys, tmp_path):
    code = 2
    try:
        code = cli_main(["crawl", "--state", str(tmp_path / "s.sqlite"), "--corpus", str(tmp_path), *args])
    except SystemExit as exc:  # argparse errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_cli_bad_rules_and_state_are_one_line(tmp_path, capsys):
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "x.toml").write_text('name = "x"\nbase_url = "https://x.vn/"\nallowed_networks = ["not-a-net"]\n')
    code = cli_main(["crawl", "--sites", str(sites), "--state", str(tmp_path / "s.sqlite"), "--corpus", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "allowed_networks: 'not-a-net' is not an IP network" in err
    (tmp_path / "bad.sqlite").write_bytes(b"this is not sqlite" * 100)
    (sites / "x.toml").write_text('name = "x"\nbase_url = "https://x.vn/"\n')
    code = cli_main(["crawl", "--sites", str(sites), "--state", str(tmp_path / "bad.sqlite"), "--corpus", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "bad.sqlite: not a usable crawl state database" in err and "Traceback" not in err


def test_state_is_sqlite_wal_with_readable_tables(ws):
    with serve_sites(["congdoan-vinhphuc"], n_articles=2) as servers:
        crawl(ws, servers)
    db = sqlite3.connect(ws.state)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    states = dict(db.execute("SELECT kind, COUNT(*) FROM pages WHERE state='done' GROUP BY kind").fetchall())
    assert states["article"] == 2 and states["robots"] == 1 and states["sitemap"] == 2 and states["feed"] == 1
    assert all(r[0] == "closed" for r in db.execute("SELECT state FROM warc_files"))
    args = json.loads(db.execute("SELECT args FROM runs").fetchone()[0])
    assert args["seeded_sites"] == ["congdoan-vinhphuc"]
