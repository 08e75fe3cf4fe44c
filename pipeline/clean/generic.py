"""The generic extractor for pages without site rules: trafilatura tuned for precision, with fallbacks.

Settings were chosen by measurement (bench/clean.py, results in bench/README.md): trafilatura with
tables kept and comments dropped; when it returns too little, the best of readability-lxml and
jusText takes over. Our line post-filters (rules/boilerplate.txt) run afterwards, in clean.py.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html

from .dom import paragraphs as dom_paragraphs
from .dom import parse_html, remove
from .patterns import Blocks, load_blocks, tidy

# Below this many characters trafilatura probably missed the article: try the fallbacks.
MIN_CHARS = 250
# When favor_precision returns less than this, compare with the default settings (see generic_paragraphs).
SHORT_CHARS = 1000
BROAD_RATIO = 0.25
# readability-lxml wins when it finds this many times more text, nearly all of trafilatura's included.
SPLIT_RATIO = 2.0
SKIP_MARGIN = 1.3  # readability is skipped when twice trafilatura's text exceeds 1.3 × the long <p> text
# Coverage (share of the reference text an extraction holds): under COVERED the others are tried; one
# wins when it covers BROAD_GAIN (default settings, holding the first) or READABILITY_GAIN more of
# the reference, and at most OVERSHOOT times it.
COVERED = 0.95
BROAD_GAIN = 0.05
READABILITY_GAIN = 0.3
OVERSHOOT = 1.1
# Container reading (see find_container): a <p> of LONG_P characters or more is an article paragraph;
# one element must hold CONTAINER_SHARE of the page's article paragraphs, CONTAINER_MIN_CHARS at least,
# and article paragraphs must be PURITY of the text read from it.
LONG_P = 80
CONTAINER_MIN_CHARS = 300
CONTAINER_SHARE = 0.85
PURITY = 0.6
CLIMB = 2  # levels the container may widen to take in a body split over several boxes
LINK_SHARE = 0.5  # a block whose text is mostly link text is a list of other pages
LINK_SHARE_P = 0.8  # a paragraph may quote a few links
_LINK_BLOCKS = ("div", "ul", "ol", "section", "li", "table", "p", "span", "dl")
_WORDS = re.compile(r"\w+")
_LIST_MARK = re.compile(r"^- (?=\S)")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)


def trafilatura_paragraphs(page: str | lxml_html.HtmlElement, *, precision: bool = True) -> list[str]:
    """`page`: the HTML, or its parsed tree (given a copy: trafilatura prunes the tree it reads)."""
    if not isinstance(page, str):
        page = copy.deepcopy(page)
    try:
        text = trafilatura.extract(
            page,
            output_format="txt",
            favor_precision=precision,
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - a third-party failure on odd markup must not lose the page; fallbacks follow
        return []
    finally:
        _forget_trafilatura_strings()
    return _lines(text)


def _forget_trafilatura_strings() -> None:
    """Empty trafilatura's string caches. `trim` and `line_processing` keep their last 1,024 inputs, which are
    whole element texts: tens of megabytes that filled up over the first thousands of pages of a run, so
    memory grew with the corpus. Their hits are within one page, so nothing is lost between pages."""
    from trafilatura import utils

    for name in ("trim", "line_processing"):
        cache_clear = getattr(getattr(utils, name, None), "cache_clear", None)
        if cache_clear is not None:
            cache_clear()


def _lines(text: str | None) -> list[str]:
    if not text:
        return []
    return [p for p in (tidy(_LIST_MARK.sub("", x)) for x in text.split("\n")) if p]


def readability_paragraphs(html: str) -> list[str]:
    from readability import Document

    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # readability raises bare Exception subclasses on odd pages
        return []
    if not summary.strip():
        return []
    return dom_paragraphs(parse_html(summary))


def justext_paragraphs(html: str, language_hint: str = "English") -> list[str]:
    import justext

    try:
        stop = justext.get_stoplist(language_hint)
    except ValueError:
        stop = frozenset()
    try:
        paras = justext.justext(html.encode("utf-8"), stop, encoding="utf-8")
    except Exception:  # jusText raises on unparsable input
        return []
    return [t for t in (tidy(p.text) for p in paras if not p.is_boilerplate) if t]


def _chars(paras: list[str]) -> int:
    return sum(len(p) for p in paras)


def paragraph_chars(root: lxml_html.HtmlElement) -> int:
    """Characters in the page's long <p> paragraphs: about the most an article extractor can find."""
    return sum(_unit_chars(p) for p in root.iter("p"))


