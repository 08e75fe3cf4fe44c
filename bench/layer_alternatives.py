"""Alternatives to the learned layer, measured out of fold on annotated real text (the dev part), so that a
change to pipeline/extract/rescore.py is made, or not, on a rerunnable figure.

    python bench/layer_alternatives.py bench/data/real/dev.jsonl [--folds 5]

Three questions, each answered on out-of-fold probabilities (folds grouped by page URL, as in
bench/train_rescorer.py):

1. **Other learners.** A random forest and gradient boosting in place of the logistic model: out-of-fold log
   loss, F1 at the best drop threshold (and with nothing dropped), and the confidence >= 0.9 subset.
2. **Turning a money claim's direction.** A second logistic model over the same features, trained on the
   money candidates whose amount is annotated: kept as read (0) or annotated in the other direction (1,
   raised <-> disbursed). How many claims it would turn rightly and wrongly at each threshold; and again with
   the fourteen words after the amount added, where recipients are named ("… 30 triệu đồng cho 10 sinh viên đang
   học tập tại Trường có gia đình bị thiệt hại"), farther than the layer's own four.
3. **Recalibrating the confidence.** Isotonic regression fitted on the other folds' out-of-fold
   probabilities and applied to each fold: the confidence >= 0.9 subset before and after.

Nothing is written. Train only on the dev part; the test part is never fitted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_rescorer import candidates, scored_excerpts, scores  # noqa: E402

from pipeline.extract.evaluate import _overlaps, _quote_spans, _values_equal  # noqa: E402
from pipeline.extract.indicators import default_ruleset  # noqa: E402
from pipeline.extract.rescore import _words_around, claim_features  # noqa: E402
from pipeline.records import Claim  # noqa: E402

OTHER_WAY = {"funds_raised": "funds_disbursed", "funds_disbursed": "funds_raised"}
FAR_WORDS_AFTER = 14


def far_words_after(claim: Claim) -> dict[str, float]:
    """The folded words (no numbers) after the claim's number in its sentence, up to FAR_WORDS_AFTER."""
    _before, after = _words_around(claim, FAR_WORDS_AFTER, after_chars=120)
    return {f"after_far:{w}": 1.0 for w in after}


def direction_data(path: Path, far: bool = False) -> tuple[list[dict], list[int], list[str]]:
    """Features of every money candidate whose amount is annotated, labelled 1 when the annotation reads it the
    other way (a false claim and a missed one of the same amount and span), 0 when it is right as read; with `far`,
    the words after the amount are features too."""
    rs = default_ruleset()
    feats, labels, groups = [], [], []
    for ex, outcome, page_low, _gold in scored_excerpts(path):
        missed = list(outcome.missed)
        for p, label in [(p, 0) for _g, p in outcome.matched] + [(p, None) for p in outcome.false_alarms]:
            if p.claim.indicator not in OTHER_WAY:
                continue
            if label is None:
                turned = [g for g in missed if g["indicator"] == OTHER_WAY[p.claim.indicator]
                          and _values_equal(g, p.claim)
                          and any(_overlaps(s, q) for s in p.spans for q in _quote_spans(ex.text, g["quote"]))]
                if not turned:
                    continue  # a false amount, not a turned one: the layer's own question
                missed.remove(turned[0])
                label = 1
            feats.append(claim_features(p.claim, page_low, rs, p.claim.confidence)
                         | (far_words_after(p.claim) if far else {}))
            labels.append(label)
            groups.append(ex.url or ex.id)
    return feats, labels, groups


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path, help="annotated excerpts (JSON lines), e.g. bench/data/real/dev.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    if "test" in args.gold.name:
        raise SystemExit(f"{args.gold}: the test part is scored, never trained on")
    if not args.gold.is_file():
        raise SystemExit(f"{args.gold}: no such annotated file")
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import GroupKFold

    def out_of_fold(make, x, y, groups, dense=False) -> np.ndarray:
        probs = np.zeros(len(y))
        matrix = x.toarray() if dense else x
        for train, held in GroupKFold(n_splits=args.folds).split(matrix, y, groups):
            probs[held] = make().fit(matrix[train], y[train]).predict_proba(matrix[held])[:, 1]
        return probs

    feats, labels, groups, gold = candidates(args.gold)
    x, y = DictVectorizer().fit_transform(feats), np.array(labels)
    print(f"{args.gold}: {len(y)} candidates ({int(y.sum())} right), {gold} gold claims; {args.folds} folds by page")
    learners = (("logistic (the layer)", lambda: LogisticRegression(C=0.1, fit_intercept=False, max_iter=3000), False),
                ("random forest", lambda: RandomForestClassifier(400, min_samples_leaf=2, n_jobs=2, random_state=0),
                 False),
                ("gradient boosting", lambda: HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05,
                                                                              random_state=0), True))
    logistic = None
    print("1. learners: out-of-fold log loss; F1 with nothing dropped; best F1 (threshold); >= 0.9 precision, right")
    for name, make, dense in learners:
        p = out_of_fold(make, x, y, groups, dense)
        logistic = p if logistic is None else logistic
        best_f1, best_t = max((scores(list(p), labels, gold, t / 100)["f1"], t / 100) for t in range(0, 61, 2))
        hi = scores(list(p), labels, gold, 0.9)
        print(f"   {name:22} {log_loss(y, p):.4f}; {scores(list(p), labels, gold, 0.0)['f1']:.4f}; "
              f"{best_f1:.4f} ({best_t:.2f}); {hi['precision']:.3f}, {hi['tp']}")

    for far in (False, True):
        dfeats, dlabels, dgroups = direction_data(args.gold, far)
        dx, dy = DictVectorizer().fit_transform(dfeats), np.array(dlabels)
        print(f"2. direction{f', with {FAR_WORDS_AFTER} words after the amount' if far else ''}: {len(dy)} money "
              f"candidates with an annotated amount, {int(dy.sum())} read the other way")
        for c in (0.1, 1.0) if 0 < dy.sum() < len(dy) else ():
            p = out_of_fold(lambda c=c: LogisticRegression(C=c, max_iter=3000), dx, dy, dgroups)
            turns = ", ".join(f"t={t}: {int(((p >= t) & (dy == 1)).sum())} right / "
                              f"{int(((p >= t) & (dy == 0)).sum())} wrong" for t in (0.5, 0.7, 0.9))
            print(f"   C={c}: turned {turns}")

    calibrated = np.zeros(len(y))
    for train, held in GroupKFold(n_splits=args.folds).split(x, y, groups):
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(logistic[train], y[train])
        calibrated[held] = iso.predict(logistic[held])
    print("3. confidence >= t: precision, right claims, share of the gold claims")
    for name, p in (("logistic, as is", logistic), ("isotonic on other folds", calibrated)):
        cuts = "; ".join(f"{t}: {s['precision']:.3f}, {s['tp']}, {s['tp'] / gold:.0%}"
                         for t in (0.8, 0.9, 0.95) for s in [scores(list(p), labels, gold, t)])
        print(f"   {name:24} {cuts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
