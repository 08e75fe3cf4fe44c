"""Claim extraction: sentences → quantities → indicator rules → Claim records.

Only sentences that contain a number reach the expensive steps. For each quantity the grammar finds
(pipeline.text.numbers.grammar), the indicator rules (rules/indicators/*.toml) look for the phrase that governs
it: a trigger verb a few words before it ("kết nạp 856 đoàn viên"), or a passive verb after its noun
("1.298 CB.CNV … được kết nạp"), the noun that follows it, and for money the recipient that decides
whether it was raised or disbursed. Vetoes (Party admissions, Youth Union, loans, per-unit rates,
transfers) come from the same files. The best-scoring rule wins; a number gets one indicator at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from ..records import APPROX, AT_LEAST, VND, Claim, Quantity, stable_id
from ..text import geo, orgs, periods
from ..text.normalize import normalize_with_map
from .indicators import Rule, RuleSet, default_ruleset, fold

_DIGIT_OR_WORD = re.compile(
    r"\d|(?<!\w)(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|trăm|nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)", re.I
)
_WORD = re.compile(r"[^\s]+")
_HARD_BOUNDARY = re.compile(r"[;\n]|:(?=\s)")


# --------------------------------------------------------------------------- sentences


@lru_cache(maxsize=1)
def _sent_tokenize():
    from underthesea import sent_tokenize  # loaded once per process; bundled model, offline

    return sent_tokenize


@lru_cache(maxsize=1)
def _word_tokenize():
    from underthesea import word_tokenize

    return word_tokenize


def word_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of underthesea's words (compounds such as "công đoàn cơ sở" count as one per syllable
    group the model joins), so rule gaps are measured in words, not syllables."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for tok in _word_tokenize()(text):
        i = text.find(tok, cursor)
        if i < 0:  # the tokenizer changed the text: fall back to whitespace words
            return [(m.start(), m.end()) for m in _WORD.finditer(text)]
        spans.append((i, i + len(tok)))
        cursor = i + len(tok)
    return spans


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`: lines first, then underthesea's sentence splitter inside lines that
    hold a number (the only ones the extractor reads further)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if not _DIGIT_OR_WORD.search(line) or len(line) < 40:
            spans.append((start, end))
            continue
        cursor = 0
        pieces = _sent_tokenize()(line)
        found: list[tuple[int, int]] = []
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            i = line.find(piece, cursor)
            if i < 0:  # the splitter changed the text: keep the line whole
                found = [(0, len(line))]
                break
            found.append((i, i + len(piece)))
            cursor = i + len(piece)
        # underthesea splits after abbreviations glued to the next word ("CB.CNV", "TP.HCM"): a real
        # sentence break is followed by whitespace, so merge pieces that are not.
        merged: list[tuple[int, int]] = []
        for a, b in found:
            if merged and a > 0 and not line[a - 1].isspace():
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        found = merged
        if found:
            # Extend each sentence to the next one's start, so no character falls between sentences.
            for k, (s, _e) in enumerate(found):
                e = found[k + 1][0] if k + 1 < len(found) else len(line)
                spans.append((start + s, start + len(line[:e].rstrip())))
        else:
            spans.append((start, end))
    return spans


# --------------------------------------------------------------------------- matching


@dataclass
class Match:
    rule: Rule
    score: float
    trigger_start: int  # sentence-relative offsets of the evidence (trigger .. object end)
    evidence_end: int
    inherited: bool = False
    label: str | None = None  # the item label of a list line ("Liên đoàn Lao động tỉnh Thái Bình: …")


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _search_last(pattern: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    last = None
    if pattern is None:
        return None
    for m in pattern.finditer(text):
        last = m
    return last


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


def _rate_before(s: _Sentence, rs: RuleSet, lo: int, hi: int) -> bool:
    """A per-unit cue ("mỗi suất", "/người") before the number, not overridden by a later "tổng"
    ("mỗi trường 1.000 cuốn vở, với tổng giá trị là 10.000.000 đồng" is a total)."""
    text = _QUOTED.sub(lambda m: " " * len(m.group()), s.low[lo:hi])
    hits = [m for p in (rs.common.rate_cues, rs.common.rate_patterns) if p is not None for m in p.finditer(text)]
    if not hits:
        return False
    last_end = max(m.end() for m in hits)
    return _TOTAL_CUE.search(s.low[lo + last_end : hi]) is None


def _segment_start(s: _Sentence, pos: int) -> int:
    """Start of the comma/semicolon-delimited segment holding `pos`."""
    cut = max(s.low.rfind(",", 0, pos), s.low.rfind(";", 0, pos))
    return cut + 1 if cut >= 0 else 0


_OBJECT_POSITION = re.compile(r"(?:\d|thăm|cho|tại|ở|của|với|từ|thuộc|trong|toàn|đến|công đoàn|cđ|cđcs)\s*$")


def _non_union_giver(s: _Sentence, rs: RuleSet, lo: int, trigger_start: int) -> bool:
    """The money's giver is not a union: a company, a ministry or the Fatherland Front is the subject
    before the verb and no union body or member is ("Bộ Y tế đã hỗ trợ 5 tỷ đồng", "các doanh nghiệp
    hỗ trợ thêm 200 triệu đồng"). Joint givers with a union ("41 CĐCS … và Ban Giám đốc … đóng góp")
    and givers a union mobilised ("vận động CNLĐ và doanh nghiệp ủng hộ") stay the union's."""
    c = rs.common
    if c.non_union_givers is None:
        return False
    before = s.low[lo:trigger_start]
    givers = [
        m for m in c.non_union_givers.finditer(before)
        # not part of a union's name ("Công đoàn Công ty …") nor an object ("thăm 200 doanh nghiệp")
        if not _OBJECT_POSITION.search(before[max(0, m.start() - 12) : m.start()])
    ]
    if not givers:
        return False
    if c.union_actors is not None and c.union_actors.search(before):
        return False
    # "vận động các doanh nghiệp ủng hộ …": mobilised by the (earlier-named) union; but "Hội … vận động
    # hội viên đóng góp" is the giver mobilising its own members.
    mobilised = c.mobilising_verbs.search(before) if c.mobilising_verbs is not None else None
    return not (mobilised is not None and mobilised.start() < givers[0].start())


def _money(q: Quantity) -> bool:
    return q.unit == VND


class _Sentence:
    """One sentence with its quantities, folded text and clause boundaries."""

    def __init__(self, text: str, quantities: list[Quantity]):
        self.text = text
        self.low = fold(text)
        self.quantities = quantities
        bounds = [m.start() for m in _HARD_BOUNDARY.finditer(text)]
        self.bounds = bounds
        self._words: list[tuple[int, int]] | None = None

    # Period, organisation and province mentions: found once per sentence, however many claims it has.
    @cached_property
    def periods(self) -> list:
        return periods.find_periods(self.text)

    @cached_property
    def orgs(self) -> list:
        return orgs.find_orgs(self.text)

    @cached_property
    def places(self) -> list:
        return geo.find_provinces(self.text)

    def words_between(self, lo: int, hi: int) -> int:
        """Number of words (underthesea segmentation) wholly inside [lo, hi), punctuation excluded."""
        if self._words is None:
            self._words = word_spans(self.text)
        return sum(1 for a, b in self._words if a >= lo and b <= hi and any(ch.isalnum() for ch in self.text[a:b]))

    def clause_start(self, pos: int) -> int:
        start = 0
        for b in self.bounds:
            if b < pos:
                start = b + 1
            else:
                break
        return start

    def clause_end(self, pos: int) -> int:
        for b in self.bounds:
            if b >= pos:
                return b
        return len(self.text)


def _object_after(rule: Rule, s: _Sentence, q: Quantity) -> re.Match[str] | None:
    if rule.objects is None:
        return None
    rest = s.low[q.end : s.clause_end(q.end)]
    m = rule.objects.search(rest)
    if m is None:
        return None
    before_obj = _PARENTHETICAL.sub("", rest[: m.start()])  # "1.020 (một nghìn không trăm hai mươi) đoàn viên"
    if _words(before_obj) > rule.object_gap:
        return None
    return m


_ESTIMATE = re.compile(r"(?<!thỏa )(?<!thoả )(?<!\w)(?:ước|ước tính|ước đạt)(?!\w)")
_CLAUSE_TURN = re.compile(r",\s*(?:nhưng|song|tuy nhiên|trong khi|còn|đồng thời)(?!\w)")
_PARENTHETICAL = re.compile(r"\s*\([^()]{0,80}\)\s*")
_COORDINATED = re.compile(r"^\s*\S+(?:\s+\S+){0,3}?\s+(?:và|cùng)\s*$")
_GENITIVE = re.compile(r"(?:của|thuộc|tại|ở|trong)\s*$")


def _same_class_between(
    s: _Sentence, q: Quantity, lo: int, hi: int, allow_genitive: bool = False, rule: Rule | None = None
) -> bool:
    """Another quantity of the same kind (money vs count) between lo and hi: the trigger governs it.
    With allow_genitive, counts inside a genitive phrase ("của 22 Công đoàn BP") do not interrupt; with
    a counting rule, neither does a count of another kind of thing joined by "và" ("phát triển mới 4
    CĐCS và 186 đoàn viên": the verb governs both)."""
    for other in s.quantities:
        if other is q or other.kind in ("percent",):
            continue
        if other.start >= lo and other.end <= hi and _money(other) == _money(q):
            if allow_genitive and _GENITIVE.search(s.low[max(0, other.start - 8) : other.start]):
                continue
            if (rule is not None and rule.objects is not None and not _money(q)
                    and _object_after(rule, s, other) is None and _COORDINATED.match(s.low[other.end : q.start])):
                continue
            return True
    return False


def _try_rule(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet) -> Match | None:
    clause_lo = s.clause_start(q.start)
    clause_hi = s.clause_end(q.end)
    # Unit compatibility: money rules take money, count rules take bare counts.
    if (rule.unit == VND) != _money(q):
        return None
    if rule.context is not None and not rule.context.search(s.low):
        return None

    obj = None
    if rule.unit != VND and not rule.object_in_trigger:
        obj = _object_after(rule, s, q)
        if obj is None:
            return None
    evidence_end = q.end + (obj.end() if obj else 0)

    if rule.triggers is not None:
        found = _trigger_before(rule, s, q, rs, clause_lo)
        if found is None:
            return None
        t_start, gap = found
    elif rule.triggers_after is not None:
        found = _trigger_after(rule, s, q, obj, clause_hi)
        if found is None:
            return None
        t_start, evidence_end, gap = found
    else:  # pragma: no cover - rejected when loading
        return None
    if _rule_vetoed(rule, s, q, rs, t_start, evidence_end, clause_lo, clause_hi):
        return None
    score = rule.confidence - 0.004 * gap
    return Match(rule=rule, score=score, trigger_start=t_start, evidence_end=evidence_end)


def _trigger_before(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet, clause_lo: int) -> tuple[int, int] | None:
    """The rule's trigger verb a few words before the number: (its start, the words between) or None."""
    left = s.low[clause_lo : q.start]
    trig = _search_last(rule.triggers, left)
    if trig is None:
        return None
    t_start, t_end = clause_lo + trig.start(), clause_lo + trig.end()
    gap_text = s.low[t_end : q.start]
    gap = s.words_between(t_end, q.start) if _words(gap_text) > rule.max_gap else _words(gap_text)
    if gap > rule.max_gap:
        return None
    if rs.common.blocking_verbs is not None and rs.common.blocking_verbs.search(gap_text):
        return None
    if _rate_before(s, rs, clause_lo, q.start):
        return None  # "tặng 132 suất quà …, mỗi suất quà trị giá …", "yêu cầu mỗi CĐCS kết nạp 10 …"
    if _same_class_between(s, q, t_end, q.start, rule=rule):
        return None
    return t_start, gap


def _trigger_after(rule: Rule, s: _Sentence, q: Quantity, obj: re.Match[str] | None,
                   clause_hi: int) -> tuple[int, int, int] | None:
    """A passive verb after the number and its noun: (trigger start, evidence end, words between) or None."""
    if obj is None and rule.unit != VND and not rule.object_in_trigger:
        return None
    after_lo = q.end + (obj.end() if obj else 0)
    tail = s.low[after_lo:clause_hi]
    ta = rule.triggers_after.search(tail)
    # Words between the amount and the verb, not counting the amount spelt out in parentheses.
    after_words = _words(_PARENTHETICAL.sub(" ", tail[: ta.start()])) if ta is not None else 0
    if ta is None or after_words > rule.after_gap:
        return None
    # "… 2 tỷ đồng do cán bộ … đóng góp", "350 triệu đồng – đó là số tiền mà …": the words right
    # after the amount must tie it to the verb that follows.
    linked = tail.lstrip(" ,")
    if linked.startswith("("):  # "45.500.000 đồng (Bốn mươi lăm triệu năm trăm nghìn đồng) do …"
        linked = _PARENTHETICAL.sub(" ", linked, count=1).lstrip(" ,")
    if rule.after_link is not None and not rule.after_link.match(linked):
        return None
    if _same_class_between(s, q, after_lo, after_lo + ta.start(), allow_genitive=True):
        return None
    return q.start, after_lo + ta.end(), after_words


def _rule_vetoed(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet, t_start: int, evidence_end: int,
                 clause_lo: int, clause_hi: int) -> bool:
    """The rule's own vetoes and recipient conditions, once its trigger has been found."""
    # Vetoes in the claim's own words and just after them ("… được kết nạp Đảng", "công đoàn phường").
    tail_hi = _after_words(s, max(evidence_end, q.end), rule.exclude_after_words, clause_hi)
    turn = _CLAUSE_TURN.search(s.low, max(evidence_end, q.end), tail_hi)
    if turn is not None:  # "…, nhưng số đoàn viên giảm …" is another statement
        tail_hi = turn.start()
    window = s.low[t_start:tail_hi]
    if rule.exclude is not None and rule.exclude.search(window):
        return True
    if rule.exclude_clause is not None:
        # From the sentence start (a table label before ":" counts) to the end of the claim's clause.
        hit = _search_last(rule.exclude_clause, s.low[:clause_hi])
        # "tiếp nhận 3 CĐCS …, nâng tổng số CĐCS lên 96 với 63.540 đoàn viên": a totals cue after the
        # vetoing word starts a new statement.
        reset = rule.exclude_reset is not None and hit is not None and rule.exclude_reset.search(
            s.low[hit.end() : t_start]
        )
        if hit is not None and not reset:
            return True
    if not rule.fractions and q.kind == "fraction":
        return True
    if rule.exclude_segment is not None and rule.exclude_segment.search(s.low[_segment_start(s, t_start) : q.end]):
        return True
    if rule.unit == VND and _non_union_giver(s, rs, max(clause_lo, _segment_start(s, t_start)), t_start):
        return True
    # Who receives the money is named between the trigger and the next amount ("trao 40 triệu đồng …
    # cho đoàn viên"; "hỗ trợ Hội Người cao tuổi 10 triệu đồng").
    around = s.low[clause_lo if rule.recipients_in_clause else t_start : _next_same_class(s, q, clause_hi)]
    if rule.recipients is not None and not rule.recipients.search(around):
        return True
    # Recipients that rule a reading out must be close: the money's own destination, not a later action.
    return rule.not_recipients is not None and rule.not_recipients.search(
        s.low[t_start : _after_words(s, q.end, 6, clause_hi)]
    ) is not None


def _vetoed(s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    c = rs.common
    if q.kind in ("percent", "rate"):
        return True
    after = s.low[q.end : q.end + 12]
    if q.per is not None or after.lstrip().startswith("/"):
        return True
    if _rate_before(s, rs, _before_words(s, q.start, 4), q.start):
        return True
    if _money(q) and c.loan_cues is not None:
        lo = s.clause_start(q.start)
        if c.loan_cues.search(s.low[lo : s.clause_end(q.end)]):
            return True
    return False


def _sentence_vetoes(s: _Sentence, rs: RuleSet) -> set[str]:
    """Whole-sentence vetoes: the body acting is not a trade union (Youth Union)."""
    c = rs.common
    if c.youth_union_cues is not None and c.youth_union_cues.search(s.low):
        return {"all"}
    return set()


def _party_veto(s: _Sentence, q: Quantity, m: Match, rs: RuleSet) -> bool:
    """Party admissions and referrals ("304 đoàn viên, CNVCLĐ được kết nạp Đảng"): a Party cue between
    the claim's trigger and the next number of the clause."""
    pc = rs.common.party_cues
    if pc is None:
        return False
    hi = max(m.evidence_end, _next_same_class(s, q, s.clause_end(q.end)))
    return pc.search(s.low[min(m.trigger_start, q.start) : hi]) is not None


def _under_target_header(text: str, line_start: int, rs: RuleSet) -> bool:
    """A list item under a header that frames it as a plan ("Các chỉ tiêu chủ yếu năm 2024:" over
    "- Phát triển mới 4.500 đoàn viên;") is a target (GUIDELINE §5)."""
    if not _ITEM_PREFIX.match(text[text.rfind("\n", 0, line_start) + 1 : line_start]):
        return False
    lines = text[:line_start].split("\n")[:-1]
    for line in reversed(lines[-40:]):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.endswith(":"):
            return _is_target(_Sentence(stripped, []), len(stripped), rs)
        if not _ITEM_START.match(stripped):
            return False  # a paragraph, not another item of the same list
    return False


def _is_target(s: _Sentence, pos: int, rs: RuleSet) -> bool:
    """A target cue before `pos` in the sentence, not part of a result against a plan."""
    c = rs.common
    left = s.low[:pos]
    negated_spans = [(m.start(), m.end()) for m in c.target_cue_negations.finditer(left)] if c.target_cue_negations else []
    if c.target_cues is not None:
        for m in c.target_cues.finditer(left):
            if not any(a <= m.start() < b for a, b in negated_spans):
                return True
    return bool(
        c.directive_cues is not None and c.future_cues is not None
        and c.directive_cues.search(left) and c.future_cues.search(s.low)
    )


# --------------------------------------------------------------------------- context (period, org, province)


@dataclass
class _Context:
    period_text: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    org: str | None = None
    province: str | None = None


def _nearest_before(mentions: list, pos: int, or_after: bool = True):
    """The mention closest before `pos`; else (with or_after) the first one after it."""
    before = [m for m in mentions if m.start <= pos]
    if before:
        return before[-1]
    return mentions[0] if mentions and or_after else None


def _context_for(
    sentence: _Sentence, q_pos: int, prev_sentences: list[_Sentence], published: str | None,
    default_province: str | None, default_org: str | None,
) -> _Context:
    """Period, organisation and province of a number at `q_pos`: the nearest mention before it in its
    sentence (periods also from the two sentences before), else the site's defaults."""
    ctx = _Context(org=default_org, province=default_province)
    period = _nearest_before(sentence.periods, q_pos)
    if period is None:
        for prev in reversed(prev_sentences[-2:]):
            if prev.periods:
                period = prev.periods[-1]
                break
    if period is not None:
        ctx.period_text = period.text
        ctx.period_start, ctx.period_end = periods.resolve_period(period.text, published)
    # Who reports and where: only bodies and places named before the number. One named after it is
    # usually a recipient or a third party ("… được cập nhật lên phần mềm của Tổng LĐLĐ Việt Nam").
    org = _nearest_before(sentence.orgs, q_pos, or_after=False)
    if org is not None:
        ctx.org = orgs.canonical_org(org, default_province)
        if org.province:
            ctx.province = org.province
    if ctx.province is None or ctx.province == default_province:
        place = _nearest_before(sentence.places, q_pos, or_after=False)
        if place is not None:
            ctx.province = place.name
    return ctx


# --------------------------------------------------------------------------- main entry points


def _quantities(sentence: str) -> list[Quantity]:
    from ..text.numbers.grammar import find_quantities

    qs = find_quantities(sentence)
    # Amounts written twice, in digits and then in words ("30.650.000đ (Ba mươi triệu … đồng)"): once.
    out: list[Quantity] = []
    for q in qs:
        if q.kind == "words" and out and out[-1].value == q.value and q.start - out[-1].end <= 3:
            continue
        out.append(q)
    return out


def _header_label_match(header: str, s: _Sentence, q: Quantity, rs: RuleSet) -> Match | None:
    """A list header that names the indicator without a verb governing a number ("Kết quả phát triển
    đoàn viên 6 tháng đầu năm 2012 của các đơn vị:") gives its items that indicator."""
    for ind in rs.indicators:
        if ind.labels is None or not ind.labels.search(header):
            continue
        rule = ind.rules[0]
        if _counts_same_thing(rule, s, q, rs):
            return Match(rule=rule, score=rule.confidence - 0.05, trigger_start=0, evidence_end=q.end)
    return None


_ITEM_PREFIX = re.compile(r"^\s*(?:[-–•*+]|\d{1,3}[.)]|[a-zđ][.)])?\s*$")
_RESULT_MARK = re.compile(r"(?<!\w)(?:đạt|vượt|hoàn thành|đã)(?!\w)")
_ITEM_START = re.compile(r"^(?:[-–•*+]|\d{1,3}[.)]|[a-zđ][.)])\s")
_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[a-zđ])[.)]\s+")
# A line of an itemised list: "Name: amount" or "Name amount đồng".
_ITEM_LINE = re.compile(r":\s*\S|\d[\d.,]*\s*(?:triệu|tỷ|tỉ|nghìn|ngàn)?\s*(?:đồng|đ|vnđ|vnd)\b", re.IGNORECASE)


