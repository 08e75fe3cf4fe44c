"""Line-level cleaning: text dumps of whole pages, and the post-filter applied to extracted paragraphs.

A text dump (corpus/seeds/*.txt) is a page flattened to lines: menu, title, dateline, body, author,
rating widget, related-article teasers, counters, footer. Each line is classified with the patterns
of rules/boilerplate.txt and a few heuristics (sentence shape, position relative to the body,
repetition, language); the title, dateline and author become metadata and only the body is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .meta import author_from_label, dateline_date, join_label_lines, looks_like_byline
from .patterns import Boilerplate, load_boilerplate, tidy
from .spam import is_vietnamese, spam_lines

MAX_BOILERPLATE_LEN = 200  # [end]/[drop] patterns only apply to short lines: real paragraphs are long
MAX_CAPTION_LEN = 400
MAX_TITLE_WORDS = 45
TRAILING_SHORT = 4  # a byline may be followed by this many short tag lines
TITLE_WINDOW = 8  # lines above the dateline / first sentence where the title is looked for
_SENTENCE_END = re.compile(r"[.:;!…]['\"”’»)\]]*$")


@dataclass
class Cleaned:
    """What the line classifier found: metadata, body paragraphs and flags."""

    paragraphs: list[str]
    title: str | None = None
    published: str | None = None
    author: str | None = None
    flags: list[str] = field(default_factory=list)


def _kind(bp: Boilerplate, line: str) -> str | None:
    if len(line) > MAX_CAPTION_LEN:
        return None
    kind = bp.kind(line)
    if kind in ("end", "drop") and len(line) > MAX_BOILERPLATE_LEN:
        return None
    return kind


def _is_body_start(line: str) -> bool:
    """A first body paragraph reads as a sentence: several words, ending with sentence punctuation."""
    return len(line.split()) >= 8 and bool(_SENTENCE_END.search(line))


def _is_title_candidate(bp: Boilerplate, line: str) -> bool:
    return (
        len(line.split()) <= MAX_TITLE_WORDS
        and _kind(bp, line) is None
        and dateline_date(line) is None
        and not line.endswith(".")
        and author_from_label(line) is None
        and len(line.split()) >= 3
        and "://" not in line
    )


def _repeats(lines: list[str]) -> set[int]:
    """Indexes of lines equal to the line just before or after them (an image alt/caption printed twice)."""
    out = set()
    for i in range(1, len(lines)):
        if lines[i] == lines[i - 1]:
            out.update((i - 1, i))
    return out


def _find_head(bp: Boilerplate, lines: list[str], repeated: set[int]) -> tuple[int, int | None, int | None]:
    """(body start, title index, dateline index) of a dump's lines."""
    first_sentence = next(
        (i for i, x in enumerate(lines) if i not in repeated and _kind(bp, x) is None and _is_body_start(x)),
        len(lines),
    )
    # A dateline belongs to the head only above the first sentence of the body.
    dateline = next((i for i in range(first_sentence) if dateline_date(lines[i])), None)
    if dateline is not None and any(_is_title_candidate(bp, x) for x in lines[:dateline]):
        title = _pick_title(bp, lines, dateline, repeated)
        start = next(
            (i for i in range(dateline + 1, len(lines)) if i not in repeated and _kind(bp, lines[i]) is None),
            len(lines),
        )
        return start, title, dateline
    start = first_sentence
    return start, _pick_title(bp, lines, start, repeated), dateline


def _pick_title(bp: Boilerplate, lines: list[str], below: int, repeated: set[int]) -> int | None:
    """The title: the longest candidate among the lines just above `below` (dateline or body).

    Menus and category labels are short; series labels and hidden metadata (a byline, a date)
    sit next to the title but are shorter than it.
    """
    window = [i for i in range(max(0, below - TITLE_WINDOW), below) if i not in repeated and _is_title_candidate(bp, lines[i])]
    if not window:
        return None
    return max(window, key=lambda i: (len(lines[i]), i))


def clean_dump(text: str) -> Cleaned:
    """Title, dateline, author and body paragraphs of a page flattened to text."""
    bp = load_boilerplate()
    lines = join_label_lines([x for x in (tidy(raw) for raw in text.splitlines()) if x])
    repeated = _repeats(lines)
    out = Cleaned(paragraphs=[])
    start, head_texts = _read_head(bp, lines, repeated, out)
    vietnamese = is_vietnamese(" ".join(lines[start:]))
    spam = spam_lines(lines, page_vietnamese=vietnamese)
    if spam:
        _flag(out, "spam_injected")  # anywhere on the page, kept or not
    body = _read_body(bp, lines, start, out, skip=spam, repeated=repeated, head_texts=head_texts)
    out.paragraphs, byline = split_byline(body)
    out.author = out.author or byline
    return out


