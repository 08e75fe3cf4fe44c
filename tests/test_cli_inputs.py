"""Bad input gets one clear line naming the file and the problem; the rest of a batch goes on."""

from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_003 = CORPUS / "seeds" / "003_c678e3147d5da328.txt"


def _cp1258(text: str) -> bytes:
    """Windows-1258 has precomposed â/ê/ô/ă/ơ/ư but writes tone marks as combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in d if c in tones)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones)) + tone)
    return "".join(out).encode("cp1258")


@pytest.fixture()
def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "image.txt",
        "cp1258": tmp_path / "windows1258.txt",
        "utf16": tmp_path / "utf16.txt",
        "unknown": tmp_path / "report.pdf",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    files["cp1258"].write_bytes(_cp1258("Kết nạp 509 đoàn viên Công đoàn trong 5 năm qua."))
    files["utf16"].write_bytes("Kết nạp 509 đoàn viên.".encode("utf-16"))
    files["unknown"].write_bytes(b"%PDF-1.4 ...")
    return files


def test_extract_reports_each_bad_file_and_goes_on(bad_files, capsys) -> None:
    paths = [str(p) for p in bad_files.values()] + ["/nonexistent/article.txt", str(SEED_003)]
    code = main(["extract", *paths])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 1  # some inputs failed, the rest was processed
    assert len(lines) == 6, err
    assert "empty.txt: empty file" in err
    assert "image.txt: binary file" in err
    assert "windows1258.txt: not UTF-8" in err
    assert "utf16.txt: not UTF-8" in err and "UTF-16" in err
    assert "report.pdf: unsupported file type .pdf" in err
    assert "/nonexistent/article.txt: no such file" in err
    assert "Traceback" not in err
    claims = [json.loads(line) for line in out.splitlines()]
    assert any(c["indicator"] == "members_recruited" and c["value"] == 509 for c in claims)


def test_extract_csv(capsys) -> None:
    assert main(["extract", "--format", "csv", str(SEED_003)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("claim_id,doc_id,indicator")
    assert ",members_recruited,509" in out


def test_extract_only_bad_files_fails(bad_files, capsys) -> None:
    assert main(["extract", str(bad_files["empty"])]) == 2
    assert "empty file" in capsys.readouterr().err


def test_run_on_empty_or_missing_corpus(tmp_path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["run", "--corpus", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "no .txt, .html or .warc.gz files" in err and str(tmp_path / "empty") in err
    assert main(["run", "--corpus", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    assert "no such corpus folder" in capsys.readouterr().err
    assert not (tmp_path / "out" / "claims.parquet").exists()


def test_run_skips_bad_files_and_writes_outputs(tmp_path, bad_files, capsys) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_003, corpus)
    for p in bad_files.values():
        shutil.copy(p, corpus)
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err and "image.txt: binary file" in err
    claims = pd.read_parquet(out / "claims.parquet")
    assert 509 in set(claims[claims.indicator == "members_recruited"].value)
    assert len(pd.read_csv(out / "claims.csv")) == len(claims)
    assert len((out / "claims.jsonl").read_text(encoding="utf-8").splitlines()) == len(claims)
    con = sqlite3.connect(out / "unionclaims.sqlite")
    assert con.execute("select count(*) from claims").fetchone()[0] == len(claims)
    assert con.execute("select count(*) from articles").fetchone()[0] == 1
    assert not list(out.glob(".*.tmp"))  # no temp files left behind


def test_output_piped_into_a_closed_reader_is_no_traceback() -> None:
    import subprocess
    import sys

    # Enough output (every claim of the bundled pages, one JSON line each) to outlast the reader.
    proc = subprocess.run(f"{sys.executable} -m pipeline.cli extract corpus/html/*.html corpus/seeds/*.txt "
                          f"corpus/html/*.html | head -c 3", shell=True,
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
