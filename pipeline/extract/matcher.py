"""Rule matching: does an indicator rule (rules/indicators/*.toml) govern this number in this sentence, and is the
number vetoed (rates, loans, Party admissions) or a target?"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import VND, Quantity
from .givers import GIVING, giver_start, later_giver_not_union, non_union_giver, owned_by_non_union
from .indicators import Rule, RuleSet
from .sentences import _WORD, _Sentence, count_words, segment_end, segment_start
from .triggers import _may_trigger, _search_last, _sentence_has

# --------------------------------------------------------------------------- matching

@dataclass
class Match:
    rule: Rule
    score: float
    trigger_start: int  # sentence-relative offsets of the evidence (trigger .. object end)
    evidence_end: int
    inherited: bool = False
    label: str | None = None  # the item label of a list line ("Liên đoàn Lao động tỉnh Thái Bình: …")


def _search_in(s: _Sentence, pattern: re.Pattern[str] | None, text: str, *span: int) -> re.Match[str] | None:
    """`pattern.search(text, *span)` where `text` is the sentence's lower-cased text or a part of it: a pattern
    none of whose phrases is in the sentence cannot match, and is not searched (pipeline.extract.triggers)."""
    if pattern is None or not _may_trigger(s, pattern):
        return None
    return pattern.search(text, *span)


def _after_words(s: _Sentence, pos: int, n: int, limit: int) -> int:
    """Offset `n` whitespace words after `pos` (not past `limit`)."""
    for count, m in enumerate(_WORD.finditer(s.low, pos, limit), 1):
        if count >= n:
            return m.end()
    return limit


def _before_words(s: _Sentence, pos: int, n: int) -> int:
    """Offset of the start of the `n`-th whitespace word before `pos`, within the clause."""
    lo = s.clause_start(pos)
    starts = [m.start() + lo for m in _WORD.finditer(s.low[lo:pos])]
    return starts[-n] if len(starts) >= n else lo


def _next_same_class(s: _Sentence, q: Quantity, limit: int) -> int:
    for other in s.quantities:
        if other.start >= q.end and _money(other) == _money(q) and other.kind != "percent":
            return min(other.start, limit)
    return limit


# Quoted programme names ("chương trình “Mỗi đoàn viên 10.000 đồng vì …”") are not rates.
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_TOTAL_CUE = re.compile(r"(?<!\w)tổng(?!\w)")
_AMOUNT_END = re.compile(r"(?:\d|đồng|đ)\s*$")


def _rate_before(s: _Sentence, rs: RuleSet, lo: int, hi: int) -> bool:
    """A per-unit cue ("mỗi suất", "/người") before the number, not overridden by a later "tổng"
    ("mỗi trường 1.000 cuốn vở, với tổng giá trị là 10.000.000 đồng" is a total)."""
    text = _QUOTED.sub(lambda m: " " * len(m.group()), s.low[lo:hi])
    # A cue none of whose phrases is in the sentence cannot match (pipeline.extract.triggers), unless blanking
    # a quotation brought words together: then every cue is searched.
    unquoted = text == s.low[lo:hi]
    hits = [
        m for p in (rs.common.rate_cues, rs.common.rate_patterns)
        if p is not None and (not unquoted or _may_trigger(s, p)) for m in p.finditer(text)
        # "(500.000/suất)": a slash rate belongs to the amount right before it, not to a later one
        if not (m.group().startswith("/") and _AMOUNT_END.search(text, 0, m.start()))
        # "53 CNVC-LĐ … được hỗ trợ 185 triệu đồng": a passive with a counted subject states the group's total
        and not (_PASSIVE.match(m.group()) and _counted_subject(s, rs, lo + m.start()))
    ]
    if not hits:
        return False
    last_end = max(m.end() for m in hits)
    after = s.low[lo + last_end : hi]
    total = _TOTAL_CUE.search(after)
    # ("mỗi suất tổng trị giá 1,3 triệu đồng": a "tổng" right after the cue is one unit's own total)
    if total is not None and count_words(after[: total.start()]) > 0:
        return False
    # "mỗi suất 500.000 đồng cho nhà giáo … và trao số tiền 5.000.000 đồng cho …": the rate took its own
    # amount, and a new giving verb after it governs the number.
    own = next((o for o in s.quantities if o.start >= lo + last_end and o.end <= hi and _money(o)), None)
    return own is None or GIVING.search(s.low, own.end, hi) is None


_PASSIVE = re.compile(r"(?:sẽ\s+)?được(?!\w)")
_COUNT_NOUN_GAP = re.compile(r"\s*(?:lượt\s+)?")


def _counted_subject(s: _Sentence, rs: RuleSet, pos: int) -> bool:
    """A count of people or households (`counted_recipients`, _common.toml) before `pos` in its clause: the
    subject of a passive ("53 CNVC-LĐ bị tai nạn được hỗ trợ 185 triệu đồng", "126 hộ nghèo được nhận …")."""
    nouns = rs.common.counted_recipients
    if nouns is None:
        return False
    lo = s.clause_start(pos)
    return any(o.start >= lo and o.end <= pos and not _money(o) and o.kind not in ("percent", "rate", "fraction")
               and _counts(s, o, nouns) for o in s.quantities)


def _money(q: Quantity) -> bool:
    return q.unit == VND




_PERSON_TAIL = re.compile(r"\s+viên(?!\w)")


def _object_after(rule: Rule, s: _Sentence, q: Quantity) -> re.Match[str] | None:
    if rule.objects is None:
        return None
    rest = s.low[q.end : s.clause_end(q.end)]
    m = _search_in(s, rule.objects, rest)
    if m is None:
        return None
    if rule.unit == "organization" and _PERSON_TAIL.match(rest, m.end()):
        return None  # "56 công đoàn viên" counts members, not unions ("công đoàn" + "viên")
    before_obj = _PARENTHETICAL.sub("", rest[: m.start()])  # "1.020 (một nghìn không trăm hai mươi) đoàn viên"
    if count_words(before_obj) > rule.object_gap:
        return None
    return m


# Nothing but a list bullet or a headline marker before a sentence-opening trigger or number, or the place or body a
# headline names first ("Chí Linh: Thêm 1 công đoàn cơ sở doanh nghiệp", "LĐLĐ tỉnh Bắc Kạn: Thành lập mới 4 …").
_LEAD = re.compile(r"^[\s\-–•*+>|]*(?:[^\s:;,.!?]+(?:[ \t]+[^\s:;,.!?]+){0,4}[ \t]*:[ \t]*)?$")
_ESTIMATE = re.compile(r"(?<!thỏa )(?<!thoả )(?<!\w)(?:ước|ước tính|ước đạt)(?!\w)")
# A comma and a contrast, or a change of the total ("…, thực tăng 47.741 đoàn viên", "…, giảm 2 CĐCS"),
# starts another statement: its words do not veto the claim before it.
_CLAUSE_TURN = re.compile(r",\s*(?:nhưng|song|tuy nhiên|trong khi|còn|đồng thời|thực tăng|tăng|giảm)(?!\w)")
# A second count joined right after the claim ("… 146 CĐCS với gần 60.000 cán bộ …"): the words after it are its own.
_SECOND_COUNT = re.compile(r"[^\S\n]*(?:với|cùng)[^\S\n]+(?:gần|hơn|trên|khoảng)?[^\S\n]*\d")
_PARENTHETICAL = re.compile(r"\s*\([^()]{0,80}\)\s*")
# An aside in parentheses a few words after a number (group 1: the parentheses and what they hold).
_ASIDE = re.compile(r"[^\S\n]*(?:[^\s()]+[^\S\n]*){0,6}(\([^()\n]{0,200}\))")
_COORDINATED = re.compile(r"^\s*\S+(?:\s+\S+){0,3}?\s+(?:và|cùng)\s*$")
_GENITIVE = re.compile(r"(?:của|thuộc|tại|ở|trong)\s*$")


def _same_class_between(
    s: _Sentence, q: Quantity, lo: int, hi: int, allow_genitive: bool = False, rule: Rule | None = None,
    rs: RuleSet | None = None, any_rate: bool = False,
) -> bool:
    """Another quantity of the same kind (money vs count) between lo and hi: the trigger governs it.
    With `rs`, a per-unit amount in parentheses does not interrupt either ("trao 8.400 phần quà Tết (500 nghìn
    đồng/phần) với số tiền 4,2 tỉ đồng"), and with `any_rate` (a rule whose amount words name a sum) no per-unit
    amount does.
    With allow_genitive, counts inside a genitive phrase ("của 22 Công đoàn BP") do not interrupt; with
    a counting rule, neither does a count of another kind of thing joined by "và" ("phát triển mới 4
    CĐCS và 186 đoàn viên": the verb governs both)."""
    for other in s.quantities:
        if other is q or other.kind in ("percent",):
            continue
        if other.start >= lo and other.end <= hi and _money(other) == _money(q):
            if allow_genitive and _GENITIVE.search(s.low[max(0, other.start - 8) : other.start]):
                continue
            if rs is not None and (any_rate or _in_parentheses(s, other)) and _per_unit(s, other, rs):
                continue  # "tặng 29 suất quà (mỗi suất 500.000 đồng) … với tổng kinh phí 20 triệu đồng"
            if (rule is not None and rule.objects is not None and not _money(q)
                    and _object_after(rule, s, other) is None and _COORDINATED.match(s.low[other.end : q.start])):
                continue
            return True
    return False


def _in_parentheses(s: _Sentence, q: Quantity) -> bool:
    """The quantity stands inside a pair of parentheses of its sentence."""
    opened = s.low.rfind("(", 0, q.start)
    return opened >= 0 and s.low.find(")", opened, q.start) < 0 and s.low.find(")", q.end) >= 0


def _per_unit(s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    """A per-unit amount: "2 triệu đồng/suất", "mỗi suất 500.000 đồng", "(500.000 đồng/người)"."""
    if q.per is not None or s.low[q.end : q.end + 12].lstrip().startswith("/"):
        return True
    after = rs.common.rate_after_patterns
    if after is not None and after.match(s.low, q.end):
        return True
    return _rate_before(s, rs, _before_words(s, q.start, 4), q.start) or _one_gift_value(s, q, rs)


# An item's value right before the amount ("phiếu mua hàng trị giá 150.000 đồng", "quà có giá trị 300.000 đồng").
_ITEM_VALUE = re.compile(r"(?<!\w)(?:trị giá|giá trị)\s*(?:là\s*|khoảng\s*|:\s*)?$")
_FOR_COUNT = re.compile(r"\s*(?:đồng\s+)?(?:cho|tới|đến)\s+(?:hơn\s+|trên\s+|gần\s+)?")


def _one_gift_value(s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    """An amount too small to be the total of the gifts or people counted with it in its clause, with no "tổng"
    between (`min_gift_value`, _common.toml): the value of one gift. Gifts counted before it ("trao 75 suất quà trị
    giá 800.000 đồng"); people given an item of that value, counted before it or after "cho" ("271 lao động nữ …
    được tặng phiếu mua hàng trị giá 200.000 đồng", "tặng bao lì xì trị giá 300.000 đồng cho 139 CN")."""
    c = rs.common
    if not c.min_gift_value or q.value is None or not _money(q):
        return False
    lo, hi = s.clause_start(q.start), s.clause_end(q.end)
    item_value = _ITEM_VALUE.search(s.low, max(lo, q.start - 16), q.start) is not None
    before = next((o for o in reversed(s.quantities) if lo <= o.start and o.end <= q.start), None)
    if _bare_count(before) and not _TOTAL_CUE.search(s.low, before.end, q.start) and (
            _counts(s, before, c.gift_units) or (item_value and _counts(s, before, c.counted_recipients))):
        return q.value / before.value < c.min_gift_value
    if not item_value:
        return False
    after = next((o for o in s.quantities if q.end <= o.start and o.end <= hi), None)
    if not _bare_count(after) or not _FOR_COUNT.fullmatch(s.low, q.end, after.start) or not _counts(
            s, after, c.counted_recipients):
        return False
    return q.value / after.value < c.min_gift_value


def _bare_count(o: Quantity | None) -> bool:
    """A plain count: a number, not money, a percentage or a rate ("75" of "75 suất quà")."""
    return o is not None and not _money(o) and o.kind == "number" and bool(o.value)


def _counts(s: _Sentence, count: Quantity, nouns: re.Pattern[str] | None,
            gap: re.Pattern[str] = _COUNT_NOUN_GAP) -> bool:
    """`count` counts one of `nouns`, right after it past `gap` ("75 suất", "139 CN", "1.000 lượt công nhân")."""
    return nouns is not None and _may_trigger(s, nouns) and nouns.match(
        s.low, gap.match(s.low, count.end).end()) is not None


def _try_rule(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet) -> Match | None:
    # Unit compatibility: money rules take money, count rules take bare counts.
    if (rule.unit == VND) != _money(q):
        return None
    if rule.context is not None and not _sentence_has(s, rule.context):
        return None
    # Cheapest necessary conditions first: no trigger phrase anywhere in the sentence, no match (checked
    # once per sentence); then no trigger before the number (_trigger_before's own search).
    trig = rule.triggers if rule.triggers is not None else rule.triggers_after
    if trig is not None and not _may_trigger(s, trig):
        return None
    clause_lo = s.clause_start(q.start)
    clause_hi = s.clause_end(q.end)
    if rule.amount_cue is not None:
        if not _amount_named(rule, s, q):
            return None
        # The words naming the sum tie it to its verb across a list's ";" or ":" ("trao quà hỗ trợ đoàn
        # viên … ở các tỉnh: Quảng Nam, Huế … với tổng số tiền 350 triệu đồng").
        clause_lo = 0
    # (an existence test: any match, not the last one _trigger_before takes; on the same slice, so that its
    # word edges are read alike)
    if rule.triggers is not None and rule.triggers.search(s.low[clause_lo : q.start]) is None:
        return None

    obj = None
    if rule.unit != VND and not rule.object_in_trigger:
        obj = _object_after(rule, s, q)
        if obj is None:
            return None
    evidence_end = q.end + (obj.end() if obj else 0)

    words_from = -1  # where the words to count start when the gap is too long in syllables (below)
    if rule.triggers is not None:
        found = _trigger_before(rule, s, q, rs, clause_lo)
        if found is None:
            return None
        t_start, t_end, gap = found
        if rule.exclude_gap is not None and _search_in(s, rule.exclude_gap, s.low[t_end : q.start]):
            return None
        if gap > rule.max_gap:
            words_from = t_end
        if rule.lead and not _LEAD.match(s.low[:t_start]):
            return None
    elif rule.lead:  # no trigger: the number (and its hedge) opens the sentence
        if not _LEAD.match(s.low[: q.start]):
            return None
        t_start, gap = q.start, 0
    elif rule.triggers_after is not None:
        found = _trigger_after(rule, s, q, obj, clause_hi)
        if found is None:
            return None
        t_start, evidence_end, gap = found
    elif rule.of_whole is not None:  # the count's noun, "/", a number and the whole (a count rule: obj is set)
        if (whole := _whole_after(rule, s, evidence_end)) is None:
            return None
        t_start, evidence_end, gap = q.start, whole, 0
    else:  # pragma: no cover - rejected when loading
        return None
    if rule.subject is not None:
        holder_lo = _before_words(s, t_start, rule.subject_gap)
        if not _search_in(s, rule.subject, s.low[holder_lo:t_start]):
            return None
    if rule.several_before is not None and _several_before(rule, s, clause_lo, t_start):
        return None
    if _rule_vetoed(rule, s, q, rs, t_start, evidence_end, clause_lo, clause_hi):
        return None
    # More syllables than the rule allows between trigger and number, but compound words count as one: count
    # underthesea's words. Segmenting the sentence is the costliest step of matching, so it comes after every
    # other condition, and is skipped when one of them already rules the match out.
    if words_from >= 0:
        gap = s.words_between(words_from, q.start)
        if gap > rule.max_gap and not _period_then_link(s, words_from, q.start):
            return None
    score = rule.confidence - 0.004 * gap
    return Match(rule=rule, score=score, trigger_start=t_start, evidence_end=evidence_end)


_LINK_ONLY = re.compile(r"^[\s,:]*(?:(?:là|được|đạt)[\s:]*)?$")


_SPACE_RUN = re.compile(r"\s*")


def _several_before(rule: Rule, s: _Sentence, lo: int, hi: int) -> bool:
    """A count above one of the rule's `several_before` things between `lo` and `hi` ("thành lập 14 CĐCS")."""
    return any(
        lo <= o.start and o.end <= hi and (o.value or 0) > 1
        and rule.several_before.match(s.low, _SPACE_RUN.match(s.low, o.end).end()) is not None
        for o in s.quantities
    )


def _period_then_link(s: _Sentence, lo: int, hi: int) -> bool:
    """Nothing but a period and a linking word between the verb and its number ("số đoàn viên mới kết nạp trong
    6 tháng đầu năm 2021 là 93"): the period says when, it does not put the number further from the verb. Any
    other word keeps the distance ("thành lập năm 2007, đang quản lý 88 CĐCS" is not a founding)."""
    spans = [(p.start, p.end) for p in s.periods if p.start >= lo and p.end <= hi]
    if not spans:
        return False
    rest, at = [], lo
    for a, b in sorted(spans):
        rest.append(s.low[at:a])
        at = max(at, b)
    rest.append(s.low[at:hi])
    return _LINK_ONLY.match(" ".join(rest)) is not None


# What may stand between the words naming an amount and the number: "là", a colon.
_AMOUNT_LINK = re.compile(r"^\s*(?:là|:)?\s*$")


def _amount_named(rule: Rule, s: _Sentence, q: Quantity) -> bool:
    """The rule's amount words ("với tổng số tiền", "tổng kinh phí là") end right before the number (its
    hedge included: "với tổng số tiền hơn 20 triệu đồng")."""
    lo = _before_words(s, q.start, 6)
    cue = _search_last(s, rule.amount_cue, s.low[lo : q.start])
    return cue is not None and _AMOUNT_LINK.match(s.low[lo + cue.end() : q.start]) is not None


def _trigger_before(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet, clause_lo: int) -> tuple[int, int, int] | None:
    """The rule's trigger verb before the number: (its start, its end, the syllables between) or None. More
    syllables than the rule's max_gap may still be few enough words: _try_rule counts those last."""
    left = s.low[clause_lo : q.start]
    trig = _search_last(s, rule.triggers, left)
    false = rs.common.false_triggers
    # "góp phần ổn định cuộc sống …", "chi phí": another word that opens with the trigger; look further back
    while trig is not None and false is not None and false.match(s.low, clause_lo + trig.start()) is not None:
        left = left[: trig.start()]
        trig = _search_last(s, rule.triggers, left)
    if trig is None:
        return None
    t_start, t_end = clause_lo + trig.start(), clause_lo + trig.end()
    gap_text = s.low[t_end : q.start]
    gap = count_words(gap_text)
    # A comma right after a verb of counting ends its phrase: "… trực thuộc Công đoàn ngành Y tế tỉnh quản lý, 43 công
    # đoàn cơ sở và 8.041 đoàn viên …" (handed over) is no body's "quản lý 43 CĐCS". (Amounts may follow a comma:
    # "ủng hộ, đóng góp các Quỹ …, trên 10 tỷ đồng".)
    if rule.unit != VND and gap_text.lstrip().startswith(","):
        return None
    if _search_in(s, rs.common.blocking_verbs, gap_text):
        return None
    if _rate_before(s, rs, clause_lo, q.start):
        return None  # "tặng 132 suất quà …, mỗi suất quà trị giá …", "yêu cầu mỗi CĐCS kết nạp 10 …"
    if _same_class_between(s, q, t_end, q.start, rule=rule, rs=rs if _money(q) else None,
                           any_rate=rule.amount_cue is not None):
        return None
    return t_start, t_end, gap


def _trigger_after(rule: Rule, s: _Sentence, q: Quantity, obj: re.Match[str] | None,
                   clause_hi: int) -> tuple[int, int, int] | None:
    """A passive verb after the number and its noun: (trigger start, evidence end, words between) or None."""
    if obj is None and rule.unit != VND and not rule.object_in_trigger:
        return None
    after_lo = q.end + (obj.end() if obj else 0)
    tail = s.low[after_lo:clause_hi]
    ta = rule.triggers_after.search(tail)
    # Words between the amount and the verb, not counting the amount spelt out in parentheses.
    after_words = count_words(_PARENTHETICAL.sub(" ", tail[: ta.start()])) if ta is not None else 0
    if ta is None or after_words > rule.after_gap:
        return None
    # "… 2 tỷ đồng do cán bộ … đóng góp", "350 triệu đồng – đó là số tiền mà …": the words right
    # after the amount must tie it to the verb that follows.
    # A comma may stand before the linking words ("…, do đoàn viên đóng góp") unless the rule says the
    # comma ends the amount's phrase ("7 triệu đồng, trợ cấp cho 80 CNLĐ" is another gift).
    linked = tail.lstrip(" ,") if rule.after_comma else tail.lstrip(" ")
    if linked.startswith("("):  # "45.500.000 đồng (Bốn mươi lăm triệu năm trăm nghìn đồng) do …"
        linked = _PARENTHETICAL.sub(" ", linked, count=1).lstrip(" ,")
    if rule.after_link is not None and not rule.after_link.match(linked):
        return None
    if _same_class_between(s, q, after_lo, after_lo + ta.start(), allow_genitive=True):
        return None
    return q.start, after_lo + ta.end(), after_words


# "/" and the whole's number after a counted noun: "đoàn viên/ 107.499", "ĐV/ 89.058".
_OVER_NUMBER = re.compile(r"[^\S\n]*/[^\S\n]*\d[\d.,]*[^\S\n]+")


def _whole_after(rule: Rule, s: _Sentence, at: int) -> int | None:
    """Where the whole named after the share ends ("…/107.499 người lao động"), or None."""
    over = _OVER_NUMBER.match(s.low, at)
    whole = rule.of_whole.match(s.low, over.end()) if over is not None else None
    return whole.end() if whole is not None else None


def _rule_vetoed(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet, t_start: int, evidence_end: int,
                 clause_lo: int, clause_hi: int) -> bool:
    """The rule's own vetoes and recipient conditions, once its trigger has been found."""
    # Vetoes in the claim's own words and just after them ("… được kết nạp Đảng", "công đoàn phường").
    claim_end = max(evidence_end, q.end)
    low, tail_from, tail_limit = s.low, claim_end, clause_hi
    aside = _ASIDE.match(s.low, claim_end)
    if aside is not None:
        # An aside right after the claim is another statement ("có 12 CĐCS với 4.775 đoàn viên (dự kiến … sẽ có
        # thêm 2 doanh nghiệp …)"): its words veto nothing, and the words after it are read instead.
        low = low[: aside.start(1)] + " " * len(aside.group(1)) + low[aside.end() :]
        tail_from, tail_limit = aside.end(), max(clause_hi, s.clause_end(aside.end()))
    tail_hi = _after_words(s, tail_from, rule.exclude_after_words, tail_limit)
    turn = _CLAUSE_TURN.search(low, claim_end, tail_hi)
    if turn is not None:  # "…, nhưng số đoàn viên giảm …" is another statement
        tail_hi = turn.start()
    second = _SECOND_COUNT.match(low, claim_end, tail_hi)
    if second is not None:  # "có 146 CĐCS với gần 60.000 cán bộ … tham gia": the words after it are the other count's
        tail_hi = second.end()
    exceptions = rs.common.veto_exceptions
    if exceptions is not None and _may_trigger(s, exceptions):  # "… với hơn 255 công đoàn viên tham gia sinh hoạt"
        low = exceptions.sub(lambda m: " " * len(m.group()), low)
    if _search_in(s, rule.exclude, low[t_start:tail_hi]):
        return True
    if rule.exclude_clause is not None:
        # From the sentence start (a table label before ":" counts) to the end of the claim's clause.
        hit = _search_last(s, rule.exclude_clause, low[:clause_hi])
        # "tiếp nhận 3 CĐCS …, nâng tổng số CĐCS lên 96 với 63.540 đoàn viên": a totals cue after the
        # vetoing word starts a new statement.
        reset = hit is not None and _search_in(s, rule.exclude_reset, s.low[hit.end() : t_start])
        if hit is not None and not reset:
            return True
    if not rule.fractions and q.kind == "fraction":
        return True
    if _search_in(s, rule.exclude_segment, s.low[segment_start(s, t_start) : q.end]):
        return True
    # A total read from the sentences before it has the giver of its whole clause ("Ủy ban MTTQ trao 50 căn
    # nhà, tổng trị giá …").
    giver_lo = clause_lo if rule.recipients_before else giver_start(s, rs, clause_lo, t_start)
    if rule.unit == VND and (non_union_giver(s, rs, giver_lo, t_start) or owned_by_non_union(s, rs, q.end)
                             or later_giver_not_union(s, rs, clause_lo, t_start, q.start)):
        return True
    if rule.recipients_before:
        return not _recipient_nearest(rule, s, q)
    # Who receives the money is named between the trigger and the next amount ("trao 40 triệu đồng …
    # cho đoàn viên"; "hỗ trợ Hội Người cao tuổi 10 triệu đồng").
    around = s.low[clause_lo if rule.recipients_in_clause else t_start : _next_same_class(s, q, clause_hi)]
    if rule.recipients is not None and not _search_in(s, rule.recipients, around):
        return True
    # Recipients that rule a reading out must be close: the money's own destination, not a later action. With no
    # trigger before the amount (one after it, "20 triệu đồng từ quỹ công đoàn cho đồng bào …", or none), they are
    # read after the rule's evidence.
    read_from = evidence_end if rule.triggers is None else q.end
    return _search_in(s, rule.not_recipients, s.low[t_start : _after_words(s, read_from, 6, clause_hi)]) is not None


def _recipient_nearest(rule: Rule, s: _Sentence, q: Quantity) -> bool:
    """The nearest text that names a recipient decides: the money's own destination after the number, then
    the sentence before it, then up to `recipients_before` sentences back ("… trao 800 túi quà cho đoàn viên.
    Tổng giá trị các túi quà là 160 triệu đồng."). It must name one of the rule's `recipients` and none of
    its `not_recipients`: one that names both is a mix of workers and outside people, left out (GUIDELINE
    §10). `exclude_before` anywhere in those sentences vetoes. Quoted names ("Quỹ “Vì người nghèo”") name
    no recipient."""
    before = s.before[max(0, len(s.before) - rule.recipients_before) :]
    own = s.low[q.end : _next_same_class(s, q, s.clause_end(q.end))]
    if rule.exclude_before is not None and any(
        rule.exclude_before.search(t) for t in (*before, s.low[: q.start], own)
    ):
        return False
    for text in (own, s.low[: q.start], *reversed(before)):
        text = _QUOTED.sub(lambda m: " " * len(m.group()), text)
        against = rule.not_recipients is not None and rule.not_recipients.search(text) is not None
        if rule.recipients.search(text) is not None:
            return not against
        if against:
            return False
    return False


def _cue_in(s: _Sentence, cues: re.Pattern[str] | None, names: re.Pattern[str] | None, lo: int, hi: int) -> bool:
    """A cue between `lo` and `hi` that is not part of a name holding it: a grant's name that opens with a loan cue
    ("Quỹ tương trợ xã hội" gives), a gift named with a saving cue ("tặng 54 sổ tiết kiệm cho nữ công nhân")."""
    if cues is None or not _may_trigger(s, cues):
        return False
    spans = [] if names is None else [(n.start(), n.end()) for n in names.finditer(s.low, max(0, lo - 40), hi)]
    return any(not any(a <= m.start() < b for a, b in spans) for m in cues.finditer(s.low, lo, hi))


def _vetoed(s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    c = rs.common
    if q.kind in ("percent", "rate") or q.value == 0 or _per_unit(s, q, rs):
        return True  # rates, and zero ("Siêu thị 0 đồng" names a shop; no one reports giving nothing)
    lo = s.clause_start(q.start)
    if _money(q):
        # Up to the end of the amount's comma segment: "…, số tiền còn lại do gia đình tích góp và vay mượn"
        # after it is the family's share, not a loan of this amount.
        hi = segment_end(s, q.end, s.clause_end(q.end))
        if (_cue_in(s, c.saving_cues, c.saving_cue_exceptions, lo, hi)
                or _cue_in(s, c.loan_cues, c.loan_cue_exceptions, lo, hi)):
            return True
        return _search_in(s, c.building_cost_patterns, s.low, lo, q.start) is not None
    return _search_in(s, c.procedure_patterns, s.low, lo, q.start) is not None


def _sentence_vetoes(s: _Sentence, rs: RuleSet) -> set[str]:
    """Whole-sentence vetoes: the body acting is not a trade union (Youth Union)."""
    c = rs.common
    if any(p is not None and _sentence_has(s, p) for p in (c.youth_union_cues, c.youth_union_patterns)):
        return {"all"}
    return set()


def youth_union_page(page_low: str, rs: RuleSet) -> bool:
    """A page about the Youth Union that names no trade-union body: its "đoàn viên" are youth members, even in a
    sentence that does not say so ("Vị Thanh: Tổ chức kết nạp 46 đoàn viên mới" over a Thành đoàn's report)."""
    c = rs.common
    if not any(p is not None and p.search(page_low) for p in (c.youth_union_cues, c.youth_union_patterns)):
        return False
    return c.union_names is None or c.union_names.search(page_low) is None


def _party_veto(s: _Sentence, q: Quantity, m: Match, rs: RuleSet) -> bool:
    """Party admissions and referrals ("304 đoàn viên, CNVCLĐ được kết nạp Đảng"): a Party cue between
    the claim's trigger and the next number of the clause."""
    pc = rs.common.party_cues
    if pc is None:
        return False
    hi = max(m.evidence_end, _next_same_class(s, q, s.clause_end(q.end)))
    lo = min(m.trigger_start, q.start)
    if m.inherited:  # no trigger of its own: the words since the number before it say what it counts ("giới
        # thiệu 1.450 đoàn viên ưu tú cho cấp ủy Đảng xem xét kết nạp (1.020 trường hợp đã được kết nạp)")
        lo = max((o.end for o in s.quantities if o.end <= q.start), default=s.clause_start(q.start))
    return pc.search(s.low[lo:hi]) is not None
