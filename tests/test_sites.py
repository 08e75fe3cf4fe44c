"""Site rules files are validated on load: one clear line naming the file and key, never a silent default."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.rules import RulesError, rules_dir
from pipeline.sites import load_sites, parse_site_rules

BASE = {"name": "ldld-hanam", "base_url": "https://ldld.hanam.gov.vn/", "province": "Hà Nam"}


def _error(data: dict) -> str:
    with pytest.raises(RulesError) as exc:
        parse_site_rules(data, "rules/sites/ldld-hanam.toml")
    return str(exc.value)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"artcle_url_pattern": "/tin-tuc/"}, "unknown key 'artcle_url_pattern' (did you mean 'article_url_pattern'?)"),
        ({"start_url": ["https://ldld.hanam.gov.vn/tin-tuc/"]}, "unknown key 'start_url' (did you mean 'start_urls'?)"),
        ({"templates": [{"body": "div#content", "dorp": ["div.share"]}]}, "unknown key 'templates[0].dorp' (did you mean 'drop'?)"),
        ({"start_urls": "https://ldld.hanam.gov.vn/tin-tuc/"}, "key 'start_urls': input should be a list"),
        ({"delay_seconds": "slow"}, "key 'delay_seconds'"),
        ({"templates": "x"}, "key 'templates': input should be a list"),
        ({"article_url_pattern": "/tin-tuc/(["}, "article_url_pattern is not a valid regular expression"),
        ({"templates": [{"body": "div[["}]}, "templates[0].body: not a valid CSS selector"),
        ({"templates": [{"body": "div#c", "valid_from": "tháng 3"}]}, "templates[0].valid_from must be a date"),
        ({"base_url": "ldld.hanam.gov.vn"}, "base_url must be an http(s) URL"),
    ],
)
def test_bad_site_files_are_refused_naming_the_key(extra: dict, expected: str) -> None:
    message = _error({**BASE, **extra})
    assert message.startswith("rules/sites/ldld-hanam.toml: ")
    assert expected in message
    assert "\n" not in message


def test_missing_name_is_reported() -> None:
    data = dict(BASE)
    del data["name"]
    assert "missing required key 'name'" in _error(data)


def test_a_good_file_keeps_its_values_and_names_unnamed_templates() -> None:
    site = parse_site_rules(
        {**BASE, "delay_seconds": 2, "cms": "nukeviet", "templates": [{"body": "div#a"}, {"body": "div#b"}]}, "x.toml"
    )
    assert site.delay_seconds == 2.0 and site.cms == "nukeviet"
    assert [t.name for t in site.templates] == ["v2", "v1"]
    assert site.start_urls == ()


def test_every_bundled_site_file_is_valid() -> None:
    assert {s.name for s in load_sites()} >= {"ldld-caobang", "ldld-bentre"}


def _rules_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    return copy


def test_one_broken_site_file_stops_run_with_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    rules = _rules_copy(tmp_path)
    (rules / "sites" / "typo-site.toml").write_text(
        'name = "typo-site"\nbase_url = "https://example.org/"\nartcle_url_pattern = "/tin/"\n', encoding="utf-8"
    )
    monkeypatch.setenv("UNIONCLAIMS_RULES", str(rules))
    code = main(["run", "--corpus", "corpus", "--out", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert "typo-site.toml: unknown key 'artcle_url_pattern'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "claims.parquet").exists()


def test_rules_check_validates_every_file(tmp_path: Path, monkeypatch, capsys) -> None:
    assert main(["rules", "check"]) == 0
    assert "rules files valid" in capsys.readouterr().out
    rules = _rules_copy(tmp_path)
    with open(rules / "boilerplate.txt", "a", encoding="utf-8") as fh:
        fh.write("[drop]\nbản quyền (thuộc\n")
    monkeypatch.setenv("UNIONCLAIMS_RULES", str(rules))
    for cached in ("load_boilerplate",):
        getattr(__import__("pipeline.clean.patterns", fromlist=[cached]), cached).cache_clear()
    assert main(["rules", "check"]) == 2
    assert "boilerplate.txt" in capsys.readouterr().err


def test_version_flag(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("unionclaims ")


@pytest.mark.slow
def test_the_wheel_carries_the_rules(tmp_path: Path) -> None:
    """A plain install (wheel, pipx) must find the rules: they ship as package data."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(root)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("unionclaims-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pipeline/_rules/indicators/members_recruited.toml" in names
    assert "pipeline/_rules/sites/ldld-caobang.toml" in names
    assert "pipeline/_rules/boilerplate.txt" in names
    # Every module of every subpackage (pyproject.toml lists the packages one by one).
    modules = {p.relative_to(root).as_posix() for p in (root / "pipeline").rglob("*.py")}
    assert not modules - names, f"not in the wheel (add the package to pyproject.toml): {sorted(modules - names)}"
