"""Attribution: which union body, at which level and in which province, reports a figure.

A stage of its own, from the most specific evidence to the least:

1. a body named before the number in its sentence;
2. a body named earlier in the same section (the sentences since the last section header);
3. the section header, or for the first section the article's title and dateline;
4. the site's rules (the federation that runs the site).

A bare "LĐLĐ tỉnh" or "Liên đoàn Lao động thành phố" takes its province from the same chain; when no
province is known it is left empty, never guessed. A district or sector body keeps its own name, so its
figures are never labelled as the provincial federation's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import geo, orgs

# A section header: one short line of its own, without the punctuation that ends a sentence of body
# text ("LĐLĐ huyện Sông Lô: Kết nạp 509 đoàn viên" above a second article on the same page).
_HEADER_MAX_WORDS = 18
_SENTENCE_END = re.compile(r"[.;!?…]\s*$")
# The dateline of Vietnamese news: "(LĐ) - Nghệ An", "NGHỆ AN - ", "Cao Bằng, ngày …" at the start of the body.
_DATELINE_CHARS = 160


@dataclass(frozen=True)
class Frame:
    """Who reports, as far as the page or section says: canonical org, its level and province."""

    org: str | None = None
    level: str | None = None
    province: str | None = None


_LIST_ITEM = re.compile(r"^\s*(?:[-+•*–]|\d{1,2}[.)]|[a-zđ][.)])\s")


def is_header(text: str, line_start: bool, line_end: bool) -> bool:
    """A sentence that is a whole short line without a sentence-final mark, and not a list item: a title
    or section header."""
    words = text.split()
    return (line_start and line_end and 0 < len(words) <= _HEADER_MAX_WORDS and not _SENTENCE_END.search(text)
            and not _LIST_ITEM.match(text))


def resolve(mention: orgs.OrgMention, province: str | None) -> Frame:
    """A named body as a Frame; a bare provincial federation takes `province`, or stays unknown."""
    own = mention.province
    if mention.level == "province" and own is None:
        if province is None:
            return Frame(None, None, None)  # "LĐLĐ tỉnh" of an unknown province: not known, not guessed
        return Frame(orgs.canonical_org(mention, province), mention.level, province)
    return Frame(orgs.canonical_org(mention, own or province), mention.level, own or province)


def frame_of(text: str, fallback: Frame) -> Frame:
    """The body and province a title, header or dateline names; what it leaves open comes from `fallback`."""
    places = geo.find_provinces(text)
    province = places[0].name if places else fallback.province
    named = orgs.find_orgs(text)
    if named:
        found = resolve(named[0], province)
        if found.org is not None:
            return found
    if province != fallback.province:  # another province than the site's: its federation is not the site's
        same_site = fallback.org is not None and fallback.level == "province"
        return Frame(None if same_site else fallback.org, None if same_site else fallback.level, province)
    return fallback


def page_frame(title: str | None, text: str, site_org: str | None, site_province: str | None) -> Frame:
    """The article's frame: its title and dateline over the site's rules."""
    site = Frame(site_org, _level_of(site_org), site_province)
    frame = frame_of(title, site) if title else site
    head = text[:_DATELINE_CHARS]
    if frame.province is None or frame == site:
        dated = frame_of(head.split("\n", 1)[0], frame)
        if dated.province is not None:
            frame = dated
    return frame


def _level_of(org: str | None) -> str | None:
    if not org:
        return None
    named = orgs.find_orgs(org)
    return named[0].level if named else None


def attribute(sentence_orgs: list[orgs.OrgMention], q_pos: int, section: Frame, running: Frame | None) -> Frame:
    """The frame of a number at `q_pos`: a body named before it in its sentence, else the body last named in
    its section, else the section's frame."""
    before = [m for m in sentence_orgs if m.start <= q_pos]
    base = running or section
    if before:
        found = resolve(before[-1], base.province)
        # A bare "LĐLĐ tỉnh" with no province anywhere: the body is not known (never the site's by default).
        return found if found.org is not None else Frame(None, None, base.province)
    return base


def running_frame(subjects: list[orgs.OrgMention], current: Frame | None, section: Frame) -> Frame | None:
    """After a sentence: the body it named as its subject (before its first number) carries on to the
    next sentences of the section ("LĐLĐ huyện Sông Lô tổ chức … . Năm 2023 đã kết nạp 509 đoàn viên")."""
    if not subjects:
        return current
    found = resolve(subjects[-1], (current or section).province)
    return found if found.org is not None else current
