"""Who gives the money: a union, or a company, an agency or the Fatherland Front in its own name (GUIDELINE
§10, who gives). The matcher asks it before reading an amount as a union's; the extractor asks it about
sentences whose giver is named in the sentence before."""

from __future__ import annotations

import re

from ..records import VND
from .indicators import RuleSet
from .sentences import _Sentence, count_words, segment_start
from .triggers import _may_trigger, _search_last, _sentence_has

# Verbs of giving: where a giver's clause is read from, and what a previous sentence's giver gave.
GIVING = re.compile(r"(?<!\w)(?:ủng hộ|quyên góp|đóng góp|trao|tặng|hỗ trợ|góp|dành|trích)(?!\w)")


# What makes a giver word an object or part of a name, not the subject: "thăm 200 doanh nghiệp", "Công
# đoàn Công ty …", "xây dựng Trường Mầm non …", "tặng Trung tâm Bảo trợ …"; or the short name of the body just
# named, in parentheses ("tập thể CBCNV Tổng Cty Điện lực miền Trung (EVNCPC)": the staff give, as before).
_OBJECT_POSITION = re.compile(
    r"(?:\d|thăm|cho|tại|ở|của|với|từ|thuộc|trong|toàn|đến|công đoàn|cđ|cđcs|xây dựng|xây|sửa chữa|tặng|trao|giúp|\()\s*$")
# A partner the subject works with, a few words after "phối hợp với" ("Công đoàn Bộ … phối hợp với Văn phòng Bộ
# VHTTDL tại Đà Nẵng chuyển 80 triệu đồng"): the union gives, the partner helps. ("Cùng với đó, người sử dụng lao động
# hỗ trợ …" names the giver after a comma.)
_PARTNER = re.compile(r"(?:phối hợp với|phối hợp cùng|cùng với)\s+(?!đó\W)(?:[^\s,;:]+\s+){0,3}$")


def giver_names(rs: RuleSet, text: str) -> list[re.Match[str]]:
    """The non-union givers named in `text`, except inside a word that only holds one's name ("trường hợp",
    "thị trường": no school)."""
    c = rs.common
    if c.non_union_givers is None:
        return []
    found = list(c.non_union_givers.finditer(text))
    if not found or c.non_union_giver_exceptions is None:
        return found
    spans = [(e.start(), e.end()) for e in c.non_union_giver_exceptions.finditer(text)]
    return [m for m in found if not any(a <= m.start() and m.end() <= b for a, b in spans)]


# What makes a giver word after an object-position word the subject after all: a count opening the text counts the
# givers ("20 doanh nghiệp trong tỉnh cũng hỗ trợ …"), a date is no count ("17/01/2026 Công ty Pouyuen chi …"), and a
# body's delegation or leadership gives in its name ("đoàn công tác của Tập đoàn Dầu khí … đã trao …").
_COUNTED_SUBJECT = re.compile(r"^\W*(?:(?:có|hơn|gần|trên)\s+)?\d[\d.,]*\s*$")
_DATE_BEFORE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*$")
_DELEGATION_OF = re.compile(r"(?<!\w)(?:đoàn công tác|lãnh đạo)\s+của\s*$")


def _subject_givers(rs: RuleSet, text: str) -> list[re.Match[str]]:
    """The non-union givers named in `text` as a subject: not part of a union's name ("Công đoàn Công ty …") nor
    an object ("thăm 200 doanh nghiệp")."""
    out = []
    for m in giver_names(rs, text):
        before = text[max(0, m.start() - 20) : m.start()]
        if _PARTNER.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        if (not _OBJECT_POSITION.search(before[-12:]) or _COUNTED_SUBJECT.match(text[: m.start()])
                or _DATE_BEFORE.search(before) or _DELEGATION_OF.search(before)):
            out.append(m)
    return out


def _on_behalf_of_staff(rs: RuleSet, before: str) -> bool:
    """A union officer hands the money over on behalf of a staff not named as members ("đại diện tập thể cán bộ
    CNV-LĐ Tổng công ty … trao tặng"), and no union mobilised it first (GUIDELINE §10, a union that only hands over)."""
    c = rs.common
    if c.on_behalf_patterns is None or ("đại diện" not in before and "thay mặt" not in before):
        return False
    cue = c.on_behalf_patterns.search(before)
    if cue is None:
        return False
    return c.mobilising_verbs is None or c.mobilising_verbs.search(before, 0, cue.start()) is None


def _employer_staff(s: _Sentence, rs: RuleSet, before: str) -> bool:
    """The givers are a business's staff, its leadership included ("toàn thể cán bộ công nhân viên Tập đoàn
    X", "CBCNV trong Công ty Y"), and the sentence names no union body: the employer's money (GUIDELINE §10)."""
    c = rs.common
    if c.company_staff is None or c.employers is None or c.union_bodies is None or _sentence_has(s, c.union_bodies):
        return False
    for m in c.company_staff.finditer(before):
        if c.employers.search(before, m.end(), m.end() + 60) is None:
            continue
        # "LĐLĐ huyện vận động CBCNV các công ty ủng hộ …": staff a union mobilised
        mobilised = c.mobilising_verbs.search(before, 0, m.start()) if c.mobilising_verbs is not None else None
        return mobilised is None
    return False