def _read_head(bp: Boilerplate, lines: list[str], repeated: set[int], out: Cleaned) -> tuple[int, set[str]]:
    """Title, dateline and author above the body into `out`; (body start, texts of the head lines)."""
    start, title_i, date_i = _find_head(bp, lines, repeated)
    if start >= len(lines):  # no line reads as a sentence (a list, a poem): the first line is the title
        title_i = next((i for i, x in enumerate(lines) if _is_title_candidate(bp, x)), None)
        start = (title_i + 1) if title_i is not None else 0
    out.title = lines[title_i] if title_i is not None else None
    out.published = dateline_date(lines[date_i]) if date_i is not None else None
    out.author = next((a for a in map(author_from_label, lines[:start]) if a), None)
    # Lines above the title (category, series label) come back in the body as image alt text.
    head_texts = {x for x in lines[: title_i + 1 if title_i is not None else start] if _kind(bp, x) is None}
    return start, head_texts


def _read_body(
    bp: Boilerplate, lines: list[str], start: int, out: Cleaned, *, skip: set[int], repeated: set[int], head_texts: set[str]
) -> list[str]:
    """Body lines from `start` to the first line that closes the body; metadata found on the way into `out`."""
    body: list[str] = []
    after_alt = False
    for i in range(start, len(lines)):
        line = lines[i]
        author = author_from_label(line)
        if author:
            out.author = out.author or author
            if body:  # an author line below the body closes it; above it, it is just metadata
                break
            continue
        kind = _kind(bp, line)
        if kind == "end":
            break
        date = dateline_date(line)
        if date and body:  # a dateline below the body ("Ngày đăng: …") closes it
            out.published = out.published or date
            break
        if i in skip or kind in ("drop", "caption") or date:
            continue
        if line in head_texts:
            after_alt = True  # an image whose alt text is the title: its caption follows
            continue
        if after_alt and _looks_like_caption(line):
            after_alt = False
            continue
        after_alt = False
        if i in repeated and body and body[-1] == line:
            continue
        body.append(line)
    return body


def _looks_like_caption(line: str) -> bool:
    """A one-sentence line ending in "." or ")" (a subheading has no full stop; a paragraph is longer)."""
    return len(line) <= MAX_CAPTION_LEN and line[-1] in ".)" and line.rstrip(".").count(". ") <= 1


def _flag(out: Cleaned, flag: str) -> None:
    if flag not in out.flags:
        out.flags.append(flag)


def split_byline(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """A trailing byline ("Mai Quý") is the author, not body; short tag lines after it go too."""
    for back in range(1, min(TRAILING_SHORT, len(paragraphs) - 1) + 1):
        line = paragraphs[-back]
        if looks_like_byline(line):
            return paragraphs[:-back], line
        if len(line.split()) > 8 or _SENTENCE_END.search(line):
            break
    return paragraphs, None


def _captions_carry_the_text(bp: Boilerplate, paragraphs: list[str]) -> bool:
    """A photo story is mostly captions: then they are the article and stay."""
    total = sum(len(p) for p in paragraphs)
    captions = sum(len(p) for p in paragraphs if _kind(bp, p) == "caption")
    return total > 0 and captions >= 0.5 * total


def postfilter(paragraphs: list[str], *, title: str | None = None, vietnamese: bool = True,
               title_in_body: bool = False) -> Cleaned:
    """Boilerplate, author lines, datelines and spam removed from paragraphs an extractor returned.

    Headline rule (docs/cleaning.md): a paragraph equal to the title is the headline and goes;
    but when the page prints the title as a body paragraph of its own (`title_in_body`: a lead or
    first sentence that restates the headline), the body keeps one copy, the last.
    """
    bp = load_boilerplate()
    paragraphs = join_label_lines(paragraphs)
    keep_title_at = max((i for i, x in enumerate(paragraphs) if x == title), default=-1) if title_in_body else -1
    out = Cleaned(paragraphs=[])
    body: list[str] = []
    keep_captions = _captions_carry_the_text(bp, paragraphs)
    spam = spam_lines(paragraphs, page_vietnamese=vietnamese)
    for i, para in enumerate(paragraphs):
        author = author_from_label(para)
        if author:
            out.author = out.author or author
            continue
        kind = _kind(bp, para)
        if kind == "end" and body:
            break
        date = dateline_date(para)
        if date:
            out.published = out.published or date
            continue
        if i in spam:
            _flag(out, "spam_injected")
            continue
        if (kind is not None and not (kind == "caption" and keep_captions)) or (title and para == title and i != keep_title_at):
            continue
        body.append(para)
    out.paragraphs, byline = split_byline(body) if vietnamese else (body, None)
    out.author = out.author or byline
    return out