def _list_header_match(
    text: str, line_start: int, s: _Sentence, q: Quantity, rs: RuleSet
) -> Match | None:
    """Itemised lists ("Liên đoàn Lao động tỉnh Thái Bình: 2.000.000 đồng;", or without the colon,
    "Công đoàn Viên chức tỉnh 186 triệu đồng") take their meaning from the header line above them
    ("… đã ủng hộ Quỹ … như sau:")."""
    if not _ITEM_PREFIX.match(text[text.rfind("\n", 0, line_start) + 1 : line_start]):
        return None  # a list item is a line of its own (after an optional bullet or number)
    left = s.text[: q.start]
    if ":" in left:
        if _words(left.split(":")[-1]) > 1 or _words(left) > 12:
            return None
        label = left.split(":")[0]
    else:  # the whole line before the amount must be a name: short, capitalised, no verb of its own
        if _words(s.text[q.end :]) > 3:
            return None  # and the amount ends the line ("… 186 triệu đồng;")
        label = left
        stripped_label = label.strip(" -•*+\t")
        if not stripped_label or not stripped_label[0].isupper() or _words(label) > 10 or s.text[:1].isspace():
            return None
        if any(r.triggers is not None and r.triggers.search(fold(label)) for r in rs.rules):
            return None
    lines = text[:line_start].split("\n")
    for back, line in enumerate(reversed(lines[-60:])):
        stripped = line.strip()
        if not stripped:
            continue
        # The header: a line ending with ":", or the first line above the items that is not an item
        # ("DANH SÁCH CÁC ĐƠN VỊ ỦNG HỘ QUỸ …" over "1. Công đoàn Viên chức tỉnh: 45.000.000 đồng").
        if stripped.endswith(":") or (back > 0 and not _ITEM_LINE.search(stripped)):
            head = stripped.rstrip(":").rstrip()
            header = _Sentence(head + " " + q.text, [])
            fake = replace(q, start=len(head) + 1, end=len(head) + 1 + len(q.text))
            header.quantities = [fake]
            best = None
            for rule in rs.rules:
                m = _try_rule(rule, header, fake, rs)
                if m and (best is None or m.score > best.score):
                    best = m
            if best is None:
                best = _header_label_match(fold(head), s, q, rs)
            if best is None:
                return None
            label = _ITEM_NUMBER.sub("", label.strip(" -•*+\t"))
            donors = rs.common.non_union_donors
            if donors is not None and donors.match(fold(label)):
                return None
            return Match(rule=best.rule, score=best.score - 0.1, trigger_start=0, evidence_end=q.end, inherited=True,
                         label=label or None)
    return None


