"""`unionclaims monitor` twice against the local test server, with one silent edit and one new article in
between: the second digest names exactly those changes, and the exit status is the documented one."""

from __future__ import annotations

import json

import pytest
from testsite.crawling import Workspace, write_rules
from testsite.server import serve_sites

from pipeline.cli import main as cli_main

pytestmark = pytest.mark.slow


def _monitor(ws: Workspace, out) -> int:
    return cli_main(["monitor", "--sites", str(ws.sites_dir), "--corpus", str(ws.corpus), "--state", str(ws.state),
                     "--out", str(out), "--delay", "0", "--retries", "0", "--timeout", "2", "--no-progress"])


def test_monitor_twice_names_the_edit_and_the_new_article(tmp_path):
    ws, out = Workspace(tmp_path / "ws"), tmp_path / "out"
    with serve_sites(["ldld-caobang", "laodongthudo"], n_articles=4) as servers:
        write_rules(servers, ws.sites_dir)
        first = _monitor(ws, out)
        for name in ("claims.parquet", "audit.csv", "report.html", "digest.md", "digest.json"):
            assert (out / name).is_file(), name
        d1 = json.loads((out / "digest.json").read_text(encoding="utf-8"))
        assert sum(len(by.get("new", [])) for by in d1["events"].values()) == 8
        assert first == (1 if d1["findings"] or any(s["status"] == "failing" for s in d1["sites"]) else 0)

        site = servers["ldld-caobang"].site
        edited = site.article_path(1)
        old_n = site.recruited[edited]
        site.edit(edited, 4321)
        added = site.add_article(7)
        second = _monitor(ws, out)

    d2 = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    events = {e: [i["url"] for i in by] for s, per in d2["events"].items() for e, by in per.items()}
    assert events == {"new": [site.url(added)], "changed": [site.url(edited)]}
    assert second == 1  # a silent edit needs a person: documented exit 1
    md = (out / "digest.md").read_text(encoding="utf-8")
    assert site.url(edited) in md and site.url(added) in md
    # The claims this run added or changed, per province: the edited figure (with its old value) and the
    # figures of the new article, under Cao Bằng; nothing else.
    claims = d2["claims"]
    assert list(claims) == ["Cao Bằng"]
    changed = claims["Cao Bằng"]["changed"]
    assert [(c["indicator"], c["value"], c["url"]) for c in changed] == [("members_recruited", 4321.0, site.url(edited))]
    assert changed[0]["was"] == [f"{old_n:,}".replace(",", ".")]
    assert {c["url"] for c in claims["Cao Bằng"]["new"]} == {site.url(added)}
    assert "## New and changed claims, per province" in md and "members_recruited 4.321 (was" in md


def test_monitor_stops_with_3_when_nothing_could_be_fetched(tmp_path, capsys):
    ws = Workspace(tmp_path / "ws")
    ws.sites_dir.mkdir(parents=True)
    (ws.sites_dir / "dead.toml").write_text(
        'name = "dead"\nbase_url = "http://127.0.0.1:9/"\nstart_urls = ["http://127.0.0.1:9/tin/"]\n'
        'delay_seconds = 0\nallow_private_addresses = true\n', encoding="utf-8")
    assert _monitor(ws, tmp_path / "out") == 2
    assert "stopped: `crawl` failed" in capsys.readouterr().err
    assert not (tmp_path / "out" / "claims.parquet").exists()