def _squeezed_len(el: lxml_html.HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


@dataclass(frozen=True)
class Container:
    """The element of the page that holds the article, and the article's paragraphs read from it."""

    element: lxml_html.HtmlElement
    paragraphs: list[str]


def find_container(root: lxml_html.HtmlElement) -> Container | None:
    """The one element that holds the article, with the article read from it; None when no element clearly does.

    Most news pages keep the whole article in one element whose <p> children are the long paragraphs
    of the page. Each long <p> scores its parent in full and its grandparent by half; the best-scored
    element (or its parent or grandparent, for a body split over several boxes) is the container when it
    holds CONTAINER_SHARE of all long-<p> text. Pages written without <p> (text and <br> in a <div>) count
    the long text runs of their boxes instead. Inside the container, the blocks rules/blocks.txt names
    (figures, sharing, related lists) and blocks that are mostly link text are left out. When the text
    read is not mostly long paragraphs (a photo story, a list page), the slower extractors decide instead.
    """
    blocks = load_blocks()
    tags: tuple[str, ...] = ("p",)
    seen: dict[lxml_html.HtmlElement, bool] = {}
    units = _long_units(root, tags, blocks, seen)
    if sum(units.values()) < CONTAINER_MIN_CHARS:
        tags = ("p", *_RUN_TAGS)
        units |= _long_units(root, _RUN_TAGS, blocks, seen)
    total = sum(units.values())
    if total < CONTAINER_MIN_CHARS:
        return None
    scores: dict[lxml_html.HtmlElement, float] = {}
    for unit, n in units.items():
        home = unit.getparent() if unit.tag == "p" else unit  # a <p> belongs to its box; a run is its box's
        if home is None:
            continue
        scores[home] = scores.get(home, 0) + n
        grand = home.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0) + n / 2
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    held = sum(units.get(e, 0) for e in best.iter(*tags))
    for _ in range(CLIMB):  # a body split into several boxes (ads between them): their common parent
        parent = best.getparent()
        if held >= CONTAINER_SHARE * total or parent is None or parent.tag in ("body", "html"):
            break  # the whole page is no container
        best = parent
        held = sum(units.get(e, 0) for e in best.iter(*tags))
    if held < CONTAINER_SHARE * total:
        return None
    box = copy.deepcopy(best)  # the page's tree stays whole for the lead, teaser and title checks
    _drop_other_blocks(box, held, tags, blocks)
    paras = dom_paragraphs(box, source_breaks=False)  # a line break in the source is a space to a reader
    kept = sum(_unit_chars(e) for e in box.iter(*tags))
    return Container(best, paras) if kept >= PURITY * _chars(paras) and paras else None


_RUN_TAGS = ("div", "section", "article", "main", "td", "span", "font", "blockquote")


def _long_units(root: lxml_html.HtmlElement, tags: tuple[str, ...], blocks: Blocks,
                seen: dict[lxml_html.HtmlElement, bool]) -> dict[lxml_html.HtmlElement, int]:
    """The article units among `root`'s `tags` elements (see _unit_chars), with their characters, outside
    the blocks that hold no article."""
    found = {}
    for el in root.iter(*tags):
        n = _unit_chars(el)
        if n and not _outside_articles(el, blocks, seen):
            found[el] = n
    return found


def _own_text_len(el: lxml_html.HtmlElement) -> int:
    """Characters of the element's own text: its text and the tails of its children, not their text."""
    return len(" ".join(((el.text or "") + "".join(c.tail or "" for c in el)).split()))


def _unit_chars(el: lxml_html.HtmlElement) -> int:
    """Article characters `el` contributes: a long <p> whole, another box its long own text."""
    n = _squeezed_len(el) if el.tag == "p" else _own_text_len(el)
    return n if n >= LONG_P else 0


