"""The context of a claim: the period, organisation and province nearest to the number."""

from __future__ import annotations

from dataclasses import dataclass

from ..text import periods
from .attribution import Frame
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
    sentence: _Sentence, q_pos: int, prev_sentences: list[_Sentence], published: str | None, frame: Frame,
) -> _Context:
    """Period, organisation and province of a number at `q_pos`: the period nearest before it in its
    sentence (or the two sentences before); the body and province from the attribution stage (`frame`,
    see pipeline.extract.attribution), refined by a place named before the number."""
    ctx = _Context(org=frame.org, province=frame.province)
    period = _nearest_before(sentence.periods, q_pos)
    if period is None:
        for prev in reversed(prev_sentences[-2:]):
            if prev.periods:
                period = prev.periods[-1]
                break
    if period is not None:
        ctx.period_text = period.text
        ctx.period_start, ctx.period_end = periods.resolve_period(period.text, published)
    # Where: a place named before the number in its sentence, unless the body named there has its own.
    # (Bodies and places named after the number are usually recipients or third parties.)
    named = _nearest_before(sentence.orgs, q_pos, or_after=False)
    if named is None or named.province is None:
        place = _nearest_before(sentence.places, q_pos, or_after=False)
        if place is not None and (named is None or place.start > named.start or ctx.province is None):
            ctx.province = place.name
    return ctx
