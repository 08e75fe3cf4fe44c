"""Claim extraction: sentences → quantities → indicator rules → Claim records.

Only sentences that contain a number reach the expensive steps. For each quantity the grammar finds
(pipeline.text.numbers.grammar), the indicator rules (rules/indicators/*.toml) look for the phrase that governs
it: a trigger verb a few words before it ("kết nạp 856 đoàn viên"), or a passive verb after its noun
("1.298 CB.CNV … được kết nạp"), the noun that follows it, and for money the recipient that decides
whether it was raised or disbursed. Vetoes (Party admissions, Youth Union, loans, per-unit rates,
transfers) come from the same files. The best-scoring rule wins; a number gets one indicator at most.

Here: the entry points and the loop over sentences and quantities. The pieces: `sentences` (splitting,
`_Sentence`), `matcher` (a rule against a number), `givers` (who gives money), `inherit` (readings from list
headers, labels and totals), `context` (period, organisation, province), `repeats` (one fact stated twice).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..records import APPROX, AT_LEAST, AT_MOST, ORGANIZATION, PERSON, VND, Claim, Quantity, stable_id
from ..text import orgs
from ..text.normalize import normalize_with_map
from .attribution import attribute, frame_of, is_header, page_frame, running_frame
from .context import _context_for
from .givers import giver_in_previous, workers_give
from .indicators import RuleSet, default_ruleset, fold
from .inherit import (
    _column_match,
    _component_match,
    _inline_item_match,
    _is_breakdown,
    _label_match,
    _list_header_match,
    _of_which_match,
    _sum_part_match,
    bare_money,
)
from .matcher import (
    _ESTIMATE,
    Match,
    _before_words,
    _party_veto,
    _sentence_vetoes,
    _try_rule,
    _vetoed,
    youth_union_page,
)
from .repeats import dedupe
from .rescore import load_rescorer
from .rescore import rescore as rescore_claims
from .sentences import _DIGIT_OR_WORD, _Sentence, split_sentences
from .targets import is_target
from .triggers import rules_for_sentence

# --------------------------------------------------------------------------- main entry points


def _quantities(sentence: str) -> list[Quantity]:
    from ..text.numbers.grammar import find_quantities

    qs = find_quantities(sentence)
    # Amounts written twice, in digits and then in words ("30.650.000đ (Ba mươi triệu … đồng)"): once.
    # The words may carry commas that split them into several partial amounts ("10.891.000 đồng (Mười
    # triệu, tám trăm chín mươi mốt ngàn đồng)"): every number word inside a parenthesis that opens
    # right after an amount in digits spells that amount out.
    out: list[Quantity] = []
    spelt_until = -1  # end of the parenthesis that spells out the previous amount
    # A sentence that writes some amounts with their currency drops it from others ("… 5 tỷ đồng; vận động đóng góp
    # Chương trình xã hội từ thiện trên 6 tỷ, Chương trình … 9,5 tỷ đồng"): a bare scaled amount that ends its
    # phrase, with no noun after it to count, is money there too.
    names_currency = any(q.unit == VND for q in qs)
    for q in qs:
        if q.unit is None and q.kind in ("number", "words") and _DURATION_AFTER.match(sentence, q.end):
            continue  # "trong 5 năm qua: 7", "6 tháng đầu năm": a span of time, neither a count nor between two
        if q.kind == "words" and q.start < spelt_until:
            continue
        if q.unit == VND and q.value == 0:
            continue  # "Hội chợ 0 đồng", "Siêu thị 0 đồng", "suất quà “0 đồng”": a free programme's name, no sum
        if q.kind == "words" and out and out[-1].value == q.value and q.start - out[-1].end <= 3:
            continue
        # "số tiền 877 triệu", "ủng hộ 600 triệu cho …", "… trên 6 tỷ, …" beside amounts in đồng: money without "đồng"
        if bare_money(q) and (
                _NAMES_MONEY.search(sentence, max(0, q.start - 30), q.start)
                or (_GIVES_BARE.search(sentence, max(0, q.start - 30), q.start) and _GIVEN_TO.match(sentence, q.end))
                or (names_currency and _ENDS_PHRASE.match(sentence, q.end))):
            q = replace(q, unit=VND)
        out.append(q)
        if q.kind != "words":
            spelt_until = _spelling_parenthesis_end(sentence, q.end)
    return out


# The end of a phrase right after an amount: punctuation or the sentence's end, no noun.
_ENDS_PHRASE = re.compile(r"\s*(?:[,.;…]|$)")

# A unit of time right after a bare number: the number is a duration ("5 năm qua", "6 tháng đầu năm").
_DURATION_AFTER = re.compile(r"\s*(?:năm|tháng|tuần|ngày|quý|giờ|phút)(?!\w)", re.IGNORECASE)

# Words that name a sum of money right before an amount whose currency is left out ("số tiền 877 triệu").
_NAMES_MONEY = re.compile(r"(?i)(?:số tiền|kinh phí|trị giá|giá trị|tổng tiền)(?:\s+là)?\s*:?\s*$")

# A verb of giving right before such an amount, and what may follow a sum given (a recipient, a purpose, the
# clause's end), not a noun it counts: "Trao 200 triệu hỗ trợ người lao động", "hỗ trợ 30 triệu cho đoàn viên"
# are money; "hỗ trợ 2 triệu lao động", "tặng 2,3 triệu phần quà" are not.
_GIVES_BARE = re.compile(
    r"(?i)(?<!\w)(?:trao|tặng|ủng hộ|hỗ trợ|dành|quyên góp|đóng góp|góp)(?:\s+(?:thêm|được))?\s*"
    r"(?:(?:hơn|gần|trên|khoảng)\s*)?$")
_GIVEN_TO = re.compile(r"(?i)\s*(?:$|[,.;:)]|(?:cho|hỗ trợ|ủng hộ|giúp|để|tới|đến|nhằm)(?!\w))")

_SPELT_OPEN = re.compile(r"\s{0,2}\(")


def _spelling_parenthesis_end(sentence: str, pos: int) -> int:
    """End of a parenthesis opening right after `pos` and holding only words (an amount spelt out)."""
    m = _SPELT_OPEN.match(sentence, pos)
    if m is None:
        return -1
    close = sentence.find(")", m.end(), m.end() + 160)
    if close < 0 or re.search(r"\d", sentence[m.end() : close]):
        return -1
    return close


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
    title: str | None = None,
    rescore: bool = True,
) -> list[Claim]:
    """Every claim mention in `text`, repeats included, with offsets into `text` as given. `province` and
    `org` are the site's; `title` is the article's (the attribution stage reads both). With `rescore`, the
    learned layer (pipeline.extract.rescore) sets each claim's confidence and drops the unlikely ones."""
    rs = ruleset or default_ruleset()
    norm, omap = normalize_with_map(text)
    doc_id = doc_id or (stable_id(url) if url else stable_id(norm))
    claims: list[Claim] = []
    prev_sentences: list[_Sentence] = []
    # The latest claim of each indicator, most recent last: "Trong đó, …" parts take the latest one that counts
    # the same thing ("… lên hơn 2.100 đoàn viên với 76 tổ chức CĐCS. Trong đó, … 387 đoàn viên và 18 …").
    last_claims: dict[str, tuple[Quantity, Match]] = {}
    page = page_frame(normalize_with_map(title)[0] if title else None, norm, site_org=org, site_province=province)
    section, running = page, None
    spans = split_sentences(norm)
    page_low = fold(norm)
    unions = _union_presence(page_low, len(spans), rs)
    youth_page = youth_union_page(page_low, rs)
    for s_start, s_end in spans:
        raw = norm[s_start:s_end]
        if is_header(raw, s_start == 0 or norm[s_start - 1] == "\n", s_end == len(norm) or norm[s_end] == "\n"):
            section, running = frame_of(raw, page), None  # a new section (a second article on the page)
        if not _DIGIT_OR_WORD.search(raw):
            s = _Sentence(raw, [])
            running = running_frame(s.orgs, running, section)
            prev_sentences.append(s)
            continue
        s = _Sentence(raw, _quantities(raw))
        s.before = tuple(p.low for p in prev_sentences[-rs.look_back :]) if rs.look_back else ()
        # Digits that are no quantity (a date, a year: a third of such sentences) leave nothing to match.
        vetoes = _sentence_vetoes(s, rs) if s.quantities else set()
        sentence_rules = rules_for_sentence(rs.rules, s) if s.quantities else []
        found: list[tuple[Quantity, Match]] = []
        for q in s.quantities:
            if "all" in vetoes or _vetoed(s, q, rs):
                continue
            best = _best_rule_match(s, q, found, sentence_rules, rs) or _inherited_match(
                norm, s_start, s, q, found, last_claims, rs)
            if best is None:
                continue
            if best.rule.unit == VND and bare_money(q):
                q = replace(q, unit=VND)  # "Bộ Tư lệnh Thủ đô 200 triệu" in a donor list: an amount of money
            if best.rule.unit == VND and _not_unions_money(s, best, unions, prev_sentences, rs):
                continue
            if _not_unions_count(s, q, best, youth_page, rs) or _out_of_bounds(q, best, rs):
                continue
            found.append((q, best))
        for fq, m in found:
            last_claims.pop(m.rule.indicator, None)
            last_claims[m.rule.indicator] = (fq, m)
        for q, m in found:
            frame = attribute(s.orgs, q.start, section, running)
            claims.extend(
                _make_claims(q, m, s, s_start, norm, omap, rs, prev_sentences, published, frame, url, site,
                             doc_id)
            )
        first_number = s.quantities[0].start if s.quantities else len(raw)
        running = running_frame([o for o in s.orgs if o.start < first_number], running, section)
        prev_sentences.append(s)
    return rescore_claims(claims, page_low, rs, load_rescorer()) if rescore else claims


