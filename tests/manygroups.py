"""An output set whose tables span many row groups, for the tests of the readers that stream them
(audit and report): real excerpts, planted findings and a page fetched twice, run with row groups of 4."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

import pipeline.io
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _page(number: str) -> str:
    return (
        '<html lang="vi"><head><title>Kết quả phát triển đoàn viên</title>'
        '<link rel="canonical" href="https://ldld.example.vn/tin-tuc/phat-trien-doan-vien-2023.html"></head>'
        "<body><article><h1>Kết quả phát triển đoàn viên năm 2023</h1>"
        f"<p>Năm 2023, Liên đoàn Lao động tỉnh Cao Bằng đã kết nạp {number} đoàn viên công đoàn, thành lập "
        "được 12 công đoàn cơ sở tại các doanh nghiệp ngoài nhà nước, vượt chỉ tiêu Tổng Liên đoàn giao.</p>"
        "<p>Các cấp công đoàn trong tỉnh tiếp tục đẩy mạnh tuyên truyền, vận động người lao động gia nhập tổ "
        "chức công đoàn, chăm lo đời sống và bảo vệ quyền lợi hợp pháp của đoàn viên.</p></article></body></html>"
    )


PLANTED = ["Năm 2022, Liên đoàn Lao động tỉnh Cao Bằng phấn đấu kết nạp 1.500 đoàn viên mới.",
           "Năm 2022, Liên đoàn Lao động tỉnh Cao Bằng đã kết nạp 1.500 đoàn viên mới.",
           "Năm 2023, Liên đoàn Lao động huyện Hòa An kết nạp 1.130/1.000 đoàn viên, đạt 112,8% kế hoạch."]


def many_group_outputs(tmp_path: Path, monkeypatch) -> Path:
    """`run` over 160 real excerpts with claims, the planted texts (a target later reported as a result, a
    wrong ratio) and one page in two versions (another number), with row groups of 4 rows."""
    monkeypatch.setattr(pipeline.io, "BATCH", 4)
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    lines = (ROOT / "bench" / "data" / "real" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    excerpts = [json.loads(line) for line in lines if line.strip()]
    for i, x in enumerate([x for x in excerpts if x["claims"]][:160]):
        (corpus / f"a{i:03d}.txt").write_text(x["text"], encoding="utf-8")
    for i, text in enumerate(PLANTED):
        (corpus / f"z{i}.txt").write_text(text, encoding="utf-8")
    (corpus / "p1.html").write_text(_page("856"), encoding="utf-8")
    (corpus / "p2.html").write_text(_page("1.856"), encoding="utf-8")  # the same page, edited
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    assert pq.ParquetFile(out / "articles.parquet").num_row_groups > 20
    assert pq.ParquetFile(out / "quantities.parquet").num_row_groups > 100
    return out
