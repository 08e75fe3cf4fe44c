"""Can a learned model tell money raised from money disbursed better than the rules? Out of fold, on annotated text.

    python bench/direction.py bench/data/real/dev.jsonl [--folds 5]

Every money candidate the rules find (the learned layer off) whose amount matches a gold money claim of its excerpt,
as `unionclaims eval` matches them or as a false alarm of one money indicator beside a miss of the other with the same
value, is labelled with the gold claim's direction. A logistic regression over the rescorer's features
(pipeline/extract/rescore.py, without the rule's own reading: its indicator, rule and prior) and the words after the
number, where the recipient is named, predicts the direction out of fold (folds grouped by page URL). Printed: how
many the rules get right, how many the model gets right alone, and how many when it overrides the rules only where
it is at least 80, 90 or 95 % sure, with the claims each way fixed and broken.

Train only on the dev part: the test part is scored, never fitted.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_rescorer import scored_excerpts  # noqa: E402

from pipeline.extract.evaluate import Prediction  # noqa: E402
from pipeline.extract.indicators import default_ruleset, fold  # noqa: E402
from pipeline.extract.rescore import claim_features  # noqa: E402
from pipeline.records import VND  # noqa: E402

RAISED, DISBURSED = "funds_raised", "funds_disbursed"
_WORD = re.compile(r"[^\W\d_]+")
# The recipient is named after the amount, often farther than the rescorer's four words ("… 30 triệu đồng cho 10
# sinh viên đang học tập tại Trường có gia đình bị thiệt hại").
WORDS_AFTER = 14
# Features that state the rules' own reading: left out, so the model judges the text alone.
_RULES_READING = ("ind=", "rule=", "size=", "prior")
CONFIDENCES = (0.8, 0.9, 0.95)


def direction_features(pred: Prediction, page_low: str, rs) -> dict[str, float]:
    claim = pred.claim
    feats = {k: v for k, v in claim_features(claim, page_low, rs, claim.confidence).items()
             if not k.startswith(_RULES_READING)}
    end = claim.number_end - claim.sentence_start
    for word in _WORD.findall(fold(claim.quote[end : end + 120]))[:WORDS_AFTER]:
        feats[f"after_far:{word}"] = 1.0
    return feats


def labelled_candidates(path: Path) -> tuple[list[dict[str, float]], list[int], list[int], list[str]]:
    """Features, gold direction (1 = raised), the rules' direction and the page of every money candidate whose
    amount matches a gold money claim."""
    rs = default_ruleset()
    feats: list[dict[str, float]] = []
    gold: list[int] = []
    rules: list[int] = []
    groups: list[str] = []

    def add(pred: Prediction, gold_indicator: str, page_low: str, group: str) -> None:
        feats.append(direction_features(pred, page_low, rs))
        gold.append(int(gold_indicator == RAISED))
        rules.append(int(pred.claim.indicator == RAISED))
        groups.append(group)

    for ex, outcome, page_low, _n_gold in scored_excerpts(path):
        group = ex.url or ex.id
        for g, pred in outcome.matched:
            if pred.claim.unit == VND:
                add(pred, g["indicator"], page_low, group)
        missed = [g for g in outcome.missed if g.get("indicator") in (RAISED, DISBURSED)]
        for pred in outcome.false_alarms:
            if pred.claim.unit != VND:
                continue
            same = next((g for g in missed if g.get("value") == pred.claim.value
                         and g["indicator"] != pred.claim.indicator), None)
            if same is not None:
                missed.remove(same)
                add(pred, same["indicator"], page_low, group)
    return feats, gold, rules, groups


def tally(final: list[int], gold: list[int], rules: list[int]) -> str:
    right = sum(f == g for f, g in zip(final, gold, strict=True))
    fixed = sum(f == g != r for f, g, r in zip(final, gold, rules, strict=True))
    broken = sum(f != g == r for f, g, r in zip(final, gold, rules, strict=True))
    return f"{right} right ({fixed} fixed, {broken} broken)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path, help="annotated excerpts (JSON lines), e.g. bench/data/real/dev.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    if "test" in args.gold.name:
        raise SystemExit(f"{args.gold}: the test part is scored, never trained on")
    if not args.gold.is_file():
        raise SystemExit(f"{args.gold}: no such annotated file")
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    feats, gold, rules, groups = labelled_candidates(args.gold)
    if len(set(gold)) < 2:
        raise SystemExit(f"{args.gold}: needs money claims of both directions")
    x = DictVectorizer().fit_transform(feats)
    print(f"{args.gold}: {len(gold)} money candidates matching a gold amount; the rules: "
          f"{sum(r == g for r, g in zip(rules, gold, strict=True))} right")
    for c in (0.1, 0.3, 1.0, 3.0):
        prob = [0.0] * len(gold)
        for train, held in GroupKFold(n_splits=args.folds).split(x, gold, groups):
            model = LogisticRegression(C=c, max_iter=3000).fit(x[train], [gold[i] for i in train])
            for i, p in zip(held, model.predict_proba(x[held])[:, 1], strict=True):
                prob[i] = float(p)
        alone = [int(p > 0.5) for p in prob]
        line = [f"C={c}: model alone {tally(alone, gold, rules)}"]
        for sure in CONFIDENCES:
            final = [a if max(p, 1 - p) >= sure else r for a, p, r in zip(alone, prob, rules, strict=True)]
            line.append(f"overriding at {round(sure * 100)} %: {tally(final, gold, rules)}")
        print("; ".join(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
