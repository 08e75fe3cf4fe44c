"""Indicator rules (`rules/indicators/*.toml`) compiled into matchers.

A rule file names one indicator, its unit, words that veto it, and one or more [[rules]]: trigger
phrases that govern the number (the verb before it, or a passive verb after its noun), the object
nouns that must follow the number, and for money the recipients that decide the direction of flow.
Each file also carries [[examples]] and [[counter_examples]] that the test-suite runs, so adding a
rule adds its own tests. `_common.toml` holds the vocabulary shared by all indicators.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any

from ..rules import RulesError, load_toml, rules_dir, rules_file
from ..text.normalize import normalize_text

VALID_UNITS = {"person", "organization", "VND", "percent", "count"}


def fold(text: str) -> str:
    """Lower-case without changing length, so offsets in the folded text match the original."""
    out = text.lower()
    if len(out) == len(text):
        return out
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """One regex matching any phrase as whole words, case-insensitively (longest phrase first). A phrase ending
    in "*" may run on into the word it opens ("cđ*": the glued abbreviations "CĐGD", "CĐXDVN")."""
    cleaned = sorted({fold(normalize_text(p)).strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alts = []
    for phrase in cleaned:
        p = phrase.removesuffix("*")
        body = r"\s+".join(re.escape(w) for w in p.split())
        left = r"(?<!\w)" if p[0].isalnum() else ""
        right = r"(?!\w)" if p[-1].isalnum() and p == phrase else ""
        alts.append(left + body + right)
    return re.compile("|".join(alts))


def _prefix_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """Like phrase_pattern, anchored: for `.match` at the start of a text."""
    pat = phrase_pattern(phrases)
    return re.compile(f"(?:{pat.pattern})") if pat else None


@dataclass(frozen=True)
class Rule:
    id: str
    indicator: str
    unit: str
    confidence: float
    triggers: re.Pattern[str] | None = None  # governing phrase before the number
    max_gap: int = 3  # words allowed between trigger and number
    objects: re.Pattern[str] | None = None  # noun right after the number (counts)
    object_gap: int = 0  # words allowed between number and object
    object_in_trigger: bool = False  # the trigger names what is counted ("số đoàn viên là 2.719")
    triggers_after: re.Pattern[str] | None = None  # passive: "N CB.CNV … được kết nạp"
    after_gap: int = 8
    recipients: re.Pattern[str] | None = None  # required recipient phrase (money direction)
    context: re.Pattern[str] | None = None  # required somewhere in the sentence
    exclude: re.Pattern[str] | None = None  # vetoes in the claim's own window (and a few words after)
    exclude_after_words: int = 6  # how far after the claim the vetoes still apply
    exclude_clause: re.Pattern[str] | None = None  # vetoes anywhere in the clause (e.g. another actor)
    not_recipients: re.Pattern[str] | None = None  # recipients that rule this reading out
    recipients_in_clause: bool = False  # look for recipients in the whole clause, not only after the trigger
    # The confidence reported on claims: the prior smoothed by how often the rule was right on annotated
    # data (_calibration.toml). Rules compete on their prior, so calibrating never changes what is found.
    calibrated_confidence: float | None = None
    after_link: re.Pattern[str] | None = None  # words that must follow the amount for triggers_after
    exclude_segment: re.Pattern[str] | None = None  # vetoes in the comma-delimited segment of the claim
    # Vetoes between the trigger and the number: a word there that takes the number as its own ("được thành lập
    # năm 1979 với 15 CĐCS": the body's unions at its founding, not unions founded).
    exclude_gap: re.Pattern[str] | None = None
    exclude_reset: re.Pattern[str] | None = None  # phrases after an exclude_clause hit that lift it
    fractions: bool = True  # accepts "N/M" quantities (participation fractions are not totals)
    # The trigger (or, for a rule without triggers, the number itself) opens its sentence: headline forms
    # "Thêm 150 đoàn viên công đoàn …", "Hơn 2.000 đoàn viên mới trong 6 tháng".
    lead: bool = False
    # Words that must name the amount right before the number ("với tổng số tiền", "tổng kinh phí là"):
    # lets a rule reach a governing verb far before it ("trao quà cho 28 đoàn viên … với tổng số tiền 70 triệu").
    amount_cue: re.Pattern[str] | None = None
    after_comma: bool = True  # a comma may stand between the amount and its after_link words
    # Recipients may be named in up to this many sentences before the number ("… trao 800 túi quà cho đoàn
    # viên. Tổng giá trị các túi quà là 160 triệu đồng."): the nearest of `recipients` and `not_recipients`,
    # counting back from the number, decides.
    recipients_before: int = 0
    exclude_before: re.Pattern[str] | None = None  # vetoes in those sentences and the number's own before it
    # Who holds the number, named in the clause within `subject_gap` words before the trigger: "Nghiệp đoàn
    # nghề cá xã … gồm 170 đoàn viên" is the union's size; "Tham dự có 149 đoàn viên" names no holder.
    subject: re.Pattern[str] | None = None
    subject_gap: int = 12
    # Things counted before the trigger that rule the reading out when more than one: "thành lập 14 CĐCS … với
    # 681 đoàn viên" sums several new unions' members, "thành lập Nghiệp đoàn X với 112 đoàn viên" is one's size.
    several_before: re.Pattern[str] | None = None
    # The whole a count is a share of, named after "/" and its number: "106.764 đoàn viên/107.499 người lao
    # động" is the membership beside the workforce. It stands in for a trigger: the share is the evidence.
    of_whole: re.Pattern[str] | None = None


DEFAULT_COLOR = "#e2d5f5"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    core: bool
    label_vi: str
    label_en: str
    rules: tuple[Rule, ...]
    examples: tuple[dict[str, Any], ...]
    counter_examples: tuple[str, ...]
    path: str
    labels: re.Pattern[str] | None = None  # table/list labels: "Kết nạp đoàn viên: 8.127 người"
    stock: bool = False  # a level at a point in time (totals), not a flow over a period: its period is the
    # date it holds at, and the audit does not annualise it
    against_plan: bool = False  # reported as "achieved/plan" fractions: the denominator is a target claim
    color: str = DEFAULT_COLOR  # the report's highlight of its claims
    scored: bool = True  # `unionclaims eval` scores it even when the gold file has none of its claims
    min_value: float = 0.0  # smaller amounts are no claim of it (a per-person rate or a misprint: "hỗ trợ 30 đồng")
    # An amount read as at most ("tối đa", "không quá") is a ceiling, a policy, and no claim of it ("được Công đoàn
    # hỗ trợ tối đa 3 triệu đồng").
    no_ceilings: bool = False

    @property
    def money(self) -> bool:
        return self.unit == "VND"


@dataclass(frozen=True)
class Common:
    target_cues: re.Pattern[str] | None
    target_cue_negations: re.Pattern[str] | None
    directive_cues: re.Pattern[str] | None
    future_cues: re.Pattern[str] | None
    result_cues: re.Pattern[str] | None  # a result reported after a plan in the same sentence
    blocking_verbs: re.Pattern[str] | None
    false_triggers: re.Pattern[str] | None  # other words opening with a trigger ("góp phần", "chi phí")
    non_union_donors: re.Pattern[str] | None
    non_union_givers: re.Pattern[str] | None
    non_union_giver_exceptions: re.Pattern[str] | None  # other words holding a giver's ("trường hợp")
    union_actors: re.Pattern[str] | None
    union_bodies: re.Pattern[str] | None  # union bodies and members by name (a subset of union_actors)
    union_names: re.Pattern[str] | None  # union bodies by name, without the members' words
    company_staff: re.Pattern[str] | None  # an employer's staff, leadership included ("cán bộ, nhân viên")
    on_behalf_patterns: re.Pattern[str] | None  # a union officer handing over for a staff ("đại diện tập thể …")
    employers: re.Pattern[str] | None  # businesses whose staff may give in the employer's name
    mobilising_verbs: re.Pattern[str] | None
    reporting_verbs: re.Pattern[str] | None  # "X cho biết, Y đã hỗ trợ …": the speaker is not the giver
    loan_cues: re.Pattern[str] | None
    loan_cue_exceptions: re.Pattern[str] | None  # grants' names that open with a loan cue ("quỹ tương trợ xã hội")
    saving_cues: re.Pattern[str] | None  # value an initiative saved or earned ("làm lợi")
    saving_cue_exceptions: re.Pattern[str] | None  # gifts named with a saving cue ("sổ tiết kiệm")
    rate_cues: re.Pattern[str] | None
    rate_patterns: re.Pattern[str] | None  # regular expressions, for cues a phrase list cannot say
    youth_union_cues: re.Pattern[str] | None
    youth_union_patterns: re.Pattern[str] | None  # regular expressions ("Đoàn trường", not "Công đoàn trường")
    rate_after_patterns: re.Pattern[str] | None  # right after an amount: per unit ("… mỗi căn nhà")
    building_cost_patterns: re.Pattern[str] | None  # ending the clause before an amount: a building's cost
    procedure_patterns: re.Pattern[str] | None  # ending the clause before a count: a procedure's condition
    party_cues: re.Pattern[str] | None
    counted_recipients: re.Pattern[str] | None  # counted subjects of a passive gift ("53 CNVC-LĐ … được hỗ trợ")
    union_kinds: re.Pattern[str] | None  # grassroots unions by kind in a breakdown ("34 công đoàn giáo dục")
    member_kinds: re.Pattern[str] | None  # members by sex in a breakdown ("65 công đoàn viên (49 nữ)")
    veto_exceptions: re.Pattern[str] | None  # phrases holding a veto word that veto nothing ("tham gia sinh hoạt")
    gift_units: re.Pattern[str] | None  # nouns counting gifts ("75 suất quà")
    min_gift_value: float  # VND: an amount smaller than this per counted gift is one gift's value


@dataclass(frozen=True)
class RuleSet:
    common: Common
    indicators: tuple[Indicator, ...]

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        """Every indicator's rules, in order: built once (the extractor asks for them once per sentence)."""
        return tuple(r for ind in self.indicators for r in ind.rules)

    @cached_property
    def look_back(self) -> int:
        """How many sentences before a number any rule reads its recipients in (`recipients_before`)."""
        return max((r.recipients_before for r in self.rules), default=0)

    def indicator(self, name: str) -> Indicator:
        for ind in self.indicators:
            if ind.name == name:
                return ind
        raise KeyError(name)


