"""Score the extractor against annotated excerpts (the format of tests/data/claims_dev.jsonl, docs/guideline.md).

Matching rule (docs/design.md): a predicted claim matches a gold claim when the indicator is the same,
the value (or both bounds of a range) is the same, and the predicted span overlaps the gold `quote`
located in the text. Qualifier, is_target and period are scored on matched pairs. Repeats of one
claim inside an excerpt count once (GUIDELINE §7): a deduplicated prediction matches if any of its
mentions overlaps the quote.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..records import Claim, stable_id
from ..text.normalize import normalize_text
from .extractor import extract_mentions
from .indicators import Indicator, RuleSet, default_ruleset
from .repeats import group_repeats

# Row order of the report: core indicators, then other flows, then stocks; people, organisations, other
# counts, money; then by name.
_UNIT_ORDER = {"person": 0, "organization": 1, "count": 2, "percent": 3, "VND": 4}


class GoldFileError(ValueError):
    pass


@dataclass
class Excerpt:
    id: str
    text: str
    url: str | None
    province: str | None
    claims: list[dict]


@dataclass
class Prediction:
    claim: Claim
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Outcome:
    excerpt: Excerpt
    matched: list[tuple[dict, Prediction]]
    missed: list[dict]
    false_alarms: list[Prediction]
    unscored: list[Prediction]


def load_gold(path: Path) -> list[Excerpt]:
    if not path.exists():
        raise GoldFileError(f"{path}: no such file")
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise GoldFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(Excerpt(id=str(d["id"]), text=d["text"], url=d.get("url"), province=d.get("province"),
                               claims=list(d.get("claims", []))))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise GoldFileError(f"{path}:{n}: not a gold record ({exc})") from exc
    if not out:
        raise GoldFileError(f"{path}: no records")
    return out


def split_of(excerpt_id: str, holdout_share: float = 0.25) -> str:
    """A fixed dev/holdout split by hash of the id, so rules can be checked on excerpts not looked at."""
    return "holdout" if int(stable_id(excerpt_id), 16) % 1000 < holdout_share * 1000 else "dev"


def _quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    spans = []
    i = text.find(quote)
    while i >= 0:
        spans.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    if not spans:  # tolerate normalisation differences between quote and text
        nt, nq = normalize_text(text), normalize_text(quote)
        i = nt.find(nq)
        if i >= 0 and len(nt) == len(text):
            spans.append((i, i + len(nq)))
    return spans


def _values_equal(gold: dict, c: Claim) -> bool:
    def eq(a, b):
        if a is None or b is None:
            return a is None and b is None
        return int(round(float(a))) == int(round(float(b)))

    if gold.get("value") is not None:
        return eq(gold["value"], c.value)
    return eq(gold.get("value_min"), c.value_min) and eq(gold.get("value_max"), c.value_max)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def predict(excerpt: Excerpt) -> list[Prediction]:
    mentions = extract_mentions(excerpt.text, url=excerpt.url)
    return [Prediction(claim=g[0], spans=[(c.start, c.end) for c in g]) for g in group_repeats(mentions, excerpt.text)]


def _row_key(name: str, ind: Indicator | None) -> tuple:
    if ind is None:  # in the gold file only
        return (3, 9, name)
    return (0 if ind.core else 1 + ind.stock, _UNIT_ORDER.get(ind.unit, 9), name)


def scored_indicators(excerpts: list[Excerpt], rs: RuleSet | None = None) -> tuple[str, ...]:
    """The indicators `eval` scores: every one with a claim in the gold excerpts, and every one the rules
    define unless its rule file says `scored = false` (one the gold data does not annotate)."""
    rs = rs or default_ruleset()
    defined = {ind.name: ind for ind in rs.indicators}
    names = {c["indicator"] for e in excerpts for c in e.claims if c.get("indicator")}
    names |= {ind.name for ind in rs.indicators if ind.scored}
    return tuple(sorted(names, key=lambda n: _row_key(n, defined.get(n))))


def score_excerpt(excerpt: Excerpt, predictions: list[Prediction], indicators: Iterable[str] | None = None) -> Outcome:
    names = set(scored_indicators([excerpt]) if indicators is None else indicators)
    scored = [p for p in predictions if p.claim.indicator in names]
    unscored = [p for p in predictions if p.claim.indicator not in names]
    free = list(scored)
    matched, missed = [], []
    for g in excerpt.claims:
        qspans = _quote_spans(excerpt.text, g["quote"])
        candidates = [
            p for p in free
            if p.claim.indicator == g["indicator"] and _values_equal(g, p.claim)
            and any(_overlaps(s, q) for s in p.spans for q in qspans)
        ]
        if not candidates:
            missed.append(g)
            continue
        # Prefer the candidate that also agrees on qualifier and target flag.
        candidates.sort(key=lambda p: (p.claim.qualifier != g.get("qualifier"), p.claim.is_target != g.get("is_target")))
        best = candidates[0]
        free.remove(best)
        matched.append((g, best))
    return Outcome(excerpt, matched, missed, free, unscored)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    per_indicator: dict[str, Counts]
    core: Counts
    overall: Counts
    qualifier_acc: float
    target_acc: float
    matched_pairs: int
    outcomes: list[Outcome]
    calibration: list[tuple[str, int, float]]
    indicators: tuple[str, ...] = ()  # the scored indicators, in the report's row order
    core_indicators: tuple[str, ...] = ()  # those of them marked `core = true`


def evaluate(excerpts: list[Excerpt], rs: RuleSet | None = None) -> Report:
    rs = rs or default_ruleset()
    indicators = scored_indicators(excerpts, rs)
    core_names = tuple(n for n in indicators if any(i.name == n and i.core for i in rs.indicators))
    per: dict[str, Counts] = defaultdict(Counts)
    outcomes = []
    q_ok = t_ok = pairs = 0
    conf_pairs: list[tuple[float, bool]] = []
    for ex in excerpts:
        o = score_excerpt(ex, predict(ex), indicators)
        outcomes.append(o)
        for g, p in o.matched:
            per[g["indicator"]].tp += 1
            pairs += 1
            q_ok += p.claim.qualifier == g.get("qualifier")
            t_ok += p.claim.is_target == bool(g.get("is_target"))
            conf_pairs.append((p.claim.confidence, True))
        for g in o.missed:
            per[g["indicator"]].fn += 1
        for p in o.false_alarms:
            per[p.claim.indicator].fp += 1
            conf_pairs.append((p.claim.confidence, False))
    core, overall = Counts(), Counts()
    for name, c in per.items():
        for agg in [overall] + ([core] if name in core_names else []):
            agg.tp += c.tp
            agg.fp += c.fp
            agg.fn += c.fn
    bins = [(0.0, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    calibration = []
    for lo, hi in bins:
        inside = [ok for conf, ok in conf_pairs if lo <= conf < hi]
        if inside:
            calibration.append((f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", len(inside), sum(inside) / len(inside)))
    return Report(
        per_indicator=dict(per), core=core, overall=overall,
        qualifier_acc=q_ok / pairs if pairs else 1.0, target_acc=t_ok / pairs if pairs else 1.0,
        matched_pairs=pairs, outcomes=outcomes, calibration=calibration,
        indicators=indicators, core_indicators=core_names,
    )


def rule_counts(report: Report) -> dict[str, tuple[int, int]]:
    """Matches and false alarms per rule id (inherited readings count for the rule they inherit)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in report.outcomes:
        for _g, p in o.matched:
            counts[p.claim.rule.split(":")[0]][0] += 1
        for p in o.false_alarms:
            counts[p.claim.rule.split(":")[0]][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def format_report(report: Report, show_errors: bool = True) -> str:
    lines = [f"{'indicator':<20} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'rec':>6} {'f1':>6}"]
    order = [i for i in report.indicators if i in report.per_indicator]
    for name in order:
        c = report.per_indicator[name]
        lines.append(f"{name:<20} {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}")
    labels = (f"CORE ({len(report.core_indicators)} indicators)", f"ALL ({len(report.indicators)} indicators)")
    for label, c in zip(labels, (report.core, report.overall), strict=True):
        lines.append(f"{label:<20} {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}")
    lines.append(
        f"matched pairs: {report.matched_pairs}   qualifier accuracy: {report.qualifier_acc:.3f}   "
        f"is_target accuracy: {report.target_acc:.3f}"
    )
    if report.calibration:
        lines.append("confidence bin        n   share correct")
        for label, n, share in report.calibration:
            lines.append(f"{label:<18} {n:>4}   {share:.3f}")
    if show_errors:
        for o in report.outcomes:
            for g in o.missed:
                lines.append(f"MISS  {o.excerpt.id} {g['indicator']} {g.get('value') or (g.get('value_min'), g.get('value_max'))}"
                             f" | {g['quote']}")
            for p in o.false_alarms:
                c = p.claim
                val = f"{c.value:,.0f}" if c.value is not None else f"{c.value_min:,.0f}–{c.value_max:,.0f}"
                lines.append(f"FALSE {o.excerpt.id} {c.indicator} {val} [{c.rule}] | "
                             f"{o.excerpt.text[c.start:c.end]!r} in: {c.quote[:200]}")
            for g, p in o.matched:
                if p.claim.qualifier != g.get("qualifier") or p.claim.is_target != bool(g.get("is_target")):
                    lines.append(f"ATTR  {o.excerpt.id} {g['indicator']} {g.get('value')} qualifier {p.claim.qualifier}"
                                 f" (gold {g.get('qualifier')}), target {p.claim.is_target} (gold {g.get('is_target')})"
                                 f" | {g['quote']}")
    return "\n".join(lines)
