"""bench/agreement.py: inter-annotator agreement, every pair of independent annotations counted."""

from __future__ import annotations

import json
from pathlib import Path

from bench_module import load_bench

agreement = load_bench("agreement")

TEXT = ("Công đoàn Cao su Việt Nam trao nhà Mái ấm Công đoàn cho công nhân Nông trường Ia Mơr\nCông đoàn Cao su "
        "Việt Nam hỗ trợ 55 triệu đồng, tổng kinh phí xây dựng hơn 130 triệu đồng.")
GRANT = {"indicator": "funds_disbursed", "value": 55000000, "value_min": None, "value_max": None, "unit": "VND",
         "qualifier": "exact", "is_target": False, "period": None,
         "quote": "Công đoàn Cao su Việt Nam hỗ trợ 55 triệu đồng"}
COST = dict(GRANT, value=130000000, qualifier="at_least", quote="tổng kinh phí xây dựng hơn 130 triệu đồng")


def _write(path: Path, claim_lists: list[list[dict]]) -> Path:
    rows = [{"id": "real-bn-002", "url": "http://tapchicaosu.vn/?p=105905", "text": TEXT, "claims": claims}
            for claims in claim_lists]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_page_picked_by_three_annotators_is_two_pairs(tmp_path: Path, capsys) -> None:
    # The first annotation, written once per other annotator, against each other annotator's own: one
    # agrees, one also counts the house's whole cost.
    first = _write(tmp_path / "first.jsonl", [[GRANT], [GRANT]])
    second = _write(tmp_path / "second.jsonl", [[GRANT], [GRANT, COST]])
    assert len(agreement.paired(agreement.load(first), agreement.load(second))) == 2
    assert agreement.main([str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "2 pairs of independent annotations on 1 excerpts; 2 vs 3 claims" in out
    # two agreeing claims, one claim only the second annotator made: F1 = 2·2 / (2·2 + 0 + 1)
    assert "funds_disbursed          2     0     1  0.800" in out