def _class_and_id(el: lxml_html.HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".strip()


def _outside_articles(p: lxml_html.HtmlElement, blocks: Blocks, seen: dict[lxml_html.HtmlElement, bool]) -> bool:
    """A paragraph in a comment list, a sidebar, a footer, a teaser link (see rules/blocks.txt) is no
    article's. Classes of <body> and <html> are page-wide ("has-sidebar") and say nothing of it. `seen`
    keeps the answer of each ancestor met, as the paragraphs of a page share most of theirs."""
    path = []
    verdict = False
    for a in p.iterancestors():
        if a in seen:
            verdict = seen[a]
            break
        if a.tag in ("body", "html"):
            break
        path.append(a)
        if blocks.outside(a.tag, _class_and_id(a)):
            verdict = True
            break
    for a in path:  # each of these is outside an article exactly when the verdict says so
        seen[a] = verdict
    return verdict


def _drop_other_blocks(box: lxml_html.HtmlElement, held: int, tags: tuple[str, ...], blocks: Blocks) -> None:
    """Remove what rules/blocks.txt names and link lists; never a block holding half the article."""
    for el in [e for e in box.iter() if isinstance(e.tag, str) and e is not box]:
        if el.getparent() is None or not blocks.marks(el.tag, _class_and_id(el)):
            continue
        if sum(_unit_chars(e) for e in el.iter(*tags)) < held / 2:
            remove(el)
    for el in [e for e in box.iter(*_LINK_BLOCKS) if e is not box]:
        if el.getparent() is None or el.find(".//a") is None:
            continue
        size = _squeezed_len(el)
        links = sum(_squeezed_len(a) for a in el.iter("a"))
        if size and links > (LINK_SHARE_P if el.tag == "p" else LINK_SHARE) * size:
            remove(el)


def generic_paragraphs(root: lxml_html.HtmlElement, p_chars: int | None = None, reference: int | None = None) -> list[str]:
    """Main-text paragraphs of a page without rules, chosen by how much of the page's text they cover.

    `reference` is the size of the text the page says its article holds: the JSON-LD articleBody when
    there is one, else `p_chars` (its long <p> paragraphs). favor_precision wins on most pages but
    sometimes keeps only part of the article (photo stories, pages of short paragraphs, a body split
    over several containers): then the default settings or readability-lxml, when they cover
    clearly more of the reference without overshooting it (see choose_by_coverage).
    """
    paras = trafilatura_paragraphs(root)  # the parsed tree: no second parse of the page
    target = reference or p_chars or 0
    low = target and _chars(paras) < COVERED * target
    if _chars(paras) < SHORT_CHARS or low:
        broad = trafilatura_paragraphs(root, precision=False)
        if _chars(paras) < BROAD_RATIO * _chars(broad) or (low and _covers_more(broad, paras, target, BROAD_GAIN)):
            paras = broad
    low = target and _chars(paras) < COVERED * target
    if p_chars is not None and _chars(paras) >= MIN_CHARS and not low and SPLIT_RATIO * _chars(paras) > SKIP_MARGIN * p_chars:
        return paras  # readability could not find twice as much article text: skip it (it is slow)
    other = readability_paragraphs(lxml_html.tostring(root, encoding="unicode"))
    if _chars(paras) < MIN_CHARS:
        return other if _chars(other) > _chars(paras) else paras
    if _chars(other) >= SPLIT_RATIO * _chars(paras) and _contains(other, paras):
        return other  # the body is split over several containers and trafilatura kept one
    if low and _chars(other) <= OVERSHOOT * target and _chars(other) - _chars(paras) >= READABILITY_GAIN * target:
        return other  # trafilatura kept part of the body, readability (nearly) all of it
    return paras


def _covers_more(big: list[str], small: list[str], target: int, gain: float) -> bool:
    """`big` holds `small` and covers at least `gain` more of the target, not overshooting it."""
    return _chars(small) + gain * target <= _chars(big) <= OVERSHOOT * target and _contains(big, small)


def _contains(big: list[str], small: list[str]) -> bool:
    """Does `big` hold nearly all of `small` (by word 4-grams)?"""
    grams = _grams(" ".join(big))
    mine = _grams(" ".join(small))
    return bool(mine) and len(mine & grams) >= 0.95 * len(mine)


def _grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _WORDS.findall(text)
    return {tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))} if words else set()