def non_union_giver(s: _Sentence, rs: RuleSet, lo: int, trigger_start: int) -> bool:
    """The money's giver is not a union: a company, a ministry or the Fatherland Front is the subject
    before the verb and no union body or member is ("Bộ Y tế đã hỗ trợ 5 tỷ đồng", "các doanh nghiệp
    hỗ trợ thêm 200 triệu đồng"). Joint givers with a union ("41 CĐCS … và Ban Giám đốc … đóng góp")
    and givers a union mobilised ("vận động CNLĐ và doanh nghiệp ủng hộ") stay the union's."""
    c = rs.common
    if c.non_union_givers is None:
        return False
    before = s.low[lo:trigger_start]
    # The whole clause: "cán bộ, công nhân viên, người lao động trong Công ty X ủng hộ …", "… đại diện tập thể …"
    clause_before = s.low[min(lo, s.clause_start(trigger_start)) : trigger_start]
    if _on_behalf_of_staff(rs, clause_before) or _employer_staff(s, rs, clause_before) or _own_drive(rs, clause_before):
        return True
    givers = _subject_givers(rs, before) if _may_trigger(s, c.non_union_givers) else []
    if not givers:
        return False
    if c.union_actors is not None and c.union_actors.search(before):
        return False  # union bodies, or members and staff ("người lao động Bệnh viện X quyên góp …")
    # "vận động các doanh nghiệp ủng hộ …": mobilised by the (earlier-named) union; but "Hội … vận động
    # hội viên đóng góp" is the giver mobilising its own members.
    mobilised = c.mobilising_verbs.search(before) if c.mobilising_verbs is not None else None
    return not (mobilised is not None and mobilised.start() < givers[0].start())


def _own_drive(rs: RuleSet, before: str) -> bool:
    """An agency or a firm mobilises its own staff ("Sở GDĐT tỉnh … đã vận động cán bộ, giáo viên … quyên
    góp", "Cục Thuế … vận động cán bộ, công chức … ủng hộ"): the people it calls on are its staff, not union
    members, when the clause names no union body and nobody of the union before the giver (GUIDELINE §10, who
    gives). `before` is the clause up to the verb of giving."""
    c = rs.common
    if c.mobilising_verbs is None or (c.union_bodies is not None and c.union_bodies.search(before)):
        return False
    mobilised = c.mobilising_verbs.search(before)
    if mobilised is None:
        return False
    givers = _subject_givers(rs, before[: mobilised.start()])
    if not givers:
        return False
    return c.union_actors is None or c.union_actors.search(before, 0, givers[0].start()) is None


def workers_give(s: _Sentence, rs: RuleSet, trigger_start: int) -> bool:
    """Workers are named as the givers, before the verb of their clause ("người lao động tại Công ty X đã
    đóng góp …", "Hơn 30.000 công nhân quyên góp …"), not as its object ("chăm lo Tết cho công nhân")."""
    c = rs.common
    if c.union_actors is None:
        return False
    before = s.low[s.clause_start(trigger_start) : trigger_start]
    return any(not _WORKERS_AS_OBJECT.search(before[max(0, m.start() - 12) : m.start()])
               for m in c.union_actors.finditer(before))


# Words that make the workers after them the money's recipients, not its givers. A count before them
# ("Hơn 30.000 công nhân quyên góp") still names givers.
_WORKERS_AS_OBJECT = re.compile(r"(?:cho|tặng|trao|thăm|giúp|hỗ trợ|chăm lo|đến|tới|vì)\s*(?:các|những|\d[\d.,]*)?\s*$")


def giver_in_previous(s: _Sentence, prev: _Sentence | None, rs: RuleSet, trigger_start: int) -> bool:
    """A sentence that names no giver of its own ("Kết quả, đã ủng hộ 495 triệu đồng.", "Hơn 500 triệu
    đồng ủng hộ Quỹ …") continues the previous one: when that one's giver is not a union (a company, an
    agency, the Fatherland Front) and it names no union body, neither is this money the union's."""
    c = rs.common
    if prev is None or c.non_union_givers is None or c.union_actors is None:
        return False
    before = s.low[:trigger_start]
    if c.union_actors.search(before) or giver_names(rs, before) or c.union_actors.search(s.low):
        return False
    if c.union_bodies is not None and c.union_bodies.search(prev.low):
        return False
    verb = GIVING.search(prev.low)
    if verb is None:
        return False
    return non_union_giver(prev, rs, prev.clause_start(verb.start()), verb.start())


