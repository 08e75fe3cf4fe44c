"""Repeats of one figure in an article (headline, lead, body): which claims state the same fact."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..records import VND, Claim
from .indicators import fold

LEAD_CHARS = 300  # the headline/lead region, where a figure is usually a preview of the body


def _evidence_words(text: str, c: Claim) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", fold(text[c.start : c.end]))}


def same_fact(a: Claim, b: Claim, text: str) -> bool:
    """Two mentions with the same indicator, value, qualifier and target flag are one fact (GUIDELINE §7)
    when one previews the other in the headline/lead, or they are worded alike; not when they are two
    items of one list, nor when they name different organisations ("Liên đoàn Lao động tỉnh Thái Bình: 2.000.000 đồng" vs "… Ninh Bình: …")."""
    if claim_key(a) != claim_key(b):
        return False
    if _list_items(a, b, text):
        return False
    if min(a.start, b.start) < LEAD_CHARS:
        return True  # a headline names its subject its own way ("LĐLĐ tỉnh Bắc Kạn: Thành lập mới 4 …")
    if a.org and b.org and a.org != b.org:
        return False
    if _heading_line(text, a) != _heading_line(text, b):
        return True  # a subheading or a photo caption restates a figure of the body in its own words
    wa, wb = _evidence_words(text, a), _evidence_words(text, b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


HEADING_WORDS = 25  # a line this short, standing alone, is a subheading or a caption, not a paragraph
_ITEM_MARK = re.compile(r"^\s*(?:[-+•*–]|\d{1,2}[.)]\s|[a-zđ][.)]\s)", re.IGNORECASE)


def _heading_line(text: str, c: Claim) -> bool:
    """The mention stands in a short line of its own (a subheading, a photo caption), not in a paragraph nor
    in an item of a list ("- LĐLĐ tỉnh A: 200 triệu đồng"), whose lines are short too but are facts each."""
    lo = text.rfind("\n", 0, c.start) + 1
    hi = text.find("\n", c.end)
    line = text[lo : len(text) if hi < 0 else hi]
    if _ITEM_MARK.match(line) or ":" in text[lo : c.start]:
        return False
    return len(line.split()) <= HEADING_WORDS


def _list_items(a: Claim, b: Claim, text: str) -> bool:
    """Two amounts of one sentence with a ";" between them are two items of a list, even in the lead ("trao
    45 triệu đồng cho chị A; 45 triệu đồng cho chị B"): a headline previews the body from a sentence of its own."""
    if a.unit != VND or a.sentence_start < 0 or a.sentence_start != b.sentence_start:
        return False
    lo, hi = sorted((a.number_start, b.number_start))
    return lo >= 0 and ";" in text[lo:hi]


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