def _regex_list(patterns: list[str], path: str, key: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise RulesError(f"{path}: '{key}' holds an invalid regular expression ({exc})") from exc


def _list(data: dict[str, Any], key: str, path: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{path}: '{key}' must be a list of strings")
    return value


_INDICATOR_KEYS = {"indicator", "unit", "core", "label_vi", "label_en", "exclude", "exclude_clause", "lists",
                   "exclude_after_words", "labels", "rules", "examples", "counter_examples", "stock",
                   "against_plan", "color", "scored", "min_value", "no_ceilings"}
_RULE_KEYS = {"id", "confidence", "triggers", "max_gap", "objects", "object_gap", "object_in_trigger",
              "triggers_after", "after_gap", "after_link", "recipients", "recipients_in_clause", "not_recipients",
              "context", "exclude", "exclude_after_words", "exclude_clause", "exclude_segment", "exclude_reset",
              "fractions", "lead", "amount_cue", "after_comma", "recipients_before", "exclude_gap",
              "exclude_before", "subject", "subject_gap", "several_before", "of_whole"}


def _check_rule(r: dict[str, Any], rid: str, unit: str, path: str) -> None:
    """A rule table's keys are known and complete enough to match: named here, when the rules load."""
    unknown = set(r) - _RULE_KEYS
    if unknown:
        raise RulesError(f"{path}: rule '{rid}' has unknown key(s) {', '.join(sorted(unknown))} "
                         f"(a top-level key placed after a [[rules]] table belongs to that table in TOML)")
    if not any(r.get(key) for key in ("triggers", "triggers_after", "lead", "of_whole")):
        raise RulesError(f"{path}: rule '{rid}' needs 'triggers', 'triggers_after', 'lead' or 'of_whole'")
    if r.get("recipients_before") and not r.get("recipients"):
        raise RulesError(f"{path}: rule '{rid}' reads recipients_before and needs 'recipients' to look for")
    if unit != "VND" and not r.get("objects") and not r.get("object_in_trigger"):
        raise RulesError(f"{path}: rule '{rid}' counts {unit} and needs 'objects'")
    if r.get("of_whole") and (unit == "VND" or not r.get("objects")):
        raise RulesError(f"{path}: rule '{rid}' reads a share of a whole ('of_whole'): it needs a count's 'objects'")


def _named_lists(data: dict[str, Any], path: str) -> dict[str, list[str]]:
    """The file's `[lists]` table: phrase lists its rules share by name ("@outside_people")."""
    lists = data.get("lists", {})
    if not isinstance(lists, dict):
        raise RulesError(f"{path}: 'lists' must be a table of named phrase lists")
    return {name: _list(lists, name, path) for name in lists}


def _rule_list(r: dict[str, Any], key: str, *, path: str, rid: str, named: dict[str, list[str]]) -> list[str]:
    """A rule's phrase list, each "@name" replaced by the file's list of that name."""
    out: list[str] = []
    for item in _list(r, key, path):
        if not item.startswith("@"):
            out.append(item)
        elif item[1:] in named:
            out.extend(named[item[1:]])
        else:
            raise RulesError(f"{path}: rule '{rid}' names an unknown list '{item}' in '{key}' "
                             f"(the file's [lists]: {', '.join(sorted(named)) or 'none'})")
    return out


def _number(data: dict[str, Any], key: str, path: str) -> float:
    """A number of 0 or more under `key` (0 when absent), checked when the rules load."""
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise RulesError(f"{path}: {key} {value!r} is not a number of 0 or more")
    return float(value)


def _checked_values(data: dict[str, Any], path: str) -> tuple[float, bool, str]:
    """The indicator's floor, its ceiling flag and its colour, checked when the rules load."""
    min_value = _number(data, "min_value", path)
    no_ceilings = data.get("no_ceilings", False)
    if not isinstance(no_ceilings, bool):
        raise RulesError(f"{path}: no_ceilings {no_ceilings!r} is not true or false")
    color = data.get("color", DEFAULT_COLOR)
    if not isinstance(color, str) or not _COLOR.match(color):
        raise RulesError(f"{path}: color {color!r} is not a colour like \"#ffe08a\"")
    return min_value, no_ceilings, color


def _parse_indicator(data: dict[str, Any], path: str) -> Indicator:
    name = data.get("indicator")
    unit = data.get("unit")
    if not name or not unit:
        raise RulesError(f"{path}: needs 'indicator' and 'unit'")
    if unit not in VALID_UNITS:
        raise RulesError(f"{path}: unit '{unit}' is not one of {sorted(VALID_UNITS)}")
    shared_exclude = _list(data, "exclude", path)
    shared_exclude_clause = _list(data, "exclude_clause", path)
    unknown = set(data) - _INDICATOR_KEYS
    if unknown:
        raise RulesError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_INDICATOR_KEYS))})")
    rules = []
    named = _named_lists(data, path)
    for i, r in enumerate(data.get("rules", [])):
        rid = r.get("id") or f"{name}.{i}"
        _check_rule(r, rid, unit, path)
        lst = partial(_rule_list, r, path=path, rid=rid, named=named)
        rules.append(
            Rule(
                id=rid,
                indicator=name,
                unit=unit,
                confidence=float(r.get("confidence", 0.8)),
                triggers=phrase_pattern(lst("triggers")),
                max_gap=int(r.get("max_gap", 3)),
                objects=phrase_pattern(lst("objects")),
                object_gap=int(r.get("object_gap", 0)),
                object_in_trigger=bool(r.get("object_in_trigger", False)),
                triggers_after=phrase_pattern(lst("triggers_after")),
                after_gap=int(r.get("after_gap", 8)),
                recipients=phrase_pattern(lst("recipients")),
                context=phrase_pattern(lst("context")),
                exclude=phrase_pattern(shared_exclude + lst("exclude")),
                exclude_after_words=int(r.get("exclude_after_words", data.get("exclude_after_words", 6))),
                exclude_clause=phrase_pattern(shared_exclude_clause + lst("exclude_clause")),
                not_recipients=phrase_pattern(lst("not_recipients")),
                recipients_in_clause=bool(r.get("recipients_in_clause", False)),
                after_link=_prefix_pattern(lst("after_link")),
                exclude_segment=phrase_pattern(lst("exclude_segment")),
                exclude_gap=phrase_pattern(lst("exclude_gap")),
                exclude_reset=phrase_pattern(lst("exclude_reset")),
                fractions=bool(r.get("fractions", True)),
                lead=bool(r.get("lead", False)),
                amount_cue=phrase_pattern(lst("amount_cue")),
                after_comma=bool(r.get("after_comma", True)),
                recipients_before=int(r.get("recipients_before", 0)),
                exclude_before=phrase_pattern(lst("exclude_before")),
                subject=phrase_pattern(lst("subject")),
                subject_gap=int(r.get("subject_gap", 12)),
                several_before=_prefix_pattern(lst("several_before")),
                of_whole=_prefix_pattern(lst("of_whole")),
            )
        )
    if not rules:
        raise RulesError(f"{path}: no [[rules]]")
    min_value, no_ceilings, color = _checked_values(data, path)
    return Indicator(
        name=name,
        unit=unit,
        core=bool(data.get("core", False)),
        label_vi=data.get("label_vi", name),
        label_en=data.get("label_en", name),
        rules=tuple(rules),
        examples=tuple(data.get("examples", [])),
        counter_examples=tuple(e["text"] for e in data.get("counter_examples", [])),
        path=path,
        labels=phrase_pattern(_list(data, "labels", path)),
        stock=bool(data.get("stock", False)),
        against_plan=bool(data.get("against_plan", False)),
        color=color,
        scored=bool(data.get("scored", True)),
        min_value=min_value,
        no_ceilings=no_ceilings,
    )