def giver_start(s: _Sentence, rs: RuleSet, clause_lo: int, t_start: int) -> int:
    """Where the giver of a verb is looked for: its comma segment ("Công đoàn tỉnh ủng hộ 10 tỷ đồng, Tổng
    công ty X ủng hộ 5 tỷ đồng": each item its own giver), or the clause when the segment holds no word
    before the verb ("Tập đoàn tiếp tục trao số tiền quyên góp, ủng hộ 800 triệu đồng"); widened over a subject
    enumerated across commas, and moved past a verb that reports who gave."""
    lo = max(clause_lo, segment_start(s, t_start))
    if not count_words(s.low[lo:t_start]) and GIVING.search(s.low[max(clause_lo, lo - 16) : lo]):
        return clause_lo
    lo = _enumerated_subject(s, rs, clause_lo, lo, t_start)
    return _after_report(s, rs, lo, t_start)


def _after_report(s: _Sentence, rs: RuleSet, lo: int, t_start: int) -> int:
    """Past a verb that reports what someone did, when the words after it name who did it ("Ông X, Chủ tịch Công
    đoàn … cho biết công ty đã hỗ trợ …": the company gives); with nobody named after it the speaker acts ("Ủy ban
    MTTQ tỉnh cho biết vừa … chuyển số tiền …")."""
    c = rs.common
    said = _search_last(s, c.reporting_verbs, s.low[lo:t_start])
    if said is None:
        return lo
    after = s.low[lo + said.end() : t_start]
    named = giver_names(rs, after) or (c.union_actors is not None and c.union_actors.search(after))
    return lo + said.end() if named else lo


# A comma segment that ends an enumerated subject holds only a few words ("…, thị xã, thành phố trong tỉnh").
_SUBJECT_ITEM_WORDS = 6


def _enumerated_subject(s: _Sentence, rs: RuleSet, clause_lo: int, lo: int, t_start: int) -> int:
    """The start of a subject enumerated across commas ("Ủy ban MTTQ các huyện, thị xã, thành phố trong tỉnh
    vận động được …", "30 cơ quan, đơn vị, doanh nghiệp, cá nhân ủng hộ …"): short segments before the verb's
    own, back to one that states an amount or a gift of its own (the item of another giver, "Công đoàn tỉnh
    ủng hộ 10 tỷ đồng, Tổng công ty X ủng hộ 5 tỷ đồng"), a call for money ("Thông qua đợt phát động, Trường …
    quyên góp": no union mobilised the school) or that is no short list item."""
    mobilising = rs.common.mobilising_verbs
    if not 0 < count_words(s.low[lo:t_start]) <= _SUBJECT_ITEM_WORDS:
        return lo  # (a verb right after a comma has its subject before it: "Công ty X, ủng hộ 25 triệu đồng")
    while lo > clause_lo and s.low[lo - 1] == ",":
        prev_lo = max(clause_lo, segment_start(s, lo - 1))
        item = s.low[prev_lo : lo - 1]
        if (count_words(item) > _SUBJECT_ITEM_WORDS or GIVING.search(item)
                or (mobilising is not None and mobilising.search(item))
                or any(prev_lo <= o.start < lo and o.unit == VND for o in s.quantities)):
            break
        lo = prev_lo
    return lo


# The money's owner right after the amount: "(số tiền) 3 tỷ đồng của Tập đoàn Điện lực Việt Nam", "hơn 60 triệu đồng
# của một số doanh nghiệp, cá nhân"; up to where the money goes ("đến", "cho", "tới") or what it is for ("để").
_OWNER_AFTER = re.compile(r"\s*(?:đồng|đ)?\s*của\s+((?:(?!\s(?:đến|tới|cho|để|nhằm|và trao|trao)\s)[^;:.()])*)")


def owned_by_non_union(s: _Sentence, rs: RuleSet, amount_end: int) -> bool:
    """The amount is named as the money of a giver that is not a union ("ủng hộ 3 tỷ đồng của Tập đoàn Điện lực Việt
    Nam"), and no union body or member is among its owners ("41,6 triệu đồng của tập thể cán bộ, giáo viên Nhà trường"
    is the staff's)."""
    owner = _OWNER_AFTER.match(s.low, amount_end)
    if owner is None or not giver_names(rs, owner.group(1)):
        return False
    actors = rs.common.union_actors
    return actors is None or actors.search(owner.group(1)) is None


def later_giver_not_union(s: _Sentence, rs: RuleSet, clause_lo: int, t_start: int, amount_start: int) -> bool:
    """A later verb of giving, between a rule's trigger and the amount, has a giver of its own that is no union
    ("Để kịp thời ủng hộ Quỹ Vaccine …, ngày 15/6/2021, Bộ GTVT đã trực tiếp trao … 1 tỉ đồng": the ministry hands
    the money over). A passive ("… được hỗ trợ là 75.000.000 đồng") names who gets it, not who gives."""
    last = next(reversed(list(GIVING.finditer(s.low, t_start + 1, amount_start))), None)
    if last is None or s.low[: last.start()].rstrip().endswith("được"):
        return False
    return non_union_giver(s, rs, giver_start(s, rs, clause_lo, last.start()), last.start())