def _inherited_match(norm: str, s_start: int, s: _Sentence, q: Quantity, found: list[tuple[Quantity, Match]],
                     last_claims: dict[str, tuple[Quantity, Match]], rs: RuleSet) -> Match | None:
    """A number no rule reads on its own, read as a part or an item of a claim or a list around it."""
    return (
        _component_match(s, q, found, rs)
        or _list_header_match(norm, s_start, s, q, rs)
        or _label_match(s, q, rs)
        or _of_which_match(s, q, [*(lm for _, lm in last_claims.values()), *(fm for _, fm in found)], rs, found)
        or _sum_part_match(s, q, found, rs, last_claims.values())
        or _inline_item_match(s, q, rs)
        or _column_match(norm, s_start, s, q, rs)
    )


def _best_rule_match(s: _Sentence, q: Quantity, found: list[tuple[Quantity, Match]], rules: list,
                     rs: RuleSet) -> Match | None:
    """The best-scoring rule reading of a number (the first of equal scores), or a part of a breakdown."""
    if _is_breakdown(s, q):  # "thành lập 42 CĐCS (trong đó có 29 CĐCS doanh nghiệp …)"
        part = _component_match(s, q, found, rs)
        if part is not None:
            return part
    best: Match | None = None
    for rule in rules:
        m = _try_rule(rule, s, q, rs)
        if m is not None and (best is None or m.score > best.score):
            best = m
    return best


