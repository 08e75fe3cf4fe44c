"""The whole flow on the local multi-site test server, as a user runs it:

crawl (killed with SIGKILL, then resumed) → run → audit → report, then a silent edit, a second crawl and run.
Every assertion is on real content: counts, specific values, provenance of every claim, the edit as version
2 with a `silent_edit` finding, and no number from boilerplate or listing pages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from testsite.crawling import Workspace, write_rules
from testsite.server import serve_sites

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=timeout)


def _crawl_args(ws: Workspace) -> list[str]:
    return ["crawl", "--sites", str(ws.sites_dir), "--corpus", str(ws.corpus), "--state", str(ws.state),
            "--delay", "0.02", "--retries", "1", "--no-progress"]


def _crawl_killed_once(ws: Workspace, servers: dict) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *_crawl_args(ws)], cwd=ROOT, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while sum(1 for s in servers.values() for p in s.requested() if p in s.site.articles) < 10:
        assert proc.poll() is None and time.monotonic() < deadline, "the crawl ended before it could be killed"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    resumed = _cli(*_crawl_args(ws))
    assert resumed.returncode == 0, resumed.stderr
    assert "(resumed)" in resumed.stdout


def _run_audit_report(ws: Workspace, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    for args in (("run", "--corpus", str(ws.corpus), "--out", str(out), "--no-progress"),
                 ("audit", "--out", str(out), "--state", str(ws.state)), ("report", "--out", str(out))):
        done = _cli(*args)
        assert done.returncode == 0, (args[0], done.stderr[-2000:])
        assert "Traceback" not in done.stderr
    return pd.read_parquet(out / "claims.parquet"), pd.read_csv(out / "audit.csv", keep_default_na=False)


def test_crawl_kill_resume_run_audit_report_then_a_silent_edit(tmp_path: Path) -> None:
    ws, out = Workspace(tmp_path / "ws"), tmp_path / "out"
    with serve_sites(n_articles=8) as servers:
        write_rules(servers, ws.sites_dir)  # rules outside rules/sites: run must still know the sites
        _crawl_killed_once(ws, servers)
        claims, audit = _run_audit_report(ws, out)

        articles = pd.read_parquet(out / "articles.parquet")
        generated = {s.site.url(p): n for s in servers.values() for p, n in s.site.recruited.items()}
        assert len(articles) >= len(generated) and len(claims) >= 3 * len(generated)
        # Specific values: each generated article's recruits, at its own URL, with its site's province.
        recruited = claims[claims["indicator"] == "members_recruited"]
        got = {(u, v) for u, v in zip(recruited["url"], recruited["value"], strict=True)}
        assert {(u, float(n)) for u, n in generated.items()} <= got
        by_site = {s.site.name: s.site for s in servers.values()}
        some = recruited[recruited["url"].isin(list(generated))]
        assert some["site"].isin(list(by_site)).all() and some["province"].notna().all()
        # Provenance on every claim: page, fetch time, WARC record, spans that point into the article text.
        assert claims["url"].notna().all() and claims["fetched_at"].notna().all()
        assert claims["source"].str.contains(r"\.warc\.gz#<urn:uuid:", regex=True).all()
        texts = dict(zip(articles["doc_id"], articles["text"], strict=True))
        for c in claims.itertuples():
            text = texts[c.doc_id]
            assert 0 <= c.start < c.end <= len(text)
            assert c.quote == text[c.sentence_start:c.sentence_end]
            assert text[c.number_start:c.number_end][:1].isdigit()  # "4321", "325 triệu"
        # No number from a listing page or the page furniture.
        assert not articles["url"].str.contains(r"/page-\d|/news/$|/tin-tuc/$", regex=True).any()
        assert not claims["quote"].str.contains("Đang truy cập|Lượt xem|Copyright", regex=True).any()
        assert "silent_edit" not in set(audit["check"])
        report = (out / "report.html").read_text(encoding="utf-8")
        first_url, first_n = next(iter(generated.items()))
        assert f"{first_n:,}".replace(",", ".") in report or str(first_n) in report

        # A silent edit on the site: the next crawl archives version 2, and the audit says so.
        server = next(iter(servers.values()))
        edited = server.site.article_path(2)
        old_n = server.site.recruited[edited]
        server.site.edit(edited, 4321)
        again = _cli(*_crawl_args(ws))
        assert again.returncode == 0, again.stderr
        claims2, audit2 = _run_audit_report(ws, out)

    url = server.site.url(edited)
    now = claims2[(claims2["url"] == url) & (claims2["indicator"] == "members_recruited")]
    assert list(now["value"]) == [4321.0]
    import sqlite3

    with sqlite3.connect(out / "unionclaims.sqlite") as con:
        versions = con.execute("SELECT DISTINCT version, value FROM claim_versions WHERE url = ? AND "
                               "indicator = 'members_recruited' ORDER BY version", (url,)).fetchall()
    assert versions == [(1, float(old_n)), (2, 4321.0)]
    edits = audit2[audit2["check"] == "silent_edit"]
    assert len(edits) == 1 and url in edits.iloc[0]["urls"] and "4321" in edits.iloc[0]["values"]
