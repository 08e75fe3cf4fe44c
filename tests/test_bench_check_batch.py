"""bench/check_batch.py: a blind batch is checked, line by line, before it is scored and folded in."""

from __future__ import annotations

import json
from pathlib import Path

from bench_module import load_bench

check_batch = load_bench("check_batch")

TEXT = ("LĐLĐ huyện Phú Giáo kết nạp 215 đoàn viên\nNăm 2024, Liên đoàn Lao động huyện Phú Giáo đã kết nạp "
        "215 đoàn viên, thành lập mới 3 công đoàn cơ sở tại các doanh nghiệp ngoài nhà nước.")


def _record(**changes) -> dict:
    record = {"id": "real-zz-001", "url": "https://ldld.phugiao.example.vn/ket-nap-215.html",
              "site": "ldld.phugiao.example.vn", "province": "Bình Dương", "text": TEXT,
              "claims": [{"indicator": "members_recruited", "value": 215, "value_min": None, "value_max": None,
                          "unit": "person", "qualifier": "exact", "is_target": False, "period": "Năm 2024",
                          "quote": "đã kết nạp 215 đoàn viên"}],
              "notes": "", "tags": ["recruitment"]}
    record.update(changes)
    return record


def _run(tmp_path: Path, records: list[dict], corpus_urls: tuple[str, ...] = (), capsys=None) -> tuple[int, str]:
    corpus = tmp_path / "real"
    corpus.mkdir(exist_ok=True)
    (corpus / "dev.jsonl").write_text("".join(json.dumps({"url": u, "text": "x"}) + "\n" for u in corpus_urls),
                                      encoding="utf-8")
    (corpus / "test.jsonl").write_text("", encoding="utf-8")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    code = check_batch.main([str(batch), "--prefix", "real-zz-", "--corpus", str(corpus)])
    return code, capsys.readouterr().out if capsys else ""


def test_a_clean_batch_passes_with_its_counts(tmp_path: Path, capsys) -> None:
    negative = _record(id="real-zz-002", url="https://tinh.example.vn/doan-thanh-nien.html", claims=[])
    code, out = _run(tmp_path, [_record(), negative], capsys=capsys)
    assert code == 0
    assert out.strip().endswith("2 excerpts, 1 claims, 1 without claims, 0 problems")


def test_each_problem_is_one_line_naming_the_batch_line(tmp_path: Path, capsys) -> None:
    bad_claim = dict(_record()["claims"][0], unit="VND", qualifier="roughly", quote="kết nạp 251 đoàn viên")
    records = [
        _record(),
        _record(id="real-zz-002", claims=[bad_claim]),  # the same page again, and a claim wrong three ways
        _record(id="other-003", url="https://x.example.vn/b.html", text="Ngắn."),
    ]
    code, out = _run(tmp_path, records, capsys=capsys)
    assert code == 1
    lines = out.splitlines()
    assert any(line.endswith("the page is twice in the batch: https://ldld.phugiao.example.vn/ket-nap-215.html")
               and ":2:" in line for line in lines)
    assert any(":2: members_recruited: unit must be 'person'" in line for line in lines)
    assert any(":2: members_recruited: qualifier 'roughly'" in line for line in lines)
    assert any(":2: members_recruited: quote not found verbatim" in line for line in lines)
    assert any(":3: id 'other-003' does not start with 'real-zz-'" in line for line in lines)
    assert any(":3: the text is shorter than 100 characters" in line for line in lines)
    assert any(":3: members_recruited: quote not found verbatim" in line for line in lines)  # "Ngắn." holds no quote
    assert lines[-1].endswith("7 problems")


def test_a_page_already_in_the_corpus_is_refused(tmp_path: Path, capsys) -> None:
    code, out = _run(tmp_path, [_record()], corpus_urls=("https://ldld.phugiao.example.vn/ket-nap-215.html",),
                     capsys=capsys)
    assert code == 1
    assert "the page is already in the corpus or a known set" in out


def test_an_unknown_indicator_and_a_missing_value_are_named(tmp_path: Path, capsys) -> None:
    claims = [{"indicator": "members_admitted", "value": 5, "unit": "person", "qualifier": "exact",
               "is_target": False, "quote": "215"},
              dict(_record()["claims"][0], value=None)]
    code, out = _run(tmp_path, [_record(claims=claims)], capsys=capsys)
    assert code == 1
    assert "indicator 'members_admitted' is not one of the rules' indicators" in out
    assert "members_recruited: needs a value, or value_min and value_max" in out


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    assert check_batch.main([str(tmp_path / "none.jsonl"), "--prefix", "real-zz-"]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'none.jsonl'}: no such file"
