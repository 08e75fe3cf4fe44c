"""Train the learned layer (pipeline/extract/rescore.py) on annotated real text, with cross-validation.

    python bench/train_rescorer.py bench/data/real/dev.jsonl [--out rules/rescorer.json] [--folds 5] [--dry-run]

Every candidate the rules find in the excerpts (the learned layer off) is labelled right or wrong by the
same matching as `unionclaims eval`; a logistic regression (scikit-learn) over claim_features() is fitted.
Its regularisation and the threshold under which a candidate is dropped are chosen on out-of-fold
probabilities (folds grouped by page URL, so no page is in two folds): the threshold is the one that gives
the best F1 over all scored indicators, gold claims the rules never find counted as misses. Printed: the
rules alone, and the out-of-fold scores with the model (precision, recall, F1, and the confidence >= 0.9
subset). The model trained on all excerpts is written as JSON with what it was trained on.

Train only on the dev part: the test part (bench/data/real/test.jsonl) is scored once per round with
`unionclaims eval` and never fitted. Retrain after changing rules or their calibration.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.evaluate import Prediction, load_gold, score_excerpt, scored_indicators  # noqa: E402
from pipeline.extract.extractor import extract_mentions  # noqa: E402
from pipeline.extract.indicators import default_ruleset, fold  # noqa: E402
from pipeline.extract.repeats import group_repeats  # noqa: E402
from pipeline.extract.rescore import claim_features  # noqa: E402
from pipeline.text.normalize import normalize_with_map  # noqa: E402


def candidates(path: Path) -> tuple[list[dict], list[int], list[str], int]:
    """Features, labels (1 = matches a gold claim), group (URL) of every candidate, and the gold count."""
    rs = default_ruleset()
    excerpts = load_gold(path)
    names = set(scored_indicators(excerpts))
    feats, labels, groups = [], [], []
    gold = 0
    for ex in excerpts:
        mentions = extract_mentions(ex.text, url=ex.url, rescore=False)
        preds = [Prediction(claim=g[0], spans=[(c.start, c.end) for c in g]) for g in group_repeats(mentions, ex.text)]
        outcome = score_excerpt(ex, preds, names)
        gold += sum(1 for g in ex.claims if g.get("indicator") in names)
        page_low = fold(normalize_with_map(ex.text)[0])
        right = {id(p) for _g, p in outcome.matched}
        for p in [p for _g, p in outcome.matched] + outcome.false_alarms:
            feats.append(claim_features(p.claim, page_low, rs, p.claim.confidence))
            labels.append(1 if id(p) in right else 0)
            groups.append(ex.url or ex.id)
    return feats, labels, groups, gold


def scores(probs: list[float], labels: list[int], gold: int, threshold: float) -> dict[str, float]:
    tp = sum(1 for p, y in zip(probs, labels, strict=True) if p >= threshold and y)
    fp = sum(1 for p, y in zip(probs, labels, strict=True) if p >= threshold and not y)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / gold if gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "tp": tp, "fp": fp}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path, help="annotated excerpts (JSON lines), e.g. bench/data/real/dev.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "rules" / "rescorer.json")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--dry-run", action="store_true", help="print the scores, write nothing")
    args = ap.parse_args()
    if "test" in args.gold.name:
        raise SystemExit(f"{args.gold}: the test part is scored, never trained on")
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    feats, labels, groups, gold = candidates(args.gold)
    vec = DictVectorizer(sparse=True)
    x = vec.fit_transform(feats)
    print(f"{args.gold}: {len(labels)} candidates ({sum(labels)} right), {gold} gold claims")
    rules_only = scores([1.0] * len(labels), labels, gold, 0.5)
    print(f"rules alone: P {rules_only['precision']:.3f} R {rules_only['recall']:.3f} F1 {rules_only['f1']:.3f}")

    def out_of_fold(c: float) -> list[float]:
        probs = [0.0] * len(labels)
        for train, held in GroupKFold(n_splits=args.folds).split(x, labels, groups):
            model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
            model.fit(x[train], [labels[i] for i in train])
            for i, p in zip(held, model.predict_proba(x[held])[:, 1], strict=True):
                probs[i] = float(p)
        return probs

    best_c, best_probs, best_loss = None, None, float("inf")
    for c in (0.01, 0.03, 0.1, 0.3, 1.0):
        probs = out_of_fold(c)
        loss = log_loss(labels, probs)
        print(f"C={c}: out-of-fold log loss {loss:.4f}")
        if loss < best_loss:
            best_c, best_probs, best_loss = c, probs, loss
    thresholds = [t / 100 for t in range(0, 51, 2)]
    best_t = max(thresholds, key=lambda t: (scores(best_probs, labels, gold, t)["f1"], -t))
    cv = scores(best_probs, labels, gold, best_t)
    hi = scores(best_probs, labels, gold, 0.9)
    print(f"out of fold, C={best_c}, drop below {best_t:.2f}: P {cv['precision']:.3f} R {cv['recall']:.3f} "
          f"F1 {cv['f1']:.3f}; confidence >= 0.9: P {hi['precision']:.3f}, {hi['tp']} of {gold} gold claims "
          f"({hi['tp'] / gold:.0%})")
    if args.dry_run:
        return 0
    model = LogisticRegression(C=best_c, fit_intercept=False, max_iter=2000).fit(x, labels)
    weights = {name: round(float(w), 6) for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
               if abs(w) > 1e-6}
    data = {
        "about": "Learned layer over the rule candidates (pipeline/extract/rescore.py); written by bench/train_rescorer.py",
        "trained_on": {"file": str(args.gold.resolve().relative_to(ROOT)) if args.gold.resolve().is_relative_to(ROOT)
                       else str(args.gold), "sha256": hashlib.sha256(args.gold.read_bytes()).hexdigest(),
                       "candidates": len(labels), "right": sum(labels), "gold_claims": gold},
        "C": best_c, "drop_below": best_t, "folds": args.folds,
        "rules_alone": rules_only, "out_of_fold": cv, "out_of_fold_confidence_0_9": hi,
        "weights": dict(sorted(weights.items())),
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