def _not_unions_money(s: _Sentence, m: Match, unions: str, prev_sentences: list[_Sentence], rs: RuleSet) -> bool:
    """Money whose giver is not a union (GUIDELINE §10, who gives). On a page that names no union body or
    member, only workers' own gifts count ("người lao động tại Công ty X đã đóng góp gần 1,2 tỷ đồng", §4
    dev-039), not a government package, a firm's or co-workers' money. A sentence with no giver of its own
    continues the previous one's."""
    if unions == "none" or (unions == "actors" and not workers_give(s, rs, m.trigger_start)):
        return True
    return not m.inherited and giver_in_previous(s, prev_sentences[-1] if prev_sentences else None, rs,
                                                 m.trigger_start)


def _not_unions_count(s: _Sentence, q: Quantity, m: Match, youth_page: bool, rs: RuleSet) -> bool:
    """People or unions that are not the trade union's: a Party admission ("304 đoàn viên, CNVCLĐ được kết nạp
    Đảng"), or the Youth Union's members on a page that names the Youth Union and no trade union."""
    if m.rule.unit == PERSON and youth_page:
        return True
    return m.rule.unit in (PERSON, ORGANIZATION) and _party_veto(s, q, m, rs)


def _out_of_bounds(q: Quantity, m: Match, rs: RuleSet) -> bool:
    """An amount under its indicator's `min_value` (no union fund is a few thousand đồng, so "hỗ trợ 30 đồng" is a
    misprint and "góp 1.000 đồng" a per-person rate), or a ceiling where the indicator has `no_ceilings` ("hỗ trợ tối
    đa 3 triệu đồng" is a policy, not a sum paid; rules/indicators/funds_*.toml)."""
    ind = rs.indicator(m.rule.indicator)
    if ind.no_ceilings and q.qualifier == AT_MOST:
        return True
    largest = q.value_max if q.kind == "range" else q.value
    return ind.min_value > 0 and largest is not None and largest < ind.min_value


