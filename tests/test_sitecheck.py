"""`sites check` (templates against fixture pages) and `sites new` (a site file from an archived page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testsite.crawling import Workspace, crawl
from testsite.server import serve_sites

from pipeline.clean.cleaner import clean_html
from pipeline.cli import main as cli_main
from pipeline.rules import rules_dir
from pipeline.sitecheck import fixtures_root
from pipeline.sites import load_site_file, load_sites

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("site", load_sites(), ids=lambda s: s.name)
def test_every_site_file_has_a_fixture_page(site):
    assert sorted((fixtures_root() / site.name).glob("*.htm*")), (
        f"{site.path}: no fixture page in tests/data/sites/{site.name}/ (add one: unionclaims sites new URL)")


def test_sites_check_passes_for_every_bundled_site(capsys):
    assert cli_main(["sites", "check"]) == 0
    out = capsys.readouterr().out
    assert "4 of 4 site(s) pass" in out
    assert "body       1× div#news-bodyhtml" in out  # what each selector caught is shown


def _copy_site(tmp_path: Path, name: str, **replace: str) -> Path:
    text = (rules_dir() / "sites" / f"{name}.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    folder = tmp_path / "sites"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


def test_sites_check_fails_when_a_template_no_longer_matches_its_fixture(tmp_path, capsys):
    folder = _copy_site(tmp_path, "ldld-bentre", **{'body = "div.article div.article-body"':
                                                   'body = "div.article div.noi-dung"'})
    assert cli_main(["sites", "check", "--sites", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL: no template reads it" in out and "matches nothing" in out


def test_sites_check_fails_for_a_site_without_fixtures(tmp_path, capsys):
    folder = _copy_site(tmp_path, "ldld-bentre")
    assert cli_main(["sites", "check", "--sites", str(folder), "--fixtures", str(tmp_path / "none")]) == 1
    assert "no fixture pages" in capsys.readouterr().out
    assert cli_main(["sites", "check", "nope"]) == 2


@pytest.mark.slow
def test_sites_new_scaffolds_a_working_site_file_from_an_archived_page(tmp_path, capsys):
    ws = Workspace(tmp_path / "ws")
    with serve_sites(["congdoan-vinhphuc"], n_articles=3) as servers:
        crawl(ws, servers)
        site = servers["congdoan-vinhphuc"].site
        url = site.url(site.article_path(1))
        page = site.documents()[site.article_path(1)].body.decode()
    out, fixtures = tmp_path / "new", tmp_path / "fx"
    args = ["sites", "new", url, "--corpus", str(ws.corpus), "--out", str(out), "--fixtures", str(fixtures),
            "--name", "vinhphuc-new"]
    assert cli_main(args) == 0
    assert cli_main(args) == 2  # exists: not overwritten without --force
    rules = load_site_file(out / "vinhphuc-new.toml")
    assert rules.templates[0].title == "h1.news-title" and rules.templates[0].body == "div.news-content"
    assert rules.is_article_url(site.url(site.article_path(2))) and not rules.is_article_url(site.url("/gioi-thieu.html"))
    assert len(list((fixtures / "vinhphuc-new").glob("*.html"))) == 1
    hand = clean_html(page, url, sites=tuple(load_sites([ws.sites_dir])))
    scaffolded = clean_html(page, url, sites=(rules,))
    assert scaffolded.text == hand.text and "rules_stale" not in scaffolded.flags
    assert cli_main(["sites", "check", "--sites", str(out), "--fixtures", str(fixtures)]) == 0
    assert cli_main(["sites", "new", site.url("/missing.html"), "--corpus", str(ws.corpus), "--out", str(out)]) == 2
