"""One schema for every output: records, Parquet, SQLite and output/README.md agree, run after run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.cli import main
from pipeline.records import ARTICLE_FIELDS, CLAIM_FIELDS
from pipeline.schema import TABLES, arrow_schema, render_readme

ROOT = Path(__file__).resolve().parent.parent


def test_records_and_schema_name_the_same_columns() -> None:
    assert TABLES["claims"].names == CLAIM_FIELDS
    assert TABLES["articles"].names == ARTICLE_FIELDS
    assert TABLES["claim_versions"].names == (*CLAIM_FIELDS, "version")


def test_output_readme_is_generated_from_the_schema() -> None:
    text = (ROOT / "output" / "README.md").read_text(encoding="utf-8")
    assert render_readme(text) == text, "run `python -m pipeline.schema output/README.md`"
    for name in TABLES:
        assert f"<!-- schema:{name} -->" in text


def _run(tmp_path: Path, name: str, text: str) -> Path:
    corpus = tmp_path / f"c-{name}"
    corpus.mkdir()
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    out = tmp_path / f"o-{name}"
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    return out


def test_two_runs_can_be_read_together(tmp_path: Path) -> None:
    # One run with ranges and a period, one without either: the types must not depend on the data.
    a = _run(tmp_path, "a", "Bắc Giang phấn đấu\n\nNăm 2023, LĐLĐ tỉnh Bắc Giang phấn đấu kết nạp từ 8.000 – "
                            "11.000 đoàn viên trong các doanh nghiệp ngoài Nhà nước.\n")
    b = _run(tmp_path, "b", "Công đoàn Ngân hàng\n\nCông đoàn Ngân hàng Việt Nam đã kết nạp 3.200 đoàn viên mới.\n")
    for table in ("claims", "articles", "facts", "panel"):
        ta, tb = (pq.read_table(d / f"{table}.parquet") for d in (a, b))
        assert ta.schema == tb.schema == arrow_schema(TABLES[table]), table
        assert pa.concat_tables([ta, tb]).num_rows == ta.num_rows + tb.num_rows
    claims = pq.read_table(a / "claims.parquet").to_pylist()
    assert claims and claims[0]["value"] is None and claims[0]["value_min"] == 8000.0
    assert str(pq.read_table(a / "claims.parquet").schema.field("period_start").type) == "date32[day]"


def test_sqlite_has_keys_and_full_text_search(tmp_path: Path) -> None:
    out = _run(tmp_path, "s", "Nghệ An\n\nNăm 2023, LĐLĐ tỉnh Nghệ An đã kết nạp 5.210 đoàn viên, thành lập 37 CĐCS.\n")
    con = sqlite3.connect(out / "unionclaims.sqlite")
    pk = [r[1] for r in con.execute("PRAGMA table_info(claims)") if r[5]]
    assert pk == ["claim_id"]
    assert con.execute("PRAGMA foreign_key_list(claims)").fetchone()[2] == "articles"
    hits = con.execute("SELECT c.value FROM claims_fts f JOIN claims c ON c.rowid = f.rowid "
                       "WHERE claims_fts MATCH 'ket nap'").fetchall()  # diacritics folded
    assert (5210.0,) in hits
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    csv_header, first = (out / "claims.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert csv_header.split(",")[:3] == ["claim_id", "doc_id", "indicator"]
    assert ",false," in first or ",true," in first
