"""Every indicator rule file carries its own examples and counter-examples; run them all.

Adding a rule file (rules/indicators/*.toml) adds its tests here, as spaCy/Duckling corpus tests do.
"""

from __future__ import annotations

import pytest

from pipeline.extract.extractor import extract_claims, extract_mentions
from pipeline.extract.indicators import default_ruleset, load_ruleset, phrase_pattern
from pipeline.rules import RulesError

RULESET = default_ruleset()
EXAMPLES = [
    pytest.param(ind.name, ex, id=f"{ind.name}-ex{i}") for ind in RULESET.indicators for i, ex in enumerate(ind.examples)
]
COUNTER = [
    pytest.param(ind.name, text, id=f"{ind.name}-counter{i}")
    for ind in RULESET.indicators
    for i, text in enumerate(ind.counter_examples)
]


def _key(c) -> tuple:
    return (c.value, c.value_min, c.value_max, c.qualifier, c.is_target)


@pytest.mark.parametrize(("indicator", "example"), EXAMPLES)
def test_rule_file_examples(indicator: str, example: dict) -> None:
    got = {_key(c) for c in extract_claims(example["text"]) if c.indicator == indicator}
    for want in example["claims"]:
        key = (
            want.get("value"), want.get("value_min"), want.get("value_max"),
            want.get("qualifier", "exact"), want.get("is_target", False),
        )
        assert key in got, f"{indicator}: expected {key} in {example['text']!r}, got {got}"


@pytest.mark.parametrize(("indicator", "text"), COUNTER)
def test_rule_file_counter_examples(indicator: str, text: str) -> None:
    got = [c for c in extract_claims(text) if c.indicator == indicator]
    assert not got, f"{indicator}: no claim expected in {text!r}, got {[(_key(c), c.rule) for c in got]}"


def test_every_indicator_has_examples() -> None:
    for ind in RULESET.indicators:
        assert ind.examples, f"{ind.path}: add at least one [[examples]] entry"


def test_phrases_match_whole_words_only() -> None:
    pat = phrase_pattern(["kết nạp", "CĐCS"])
    assert pat.search("đã kết nạp 12 đoàn viên")
    assert pat.search("thành lập 4 cđcs")
    assert not pat.search("kết nạpx")
    # a phrase ending in "*" runs on into a glued abbreviation, still from a word's start
    glued = phrase_pattern(["cđ*", "lđlđ"])
    assert glued.search("cđgd tỉnh") and glued.search("tổng lđlđ việt nam")
    assert not glued.search("tổng lđlđvn") and not glued.search("xcđgd")


_MALFORMED = [
    ('indicator = "x"\nunit = "people"\n[[rules]]\ntriggers=["a"]\n', r"bad\.toml: unit 'people'"),
    ("indicator = [unclosed\n", r"bad\.toml: not valid TOML"),
    # a rule that would read recipients in the sentences before, with none to look for, is named when loading,
    # not when it first meets a sentence
    ('indicator = "x"\nunit = "VND"\n[[rules]]\nid = "x.passive"\ntriggers_after = ["hỗ trợ"]\nrecipients_before = 3\n',
     r"bad\.toml: rule 'x\.passive' reads recipients_before and needs 'recipients'"),
    # a share of a whole is a count's ("106.764 đoàn viên/107.499 người lao động"), never money's
    ('indicator = "x"\nunit = "VND"\n[[rules]]\nid = "x.share"\nof_whole = ["người lao động"]\n',
     r"bad\.toml: rule 'x\.share' reads a share of a whole"),
    # a floor under an indicator's amounts is a number, its ceiling flag true or false
    ('indicator = "x"\nunit = "VND"\nmin_value = "100k"\n[[rules]]\nid = "x.give"\ntriggers = ["trao"]\n',
     r"bad\.toml: min_value '100k' is not a number of 0 or more"),
    ('indicator = "x"\nunit = "VND"\nno_ceilings = "yes"\n[[rules]]\nid = "x.give"\ntriggers = ["trao"]\n',
     r"bad\.toml: no_ceilings 'yes' is not true or false"),
]


@pytest.mark.parametrize(("content", "message"), _MALFORMED)
def test_malformed_rule_file_is_named(tmp_path, content: str, message: str) -> None:
    (tmp_path / "_common.toml").write_text("target_cues = []\n", encoding="utf-8")
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_ruleset(tmp_path)


def test_a_malformed_gift_value_floor_is_named(tmp_path) -> None:
    (tmp_path / "_common.toml").write_text('gift_units = ["suất"]\nmin_gift_value = "100k"\n', encoding="utf-8")
    (tmp_path / "paid.toml").write_text('indicator = "paid"\nunit = "VND"\n[[rules]]\nid = "paid.give"\n'
                                        'triggers = ["trao"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"_common\.toml: min_gift_value '100k' is not a number of 0 or more"):
        load_ruleset(tmp_path)


def test_a_ceiling_is_no_claim_of_an_indicator_that_says_so(tmp_path) -> None:
    # "hỗ trợ tối đa 2 triệu đồng" is a policy's ceiling: the money indicators set no_ceilings, a file without it
    # keeps the amount
    (tmp_path / "_common.toml").write_text("target_cues = []\n", encoding="utf-8")
    rules = 'indicator = "paid"\nunit = "VND"\n[[rules]]\nid = "paid.give"\ntriggers = ["hỗ trợ"]\nmax_gap = 1\n'
    text = "Đoàn viên bị giảm giờ làm được Công đoàn hỗ trợ tối đa 2 triệu đồng."
    (tmp_path / "paid.toml").write_text(rules, encoding="utf-8")
    assert [c.value for c in extract_mentions(text, ruleset=load_ruleset(tmp_path), rescore=False)] == [2000000]
    (tmp_path / "paid.toml").write_text("no_ceilings = true\n" + rules, encoding="utf-8")
    assert extract_mentions(text, ruleset=load_ruleset(tmp_path), rescore=False) == []


def test_rules_share_a_named_list_of_their_file(tmp_path) -> None:
    # "@outside_people" in a rule stands for the file's [lists] entry; an unknown name is named when loading
    (tmp_path / "_common.toml").write_text("target_cues = []\n", encoding="utf-8")
    rules = ('indicator = "paid"\nunit = "VND"\n[lists]\noutside_people = ["đồng bào", "hội chữ thập đỏ"]\n'
             '[[rules]]\nid = "paid.give"\ntriggers = ["trao"]\nnot_recipients = ["@outside_people", "người dân"]\n')
    (tmp_path / "paid.toml").write_text(rules, encoding="utf-8")
    rule = load_ruleset(tmp_path).indicator("paid").rules[0]
    assert rule.not_recipients.search("trao 50 triệu đồng cho hội chữ thập đỏ tỉnh")
    assert rule.not_recipients.search("hỗ trợ người dân vùng lũ")
    (tmp_path / "paid.toml").write_text(rules.replace('["@outside_people"', '["@outside"'), encoding="utf-8")
    with pytest.raises(RulesError, match=r"paid\.toml: rule 'paid\.give' names an unknown list '@outside' in "
                                         r"'not_recipients' \(the file's \[lists\]: outside_people\)"):
        load_ruleset(tmp_path)
