"""The rule prefilter: which rules can match anything in a sentence, found with plain substring tests.

A rule is tried on a number only if one of its trigger phrases occurs, as plain text, in the sentence, and
its context pattern (when it has one) matches there. These are necessary conditions of the searches the
matcher runs (pipeline.extract.matcher), checked once per sentence instead of once per number and rule,
so the claims are the same with or without them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .indicators import Rule
from .sentences import _Sentence

_PHRASES: dict[re.Pattern[str], tuple[str, ...] | None] = {}
_WORD_EDGES = re.compile(r"\(\?<!\\w\)|\(\?!\\w\)")
_SPACES = re.compile(r"\s+")
_PHRASE_ALT = re.compile(r"(?:\\.|[^\\|()\[\]{}?*+.^$])+")  # escaped or plain characters, \s+ between words


def _phrases(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The phrases of a phrase pattern (indicators.phrase_pattern), words joined by one space: any match of
    the pattern, in any slice of a text, is one of them once whitespace runs are folded to one space, so
    a sentence holding none of them cannot match. None for a pattern that is not a plain alternation of
    phrases: no prefilter for it."""
    if pattern not in _PHRASES:
        firsts: list[str] | None = []
        for alt in _WORD_EDGES.sub("", pattern.pattern).split("|"):
            body = alt.replace("\\s+", " ")
            if not alt or alt.endswith("\\") or not _PHRASE_ALT.fullmatch(body.replace(" ", "")):
                firsts = None
                break
            firsts.append(re.sub(r"\\(.)", r"\1", body))
        _PHRASES[pattern] = tuple(firsts) if firsts and all(firsts) else None
    return _PHRASES[pattern]


def _sentence_has(s: _Sentence, pattern: re.Pattern[str]) -> bool:
    """`pattern` occurs in the sentence: searched once per sentence, not once per number and rule, and only
    when one of its phrases is there."""
    memo = s.__dict__.setdefault("_pattern_memo", {})
    hit = memo.get(pattern)
    if hit is None:
        hit = memo[pattern] = _may_trigger(s, pattern) and pattern.search(s.low) is not None
    return hit


def _may_trigger(s: _Sentence, pattern: re.Pattern[str]) -> bool:
    """Some phrase of `pattern` may occur in the sentence (as plain text): once per sentence."""
    memo = s.__dict__.get("_trigger_memo")
    if memo is None:  # keyed by pattern; "" holds the sentence with its whitespace runs folded
        memo = s.__dict__["_trigger_memo"] = {"": _SPACES.sub(" ", s.low)}
    hit = memo.get(pattern)
    if hit is None:
        phrases = _phrases(pattern)
        hit = memo[pattern] = phrases is None or any(map(memo[""].__contains__, phrases))
    return hit


@dataclass(frozen=True)
class _RulePlan:
    """A rule list laid out for rules_for_sentence: its distinct trigger patterns, and each
    rule with its context and the index of its trigger pattern (-1: none)."""

    rules: Sequence[Rule]
    triggers: tuple[re.Pattern[str], ...]
    steps: tuple[tuple[Rule, re.Pattern[str] | None, int], ...]


_PLANS: dict[int, _RulePlan] = {}


def _plan(rules: Sequence[Rule]) -> _RulePlan:
    plan = _PLANS.get(id(rules))
    if plan is None or plan.rules is not rules:
        if len(_PLANS) > 32:  # rule sets are few (one per rules folder); tests make many
            _PLANS.clear()
        index: dict[re.Pattern[str], int] = {}
        steps = []
        for rule in rules:
            trig = rule.triggers if rule.triggers is not None else rule.triggers_after
            steps.append((rule, rule.context, -1 if trig is None else index.setdefault(trig, len(index))))
        plan = _PLANS[id(rules)] = _RulePlan(rules, tuple(index), tuple(steps))
    return plan


def rules_for_sentence(rules: Sequence[Rule], s: _Sentence) -> list[Rule]:
    """The rules that can match some number of the sentence: their context, when they have one, and one of
    their trigger phrases occur in it. Necessary conditions of _try_rule, checked once per sentence
    instead of once per number and rule; each distinct trigger pattern is tested once."""
    plan = _plan(rules)
    hits = [_may_trigger(s, pattern) for pattern in plan.triggers]
    return [rule for rule, context, t in plan.steps
            if (t < 0 or hits[t]) and (context is None or _sentence_has(s, context))]
