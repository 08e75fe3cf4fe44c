"""The rule prefilter (pipeline.extract.triggers): the rules it keeps for a sentence are exactly those whose
context matches and one of whose trigger phrases occurs, so it never changes what the matcher finds."""

from __future__ import annotations

import re

import pytest

from pipeline.extract import triggers
from pipeline.extract.extractor import _quantities
from pipeline.extract.indicators import default_ruleset, phrase_pattern
from pipeline.extract.sentences import _Sentence
from pipeline.extract.triggers import rules_for_sentence

SENTENCES = [
    "Năm 2024, LĐLĐ huyện Yên Thành đã kết nạp 312 đoàn viên, thành lập mới 4 công đoàn cơ sở.",
    "Công đoàn ngành Giáo dục vận động cán bộ, giáo viên ủng hộ đồng bào vùng lũ được 1,6 tỷ đồng.",
    "Dịp Tết, LĐLĐ tỉnh trao 21.900 suất quà, mỗi suất trị giá 1 triệu đồng cho đoàn viên khó khăn.",
    "Toàn tỉnh hiện có 9.870 đoàn viên sinh hoạt tại 211 công đoàn cơ sở.",
    "Huyện đoàn kết nạp 120 đoàn viên thanh niên mới trong tháng 3/2024.",  # a Youth Union context
    "Giá xăng RON95 giảm 1.050 đồng mỗi lít, còn 21.850 đồng.",  # no trigger of any rule
]


def _naive(rules, s: _Sentence) -> list:
    """Every rule whose context matches the sentence and one of whose trigger patterns matches it."""
    spaced = re.sub(r"\s+", " ", s.low)
    out = []
    for rule in rules:
        if rule.context is not None and not rule.context.search(s.low):
            continue
        trig = rule.triggers if rule.triggers is not None else rule.triggers_after
        if trig is not None and not trig.search(spaced):
            continue
        out.append(rule)
    return out


@pytest.mark.parametrize("text", SENTENCES)
def test_the_prefilter_keeps_every_rule_that_can_match(text: str) -> None:
    rs = default_ruleset()
    s = _Sentence(text, _quantities(text))
    kept = rules_for_sentence(rs.rules, s)
    assert set(map(id, _naive(rs.rules, s))) <= set(map(id, kept))
    # It is a filter, not a pass-through: a sentence about fuel prices keeps only the rules without any
    # trigger (a number opening a headline), which no phrase test can rule out.
    if "xăng" in text:
        untriggered = [r.id for r in rs.rules if r.triggers is None and r.triggers_after is None and r.context is None]
        assert [r.id for r in kept] == untriggered
    else:
        assert kept and len(kept) < len(rs.rules)


def test_the_rule_list_is_built_once_per_rule_set() -> None:
    rs = default_ruleset()
    assert rs.rules is rs.rules  # the extractor asks for it once per sentence


def test_phrase_tests_never_change_the_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every use of the phrase test (rule triggers, rate cues) is a necessary condition: with it answering
    # "maybe" everywhere, the claims of real union texts and of sentences with quoted programme names are the same.
    import json
    from pathlib import Path

    from pipeline.extract import matcher, triggers
    from pipeline.extract.extractor import extract_claims

    root = Path(__file__).resolve().parents[1]
    lines = (root / "bench" / "data" / "real" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:150]] + SENTENCES + [
        "Hưởng ứng chương trình “Mỗi đoàn viên 10.000 đồng vì người nghèo”, LĐLĐ huyện đã vận động được 215 triệu đồng.",
        "Công đoàn trao 50 suất quà “Tết sum vầy”suất quà trị giá 500.000 đồng, tổng số tiền 25 triệu đồng.",
    ]

    def claims() -> list[tuple]:
        return [(c.indicator, c.value, c.start, c.confidence) for t in texts for c in extract_claims(t)]

    with_tests = claims()
    monkeypatch.setattr(matcher, "_may_trigger", lambda s, pattern: True)
    monkeypatch.setattr(triggers, "_may_trigger", lambda s, pattern: True)
    # rules_for_sentence reads the phrase index itself: every pattern "present" in every sentence
    monkeypatch.setattr(triggers, "_present", lambda s: frozenset(range(len(triggers._INDEX.patterns))))
    assert claims() == with_tests
    assert len(with_tests) > 100


def _sentence(text: str) -> _Sentence:
    return _Sentence(text, _quantities(text))


def test_the_phrase_index_answers_like_a_substring_test() -> None:
    # Overlapping and nested phrases, whitespace runs, a phrase that ends where another begins: the one
    # pass over the sentence finds each pattern exactly when one of its phrases is a substring.
    from pipeline.extract.triggers import _may_trigger

    patterns = [
        phrase_pattern(["kết nạp mới", "kết nạp"]),
        phrase_pattern(["nạp"]),
        phrase_pattern(["đoàn viên công đoàn", "đoàn viên"]),
        phrase_pattern(["viên chức"]),
        phrase_pattern(["quyên góp", "ủng hộ"]),
        re.compile(r"(?<!\w)(?:tỷ|triệu)\s*đồng"),  # not a plain alternation of phrases: always "maybe"
    ]
    assert all(triggers._phrases(p) for p in patterns[:-1]) and triggers._phrases(patterns[-1]) is None
    texts = [
        "Năm 2024 đã kết   nạp mới 312 đoàn viên công đoàn, trong đó có 40 viên chức.",
        "Công đoàn huyện vận động được 1,6 tỷ đồng.",
        "Kết nạp 15 đoàn viên.",
    ]
    for text in texts:
        s = _sentence(text)
        folded = re.sub(r"\s+", " ", s.low)
        for p in patterns:
            phrases = triggers._phrases(p)
            expected = phrases is None or any(ph in folded for ph in phrases)
            assert _may_trigger(s, p) is expected, (text, p.pattern)


def test_a_pattern_added_after_a_sentence_was_read_is_still_found() -> None:
    # The automaton is rebuilt when a new pattern comes; a sentence read before must not keep the old answer.
    from pipeline.extract.triggers import _may_trigger

    s = _sentence("Công đoàn cơ sở đã trao 120 suất quà Tết cho đoàn viên.")
    assert _may_trigger(s, phrase_pattern(["trao tặng", "trao"]))
    assert _may_trigger(s, phrase_pattern(["suất quà tết", "suất quà"]))  # new: the automaton is rebuilt
    assert not _may_trigger(s, phrase_pattern(["học bổng"]))


def test_the_phrase_index_starts_afresh_past_its_limit_and_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests and long sessions build many rule sets: past LIMIT patterns the index is emptied and rebuilt
    # from the patterns asked about next, and a sentence's earlier answers are not reused.
    from pipeline.extract.triggers import _INDEX, _may_trigger

    monkeypatch.setattr(type(_INDEX), "LIMIT", len(_INDEX.patterns) + 3)
    s = _sentence("Năm 2024, LĐLĐ huyện đã kết nạp 312 đoàn viên, thành lập mới 4 công đoàn cơ sở.")
    answers = []
    for phrases in (["kết nạp"], ["học bổng"], ["thành lập mới"], ["quyên góp"], ["công đoàn cơ sở"], ["mái ấm"]):
        answers.append(_may_trigger(s, phrase_pattern(phrases)))
    assert answers == [True, False, True, False, True, False]
    assert len(_INDEX.patterns) <= 3  # it did start afresh
