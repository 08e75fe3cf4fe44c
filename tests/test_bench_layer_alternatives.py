"""bench/layer_alternatives.py: the direction question is asked only of money whose amount is annotated."""

from __future__ import annotations

import json
from pathlib import Path

from bench_module import load_bench

layer_alternatives = load_bench("layer_alternatives")

# The rules read the first amount as paid to workers (no outside recipient in their lists); the annotator reads
# it as raised. The second is right as read. The third is annotated as nothing at all.
TEXT = ("Công đoàn Công ty trao quà cho Trung tâm Bảo trợ xã hội tỉnh\nTại buổi lễ, đại diện Công đoàn Công ty đã "
        "trao tặng số tiền 50 triệu đồng cho Trung tâm Bảo trợ xã hội tỉnh. Công đoàn Công ty trao 30 triệu đồng cho "
        "Ủy ban MTTQ xã. Dịp này, công ty tặng 20 triệu đồng cho đội văn nghệ.")


def _claim(indicator: str, value: int, quote: str) -> dict:
    return {"indicator": indicator, "value": value, "value_min": None, "value_max": None, "unit": "VND",
            "qualifier": "exact", "is_target": False, "period": None, "quote": quote}


URL = "https://congdoan.example.vn/trao-qua.html"


def _gold(tmp_path: Path) -> Path:
    """TEXT annotated: both union amounts raised (outside causes), the company's gift nothing."""
    record = {"id": "real-zz-001", "url": URL, "text": TEXT, "claims": [
        _claim("funds_raised", 50_000_000, "trao tặng số tiền 50 triệu đồng cho Trung tâm Bảo trợ xã hội tỉnh"),
        _claim("funds_raised", 30_000_000, "trao 30 triệu đồng cho Ủy ban MTTQ xã")]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return gold


def test_money_read_the_other_way_is_labelled_and_a_false_amount_is_left_out(tmp_path: Path) -> None:
    feats, labels, groups = layer_alternatives.direction_data(_gold(tmp_path))
    assert sorted(labels) == [0, 1]  # 30 triệu right as read, 50 triệu turned; the company's 20 triệu not asked
    assert groups == [URL] * 2
    # the turned amount was read as paid out, the right one as raised
    assert {next(k for k in f if k.startswith("ind=")) for f in feats} == {"ind=funds_disbursed", "ind=funds_raised"}


def test_the_words_after_the_amount_are_added_only_when_asked(tmp_path: Path) -> None:
    gold = _gold(tmp_path)
    near, _, _ = layer_alternatives.direction_data(gold)
    far, labels, _ = layer_alternatives.direction_data(gold, far=True)
    assert not any(k.startswith("after_far:") for f in near for k in f)
    # "… 50 triệu đồng cho Trung tâm Bảo trợ xã hội tỉnh": the recipient, seven words on, is a feature
    turned = far[labels.index(1)]
    assert {"after_far:cho", "after_far:trung", "after_far:tỉnh"} <= set(turned)
    assert sum(k.startswith("after_far:") for k in turned) <= layer_alternatives.FAR_WORDS_AFTER
