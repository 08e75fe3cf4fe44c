"""The context of a claim: the period, organisation and province nearest to the number."""

from __future__ import annotations

from dataclasses import dataclass

from ..text import orgs, periods
from .sentences import _Sentence

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
