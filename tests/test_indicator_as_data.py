"""A new indicator is one TOML file and no Python: dropped into a copy of the rules folder, it is extracted,
scored by `eval` (its own row, core or not as the file says), reaches the dataset, and the audit and the
report take it up with the label and colour of its file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]

HOUSES = """
indicator = "houses_built"
unit = "count"
core = true
label_vi = "Nhà Mái ấm Công đoàn"
label_en = "Union shelter houses"
color = "#a0c4ff"
exclude = ["đảng"]

[[rules]]
id = "houses.handed_over"
triggers = ["xây dựng", "bàn giao", "xây mới", "sửa chữa", "trao"]
max_gap = 6
objects = ["nhà Mái ấm Công đoàn", "căn nhà Mái ấm Công đoàn", "nhà Mái ấm", "căn nhà"]
context = ["Mái ấm"]
confidence = 0.8

[[examples]]
text = "Năm 2023, LĐLĐ tỉnh đã bàn giao 25 nhà Mái ấm Công đoàn cho đoàn viên khó khăn."
claims = [{ value = 25, qualifier = "exact", is_target = false }]

[[counter_examples]]
text = "Nhà văn hóa có 25 phòng."
"""
SENTENCE = "Năm 2023, LĐLĐ tỉnh Quảng Trị đã bàn giao 25 nhà Mái ấm Công đoàn cho đoàn viên có hoàn cảnh khó khăn."


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(ROOT / "rules", folder)
    (folder / "indicators" / "houses_built.toml").write_text(HOUSES, encoding="utf-8")
    return folder


def _cli(rules: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "UNIONCLAIMS_RULES": str(rules)}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_eval_scores_a_new_indicator(rules: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    claim = {"indicator": "houses_built", "value": 25, "value_min": None, "value_max": None, "unit": "count",
             "qualifier": "exact", "is_target": False, "period": "Năm 2023", "quote": "bàn giao 25 nhà Mái ấm Công đoàn"}
    gold.write_text(json.dumps({"id": "h-1", "url": None, "province": None, "text": SENTENCE, "claims": [claim],
                                "notes": ""}, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = _cli(rules, "eval", str(gold))
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines() if line[:1].isalpha()}
    assert rows["houses_built"][:3] == ["1", "0", "0"]  # tp, fp, fn
    assert "CORE (4 indicators)" in proc.stdout and "ALL (7 indicators)" in proc.stdout
    assert "MISS" not in proc.stdout


def test_a_new_indicator_reaches_the_dataset_audit_and_report(rules: Path, tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"Quảng Trị bàn giao nhà\n\n{SENTENCE}\n", encoding="utf-8")
    assert _cli(rules, "run", "--corpus", str(corpus), "--out", str(out), "--no-progress").returncode == 0
    claims = pd.read_parquet(out / "claims.parquet")
    assert claims.loc[claims["indicator"] == "houses_built", "value"].tolist() == [25]
    panel = pd.read_parquet(out / "panel.parquet")
    assert "houses_built" in set(panel["indicator"])
    assert _cli(rules, "audit", "--out", str(out)).returncode == 0
    proc = _cli(rules, "report", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "mark.ent-houses_built{background:#a0c4ff}" in page
