"""bench/train_rescorer.py's comparison with the rules alone: precision at the same recall, and its guards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import train_rescorer  # noqa: E402


def test_rules_are_cut_where_their_recall_reaches_the_models() -> None:
    # Ten gold claims; candidates by falling confidence: right, right, wrong, right (0.8 twice), wrong, right.
    confidences = [0.95, 0.9, 0.85, 0.8, 0.8, 0.7, 0.6]
    labels = [1, 1, 0, 1, 1, 0, 1]
    # Recall 0.3 needs three right claims: the cut falls after both 0.8 candidates (ties stay together).
    assert train_rescorer.at_recall(confidences, labels, 10, 0.3) == {"precision": 0.8, "recall": 0.4}
    assert train_rescorer.at_recall(confidences, labels, 10, 0.2) == {"precision": 1.0, "recall": 0.2}
    # A recall the rules never reach: every candidate is kept.
    assert train_rescorer.at_recall(confidences, labels, 10, 0.9) == {"precision": round(5 / 7, 4), "recall": 0.5}


def test_the_test_part_is_never_trained_on_and_a_missing_file_is_named(tmp_path: Path) -> None:
    script = str(ROOT / "bench" / "train_rescorer.py")
    out = subprocess.run([sys.executable, script, str(ROOT / "bench/data/real/test.jsonl"), "--dry-run"],
                         capture_output=True, text=True)
    assert out.returncode != 0 and "never trained on" in out.stderr
    missing = tmp_path / "nothing.jsonl"
    out = subprocess.run([sys.executable, script, str(ROOT / "bench/data/real/dev.jsonl"), "--dry-run",
                          "--compare-on", str(missing)], capture_output=True, text=True)
    assert out.returncode != 0 and out.stderr.strip() == f"{missing}: no such annotated file"


def test_a_threshold_is_used_only_for_a_gain_above_noise() -> None:
    tol = train_rescorer.F1_TOLERANCE
    # round 48: the lowest threshold near the best (0.26) gained nothing over dropping nothing
    assert train_rescorer.choose_threshold({0.0: 0.8245, 0.26: 0.8250, 0.4: 0.8298}) == 0.0
    # a real gain: the lowest threshold within the tolerance of the best, which itself beats 0.0
    assert train_rescorer.choose_threshold({0.0: 0.80, 0.2: 0.80 + 2 * tol, 0.3: 0.80 + 2.5 * tol}) == 0.2
    assert train_rescorer.choose_threshold({0.0: 0.81, 0.2: 0.809}) == 0.0
