"""Is a claim a target, a plan's figure, or a result? (GUIDELINE §5)

A target cue before the number in its sentence ("phấn đấu", "chỉ tiêu", "kế hoạch (…)") that no result cue cuts off, a
list item under a header that names a plan, or a sentence opening "Cụ thể" or "Trong đó" after one that names a plan.
The cues are language data in rules/indicators/_common.toml (target_cues, target_cue_negations, result_cues,
directive_cues, future_cues)."""

from __future__ import annotations

import re

from ..records import Quantity
from .indicators import RuleSet
from .sentences import _ITEM_PREFIX, _ITEM_START, _Sentence


def is_target(s: _Sentence, q: Quantity, text: str, s_start: int, prev: _Sentence | None, rs: RuleSet) -> bool:
    """Whether the number `q` of sentence `s` (starting at `s_start` of the page's `text`; `prev` the sentence
    before it) is a target. Under a plan header an item is a target unless it reports the result against the plan
    ("Các chỉ tiêu chủ yếu năm 2015:" over "- Phát triển đoàn viên: 3.048/2.800 đoàn viên, đạt 108,9%")."""
    if _is_target(s, q.start, rs):
        return True
    if q.kind == "fraction":
        return False
    return ((not _RESULT_MARK.search(s.low) and _under_target_header(text, s_start, rs))
            or _details_a_plan(s, q.start, prev, rs))


def _under_target_header(text: str, line_start: int, rs: RuleSet) -> bool:
    """A list item under a header that frames it as a plan ("Các chỉ tiêu chủ yếu năm 2024:" over
    "- Phát triển mới 4.500 đoàn viên;") is a target (GUIDELINE §5)."""
    if not _ITEM_PREFIX.match(text[text.rfind("\n", 0, line_start) + 1 : line_start]):
        return False
    # (the 40 lines above the item's own are read: split no further)
    for line in reversed(text[:line_start].rsplit("\n", 41)[-41:-1]):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.endswith(":"):
            return _is_target(_Sentence(stripped, []), len(stripped), rs)
        if not _ITEM_START.match(stripped):
            return False  # a paragraph, not another item of the same list
    return False


# Words of a result reported against a plan: an item or part holding one is no target.
_RESULT_MARK = re.compile(r"(?<!\w)(?:đạt|vượt|hoàn thành|đã)(?!\w)")
_DETAILS = re.compile(r"^\W*(?:cụ thể|trong đó)(?!\w)")


def _details_a_plan(s: _Sentence, pos: int, prev: _Sentence | None, rs: RuleSet) -> bool:
    """A sentence opening with "Cụ thể" or "Trong đó" after one that names a plan lists the plan's targets
    (GUIDELINE §5): "Tại hội nghị, các chỉ tiêu chủ yếu được đưa ra. Cụ thể như hàng năm phát triển mới 100 đoàn
    viên; …", "… xây dựng 12 chỉ tiêu trọng tâm. Trong đó, phát triển mới ít nhất 900 đoàn viên", unless the part
    of it holding the number reports a result ("…; đã kết nạp 120 đoàn viên")."""
    if prev is None or not _DETAILS.match(s.low):
        return False
    if _RESULT_MARK.search(s.low, s.low.rfind(";", 0, pos) + 1, pos):
        return False
    return _is_target(prev, len(prev.low), rs)


_CLOSED_PARENS = re.compile(r"\([^()]*\)")


def _is_target(s: _Sentence, pos: int, rs: RuleSet) -> bool:
    """A target cue before `pos` in the sentence, not part of a result against a plan."""
    c = rs.common
    # A parenthesis closed before the number is an aside: its quota ("(đạt 147% so với chỉ tiêu giao là
    # 6.000 đoàn viên), thành lập mới 26 CĐCS") does not frame what follows it.
    left = _CLOSED_PARENS.sub(lambda m: " " * len(m.group()), s.low[:pos])
    if not any(p is not None and p.search(left) for p in (c.target_cues, c.directive_cues)):
        return False  # no cue at all (most sentences): nothing for a result cue to cut off
    # A result reported in a later part of the sentence is not framed by a plan named before it: "Chỉ tiêu
    # … 4.000 đoàn viên; đến nay đã kết nạp 4.350". A part starts after a ";" or ","; the last result cue
    # ("đã", "đến nay", "kết quả") cuts the plan's cues before its part off, also for the results listed after
    # it ("…, đến nay đã có 32 CĐCS mới được thành lập, phát triển được 7.888 đoàn viên"); the cues of the
    # part and after it still count.
    result = None if c.result_cues is None else next(reversed(list(c.result_cues.finditer(left))), None)
    cut = -1 if result is None else max(left.rfind(";", 0, result.start()), left.rfind(",", 0, result.start()))
    if cut >= 0:
        left = " " * (cut + 1) + left[cut + 1 :]
    negated_spans = [(m.start(), m.end()) for m in c.target_cue_negations.finditer(left)] if c.target_cue_negations else []
    if c.target_cues is not None:
        for m in c.target_cues.finditer(left):
            # Negated only when the cue lies within the negation: a longer cue that reaches past it
            # ("so với chỉ tiêu giao là 6.000", "để hoàn thành chỉ tiêu phát triển …") still frames a target.
            if not any(a <= m.start() and m.end() <= b for a, b in negated_spans):
                return True
    return bool(
        c.directive_cues is not None and c.future_cues is not None
        and c.directive_cues.search(left) and c.future_cues.search(s.low)
    )