_BREAKDOWN = re.compile(r"\(\s*(?:trong đó|gồm|bao gồm)(?:\s+có)?\s*$")


def _is_breakdown(s: _Sentence, q: Quantity) -> bool:
    return _BREAKDOWN.search(s.low[max(0, q.start - 25) : q.start]) is not None


def _counts_same_thing(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    """Whether `q` can inherit `rule`'s indicator: money for money, and for counts a noun after `q` that
    one of the indicator's rules accepts."""
    if (rule.unit == VND) != _money(q):
        return False
    return rule.unit == VND or any(_object_after(r, s, q) is not None for r in rs.indicator(rule.indicator).rules)


def _component_match(s: _Sentence, q: Quantity, found: list[tuple[Quantity, Match]], rs: RuleSet) -> Match | None:
    """A number in parentheses or at the head of a list segment with the same kind of noun as a claim
    earlier in the sentence is a component of it ("kết nạp 19 … (16 công đoàn viên) và … (3 công đoàn
    viên)"; "thành lập 14 CĐCS …; 7 CĐCS trong …")."""
    left = s.text[: q.start]
    in_parens = left.rfind("(") > left.rfind(")")
    seg_start = max(left.rfind(";"), left.rfind("("))
    head_of_segment = seg_start >= 0 and _words(left[seg_start + 1 :]) == 0
    if not (in_parens or head_of_segment):
        return None
    for _prev_q, prev_m in reversed(found):  # the nearest earlier claim counting the same kind of thing
        rule = prev_m.rule
        if not _counts_same_thing(rule, s, q, rs):
            continue
        window = s.low[q.start : s.clause_end(q.end)]
        if rule.exclude is not None and rule.exclude.search(window):
            return None
        return Match(rule=rule, score=prev_m.score - 0.15, trigger_start=q.start, evidence_end=q.end, inherited=True)
    return None


_BULLET = re.compile(r"^[\s\-–•*+>|]*")
_OF_WHICH = re.compile(r"^\W*trong đó(?!\w)")


def _label_match(s: _Sentence, q: Quantity, rs: RuleSet) -> Match | None:
    """Flattened tables and fact boxes: "Kết nạp đoàn viên: 8.127 người", "Tổng số CĐCS: 2.318"."""
    left = s.text[: q.start].rstrip()
    if not left.endswith(":"):
        return None
    label_lo = _BULLET.match(left).end()
    label = fold(left[label_lo:-1])
    if not label or _words(label) > 10:
        return None
    best: tuple[int, Rule] | None = None
    for ind in rs.indicators:
        if ind.labels is None or (ind.unit == VND) != _money(q):
            continue
        m = ind.labels.search(label)
        # the phrase must be (nearly) the whole label: "Số CĐCS xếp loại hoàn thành tốt nhiệm vụ" is not "Số CĐCS"
        if m is None or _words(label[m.end() :]) > 2 or _words(label[: m.start()]) > 1:
            continue
        if any(r.exclude is not None and r.exclude.search(label) for r in ind.rules[:1]):
            continue
        if best is None or len(m.group()) > best[0]:
            best = (len(m.group()), ind.rules[0])
    if best is None:
        return None
    return Match(rule=best[1], score=best[1].confidence - 0.07, trigger_start=label_lo, evidence_end=q.end,
                 inherited=True)


def _of_which_match(s: _Sentence, q: Quantity, previous: dict[bool, Match], rs: RuleSet) -> Match | None:
    """"Trong đó, …" breaks a total down: its amounts are parts of the claim before it ("… trao
    2.356.800.000 đồng ủng hộ đồng bào … Trong đó, Ban Thường vụ trích … 200 triệu đồng")."""
    lo = s.clause_start(q.start)
    if not (_OF_WHICH.match(s.low[lo:]) or _OF_WHICH.match(s.low)):
        return None
    prev = previous.get(_money(q))
    if prev is None or (_money(q) and _non_union_giver(s, rs, max(lo, _segment_start(s, q.start)), q.start)):
        return None
    if not _counts_same_thing(prev.rule, s, q, rs):
        return None
    return Match(rule=prev.rule, score=prev.score - 0.15, trigger_start=q.start, evidence_end=q.end, inherited=True)


def extract_mentions(
    text: str,
    *,
    url: str | None = None,
    published: str | None = None,
    province: str | None = None,
    org: str | None = None,
    site: str | None = None,
    doc_id: str | None = None,
    ruleset: RuleSet | None = None,
) -> list[Claim]:
    """Every claim mention in `text`, repeats included, with offsets into `text` as given."""
    rs = ruleset or default_ruleset()
    norm, omap = normalize_with_map(text)
    doc_id = doc_id or (stable_id(url) if url else stable_id(norm))
    claims: list[Claim] = []
    prev_sentences: list[_Sentence] = []
    last_claim: dict[bool, Match] = {}  # the latest money / count claim, for "Trong đó, …" parts
    for s_start, s_end in split_sentences(norm):
        raw = norm[s_start:s_end]
        if not _DIGIT_OR_WORD.search(raw):
            prev_sentences.append(_Sentence(raw, []))
            continue
        s = _Sentence(raw, _quantities(raw))
        vetoes = _sentence_vetoes(s, rs)
        found: list[tuple[Quantity, Match]] = []
        for q in s.quantities:
            if "all" in vetoes or _vetoed(s, q, rs):
                continue
            best: Match | None = None
            if _is_breakdown(s, q):  # "thành lập 42 CĐCS (trong đó có 29 CĐCS doanh nghiệp …)"
                best = _component_match(s, q, found, rs)
            for rule in ([] if best is not None else rs.rules):
                m = _try_rule(rule, s, q, rs)
                if m is not None and (best is None or m.score > best.score):
                    best = m
            if best is None:
                best = (
                    _component_match(s, q, found, rs)
                    or _list_header_match(norm, s_start, s, q, rs)
                    or _label_match(s, q, rs)
                    or _of_which_match(s, q, {**last_claim, **{_money(fq): fm for fq, fm in found}}, rs)
                )
            if best is None:
                continue
            if best.rule.unit in ("person",) and _party_veto(s, q, best, rs):
                continue
            found.append((q, best))
        for q, m in found:
            last_claim[_money(q)] = m
        for q, m in found:
            claims.extend(
                _make_claims(q, m, s, s_start, norm, omap, rs, prev_sentences, published, province, org,
                             url, site, doc_id)
            )
        prev_sentences.append(s)
    return claims


# Indicators reported against a plan as "achieved/target" fractions ("kết nạp 76/50 …, đạt 150% chỉ tiêu",
# "Phát triển đoàn viên: 3.048/2.800"): what else would a fraction of recruits or foundings be.
_PLANNED = {"members_recruited", "unions_founded", "agreements_signed"}


def _make_claims(q, m, s, s_start, norm, omap, rs, prev_sentences, published, province, org, url, site, doc_id):
    ctx = _context_for(s, q.start, prev_sentences, published, province, org)
    if rs.indicator(m.rule.indicator).stock and ctx.period_end:
        # A total is a level at the end of the period it is reported for ("sau 15 năm … quản lý 61 CĐCS").
        ctx.period_start = ctx.period_end
    if m.label:  # a donor-list line: the label names the giver ("Liên đoàn Lao động tỉnh Thái Bình: …")
        named = orgs.find_orgs(m.label)
        ctx.org = orgs.canonical_org(named[0], province) if named else m.label
        if named and named[0].province:
            ctx.province = named[0].province
    # Under a plan header an item is a target, unless it reports the result against the plan
    # ("Các chỉ tiêu chủ yếu năm 2015:" over "- Phát triển đoàn viên: 3.048/2.800 đoàn viên, đạt 108,9%").
    target = _is_target(s, q.start, rs) or (
        q.kind != "fraction" and not _RESULT_MARK.search(s.low) and _under_target_header(norm, s_start, rs)
    )
    qualifier = q.qualifier
    tail = s.low[q.end : s.clause_end(q.end)]
    if re.match(r"\s*\S+(?:\s+\S+){0,4}?\s+trở lên(?!\w)", tail) and qualifier == "exact":
        qualifier = AT_LEAST
    # An estimate announced before the verb: "ước kết nạp được 1.450 đoàn viên", "ước đạt …".
    if qualifier == "exact" and _ESTIMATE.search(s.low[_before_words(s, min(m.trigger_start, q.start), 2) : q.start]):
        qualifier = APPROX
    span_lo = min(m.trigger_start, q.start)
    span_hi = max(m.evidence_end, q.end)
    start, end = omap.to_original(s_start + span_lo), omap.to_original_end(s_start + span_hi)
    # The rule's calibrated confidence, lowered by the same penalties (gap, inheritance) as its score.
    base_conf = m.rule.calibrated_confidence if m.rule.calibrated_confidence is not None else m.rule.confidence
    confidence = round(max(0.05, min(0.99, base_conf + m.score - m.rule.confidence)), 3)
    base = dict(
        doc_id=doc_id, indicator=m.rule.indicator, unit=m.rule.unit, qualifier=qualifier, quote=s.text,
        start=start, end=end, url=url, site=site, published=published, period_text=ctx.period_text,
        period_start=ctx.period_start, period_end=ctx.period_end, org=ctx.org, province=ctx.province,
        rule=m.rule.id + (":inherited" if m.inherited else ""), confidence=confidence,
        sentence_start=omap.to_original(s_start), sentence_end=omap.to_original_end(s_start + len(s.text)),
        number_start=omap.to_original(s_start + q.number_start) if q.number_start >= 0 else -1,
        number_end=omap.to_original_end(s_start + q.number_end) if q.number_end >= 0 else -1,
    )
    out = []
    if q.kind == "range":
        vals = [(None, q.value_min, q.value_max, target)]
    else:
        vals = [(q.value, None, None, target)]
        # "kết nạp 76/50 công đoàn viên, đạt 150% chỉ tiêu": the denominator is the target.
        if q.kind == "fraction" and q.denominator is not None and m.rule.indicator in _PLANNED:
            vals.append((q.denominator, None, None, True))
    for value, vmin, vmax, is_target in vals:
        cid = stable_id(doc_id, start, end, m.rule.indicator, value, vmin, vmax, is_target)
        out.append(Claim(claim_id=cid, value=value, value_min=vmin, value_max=vmax, is_target=is_target, **base))
    return out


LEAD_CHARS = 300  # the headline/lead region, where a figure is usually a preview of the body


def _evidence_words(text: str, c: Claim) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", fold(text[c.start : c.end]))}


def same_fact(a: Claim, b: Claim, text: str) -> bool:
    """Two mentions with the same indicator, value, qualifier and target flag are one fact (GUIDELINE §7)
    when one previews the other in the headline/lead, or they are worded alike; not when they name
    different organisations ("Liên đoàn Lao động tỉnh Thái Bình: 2.000.000 đồng" vs "… Ninh Bình: …")."""
    if claim_key(a) != claim_key(b):
        return False
    if min(a.start, b.start) < LEAD_CHARS:
        return True  # a headline names its subject its own way ("LĐLĐ tỉnh Bắc Kạn: Thành lập mới 4 …")
    if a.org and b.org and a.org != b.org:
        return False
    wa, wb = _evidence_words(text, a), _evidence_words(text, b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


def group_repeats(claims: Iterable[Claim], text: str) -> list[list[Claim]]:
    """Mentions grouped into facts, in order of first mention."""
    groups: list[list[Claim]] = []
    for c in claims:
        for g in groups:
            if same_fact(g[0], c, text):
                g.append(c)
                break
        else:
            groups.append([c])
    return groups


def dedupe(claims: Iterable[Claim], text: str) -> list[Claim]:
    """One claim per fact in a document: the first mention of each group of repeats."""
    return [g[0] for g in group_repeats(claims, text)]


def claim_key(c: Claim) -> tuple:
    return (c.doc_id, c.indicator, c.value, c.value_min, c.value_max, c.qualifier, c.is_target)


def extract_claims(
    text: str,
    *,
    url: str | None = None,
    published: str | None = None,
    province: str | None = None,
    org: str | None = None,
    site: str | None = None,
    doc_id: str | None = None,
) -> list[Claim]:
    """Claims in `text` (the stable interface); offsets point into `text` as given."""
    mentions = extract_mentions(
        text, url=url, published=published, province=province, org=org, site=site, doc_id=doc_id
    )
    return dedupe(mentions, text)


def extract_article(article) -> list[Claim]:
    """Claims of a cleaned Article, with its provenance (page, fetch, input) and its site's province/org
    as defaults."""
    claims = extract_claims(
        article.text, url=article.url, published=article.published, province=article.province,
        org=article.org, site=article.site, doc_id=article.doc_id,
    )
    for c in claims:
        c.fetched_at, c.source = article.fetched_at, article.source
    return claims
