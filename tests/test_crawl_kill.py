"""kill -9 in the middle of a crawl, twice, then resume: same archive and same claims as an uninterrupted crawl."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from testsite.crawling import Workspace, archived, crawl, response_counts, write_rules
from testsite.server import SiteServer, serve_sites

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _article_requests(servers: dict[str, SiteServer]) -> int:
    return sum(1 for s in servers.values() for p in s.requested() if p in s.site.articles)


def _start(ws: Workspace) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "pipeline.cli", "crawl", "--sites", str(ws.sites_dir), "--corpus", str(ws.corpus),
           "--state", str(ws.state), "--delay", "0.02", "--retries", "1", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_after(proc: subprocess.Popen, servers: dict[str, SiteServer], n_articles: int) -> None:
    """SIGKILL the crawler once the sites have served `n_articles` article requests in total."""
    deadline = time.monotonic() + 120
    while _article_requests(servers) < n_articles:
        assert proc.poll() is None, f"crawler ended before it could be killed: {proc.communicate()}"
        assert time.monotonic() < deadline, "crawler made no progress"
        time.sleep(0.005)
    children = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # Its cleaning processes (and multiprocessing's resource tracker) end with it instead of waiting forever.
    deadline = time.monotonic() + 15
    while (alive := [pid for pid in children if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive == [], f"processes of the killed crawl still running: {alive}"


def _children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):  # a thread that ended while we listed them
            continue
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] not in ("Z", "X")
    except FileNotFoundError:
        return False


def _claims(corpus: Path, out: Path) -> list[dict]:
    from pipeline.runner import run_corpus

    run_corpus(corpus, out)
    lines = (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# What must match between the two crawls; fetch times and record ids legitimately differ.
CLAIM_FIELDS = ("url", "indicator", "value", "unit", "quote", "start", "end", "period_start", "period_end")


def _comparable(claims: list[dict]) -> list[str]:
    return sorted(json.dumps([c.get(k) for k in CLAIM_FIELDS], ensure_ascii=False) for c in claims)


def _assert_site_values(claims: list[dict], servers: dict[str, SiteServer]) -> None:
    """Every generated article's members-recruited figure is extracted, at its own URL."""
    recruited = {(c["url"], c["value"]) for c in claims if c["indicator"] == "members_recruited"}
    want = {(s.site.url(path), float(n)) for s in servers.values() for path, n in s.site.recruited.items()}
    assert want and want <= recruited, sorted(want - recruited)[:5]


def test_killed_and_resumed_crawl_archives_every_page_exactly_once(tmp_path):
    killed, clean = Workspace(tmp_path / "killed"), Workspace(tmp_path / "clean")
    with serve_sites(n_articles=10) as servers:
        total_articles = sum(len(s.site.articles) for s in servers.values())
        write_rules(servers, killed.sites_dir)
        for kill_at in (8, 22):
            _kill_after(_start(killed), servers, kill_at)
        proc = _start(killed)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "(resumed)" in out
        # Each article was requested once over the three processes, or again if a kill caught its request in
        # flight (at most one per site worker per kill).
        requests = [p for s in servers.values() for p in s.requested() if p in s.site.articles]
        assert set(requests) == {p for s in servers.values() for p in s.site.articles}
        assert len(requests) <= total_articles + 2 * len(servers)

        crawl(clean, servers)

        got, want = archived(killed.corpus), archived(clean.corpus)
        assert sorted(got) == sorted(want)
        assert len({u for u, _ in got if "bai-" in u or u.endswith(".html")}) >= total_articles
        for corpus in (killed.corpus, clean.corpus):
            counts = response_counts(corpus)
            assert max(counts.values()) == 1, [u for u, n in counts.items() if n > 1]
        # The interrupted crawl's archive gives the same, real claims as the uninterrupted one.
        claims_killed = _claims(killed.corpus, tmp_path / "out-killed")
        claims_clean = _claims(clean.corpus, tmp_path / "out-clean")
        generated = sum(len(s.site.recruited) for s in servers.values())
        assert len(claims_clean) >= 3 * generated  # recruited, unions founded, money per generated article
        _assert_site_values(claims_clean, servers)
        _assert_site_values(claims_killed, servers)
    assert _comparable(claims_killed) == _comparable(claims_clean)
