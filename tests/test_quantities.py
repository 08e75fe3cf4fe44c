"""Numbers found once: `run` stores every article's quantities with their spans (table `quantities`), and
`audit` and `report` read them instead of parsing every text again, with the findings and the page they
give when they parse (an output set written before the table existed)."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.audit import run_audit
from pipeline.audit.run import load_outputs
from pipeline.quantities import FILE, load_quantities
from pipeline.runner import run_corpus
from pipeline.text.numbers import find_quantities

ROOT = Path(__file__).resolve().parent.parent

# Planted errors a careful reader finds with the numbers of the text: a ratio and a difference in real
# seed pages (as in tests/test_audit.py), parts that do not add up to their total, and money per head.
PLANTS = {"000_c6bb8d0759ad483e": ("2178/1550 đạt 140%", "2178/1750 đạt 140%"),
          "002_60ffbf86a2e7e850": ("tăng 6 CĐCS", "tăng 8 CĐCS")}
SUM_TEXT = ("LĐLĐ tỉnh Nghệ An chăm lo Tết cho đoàn viên\n\n"
            "Năm 2023, LĐLĐ tỉnh Nghệ An đã hỗ trợ tổng số tiền 1,6 tỷ đồng, gồm: quỹ Mái ấm Công đoàn 700 triệu "
            "đồng, chương trình Tết Sum vầy 600 triệu đồng và quà cho đoàn viên khó khăn 150 triệu đồng.\n\n"
            "Dịp này, Công đoàn Khu kinh tế tặng 300 triệu đồng cho 3 công nhân bị tai nạn lao động.\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Real union news (the dev part of bench/data/real as text dumps), the bundled seeds (each as a page
    and as a dump: one text, two doc_ids), the planted pages, and a text with a sum."""
    c = tmp_path_factory.mktemp("corpus")
    for line in (ROOT / "bench" / "data" / "real" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        (c / f"{rec['id']}.txt").write_text(rec["text"], encoding="utf-8")
    for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt")):
        shutil.copy(p, c / p.name)
    for p in sorted((ROOT / "corpus" / "html").glob("*.html")):
        page = p.read_text(encoding="utf-8")
        old, new = PLANTS.get(p.stem, ("", ""))
        (c / p.name).write_text(page.replace(old, new) if old else page, encoding="utf-8")
    (c / "zz_sum.txt").write_text(SUM_TEXT, encoding="utf-8")
    return c


@pytest.fixture(scope="module")
def outputs(corpus: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    summary = run_corpus(corpus, out, workers=1)
    assert summary.articles > 400 and not summary.errors
    return out


def _without_table(out: Path, into: Path) -> Path:
    """The same output set as an older version of `run` wrote it: no quantities table."""
    shutil.copytree(out, into)
    (into / FILE).unlink()
    con = sqlite3.connect(into / "unionclaims.sqlite")
    con.execute("DROP TABLE quantities")
    con.commit()
    con.close()
    return into


def _no_parsing(monkeypatch) -> None:
    def refuse(text):
        raise AssertionError("find_quantities called although the quantities table is there")

    import pipeline.text.numbers as numbers
    import pipeline.text.numbers.grammar as grammar

    monkeypatch.setattr(numbers, "find_quantities", refuse)
    monkeypatch.setattr(grammar, "find_quantities", refuse)


def test_stored_quantities_are_what_parsing_each_text_finds(outputs: Path) -> None:
    _claims, articles, _versions = load_outputs(outputs)
    stored = load_quantities(outputs, articles)
    assert stored is not None
    n = 0
    for doc_id, text in zip(articles["doc_id"], articles["text"], strict=True):
        assert stored.get(doc_id, []) == find_quantities(text or ""), doc_id
        n += len(stored.get(doc_id, []))
    assert n > 1000
    # The same rows in SQLite, with their spans into the article text.
    con = sqlite3.connect(outputs / "unionclaims.sqlite")
    assert con.execute("SELECT count(*) FROM quantities").fetchone()[0] == n == pq.read_metadata(outputs / FILE).num_rows
    texts = dict(zip(articles["doc_id"], articles["text"], strict=True))
    for doc_id, start, end, surface in con.execute('SELECT doc_id, start, "end", text FROM quantities LIMIT 500'):
        assert texts[doc_id][start:end] == surface
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


def test_audit_gives_the_same_findings_with_stored_quantities_and_never_parses(outputs: Path, tmp_path: Path,
                                                                               monkeypatch) -> None:
    parsed = run_audit(_without_table(outputs, tmp_path / "older"))
    # Every check that reads the numbers of the text has something to find here.
    assert {"ratio_mismatch", "difference_mismatch", "sum_mismatch", "outlier"} <= set(parsed["check"])
    assert any("per person" in m for m in parsed["message_en"])
    with monkeypatch.context() as m:
        _no_parsing(m)
        stored = run_audit(outputs)
    pd.testing.assert_frame_equal(stored, parsed)
    assert (outputs / "audit.csv").read_bytes() == (tmp_path / "older" / "audit.csv").read_bytes()


def test_outliers_alone_see_the_numbers_of_the_text_either_way(outputs: Path, tmp_path: Path) -> None:
    # The per-head check reads head-counts from the text even when the arithmetic check is not run.
    older = _without_table(outputs, tmp_path / "older")
    stored, parsed = (run_audit(o, checks=["outliers"]) for o in (outputs, older))
    pd.testing.assert_frame_equal(stored, parsed)
    assert any("per person" in m for m in stored["message_en"])


def test_report_is_the_same_page_with_stored_quantities(outputs: Path, tmp_path: Path, monkeypatch) -> None:
    from pipeline.report import build_report, load_report_inputs

    older = _without_table(outputs, tmp_path / "older")
    run_audit(outputs)
    run_audit(older)
    pages = {}
    for name, out in (("parsed", older), ("stored", outputs)):
        claims, articles, panel, audit = load_report_inputs(out)
        # Claims without their own number offsets (outputs of an older run): the highlight needs the numbers.
        claims = claims.assign(number_start=-1, number_end=-1)
        with monkeypatch.context() as m:
            if name == "stored":
                _no_parsing(m)
                kw = {"quantities": load_quantities(out, articles)}
            else:
                kw = {"find_quantities": find_quantities}
            page = build_report(claims, articles, panel, audit, out, generated=date(2025, 1, 1), **kw)
        pages[name] = page.replace(str(out), "OUT")
    assert pages["stored"] == pages["parsed"]


def test_the_report_command_does_not_parse_when_the_table_is_there(outputs: Path, monkeypatch) -> None:
    from pipeline.report import write_report

    (outputs / "audit.csv").unlink(missing_ok=True)  # findings computed in memory too
    _no_parsing(monkeypatch)
    assert write_report(outputs).exists()


def test_a_table_from_another_run_is_not_trusted(outputs: Path, tmp_path: Path, caplog) -> None:
    # An older version of `run` writing into the folder carries the file over beside its new articles.
    stale = tmp_path / "stale"
    shutil.copytree(outputs, stale)
    arts = pq.read_table(stale / "articles.parquet")
    pq.write_table(arts.slice(1), stale / "articles.parquet")
    _claims, articles, _versions = load_outputs(stale)
    with caplog.at_level(logging.WARNING):
        assert load_quantities(stale, articles) is None
    assert "not written with these articles" in caplog.text
