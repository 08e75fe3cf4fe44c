"""The learned layer: a logistic model over the rule candidates, trained on the real dev part, that gives each
claim its `confidence` and drops the candidates it judges most likely wrong.

The rules find a candidate and say which reading it is; a rule's own precision is one number for all its
claims, yet on real pages the same rule is right or wrong depending on who gives, what else the sentence
and the page name, and the number's size. The model weighs those signals. Its features are built from
the claim and the language data of rules/indicators/_common.toml (union bodies, other givers, rates, plan
words…), so they are the same words the rules use, and from the words right around the number (who gives
and to whom is often said there in words no list holds: "gia đình góp thêm", "cho các đơn vị tại Lào"); its
weights are data (rules/rescorer.json), applied here in plain Python; scikit-learn is needed only to train it
(bench/train_rescorer.py, with cross-validation on bench/data/real/dev.jsonl). The file records what it was
trained on and its cross-validated precision and recall.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..records import VND, Claim
from ..rules import RulesError, rules_dir
from .indicators import RuleSet, fold
from .triggers import patterns_in

RESCORER_FILE = "rescorer.json"
_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")
# The window of words read on each side of the number: wide enough for the verb and its subject before it
# ("công đoàn vận động được"), and for the unit and the recipient after it ("đồng cho đoàn viên").
WORDS_BEFORE, WORDS_AFTER = 8, 4

# Sentence and page cues: names of RuleSet.common phrase lists (rules/indicators/_common.toml).
_SENTENCE_CUES = ("union_bodies", "union_actors", "non_union_givers", "non_union_donors", "target_cues",
                  "future_cues", "loan_cues", "rate_cues", "rate_patterns", "mobilising_verbs", "youth_union_cues",
                  "youth_union_patterns", "party_cues", "blocking_verbs")
_PAGE_CUES = ("union_bodies", "union_actors", "non_union_givers")


def _bucket(value: float | None, unit: str) -> str:
    if value is None:
        return "range"
    if unit == VND:
        edges = ((1e6, "<1tr"), (1e8, "<100tr"), (1e9, "<1ty"), (1e10, "<10ty"))
    else:
        edges = ((10, "<10"), (100, "<100"), (1000, "<1k"), (10000, "<10k"))
    return next((name for edge, name in edges if value < edge), "big")


def _cues(rs: RuleSet, names: tuple[str, ...], low: str) -> tuple[str, ...]:
    found = patterns_in([getattr(rs.common, cue) for cue in names], low)
    return tuple(cue for cue, hit in zip(names, found, strict=True) if hit)


def _words_around(claim: Claim, n_after: int = WORDS_AFTER, after_chars: int = 50) -> tuple[list[str], list[str]]:
    """The folded words (no numbers) just before and just after the claim's number in its sentence (at most `n_after`
    after it, within `after_chars` characters)."""
    start, end = claim.number_start - claim.sentence_start, claim.number_end - claim.sentence_start
    if claim.number_start < 0 or not 0 <= start <= end <= len(claim.quote):
        return [], []
    before = _WORD.findall(fold(claim.quote[max(0, start - 80):start]))[-WORDS_BEFORE:]
    after = _WORD.findall(fold(claim.quote[end : end + after_chars]))[:n_after]
    return before, after


def claim_features(claim: Claim, page_low: str, rs: RuleSet, prior: float, *,
                   page_cues: tuple[str, ...] | None = None,
                   sentence_cues: dict[str, tuple[str, ...]] | None = None) -> dict[str, float]:
    """The features of one candidate: its reading (indicator, rule, qualifier, target, size), its rule's
    prior confidence, the cues of its sentence and page, and the words around its number (single words after
    it; single words and pairs before it, where the verb and its subject are). `page_low` is the folded page
    text. A caller scoring many claims of one page passes the page's cues, found once, and a dict that keeps
    each sentence's cues: the cue patterns are long, and a page's claims share their page and often their
    sentence."""
    rule = claim.rule.split(":")[0]
    low = fold(claim.quote)
    value = claim.value if claim.value is not None else claim.value_max
    f: dict[str, float] = {
        "bias": 1.0,
        "prior": prior,
        f"ind={claim.indicator}": 1.0,
        f"rule={rule}": 1.0,
        f"qualifier={claim.qualifier}": 1.0,
        f"size={claim.indicator}:{_bucket(value, claim.unit)}": 1.0,
        "inherited": float(claim.rule.endswith(":inherited")),
        "target": float(claim.is_target),
        "headline": float(claim.sentence_start == 0),
        "numbers_in_sentence": min(len(_DIGITS.findall(claim.quote)), 40) / 40,
        "long_sentence": float(len(claim.quote) > 300),
        "org_named": float(bool(claim.org)),
        "period_named": float(bool(claim.period_text)),
    }
    kind = "money" if claim.unit == VND else "count"
    if sentence_cues is None:
        found = _cues(rs, _SENTENCE_CUES, low)
    elif (found := sentence_cues.get(low)) is None:
        found = sentence_cues[low] = _cues(rs, _SENTENCE_CUES, low)
    for cue in found:
        f[f"s:{cue}"] = 1.0
        f[f"s:{cue}:{kind}"] = 1.0
    for cue in page_cues if page_cues is not None else _cues(rs, _PAGE_CUES, page_low):
        f[f"p:{cue}"] = 1.0
    before, after = _words_around(claim)
    for word in before:
        f[f"before:{kind}:{word}"] = 1.0
    for first, second in zip(before, before[1:], strict=False):
        f[f"before:{kind}:{first} {second}"] = 1.0
    for word in after:
        f[f"after:{kind}:{word}"] = 1.0
    return f


@dataclass(frozen=True)
class Rescorer:
    """A trained model: weights per feature name, and the probability under which a candidate is dropped."""

    weights: dict[str, float]
    drop_below: float
    path: str = "<memory>"

    def probability(self, features: dict[str, float]) -> float:
        z = sum(self.weights.get(name, 0.0) * x for name, x in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def parse_rescorer(data: dict, path: str = "<memory>") -> Rescorer:
    try:
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        drop_below = float(data["drop_below"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesError(f"{path}: not a rescorer file (needs 'weights' and 'drop_below'): {exc}") from exc
    if not 0.0 <= drop_below < 1.0:
        raise RulesError(f"{path}: drop_below must be in [0, 1), got {drop_below}")
    return Rescorer(weights=weights, drop_below=drop_below, path=path)


@lru_cache(maxsize=4)
def load_rescorer(path: Path | None = None) -> Rescorer | None:
    """The bundled model, or None when the rules folder has none (then rule confidences stand)."""
    path = path or rules_dir() / RESCORER_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RulesError(f"{path}: not valid JSON ({exc})") from exc
    return parse_rescorer(data, str(path))


def rescore(claims: list[Claim], page_low: str, rs: RuleSet, model: Rescorer | None) -> list[Claim]:
    """Claims with the model's confidence; those under its threshold are dropped. No model: unchanged. `page_low`
    is the folded page text, which the extractor has already folded for its own page-level readings."""
    if model is None or not claims:
        return claims
    page_cues = _cues(rs, _PAGE_CUES, page_low)
    sentence_cues: dict[str, tuple[str, ...]] = {}
    kept = []
    for c in claims:
        p = model.probability(claim_features(c, page_low, rs, c.confidence, page_cues=page_cues,
                                             sentence_cues=sentence_cues))
        if p < model.drop_below:
            continue
        c.confidence = round(p, 3)
        kept.append(c)
    return kept
