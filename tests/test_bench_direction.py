"""bench/direction.py: which money candidates it labels with a direction, how it counts, and its guards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import direction  # noqa: E402


def _claim(indicator: str, value: int, quote: str) -> dict:
    return {"indicator": indicator, "value": value, "value_min": None, "value_max": None, "unit": "VND",
            "qualifier": "exact", "is_target": False, "period": None, "quote": quote}


def test_matched_and_swapped_amounts_are_labelled_with_the_gold_direction(tmp_path: Path) -> None:
    gold = tmp_path / "dev.jsonl"
    records = [
        # matched: the rules read it as raised, and so does the gold
        {"id": "d-1", "url": "https://ldld.example.vn/a", "province": None, "claims": [
            _claim("funds_raised", 120_000_000, "quyên góp được 120 triệu đồng")],
         "text": "Công đoàn Sở Y tế đã vận động đoàn viên quyên góp được 120 triệu đồng ủng hộ đồng bào vùng lũ."},
        # a direction the gold reads the other way: the rules' claim of the same amount is labelled disbursed
        {"id": "d-2", "url": "https://ldld.example.vn/b", "province": None, "claims": [
            _claim("funds_disbursed", 40_000_000, "hỗ trợ 40 triệu đồng")],
         "text": "LĐLĐ tỉnh đã hỗ trợ 40 triệu đồng cho đồng bào bị ảnh hưởng bởi bão lũ."},
        # an amount the gold leaves out is no direction at all
        {"id": "d-3", "url": "https://ldld.example.vn/c", "province": None, "claims": [],
         "text": "Công đoàn cơ sở Công ty May Việt Tiến trao 30 triệu đồng cho 15 đoàn viên có hoàn cảnh khó khăn."},
    ]
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    feats, labels, rules, groups = direction.labelled_candidates(gold)
    assert labels == [1, 0] and rules == [1, 1]
    assert groups == ["https://ldld.example.vn/a", "https://ldld.example.vn/b"]
    # the model never sees the rules' own reading
    assert not any(k.startswith(("ind=", "rule=", "prior")) for f in feats for k in f)
    assert any(k == "after_far:đồng" for k in feats[1])


def test_fixed_and_broken_readings_are_counted_against_the_rules() -> None:
    gold = [1, 1, 0, 0]
    rules = [1, 0, 0, 1]
    assert direction.tally([1, 1, 1, 0], gold, rules) == "3 right (2 fixed, 1 broken)"
    assert direction.tally(rules, gold, rules) == "2 right (0 fixed, 0 broken)"


def test_the_test_part_is_never_trained_on_and_a_missing_file_is_named(tmp_path: Path) -> None:
    script = str(ROOT / "bench" / "direction.py")
    out = subprocess.run([sys.executable, script, str(ROOT / "bench/data/real/test.jsonl")],
                         capture_output=True, text=True)
    assert out.returncode != 0 and out.stderr.strip() == f"{ROOT / 'bench/data/real/test.jsonl'}: the test part is " \
        "scored, never trained on"
    missing = tmp_path / "nothing.jsonl"
    out = subprocess.run([sys.executable, script, str(missing)], capture_output=True, text=True)
    assert out.returncode != 0 and out.stderr.strip() == f"{missing}: no such annotated file"
