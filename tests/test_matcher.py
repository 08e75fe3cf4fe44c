"""The matcher's gap between a trigger and its number: counted in words, a compound word counting once."""

from __future__ import annotations

from pipeline.extract.extractor import extract_mentions

# "recruit.verb_number_member" allows three words between "kết nạp" and the number.
COMPOUNDS = "Công đoàn cơ sở đã kết nạp trong năm học vừa qua 125 đoàn viên."  # 5 syllables, 3 words
SHORT = "Công đoàn cơ sở đã kết nạp trong quý vừa qua 125 đoàn viên."  # 4 syllables, 3 words
TOO_FAR = "Công đoàn cơ sở đã kết nạp trong năm học vừa qua tại các trường 125 đoàn viên."  # 6 words


def _recruited(text: str) -> list[tuple[float, float]]:
    # the rules' own scores: the learned layer (rules/rescorer.json) reads more of the sentence than the gap
    return [(c.value, c.confidence) for c in extract_mentions(text, rescore=False)
            if c.indicator == "members_recruited"]


def test_a_gap_of_compound_words_is_counted_in_words() -> None:
    found = _recruited(COMPOUNDS)
    assert [value for value, _ in found] == [125]
    assert found == _recruited(SHORT)  # three words either way: the same score


def test_a_gap_of_too_many_words_rules_the_trigger_out() -> None:
    assert _recruited(TOO_FAR) == []

