"""Readings a number inherits from the structure around it: list headers and table labels, items of a list,
components of a total ("trong đó"), breakdowns in parentheses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..records import ORGANIZATION, PERSON, VND, Quantity
from .givers import giver_names, non_union_giver
from .indicators import Rule, RuleSet, fold
from .matcher import (
    _SPACE_RUN,
    Match,
    _counts,
    _money,
    _object_after,
    _try_rule,
)
from .sentences import _ITEM_PREFIX, _Sentence, count_words, segment_end, segment_start

# A cell of a table flattened one cell per line: a number alone, or a placeholder for an empty cell.
_CELL = re.compile(r"^(?:[.\-–…]+|[\d.,]+)$")
# The cells of one row above a number stand between it and its row's label (a row rarely holds more than a dozen).
_ROW_CELLS = 12
# How many lines above a cell its row's label is looked for, and above a part's row ("Trong đó …") the row it breaks down.
_ROW_LINES = 40
# A unit cell glued to its row's label by a page that lost the space between cells ("Đoàn viên công đoànđoàn viên").
_GLUED_UNIT = re.compile(r"^(.*[^\W\d_])(đoàn viên|đơn vị|người|đ/vị)$", re.IGNORECASE)


def _row_label(lines: list[str]) -> tuple[str, str | None, int] | None:
    """Walking up from the line above a cell: the row's label, its unit (a short line between the label and the cells,
    if any) and the index of the label's line in `lines`."""
    cells, unit = 0, None
    for i in range(len(lines) - 1, max(-1, len(lines) - _ROW_LINES), -1):
        line = lines[i].strip()
        if not line:
            continue
        if _CELL.match(line):
            cells += 1
            if cells > _ROW_CELLS or unit is not None:
                return None
            continue
        if unit is None and count_words(line) <= 2 and not any(ch.isdigit() for ch in line):
            unit = line
            continue
        return line, unit, i
    return None


def _column_match(text: str, line_start: int, s: _Sentence, q: Quantity, rs: RuleSet) -> Match | None:
    """A table flattened one cell per line ("Đơn vị công đoàn cơ sở" / "đơn vị" / "." / "40" / "40" / "86"): a number
    alone on its line takes the indicator its row's label names (the indicators' `labels`), past the row's earlier
    cells and its unit; a row labelled "Trong đó …" breaks the row above it down."""
    if _money(q) or q.kind != "number" or s.text.strip() != q.text.strip():
        return None
    # (only the lines the two walks up can reach: a cell of a long table need not split the whole page above it)
    lines = text[:line_start].rsplit("\n", 2 * _ROW_LINES)
    found = _row_label(lines)
    if found is None:
        return None
    label, unit, at = found
    if unit is not None and "%" in unit:
        return None
    rule = _row_rule(label, rs)
    if rule is None and _OF_WHICH.match(fold(label)):
        # a part ("Trong đó CĐ ngoài QD"): the indicator of the nearest row above that names one, past its cells
        above = (_row_rule(line, rs) for line in reversed(lines[max(0, at - _ROW_LINES) : at]))
        rule = next((r for r in above if r is not None), None)
    if rule is None:
        return None
    # (no `label`: a row label names the indicator, not the body the count is of, as a donor list's label does)
    return Match(rule=rule, score=rule.confidence - 0.1, trigger_start=q.start, evidence_end=q.end, inherited=True)


def _row_rule(line: str, rs: RuleSet) -> Rule | None:
    """The rule of the count indicator a table row's label names (". Đơn vị công đoàn cơ sở")."""
    label = fold(line).strip(" .-–•*+\t")
    if any(ch.isdigit() for ch in label):
        return None
    glued = _GLUED_UNIT.match(label)  # "Đoàn viên công đoànđoàn viên": the row's unit cell glued to its label
    return _labelled_rule(glued.group(1) if glued else label, rs, money=False)


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


