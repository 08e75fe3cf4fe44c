"""The rule prefilter: which rules can match anything in a sentence, found with plain substring tests.

A rule is tried on a number only if one of its trigger phrases occurs, as plain text, in the sentence, and
its context pattern (when it has one) matches there. These are necessary conditions of the searches the
matcher runs (pipeline.extract.matcher), checked once per sentence instead of once per number and rule,
so the claims are the same with or without them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from .indicators import Rule
from .sentences import _Sentence

_WORD_EDGES = re.compile(r"\(\?<!\\w\)|\(\?!\\w\)")
_SPACES = re.compile(r"\s+")
_PHRASE_ALT = re.compile(r"(?:\\.|[^\\|()\[\]{}?*+.^$])+")  # escaped or plain characters, \s+ between words


def _phrases(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The phrases of a phrase pattern (indicators.phrase_pattern), words joined by one space: any match of
    the pattern, in any slice of a text, is one of them once whitespace runs are folded to one space, so
    a sentence holding none of them cannot match. None for a pattern that is not a plain alternation of
    phrases: no prefilter for it."""
    firsts: list[str] = []
    for alt in _WORD_EDGES.sub("", pattern.pattern).split("|"):
        body = alt.replace("\\s+", " ")
        if not alt or alt.endswith("\\") or not _PHRASE_ALT.fullmatch(body.replace(" ", "")):
            return None
        firsts.append(re.sub(r"\\(.)", r"\1", body))
    return tuple(firsts) if firsts and all(firsts) else None


class _PhraseIndex:
    """The phrases of every pattern asked about so far, in one Aho-Corasick automaton (pyahocorasick): a
    single pass over a sentence tells which of those patterns have a phrase in it, where testing each
    phrase with `in` took a Python call per pattern and a scan per phrase.

    Patterns are numbered by identity (hashing a compiled pattern hashes its whole program) and kept
    alive, so the numbers stay valid; a new pattern bumps `version` and the automaton is rebuilt on the
    next sentence (rules are few: after the first sentences it never changes)."""

    LIMIT = 4096  # patterns kept before starting afresh (tests build many rule sets)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version = 0  # bumped on every change: a sentence's memo of an older version is recomputed
        self._reset()

    def _reset(self) -> None:
        self.numbers: dict[int, int] = {}  # id(pattern) → its number; -1: not a phrase pattern (always maybe)
        self.patterns: list[re.Pattern[str]] = []
        self.owners: dict[str, list[int]] = {}  # phrase → numbers of the patterns that have it
        self.automaton: ahocorasick.Automaton | None = None
        self.version += 1

    def number(self, pattern: re.Pattern[str]) -> int:
        n = self.numbers.get(id(pattern))
        if n is None:
            with self._lock:
                if len(self.patterns) >= self.LIMIT:
                    self._reset()
                phrases = _phrases(pattern)
                n = -1 if phrases is None else len(self.patterns)
                self.patterns.append(pattern)  # kept alive even when -1, so its id is never reused
                for phrase in phrases or ():
                    self.owners.setdefault(phrase, []).append(n)
                if n >= 0:
                    self.automaton, self.version = None, self.version + 1
                self.numbers[id(pattern)] = n
        return n

    def present(self, folded: str) -> frozenset[int]:
        """Numbers of the patterns with a phrase in `folded` (a lower-cased text, whitespace runs folded)."""
        automaton = self.automaton
        if automaton is None:
            with self._lock:
                automaton = ahocorasick.Automaton()
                for phrase, owners in self.owners.items():
                    automaton.add_word(phrase, tuple(owners))
                automaton.make_automaton()
                self.automaton = automaton
        found: set[int] = set()
        for _, owners in automaton.iter(folded):
            found.update(owners)
        return frozenset(found)


_INDEX = _PhraseIndex()


def _present(s: _Sentence) -> frozenset[int]:
    """The patterns of _INDEX with a phrase in the sentence: one pass, redone only if a pattern was added."""
    memo = s.__dict__.get("_phrase_memo")
    if memo is None:
        memo = s.__dict__["_phrase_memo"] = [_SPACES.sub(" ", s.low), -1, frozenset()]
    if memo[1] != _INDEX.version:
        memo[1], memo[2] = _INDEX.version, _INDEX.present(memo[0])
    return memo[2]


def _sentence_has(s: _Sentence, pattern: re.Pattern[str]) -> bool:
    """`pattern` occurs in the sentence: searched once per sentence, not once per number and rule, and only
    when one of its phrases is there."""
    memo = s.__dict__.setdefault("_pattern_memo", {})
    hit = memo.get(id(pattern))
    if hit is None:
        hit = memo[id(pattern)] = _may_trigger(s, pattern) and pattern.search(s.low) is not None
    return hit


def _may_trigger(s: _Sentence, pattern: re.Pattern[str]) -> bool:
    """Some phrase of `pattern` may occur in the sentence (as plain text)."""
    n = _INDEX.number(pattern)
    return n < 0 or n in _present(s)


def _search_last(s: _Sentence, pattern: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    """The last match of `pattern` in `text`, the sentence's lower-cased text or a part of it (like matcher._search_in,
    a pattern none of whose phrases is in the sentence is not searched)."""
    last = None
    if pattern is None or not _may_trigger(s, pattern):
        return None
    for m in pattern.finditer(text):
        last = m
    return last


def patterns_in(patterns: Sequence[re.Pattern[str] | None], low: str) -> tuple[bool, ...]:
    """Which of `patterns` occur in `low` (a lower-cased text): one pass of the phrase index over the text,
    then a search only for the patterns that have a phrase in it."""
    numbers = [None if p is None else _INDEX.number(p) for p in patterns]
    present = _INDEX.present(_SPACES.sub(" ", low))
    return tuple(p is not None and (n < 0 or n in present) and p.search(low) is not None
                 for p, n in zip(patterns, numbers, strict=True))


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
    numbers = [_INDEX.number(pattern) for pattern in plan.triggers]  # before _present: it may add patterns
    present = _present(s)
    hits = [n < 0 or n in present for n in numbers]
    return [rule for rule, context, t in plan.steps
            if (t < 0 or hits[t]) and (context is None or _sentence_has(s, context))]