# Pseudo-count of the prior: a rule's confidence is its written prior until it has been checked on
# about this many annotated claims, then mostly its observed precision.
PRIOR_WEIGHT = 5.0
CALIBRATION_FILE = "_calibration.toml"


def calibrated(prior: float, tp: int, fp: int) -> float:
    """Precision of a rule, smoothed towards its prior (Beta-binomial posterior mean)."""
    return (tp + PRIOR_WEIGHT * prior) / (tp + fp + PRIOR_WEIGHT)


def _apply_calibration(indicators: list[Indicator], path: Path) -> list[Indicator]:
    if not path.exists():
        return indicators
    counts = load_toml(path).get("rules", {})
    out = []
    for ind in indicators:
        rules = []
        for r in ind.rules:
            c = counts.get(r.id)
            if c is not None:
                value = calibrated(r.confidence, int(c.get("tp", 0)), int(c.get("fp", 0)))
                r = replace(r, calibrated_confidence=round(value, 3))
            rules.append(r)
        out.append(replace(ind, rules=tuple(rules)))
    return out


def write_calibration(path: Path, counts: dict[str, tuple[int, int]], sources: list[str]) -> None:
    """Record per-rule matches and false alarms on annotated data (`unionclaims eval --calibrate`)."""
    from ..io import write_text_atomic

    lines = [
        "# Written by `unionclaims eval --calibrate`: how often each rule was right on annotated data.",
        "# A rule's confidence = (tp + 5 × prior) / (tp + fp + 5), its written prior smoothed by these counts.",
        f"# Annotated data: {', '.join(sources)}",
        "",
        "[rules]",
    ]
    for rule_id in sorted(counts):
        tp, fp = counts[rule_id]
        lines.append(f'"{rule_id}" = {{ tp = {tp}, fp = {fp} }}')
    write_text_atomic(path, "\n".join(lines) + "\n")