_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[a-zđ])[.)]\s+")
# How far above an item its list's header is looked for.
_LIST_LINES = 60
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
        if count_words(left.split(":")[-1]) > 1 or count_words(left) > 12:
            return None
        label = left.split(":")[0]
    else:  # the whole line before the amount must be a name: short, capitalised, no verb of its own
        if count_words(s.text[q.end :]) > 3:
            return None  # and the amount ends the line ("… 186 triệu đồng;")
        label = left
        stripped_label = label.strip(" -•*+\t")
        if not stripped_label or not stripped_label[0].isupper() or count_words(label) > 10 or s.text[:1].isspace():
            return None
        if any(r.triggers is not None and r.triggers.search(fold(label)) for r in rs.rules):
            return None
    # (only the 60 lines above are read: split no further)
    for back, line in enumerate(reversed(text[:line_start].rsplit("\n", _LIST_LINES)[-_LIST_LINES:])):
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
# The same after a comma, for counts: "thành lập mới 22 CĐCS, trong đó có 16 CĐCS tại các doanh nghiệp …".
_COUNT_BREAKDOWN = re.compile(r",\s*trong đó\s*,?(?:\s+có)?\s*$")


def _is_breakdown(s: _Sentence, q: Quantity) -> bool:
    before = s.low[max(0, q.start - 25) : q.start]
    return _BREAKDOWN.search(before) is not None or (not _money(q) and _COUNT_BREAKDOWN.search(before) is not None)


