"""The real-text corpus keeps its split honest: each page in the part its URL hash names, none in both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench_module import load_bench

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "bench/data/real"

split_real = load_bench("split_real")


def _records(name: str) -> list[dict]:
    """The records of bench/data/real/<name>.jsonl: a part of the split or an adjudication file."""
    return [json.loads(line) for line in (REAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def test_every_real_excerpt_sits_in_the_part_its_url_names():
    for part in ("dev", "test"):
        misplaced = [r["id"] for r in _records(part) if split_real.part_of(r["url"]) != part]
        assert misplaced == [], f"{part}: {misplaced[:5]}"


def test_no_page_is_in_both_parts_and_ids_are_unique():
    dev, test = _records("dev"), _records("test")
    assert {r["url"] for r in dev}.isdisjoint({r["url"] for r in test})
    ids = [r["id"] for r in dev + test]
    assert len(ids) == len(set(ids))
    assert len(test) >= 150


def test_folding_a_batch_places_new_pages_by_hash_and_skips_known_ones(tmp_path):
    known = {"id": "x-1", "url": "https://congdoan.example.vn/a.html", "text": "Kết nạp 120 đoàn viên.", "claims": []}
    fresh = [dict(known), {"id": "x-2", "url": "https://ldld.example.vn/b.html", "text": "Thành lập 3 CĐCS.", "claims": []}]
    (tmp_path / "dev.jsonl").write_text(json.dumps(known, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "test.jsonl").write_text("", encoding="utf-8")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in fresh), encoding="utf-8")
    assert split_real.main([str(batch), "--into", str(tmp_path)]) == 0
    target = split_real.part_of("https://ldld.example.vn/b.html")
    placed = [json.loads(line)["id"] for line in (tmp_path / f"{target}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "x-2" in placed
    everything = (tmp_path / "dev.jsonl").read_text(encoding="utf-8") + (tmp_path / "test.jsonl").read_text(encoding="utf-8")
    assert everything.count('"x-1"') == 1


def test_the_fresh_set_shares_no_page_with_the_split():
    fresh = REAL / "fresh.jsonl"
    if not fresh.exists():
        pytest.skip("no fresh set apart from the split (folded in)")
    split_urls = {r["url"] for part in ("dev", "test") for r in _records(part)}
    shared = [r["id"] for r in _records("fresh") if r["url"] in split_urls]
    assert shared == []


def test_folding_a_bad_batch_says_which_line_and_changes_nothing(tmp_path, capsys):
    record = {"id": "x-1", "url": "https://congdoan.example.vn/a.html", "text": "Kết nạp 120 đoàn viên.", "claims": []}
    dev = json.dumps(record, ensure_ascii=False) + "\n"
    (tmp_path / "dev.jsonl").write_text(dev, encoding="utf-8")
    (tmp_path / "test.jsonl").write_text("", encoding="utf-8")
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"id": "x-2", "url": "https://ldld.example.vn/b.html"\n', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"batch\.jsonl:1: not JSON"):
        split_real.main([str(batch), "--into", str(tmp_path)])
    assert (tmp_path / "dev.jsonl").read_text(encoding="utf-8") == dev
    assert split_real.main([str(tmp_path / "missing.jsonl"), "--into", str(tmp_path)]) == 2
    assert "missing.jsonl: no such file" in capsys.readouterr().err


def _gold_by_id() -> dict[str, dict]:
    return {r["id"]: r for part in ("dev", "test") for r in _records(part)}


def test_the_member_unions_adjudication_holds_in_the_corpus():
    """Each decision of the member-grassroots-unions adjudication (docs/guideline.md §10) is in the gold: an added
    unions_total claim is there, a count kept out is no unions_total claim."""
    records = _gold_by_id()
    decisions = _records("adjudication-member-unions")
    assert decisions
    for d in decisions:
        totals = [c["value"] for c in records[d["id"]]["claims"] if c["indicator"] == "unions_total"]
        assert (d["value"] in totals) == (d["decision"] == "add"), d["id"]


def test_the_agreement_samples_adjudication_holds_in_the_corpus():
    """Each decision on a disagreement of the fourth to fourteenth agreement samples (docs/guideline.md §10) is in the
    gold: a removed claim, or one left out, is not there; a claim set to a target is one; a kept or added claim is
    there, a result unless the decision adds it as a target (real-df-007's pledge over five years)."""
    records = _gold_by_id()
    decisions = _records("adjudication-agreement")
    assert decisions
    for d in decisions:
        same = [c for c in records[d["id"]]["claims"] if c["indicator"] == d["indicator"] and c["value"] == d["value"]]
        if d["decision"] in ("remove", "leave out"):
            assert same == [], d
        else:
            target = d.get("is_target", d["decision"] == "set_target_true")
            assert same and all(c["is_target"] == target for c in same), d


@pytest.mark.parametrize("name", ["adjudication-collections", "adjudication-mixed-givers", "adjudication-women"])
def test_the_passes_over_earlier_excerpts_hold_in_the_corpus(name):
    """Each decision of a pass that applied a new guideline rule to earlier excerpts (docs/guideline.md §10: round 75,
    "Collected, then handed over"; round 77, "Mixed givers"; round 133, "A stock split by sex") is in the gold: an added
    or changed claim is there as decided, under its quote; a removed or replaced claim is gone."""
    records = _gold_by_id()
    decisions = _records(name)
    assert decisions
    for d in decisions:
        claims = records[d["id"]]["claims"]
        if d["claim"] is not None:
            keys = ("indicator", "value", "qualifier", "is_target", "quote")
            assert any(all(c[k] == d["claim"][k] for k in keys) for c in claims), d
        old = d["old"]
        if old is not None and (d["claim"] is None or (old["indicator"], old["value"]) != (d["claim"]["indicator"],
                                                                                           d["claim"]["value"])):
            assert not any(c["indicator"] == old["indicator"] and c["value"] == old["value"] for c in claims), d