def load_ruleset(folder: Path | None = None) -> RuleSet:
    folder = folder or rules_dir() / "indicators"
    common_path = folder / "_common.toml"
    c = load_toml(common_path)
    cp = str(common_path)
    regex_keys = {"rate_patterns", "youth_union_patterns", "rate_after_patterns", "building_cost_patterns",
                  "procedure_patterns", "on_behalf_patterns"}
    numeric_keys = {"min_gift_value"}
    common = Common(**{
        k: (_regex_list(_list(c, k, cp), cp, k) if k in regex_keys else phrase_pattern(_list(c, k, cp)))
        for k in Common.__dataclass_fields__ if k not in numeric_keys
    }, **{k: _number(c, k, cp) for k in numeric_keys})
    files = sorted(p for p in folder.glob("*.toml") if not p.name.startswith("_"))
    if not files:
        raise RulesError(f"{folder}: no indicator rules (*.toml)")
    indicators = _apply_calibration([_parse_indicator(load_toml(p), str(p)) for p in files], folder / CALIBRATION_FILE)
    names = [i.name for i in indicators]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RulesError(f"{folder}: indicator defined twice: {', '.join(sorted(dupes))}")
    return RuleSet(common=common, indicators=tuple(indicators))


def default_ruleset(folder: str | None = None) -> RuleSet:
    """The compiled rules of `folder` (default: rules_dir()/indicators), compiled once per folder."""
    return _ruleset_of(folder or rules_file("indicators"))


@lru_cache(maxsize=4)
def _ruleset_of(folder: str) -> RuleSet:
    return load_ruleset(Path(folder))


def indicators_where(test: Callable[[Indicator], bool], rs: RuleSet | None = None) -> frozenset[str]:
    """Names of the indicators of the rules (default: rules_dir()) for which test(indicator) holds."""
    rs = rs or default_ruleset()
    return frozenset(ind.name for ind in rs.indicators if test(ind))