_LEAD_HINT = re.compile(r"sapo|lead|summary|hometext|chapeau|standfirst|excerpt|intro|description|desc\b", re.IGNORECASE)
_LEAD_TAGS = ("div", "p", "h2", "h3", "span", "section", "strong")


def recover_lead(root: lxml_html.HtmlElement, paras: list[str], body: lxml_html.HtmlElement | None = None) -> list[str]:
    """Prepend the article's lead (sapo) when the extractor dropped it.

    Vietnamese news pages put the lead in its own element (class "sapo", "lead", "hometext") just
    above the body, and trafilatura often leaves it out. A lead candidate must sit close above
    the first extracted paragraph (same container, a few levels up) and not in a list. `body`: the
    element the paragraphs were read from, when known: their elements are looked for there first
    (the whole page's wrappers hold long texts, slow to compare).
    """
    if not paras:
        return paras
    first = _first_body_element(body, paras) if body is not None else None
    if first is None:
        first = _first_body_element(root, paras)
    if first is None:
        return paras
    scope = first
    for _ in range(4):
        parent = scope.getparent()
        if parent is None or parent.tag == "body":
            break
        scope = parent
    known = set(paras)
    for el in scope.iter(*_LEAD_TAGS):
        if el is first:
            break  # only elements above the body count (in document order, none inside it comes first)
        hint = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}"
        if not _LEAD_HINT.search(hint) or any(a.tag in ("li", "ul", "ol", "a") for a in el.iterancestors()):
            continue
        text = tidy(el.text_content())
        if 60 <= len(text) <= 1500 and text not in known and len(text.split()) >= 10:
            return [text, *paras]
    return paras


def _first_body_element(scope: lxml_html.HtmlElement, paras: list[str]) -> lxml_html.HtmlElement | None:
    """The element of one of the first three paragraphs, skipping the title (an h1, or a box holding
    only the h1): the lead sits below it."""
    found = (_element_with_text(scope, p) for p in paras[:3])
    return next((el for el in found if el is not None and el.tag != "h1" and el.find(".//h1") is None), None)


def _element_with_text(root: lxml_html.HtmlElement, text: str) -> lxml_html.HtmlElement | None:
    """The innermost p/div whose whole text is `text`."""
    for el in root.iter("p", "div", "h1", "h2", "h3", "li", "blockquote", "td", "figcaption"):
        own = el.text_content()
        if len(own) >= len(text) and len(own) <= 2 * len(text) + 50 and tidy(own) == text:
            return el
    return None


def whole_text(root: lxml_html.HtmlElement) -> list[str]:
    """Every paragraph of the page body (a last resort when nothing else finds text)."""
    body = root.find("body")
    return dom_paragraphs(body if body is not None else root)


_TEASER_BLOCKS = ("p", "div", "li", "h2", "h3", "h4", "h5", "strong", "b", "em", "span")
_UPPER_SHARE = 0.9


def link_teasers(root: lxml_html.HtmlElement) -> set[str]:
    """Texts of related-post teasers: a link in capitals that is the whole text of its block
    ("CO-FOUNDER 'PROUD' OF HOME DEPOT EMPLOYEES …", "CLICK HERE TO GET THE FOX NEWS APP").

    News templates put them between body paragraphs; the extractors' broad passes and readability
    keep them. Only capitalised ones count: a link that is a body sentence reads as a sentence.
    """
    found: set[str] = set()
    for a in root.iter("a"):
        text = tidy(a.text_content())
        letters = [c for c in text if c.isalpha()]
        if len(text.split()) < 3 or sum(c.isupper() for c in letters) < _UPPER_SHARE * len(letters):
            continue
        block = a.getparent()
        while block is not None and block.tag in ("strong", "b", "em", "span", "i", "u"):
            block = block.getparent()
        if block is not None and block.tag in _TEASER_BLOCKS and tidy(block.text_content()) == text:
            found.add(text)
    return found