def _unions_of_a_kind(s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    """Grassroots unions named by their kind right after the count ("34 công đoàn giáo dục"; `union_kinds`)."""
    return _counts(s, q, rs.common.union_kinds, gap=_SPACE_RUN)


def _members_of_a_kind(s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    """Members named by sex right after the count ("(49 nữ", "trong đó có 603 là nữ"; `member_kinds`)."""
    return _counts(s, q, rs.common.member_kinds, gap=_SPACE_RUN)


def _counts_same_thing(rule: Rule, s: _Sentence, q: Quantity, rs: RuleSet) -> bool:
    """Whether `q` can inherit `rule`'s indicator: money for money, and for counts a noun after `q` that
    one of the indicator's rules accepts, or for unions their kind."""
    if (rule.unit == VND) != _money(q):
        return False
    if rule.unit == ORGANIZATION and _unions_of_a_kind(s, q, rs):
        return True
    # the women among a stock of members are a part of it (GUIDELINE §10, "A stock split by sex")
    if rule.unit == PERSON and rs.indicator(rule.indicator).stock and _members_of_a_kind(s, q, rs):
        return True
    return rule.unit == VND or any(_object_after(r, s, q) is not None for r in rs.indicator(rule.indicator).rules)


_AND_BEFORE = re.compile(r"(?<!\w)và\s+$")
_COMMA_BEFORE = re.compile(r",\s*$")
# A fund or a programme named after a comma or a semicolon, then its amount: the next item of a list of donations
# ("ủng hộ Quỹ Ngày vì người nghèo 320.016.000 đồng, quỹ Xóa đói giảm nghèo 77.163.000 đồng, quỹ Bảo trợ, Khuyến học
# 356.128.000 đồng", "đóng góp Chương trình xã hội từ thiện trên 6 tỷ, Chương trình “Satra vì biển đảo” 9,5 tỷ đồng").
_FUND_ITEM_BEFORE = re.compile(r"[,;]\s*(?:quỹ|chương trình)(?!\w)[^;:()\d]{0,60}$")
# A passive after an item names another action: "kết nạp mới hơn 12.000 đoàn viên, hơn 6.100 đoàn viên được phát thẻ".
_PASSIVE = re.compile(r"(?<!\w)được(?!\w)")
# Words that open a verb phrase of the item's own ("133 CĐCS đã tổ chức hoạt động").
_OWN_VERB = re.compile(r"(?<!\w)(?:đã|đang|sẽ)(?!\w)")


def _component_match(s: _Sentence, q: Quantity, found: list[tuple[Quantity, Match]], rs: RuleSet) -> Match | None:
    """A number in parentheses or at the head of a list segment with the same kind of noun as a claim
    earlier in the sentence is a component of it ("kết nạp 19 … (16 công đoàn viên) và … (3 công đoàn
    viên)"; "thành lập 14 CĐCS …; 7 CĐCS trong …"; "kết nạp 40 đoàn viên … và 97 đoàn viên …")."""
    left = s.text[: q.start]
    in_parens = left.rfind("(") > left.rfind(")")
    seg_start = max(left.rfind(";"), left.rfind("("))
    # (a count that opens a ";" part with a verb of its own after it states something else: "thành lập mới được 6 CĐCS
    # …; 133 CĐCS đã tổ chức hoạt động …")
    head_of_segment = seg_start >= 0 and count_words(left[seg_start + 1 :]) == 0 and (
        left[seg_start] == "(" or not _OWN_VERB.search(s.low, q.end, segment_end(s, q.end, s.clause_end(q.end))))
    # "kết nạp 40 đoàn viên … Hồng Nhật và 97 đoàn viên … Clotech Vina": the verb governs both numbers (not
    # after a comma: "hiện có 45 CĐCS trực thuộc, 44 CĐCS thành viên" lists other kinds)
    # (counts only: amounts joined by "và" often have givers or recipients of their own)
    coordinated = not _money(q) and _AND_BEFORE.search(left) is not None
    # A comma joins the objects of a verb of admission or founding ("kết nạp 40 đoàn viên … Hồng Nhật, 97 đoàn viên
    # … Clotech Vina"): a flow's items; a total's items after a comma are other kinds (above).
    joined = in_parens or head_of_segment or coordinated or _is_breakdown(s, q)
    listed = (not _money(q) and _COMMA_BEFORE.search(left) is not None
              and not _PASSIVE.search(s.low, q.end, max(q.end, s.clause_end(q.end))))
    fund_item = _money(q) and _FUND_ITEM_BEFORE.search(s.low, max(0, q.start - 80), q.start) is not None
    if not (joined or listed or fund_item):
        return None
    if in_parens and _money(q) and _giver_before_parens(s, left.rfind("("), rs):
        return None  # "… từ Công đoàn (200 triệu đồng) và Tập đoàn X (300 triệu đồng)": X's share is not a union's
    for _prev_q, prev_m in reversed(found):  # the nearest earlier claim counting the same kind of thing
        rule = prev_m.rule
        if not _counts_same_thing(rule, s, q, rs):
            continue
        if not joined and rs.indicator(rule.indicator).stock:
            return None
        return None if _vetoed_in_item(rule, s, q) else _part_of(prev_m, q)
    return None


def _part_of(whole: Match, q: Quantity) -> Match:
    """`q` read as a part or the next item of the claim `whole`: its rule, a little less sure."""
    return Match(rule=whole.rule, score=whole.score - 0.15, trigger_start=q.start, evidence_end=q.end, inherited=True)


def _vetoed_in_item(rule: Rule, s: _Sentence, q: Quantity, *, to_aside: bool = False) -> bool:
    """One of `rule`'s vetoes in the part's own item: from the number to the end of its comma or semicolon segment
    (with `to_aside`, only up to a parenthesis opening in it)."""
    item = s.low[q.start : segment_end(s, q.end, s.clause_end(q.end))]
    if to_aside:
        item = item.split("(", 1)[0]
    return rule.exclude is not None and rule.exclude.search(item) is not None


_NAME_CUT = re.compile(r".*(?:[,;:]|(?<!\w)(?:và|từ|của|cùng)(?!\w))", re.DOTALL)


def _giver_before_parens(s: _Sentence, paren: int, rs: RuleSet) -> bool:
    """The name just before a parenthesis holding an amount is a giver that is not a union body."""
    c = rs.common
    if c.non_union_givers is None:
        return False
    before = s.low[max(0, paren - 80) : paren]
    cut = _NAME_CUT.match(before)
    name = before[cut.end() :] if cut else before
    return bool(giver_names(rs, name)) and not (c.union_bodies is not None and c.union_bodies.search(name))


_BULLET = re.compile(r"^[\s\-–•*+>|]*")
_OF_WHICH = re.compile(r"^\W*trong đó(?!\w)(?:\s*,?\s*có(?!\w))?")
# A breakdown after a colon: "… hiện có 55 CĐCS trực thuộc/2.064 đoàn viên gồm: 41 CĐCS hành chính, sự nghiệp, …".
_INCLUDES_BEFORE = re.compile(r"(?<!\w)(?:bao gồm|gồm|trong đó)\s*:\s*$")


def _label_match(s: _Sentence, q: Quantity, rs: RuleSet) -> Match | None:
    """Flattened tables and fact boxes: "Kết nạp đoàn viên: 8.127 người", "Tổng số CĐCS: 2.318"."""
    left = s.text[: q.start].rstrip()
    if not left.endswith(":"):
        return None
    label_lo = _BULLET.match(left).end()
    rule = _labelled_rule(fold(left[label_lo:-1]), rs, money=_money(q))
    if rule is None:
        return None
    return Match(rule=rule, score=rule.confidence - 0.07, trigger_start=label_lo, evidence_end=q.end, inherited=True)


def _labelled_rule(label: str, rs: RuleSet, *, money: bool) -> Rule | None:
    """The first rule of the indicator whose `labels` name (nearly) the whole folded label: "Số CĐCS xếp loại hoàn
    thành tốt nhiệm vụ" is not "Số CĐCS". The longest label found wins."""
    if not label or count_words(label) > 10:
        return None
    best: tuple[int, Rule] | None = None
    for ind in rs.indicators:
        if ind.labels is None or (ind.unit == VND) != money:
            continue
        m = ind.labels.search(label)
        if m is None or count_words(label[m.end() :]) > 2 or count_words(label[: m.start()]) > 1:
            continue
        if any(r.exclude is not None and r.exclude.search(label) for r in ind.rules[:1]):
            continue
        if best is None or len(m.group()) > best[0]:
            best = (len(m.group()), ind.rules[0])
    return best[1] if best is not None else None


def _of_which_match(s: _Sentence, q: Quantity, previous: list[Match], rs: RuleSet,
                    here: Sequence[tuple[Quantity, Match]] = ()) -> Match | None:
    """"Trong đó, …" breaks a total down: its amounts are parts of the claim before it ("… trao
    2.356.800.000 đồng ủng hộ đồng bào … Trong đó, Ban Thường vụ trích … 200 triệu đồng"), and so does a list of
    counts after "gồm:" (amounts after it are often one gift's contents: "Mỗi suất quà gồm: 1.000.000 đồng tiền mặt").
    `previous` holds the latest claims, most recent last; the part belongs to the latest one of its kind (money or a
    count of the same thing)."""
    lo = s.clause_start(q.start)
    money = _money(q)
    opener = _OF_WHICH.match(s.low[lo:])
    after_colon = not money and _INCLUDES_BEFORE.search(s.low[max(0, lo - 12) : lo]) is not None
    if not (opener or _OF_WHICH.match(s.low) or after_colon):
        return None
    # "Trong đó, thành lập … 423 CĐ cơ sở với 29.845 đoàn viên": a number after another claim of its clause
    # describes that claim (the members of the unions founded), it is no part of the earlier total.
    if not money and any(lo <= fq.start < q.start and not _counts_same_thing(fm.rule, s, q, rs) for fq, fm in here):
        return None
    # "…; chuyển giao 13 CĐCS …": a verb of another action governs the number, it is no part of the total.
    # The opener "trong đó có" blocks other counts ("trong đó có 16 người đạt trình độ thạc sĩ") but not unions by kind
    # ("trong đó có 24 công đoàn khối cơ quan huyện, 34 công đoàn giáo dục").
    skip = opener.end() if opener is not None and _unions_of_a_kind(s, q, rs) else 0
    blocking = rs.common.blocking_verbs
    if blocking is not None and blocking.search(s.low, max(lo + skip, segment_start(s, q.start)), q.start):
        return None
    same_kind = [m for m in previous if (m.rule.unit == VND) == money]
    if not same_kind or (money and non_union_giver(s, rs, max(lo, segment_start(s, q.start)), q.start)):
        return None
    prev = same_kind[-1] if money else next(
        (m for m in reversed(same_kind) if _counts_same_thing(m.rule, s, q, rs)), None)
    if prev is None or not _counts_same_thing(prev.rule, s, q, rs):
        return None
    # The part keeps the vetoes of the indicator it inherits ("Trong đó, tăng thêm 2.790 CĐCS với … đoàn
    # viên" is growth, not a part of the recruits; "… cho 497 đoàn viên, người lao động" mixes in workers).
    window = s.low[lo : s.clause_end(q.end)]
    if prev.rule.exclude is not None and prev.rule.exclude.search(window):
        return None
    return _part_of(prev, q)


_OF_WHICH_IN = re.compile(r"(?<!\w)trong đó(?!\w)")


def _sum_part_match(s: _Sentence, q: Quantity, found: Sequence[tuple[Quantity, Match]], rs: RuleSet,
                    earlier: Iterable[tuple[Quantity, Match]] = ()) -> Match | None:
    """A count after "trong đó" that drops its noun is a part of the stock before it when the counts from the first
    after "trong đó" on add up to that stock (GUIDELINE §10, "A list item that drops its noun"): "quản lý 41 CĐCS,
    trong đó có 22 đơn vị hành chính sự nghiệp, 7 doanh nghiệp Nhà nước và 12 doanh nghiệp ngoài Nhà nước" (22 + 7 +
    12 = 41). A sentence that opens with "Trong đó" breaks down a stock of the sentences before it (`earlier`, the
    latest claim of each indicator): "Số lượng đoàn viên hiện nay là: 228. Trong đó, Nam: 88; Nữ: 140."."""
    if _money(q) or q.kind != "number":
        return None
    openers = list(_OF_WHICH_IN.finditer(s.low, 0, q.start))
    if not openers:
        return None
    parts = [o for o in s.quantities if o.start >= openers[-1].end()]
    # the stock the list breaks down: one claimed before "trong đó", the latest first ("quản lý 55 CĐCS với … (có 3.143
    # đoàn viên); trong đó có 52 CĐCS …, 2 CĐCS … và 1 doanh nghiệp cổ phần" breaks down the 55)
    here = [(fq, fm) for fq, fm in found if fq.end <= openers[-1].start()]
    # (from the sentences before, only an item that drops its noun: "Trong đó có 68 đoàn viên biên chế và 22 đoàn viên
    # hợp đồng" names what it counts, and whether such a split is a part is left to the readings of named parts)
    before = [(fq, fm) for fq, fm in earlier if not _counts_same_thing(fm.rule, s, q, rs)] if (
        len(openers) == 1 and _OF_WHICH.match(s.low)) else []
    for total_q, total_m in [*reversed(here), *reversed(before)]:
        if rs.indicator(total_m.rule.indicator).stock and _adds_up(parts, q, total_q.value):
            # the part keeps the vetoes of the stock's rule, read in its own item up to an aside ("…, 53.393 người
            # (tăng 7.632 người so với năm 2015)": the change is the total's, the sum shows the part is one)
            return None if _vetoed_in_item(total_m.rule, s, q, to_aside=True) else _part_of(total_m, q)
    return None


def _adds_up(parts: list[Quantity], q: Quantity, total: float) -> bool:
    """Two or more plain counts from the first of `parts` on reach `total` exactly, `q` among them."""
    subtotal = 0.0
    for i, part in enumerate(parts):
        if part.kind != "number" or part.unit is not None:
            return False
        subtotal += part.value
        if subtotal >= total:
            return subtotal == total and i > 0 and part.start >= q.start
    return False


# An amount that ends in a scale word and no currency ("200 triệu", "hơn 1,1 tỉ"): money in a donor list.
_BARE_SCALED = re.compile(r"(?:triệu|tỷ|tỉ)\s*$", re.IGNORECASE)
_ROUNDS = re.compile(r"\s*\d+\s+(?:đợt|lần)\s+(?:với|được|là)?\s*$", re.IGNORECASE)


def bare_money(q: Quantity) -> bool:
    """A count that is really an amount of money: "200 triệu" with no noun after it."""
    return q.unit is None and q.kind in ("number", "range") and _BARE_SCALED.search(q.text) is not None


def _inline_item_match(s: _Sentence, q: Quantity, rs: RuleSet) -> Match | None:
    """Donor or recipient lists inside one sentence, after a header ending in ":" that names money, items
    split by ";" ("… ủng hộ nhiều đợt như: Khối cơ quan Bộ 3 đợt với gần 170 triệu; Cục Hàng hải 3 đợt
    với hơn 1,1 tỉ; …", "trao quà cho các đơn vị gồm: Bệnh viện A 200 triệu; Bộ Tư lệnh B 200 triệu"):
    each item is a name, optionally "N đợt với", and an amount, "đồng" or not."""
    if not (_money(q) or bare_money(q)):
        return None
    colon = s.text.rfind(":", 0, q.start)
    if colon < 0:
        return None
    # Items are split by ";", or by "," when the list after its header has no ";" and holds several amounts
    # ("… gồm: CNVCLĐ huyện Hương Khê: 182 triệu đồng, Thạch Hà: 77,5 triệu, Vũ Quang: 66,5 triệu"); an
    # item may name itself with a colon of its own, so such a list's header ends at the sentence's first colon.
    sep = ";"
    first = s.text.find(":")
    if ";" not in s.text[first:] and sum(
            1 for o in s.quantities if o.start > first and (_money(o) or bare_money(o))) >= 2:
        sep, colon = ",", first
    seg_lo = max(s.text.rfind(sep, colon, q.start), colon) + 1
    seg_hi = s.text.find(sep, q.end)
    after = s.text[q.end : seg_hi if seg_hi >= 0 else len(s.text)]
    if count_words(re.sub(r"\b(?:đồng|đ)\b", "", after)) > 3:
        return None
    if "(" in s.text[seg_lo : q.start]:
        return None  # "Quảng Bình (500 triệu đồng), Hà Tĩnh (…)": amounts in parentheses are asides
    label = _ROUNDS.sub("", s.text[seg_lo : q.start]).strip(" -•*+\t,:")
    if not label or not label[0].isupper() or count_words(label) > 14:
        return None
    if any(o is not q and o.start >= seg_lo and o.end <= q.start and (_money(o) or bare_money(o))
           for o in s.quantities):
        return None  # one amount per item
    donors = rs.common.non_union_donors
    if donors is not None and donors.match(fold(label)):
        return None
    head = s.text[:colon].rstrip()
    amount = q.text if _money(q) else q.text + " đồng"
    header = _Sentence(head + " " + amount, [])
    fake = replace(q, start=len(head) + 1, end=len(head) + 1 + len(amount), unit=VND)
    header.quantities = [fake]
    best = None
    for rule in rs.rules:
        if rule.unit != VND:
            continue
        m = _try_rule(rule, header, fake, rs)
        if m and (best is None or m.score > best.score):
            best = m
    if best is None:
        return None
    # The items of "trao quà cho các đơn vị … gồm:" are the recipients: an outside cause named by the label
    # ("Bệnh viện …", "Bộ Tư lệnh …") makes the money raised for that cause, not paid to members.
    low_label, low_head = fold(label), fold(head)
    for rule in rs.rules:
        if (rule.unit == VND and rule.indicator != best.rule.indicator and rule.recipients is not None
                and rule.recipients.search(low_label) and rule.triggers is not None and rule.triggers.search(low_head)
                and best.rule.recipients is None):
            best = Match(rule=rule, score=best.score, trigger_start=0, evidence_end=fake.end)
            break
    return Match(rule=best.rule, score=best.score - 0.1, trigger_start=seg_lo, evidence_end=q.end, inherited=True,
                 label=label)