def _union_presence(low: str, n_sentences: int, rs: RuleSet) -> str:
    """What the page names of the union: "bodies" (a union body or its members: "công đoàn", "LĐLĐ", "đoàn
    viên"), "actors" (only workers: "người lao động", "công nhân"), or "none". A page that names an
    employer's staff and no union body ("cán bộ, nhân viên Tập đoàn … quyên góp", "viên chức, người lao
    động Bệnh viện X đóng góp") reports the employer's money (GUIDELINE §10, who gives): "none" too. A
    headline alone (one sentence) is not judged: "bodies". `low` is the folded page text."""
    c = rs.common
    if n_sentences < 2 or c.union_bodies is None or c.union_bodies.search(low):
        return "bodies"
    if c.union_actors is None or not c.union_actors.search(low):
        return "none"
    return "none" if c.company_staff is not None and c.company_staff.search(low) else "actors"


def _make_claims(q, m, s, s_start, norm, omap, rs, prev_sentences, published, frame, url, site, doc_id):
    ctx = _context_for(s, q.start, prev_sentences, published, frame)
    province = frame.province
    if rs.indicator(m.rule.indicator).stock and ctx.period_end:
        # A total is a level at the end of the period it is reported for ("sau 15 năm … quản lý 61 CĐCS").
        ctx.period_start = ctx.period_end
    if m.label:  # a donor-list line: the label names the giver ("Liên đoàn Lao động tỉnh Thái Bình: …")
        named = orgs.find_orgs(m.label)
        ctx.org = orgs.canonical_org(named[0], province) if named else m.label
        if named and named[0].province:
            ctx.province = named[0].province
    target = is_target(s, q, norm, s_start, prev_sentences[-1] if prev_sentences else None, rs)
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
    confidence = base_conf + m.score - m.rule.confidence
    confidence = round(max(0.05, min(0.99, confidence)), 3)
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
        # "kết nạp 76/50 công đoàn viên, đạt 150% chỉ tiêu": the denominator is the target, for indicators
        # reported against a plan (`against_plan` in their rule file).
        if q.kind == "fraction" and q.denominator is not None and rs.indicator(m.rule.indicator).against_plan:
            vals.append((q.denominator, None, None, True))
    for value, vmin, vmax, target_flag in vals:
        cid = stable_id(doc_id, start, end, m.rule.indicator, value, vmin, vmax, target_flag)
        out.append(Claim(claim_id=cid, value=value, value_min=vmin, value_max=vmax, is_target=target_flag, **base))
    return out


def extract_claims(
    text: str,
    *,
    url: str | None = None,
    published: str | None = None,
    province: str | None = None,
    org: str | None = None,
    site: str | None = None,
    doc_id: str | None = None,
    title: str | None = None,
) -> list[Claim]:
    """Claims in `text` (the stable interface); offsets point into `text` as given."""
    mentions = extract_mentions(
        text, url=url, published=published, province=province, org=org, site=site, doc_id=doc_id, title=title
    )
    return dedupe(mentions, text)


def extract_article(article) -> list[Claim]:
    """Claims of a cleaned Article, with its provenance (page, fetch, input) and its site's province/org
    as defaults."""
    claims = extract_claims(
        article.text, url=article.url, published=article.published, province=article.province,
        org=article.org, site=article.site, doc_id=article.doc_id, title=article.title,
    )
    for c in claims:
        c.fetched_at, c.source = article.fetched_at, article.source
    return claims
