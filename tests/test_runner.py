"""`unionclaims run` replaces its output set as a whole: a failed, broken or killed run keeps the last good one."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.io import replacing_folder

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (
    "LĐLĐ tỉnh Nghệ An tổng kết năm 2023\n\n"
    "Năm 2023, LĐLĐ tỉnh Nghệ An đã kết nạp 5.210 đoàn viên, thành lập 37 công đoàn cơ sở.\n"
)


def _run(corpus: Path, out: Path) -> int:
    return main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"])


@pytest.fixture()
def good_output(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "nghe-an.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    assert _run(corpus, out) == 0
    return out


def _values(out: Path) -> list[tuple[str, float]]:
    claims = pd.read_parquet(out / "claims.parquet")
    return sorted(zip(claims["indicator"], claims["value"], strict=True))


def test_a_run_that_reads_no_article_keeps_the_previous_outputs(tmp_path: Path, good_output: Path, capsys) -> None:
    before = _values(good_output)
    assert before == [("members_recruited", 5210.0), ("unions_founded", 37.0)]
    junk = tmp_path / "junk"
    junk.mkdir()
    # Fixed bytes, not os.urandom: some random draws read as a WARC file with no HTML in it (1 run in 25 failed).
    (junk / "broken.warc.gz").write_bytes(random.Random(2026).randbytes(3000))
    (junk / "empty.txt").write_text("\n\n", encoding="utf-8")
    assert _run(junk, good_output) == 1
    err = capsys.readouterr().err
    assert "broken.warc.gz: not a readable WARC file" in err
    assert "previous outputs" in err and "unchanged" in err
    assert "\\x" not in err  # no raw binary in the message
    assert _values(good_output) == before


def test_a_new_run_drops_the_old_findings_and_report(tmp_path: Path, good_output: Path) -> None:
    (good_output / "audit.csv").write_text("check\nold_finding\n", encoding="utf-8")
    (good_output / "report.html").write_text("<html>old</html>", encoding="utf-8")
    (good_output / "notes.md").write_text("mine", encoding="utf-8")
    corpus = tmp_path / "c2"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE.replace("5.210", "6.000"), encoding="utf-8")
    assert _run(corpus, good_output) == 0
    assert not (good_output / "audit.csv").exists()
    assert not (good_output / "report.html").exists()
    assert (good_output / "notes.md").read_text(encoding="utf-8") == "mine"  # the user's files stay
    assert ("members_recruited", 6000.0) in _values(good_output)
    import sqlite3

    tables = {r[0] for r in sqlite3.connect(good_output / "unionclaims.sqlite").execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "audit" not in tables


def test_a_failure_while_writing_leaves_the_old_set_and_no_staging(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "claims.csv").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing_folder(out) as staging:
        (staging / "claims.csv").write_text("new", encoding="utf-8")
        raise RuntimeError("disk full")
    assert (out / "claims.csv").read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob(".out.staging-*"))


def test_staging_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = tmp_path / ".out.staging-999999"  # no such process
    stale.mkdir()
    (stale / "claims.csv").write_text("half", encoding="utf-8")
    with replacing_folder(out) as staging:
        (staging / "claims.csv").write_text("new", encoding="utf-8")
    assert not stale.exists()
    assert (out / "claims.csv").read_text(encoding="utf-8") == "new"


def test_an_old_set_put_aside_by_an_interrupted_swap_is_restored(tmp_path: Path) -> None:
    out = tmp_path / "out"
    aside = tmp_path / ".out.staging-999999-old"
    aside.mkdir()
    (aside / "claims.csv").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing_folder(out):
        raise RuntimeError("stop")
    assert (out / "claims.csv").read_text(encoding="utf-8") == "old"


@pytest.mark.slow
def test_kill_9_during_run_keeps_the_previous_set_intact(tmp_path: Path, good_output: Path) -> None:
    before = {p.name: p.read_bytes() for p in good_output.iterdir()}
    corpus = tmp_path / "big"
    corpus.mkdir()
    for i in range(300):
        (corpus / f"a{i:03d}.txt").write_text(ARTICLE.replace("5.210", f"{1000 + i}"), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", "--corpus", str(corpus), "--out", str(good_output),
         "--no-progress"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.staging-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in good_output.iterdir()}
    assert after == before or proc.returncode == 0  # killed mid-run: byte for byte the old set
    assert _run(tmp_path / "big", good_output) == 0  # the next run cleans up and succeeds
    assert not list(tmp_path.glob(".out.staging-*"))
    assert len(pd.read_parquet(good_output / "claims.parquet")) == 600


def test_files_carried_into_the_new_set_are_the_same_files_not_copies(tmp_path: Path, good_output: Path) -> None:
    state = good_output / "crawl.sqlite"
    state.write_bytes(b"crawl state")
    inode = state.stat().st_ino
    corpus = tmp_path / "again"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert _run(corpus, good_output) == 0
    assert (good_output / "crawl.sqlite").stat().st_ino == inode  # a writer holding it open is not cut off
