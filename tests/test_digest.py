"""`unionclaims digest` on the local test server: two crawls with one new article, one silent edit and one
deleted article in between, and a site that stops answering."""

from __future__ import annotations

import json

import pytest
from testsite.crawling import Workspace, write_rules
from testsite.server import serve_sites

from pipeline.cli import main as cli_main

pytestmark = pytest.mark.slow


def _crawl(ws: Workspace) -> None:
    cli_main(["crawl", "--sites", str(ws.sites_dir), "--corpus", str(ws.corpus), "--state", str(ws.state),
              "--delay", "0", "--retries", "0", "--timeout", "1", "--no-progress"])


def test_digest_names_exactly_what_changed_between_two_crawls(tmp_path, capsys):
    ws, out = Workspace(tmp_path / "ws"), tmp_path / "digest"
    with serve_sites(["ldld-caobang", "laodongthudo"], n_articles=4) as servers:
        write_rules(servers, ws.sites_dir)
        _crawl(ws)
        assert cli_main(["digest", "--state", str(ws.state), "--out", str(out)]) == 0
        first = json.loads((out / "digest.json").read_text(encoding="utf-8"))
        assert sum(len(by.get("new", [])) for by in first["events"].values()) == 8
        assert "4 new articles" not in (out / "digest.md").read_text() and "8 new articles" in (out / "digest.md").read_text()

        site = servers["ldld-caobang"].site
        edited, deleted = site.article_path(1), site.article_path(2)
        site.edit(edited, 4321)
        site.delete(deleted)
        added = site.add_article(7)
        servers["laodongthudo"].stop()
        _crawl(ws)
        capsys.readouterr()
        assert cli_main(["digest", "--state", str(ws.state), "--out", str(out), "--print"]) == 1  # an edit: attention
        md = capsys.readouterr().out
        d = json.loads((out / "digest.json").read_text(encoding="utf-8"))
        urls = {e: [i["url"] for i in by] for e, by in d["events"].get("ldld-caobang", {}).items()}
        assert urls.get("new") == [site.url(added)]
        assert urls.get("changed") == [site.url(edited)]
        assert urls.get("gone") == [site.url(deleted)]
        assert [s["site"] for s in d["sites"] if s["status"] == "failing"] == ["laodongthudo"]
        assert "1 new articles, 1 edited, 1 gone" in md and "## Sites quiet or failing" in md
        assert site.url(edited) in md and "version 2" in md

        # Nothing happened since: the next digest says so, and exits 0 once no site is failing.
        _crawl_ok = write_rules({"ldld-caobang": servers["ldld-caobang"]}, tmp_path / "one")
        cli_main(["crawl", "--sites", str(_crawl_ok), "--corpus", str(ws.corpus), "--state", str(ws.state),
                  "--delay", "0", "--no-progress"])
    capsys.readouterr()
    code = cli_main(["digest", "--state", str(ws.state), "--out", str(out)])
    d = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert not d["events"] and d["runs"] == [3]
    assert code == 1 and [s["site"] for s in d["sites"]] == ["laodongthudo"]  # still failing since its last run


def test_digest_lists_new_audit_findings_once(tmp_path):
    ws, out = Workspace(tmp_path / "ws"), tmp_path / "digest"
    with serve_sites(["ldld-caobang"], n_articles=3) as servers:
        write_rules(servers, ws.sites_dir)
        _crawl(ws)
    audit = tmp_path / "audit.csv"
    header = "finding_id,check,severity,doc_ids,urls,claim_ids,values,message_vi,message_en\n"
    audit.write_text(header + "f1,silent_edit,high,d1,http://x/a.html,c1,12;4321,sửa,number changed from 12 to 4321\n",
                     encoding="utf-8")
    assert cli_main(["digest", "--state", str(ws.state), "--out", str(out), "--audit", str(audit)]) == 1
    md = (out / "digest.md").read_text(encoding="utf-8")
    assert "## New audit findings (1)" in md and "`silent_edit`: number changed from 12 to 4321" in md
    assert cli_main(["digest", "--state", str(ws.state), "--out", str(out), "--audit", str(audit)]) == 0
    assert "New audit findings" not in (out / "digest.md").read_text(encoding="utf-8")
    assert cli_main(["digest", "--state", str(tmp_path / "none.sqlite"), "--out", str(out)]) == 2
