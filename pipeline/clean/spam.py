"""Injected SEO spam: foreign keyword runs, gambling/escort/pharmacy words, hidden link blocks, link farms.

Defacements of small government sites usually add a block of links, often hidden (display:none, off
screen, tiny font), or a run of foreign keywords at the end of an article. The words live in
rules/spam.txt; this module decides when a passage or an element is spam.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree
from lxml import html as lxml_html

from ..crawl.urls import safe_host
from .patterns import load_spam_words

# Letters that only Vietnamese uses among Latin scripts (any tone mark, or ă â đ ê ô ơ ư).
_VI_LETTERS = set(
    "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
_WORD = re.compile(r"[^\W\d_]+")

HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](\.\d+)?\s*(px|pt)?\s*(;|$|!)|"
    r"font-size\s*:\s*0|(left|top|right|text-indent|margin-left)\s*:\s*-\d{3,}\s*px|opacity\s*:\s*0(\.0+)?\s*(;|$)|"
    r"(?<![-\w])(width|height)\s*:\s*[01]px.*overflow\s*:\s*hidden|overflow\s*:\s*hidden.*(?<![-\w])(width|height)\s*:\s*[01]px",
    re.IGNORECASE,
)
HIDDEN_CLASSES = frozenset({"hidden", "d-none", "sr-only", "visually-hidden", "screen-reader-text", "hide"})
# Every element `is_hidden` can accept, found in C: a Python test of each element of a page cost more than
# parsing it. A superset (any style attribute, a hiding class name anywhere in the class attribute).
_MAYBE_HIDDEN = etree.XPath(
    "descendant-or-self::*[@hidden or @style or @class["
    + " or ".join(f"contains(., '{c}')" for c in sorted(HIDDEN_CLASSES))
    + "]]"
)


def maybe_hidden(root: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The elements of `root` that may be hidden (then ask `is_hidden`), in document order."""
    return _MAYBE_HIDDEN(root)


def vi_ratio(text: str) -> float:
    """Share of the words that carry a Vietnamese-only letter (about 0.4-0.7 in Vietnamese prose)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if not _VI_LETTERS.isdisjoint(w)) / len(words)


def is_vietnamese(text: str) -> bool:
    return vi_ratio(text) >= 0.2


def _vietnamese_prose(text: str) -> bool:
    """Vietnamese sentences: many words, mostly Vietnamese, ending like a sentence."""
    return len(_WORD.findall(text)) >= 15 and vi_ratio(text) >= 0.3 and text.rstrip()[-1:] in ".!?…:;\"”)"


def keyword_run(text: str) -> bool:
    """A run of keywords, not a sentence: a word repeated over and over, no sentence punctuation."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 4 or re.search(r"[.!?…]\s+[A-ZÀ-Ỹ]", text):
        return False
    _, top = Counter(words).most_common(1)[0]
    return top >= 3 and top / len(words) >= 0.2


def spam_terms(text: str) -> tuple[set[str], set[str]]:
    """Distinct strong and weak spam entries found in `text`."""
    return load_spam_words().terms(text)


def is_spam_text(text: str, *, hidden: bool = False, page_vietnamese: bool = True) -> bool:
    """Does this passage read as injected spam?

    On a Vietnamese page a foreign passage with a spam word, a keyword run with one, or two
    different spam words are spam. Elsewhere only hidden passages can be (a news story about
    casinos is not spam).
    """
    return _reads_as_spam(text, *spam_terms(text), hidden=hidden, page_vietnamese=page_vietnamese)


def _reads_as_spam(text: str, strong: set[str], weak: set[str], *, hidden: bool, page_vietnamese: bool) -> bool:
    """is_spam_text, given the spam entries found in `text`."""
    if not strong:
        return False
    if hidden:
        return True
    if not page_vietnamese:
        return False
    if keyword_run(text):
        return True
    if _vietnamese_prose(text):
        # A report on gambling names "cá độ", "lô đề" in sentences; injected spam uses foreign words.
        return len({w for w in strong if _VI_LETTERS.isdisjoint(w)}) >= 2
    if len(strong) >= 2 or (weak and len(text) < 300):
        return True
    return vi_ratio(text) < 0.05 and len(_WORD.findall(text)) >= 3


