"""The learned layer (pipeline/extract/rescore.py): features from the claim and the rules' language data, a model
file that sets confidence and drops candidates, and clear errors for a bad file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.extract.extractor import extract_mentions
from pipeline.extract.indicators import default_ruleset, fold
from pipeline.extract.rescore import RESCORER_FILE, claim_features, load_rescorer, parse_rescorer, rescore
from pipeline.rules import RulesError, rules_dir

ROOT = Path(__file__).resolve().parents[1]

TEXT = (
    "Công đoàn Công ty May Việt Tiến vận động đoàn viên ủng hộ đồng bào bị lũ lụt được 120 triệu đồng.\n"
    "Năm 2024, Tập đoàn Viettel ủng hộ Quỹ vì người nghèo 500 triệu đồng."
)


def _claims():
    return extract_mentions(TEXT, url="https://congdoan.example.vn/ung-ho-lu-lut.html", rescore=False)


def test_features_name_the_reading_and_the_cues_of_sentence_and_page() -> None:
    rs = default_ruleset()
    claim = next(c for c in _claims() if c.value == 120_000_000)
    f = claim_features(claim, fold(TEXT), rs, claim.confidence)
    assert f["ind=funds_raised"] == 1.0 and f["prior"] == claim.confidence
    assert f["s:union_bodies"] == 1.0 and f["s:union_bodies:money"] == 1.0
    assert f["p:union_bodies"] == 1.0
    assert f["size=funds_raised:<1ty"] == 1.0
    assert "s:youth_union_cues" not in f


def test_features_hold_the_words_around_the_number_not_the_numbers() -> None:
    rs = default_ruleset()
    claim = next(c for c in _claims() if c.value == 120_000_000)
    f = claim_features(claim, fold(TEXT), rs, claim.confidence)
    # "… vận động đoàn viên ủng hộ đồng bào bị lũ lụt được 120 triệu đồng.": the eight words before the number
    # (the verb and what it is for), and the unit after it; the amount's own words are not features.
    assert f["before:money:ủng"] == 1.0 and f["before:money:lũ lụt"] == 1.0 and f["before:money:được"] == 1.0
    assert "before:money:động" not in f, "a word nine words back is outside the window"
    assert f["after:money:đồng"] == 1.0 and "after:money:triệu" not in f
    assert not any(name.startswith(("before:count:", "after:count:")) for name in f)


def test_a_model_sets_confidence_and_drops_what_it_judges_unlikely() -> None:
    rs = default_ruleset()
    claims = _claims()
    assert claims, "the rules find the union's 120 triệu"
    # A model that trusts union bodies named in the sentence and distrusts everything else.
    model = parse_rescorer({"weights": {"bias": -3.0, "s:union_bodies": 6.0}, "drop_below": 0.5})
    kept = rescore([*claims], fold(TEXT), rs, model)
    assert {c.value for c in kept} == {120_000_000}
    assert kept[0].confidence == pytest.approx(1 / (1 + 2.718281828 ** -3), abs=1e-3)


def test_no_model_leaves_the_rule_confidences() -> None:
    claims = _claims()
    before = [c.confidence for c in claims]
    assert [c.confidence for c in rescore(claims, fold(TEXT), default_ruleset(), None)] == before


def test_the_bundled_model_was_trained_on_the_current_dev_part(tmp_path: Path) -> None:
    # bench/train_rescorer.py --compare-on bench/data/real/test.jsonl kept it (docs/extraction.md, "Learned
    # layer"); a dev part changed since (new excerpts folded in) needs the model retrained with it.
    model = load_rescorer()
    assert model is not None and 0.0 <= model.drop_below < 1.0
    bundled = json.loads((rules_dir() / RESCORER_FILE).read_text(encoding="utf-8"))
    dev = ROOT / bundled["trained_on"]["file"]
    assert hashlib.sha256(dev.read_bytes()).hexdigest() == bundled["trained_on"]["sha256"]
    path = tmp_path / "rescorer.json"
    path.write_text(json.dumps({"weights": {"bias": 0.0}, "drop_below": 0.2}), encoding="utf-8")
    assert load_rescorer(path).drop_below == 0.2


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"weights": {"bias": 1}}', "needs 'weights' and 'drop_below'"),
    ('{"weights": {"bias": 1}, "drop_below": 1.5}', "drop_below must be in"),
])
def test_a_bad_model_file_is_a_rules_error_naming_it(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "rescorer.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message) as err:
        load_rescorer(path)
    assert str(path) in str(err.value)