def spam_lines(lines: list[str], *, page_vietnamese: bool = True) -> set[int]:
    """Indexes of spam lines: spam on their own, or a run of lines that each carry a spam word
    (a link list flattened one link per line: "bodrum escort", "cesme escort", …)."""
    # Nothing is spam without a strong entry; most pages have none in any line: one search over them all
    # says so (an entry found in one line is found in the lines joined by line breaks).
    if not lines or not load_spam_words().has_strong("\n".join(lines)):
        return set()
    terms = [spam_terms(line) for line in lines]  # searched once per line: the word list is long
    found = {i for i, (line, (strong, weak)) in enumerate(zip(lines, terms, strict=True))
             if _reads_as_spam(line, strong, weak, hidden=False, page_vietnamese=page_vietnamese)}
    if not page_vietnamese:
        return found
    has_word = [bool(strong) and not _vietnamese_prose(x) for x, (strong, _) in zip(lines, terms, strict=True)]
    for i, hit in enumerate(has_word):
        if hit and ((i > 0 and has_word[i - 1]) or (i + 1 < len(lines) and has_word[i + 1])):
            found.add(i)
    return found


def is_hidden(el: lxml_html.HtmlElement) -> bool:
    """Hidden by inline style, the `hidden` attribute or a hiding utility class."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and HIDDEN_STYLE.search(style):
        return True
    classes = set((el.get("class") or "").split())
    return not classes.isdisjoint(HIDDEN_CLASSES)


def _host(href: str) -> str:
    return safe_host(href)  # a malformed href ("http://[ccpa-preferences]") has no host; it never raises


def is_link_farm(el: lxml_html.HtmlElement, page_host: str | None) -> bool:
    """Many links to many other domains, with hardly any text besides the link texts."""
    links = [a for a in el.iter("a") if a.get("href", "").startswith(("http://", "https://", "//"))]
    hosts = {_host(a.get("href", "")) for a in links} - {page_host or ""}
    if len(links) < 5 or len(hosts) < 4:
        return False
    text = " ".join(el.text_content().split())
    link_text = sum(len(" ".join(a.text_content().split())) for a in links)
    return link_text >= 0.7 * max(len(text), 1)


def hidden_spam(root: lxml_html.HtmlElement, page_host: str | None, page_vietnamese: bool,
                candidates: list[lxml_html.HtmlElement] | None = None) -> list[lxml_html.HtmlElement]:
    """Hidden elements that hold spam words, or a hidden farm of links to foreign-language domains.
    `candidates`: `maybe_hidden(root)`, when the caller has it already."""
    found: list[lxml_html.HtmlElement] = []
    for el in maybe_hidden(root) if candidates is None else candidates:
        if el.tag in ("script", "style", "head", "html", "template", "noscript"):
            continue
        if not is_hidden(el) or any(f in el.iterancestors() for f in found):
            continue
        text = " ".join(el.text_content().split())
        if not text or len(text) > 20000:
            continue
        foreign = not page_vietnamese or vi_ratio(text) < 0.05
        if is_spam_text(text, hidden=True) or (foreign and is_link_farm(el, page_host)):
            found.append(el)
    return found


def spam_links(root: lxml_html.HtmlElement, page_host: str | None) -> list[lxml_html.HtmlElement]:
    """Visible links to other domains whose text is spam ("slot gacor", "escort ..."); 3 or more count."""
    links = [(a, " ".join(a.text_content().split()) + " " + (a.get("title") or ""))
             for a in root.iter("a") if a.get("href", "").startswith(("http://", "https://", "//"))]
    # One search over all link texts first: most pages have no spam word in any link. A word found in one
    # link's text is found in the joined texts too (a line break at each joint reads as the text's edge).
    words = load_spam_words()
    if not links or not words.has_strong("\n".join(text for _, text in links)):
        return []
    hits = [a for a, text in links if _host(a.get("href", "")) != (page_host or "") and words.has_strong(text)]
    return hits if len(hits) >= 3 else []
