"""HTML helpers of the cleaning stage: parsing, removing what a reader never sees, text as paragraphs."""

from __future__ import annotations

import re
import threading
from collections import deque
from functools import lru_cache

from cssselect import SelectorError
from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from .patterns import tidy
from .spam import HIDDEN_CLASSES, is_hidden, maybe_hidden

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul"]
)
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "button", "select", "input", "textarea")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
DEEP_NESTING = "deep_nesting"
_LIBXML_DEPTH_CAP = 255  # the deepest level libxml2's HTML parser builds (it drops what lies below)
MAX_DEPTH = 180  # deeper markup is flattened; well under Python's recursion limit for the tree walks


def parse_html(text: str, flags: list[str] | None = None) -> lxml_html.HtmlElement:
    """The document tree of an HTML string (an XML declaration is dropped: lxml refuses it on str).

    libxml2 stops building the tree at 256 levels and silently drops everything deeper, so a page
    of 100k nested tags came out empty. When the tree hits that cap the markup is flattened (tags
    deeper than MAX_DEPTH are dropped, their text kept), parsed again and flagged `deep_nesting`.
    """
    text = _XML_DECL.sub("", text, count=1)
    root = _parse(text)
    # Stray end tags can make the parser nest deeper than the lexical count: then a lower limit.
    for limit in (MAX_DEPTH, MAX_DEPTH // 4):
        if not _AT_DEPTH_CAP(root):
            break
        root = _parse(flatten_markup(text, limit))
        if flags is not None and DEEP_NESTING not in flags:
            flags.append(DEEP_NESTING)
    return root


def _html_parser() -> lxml_html.HTMLParser:
    """lxml.html's parser with every element an HtmlElement, chosen in C. lxml.html picks the class of each
    element in Python (form controls get their own), which cost a tenth of cleaning; nothing here uses the
    form classes, as forms are dropped."""
    parser = lxml_html.HTMLParser()
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))
    return parser


_PARSERS = threading.local()  # an lxml parser must not be shared between threads (the crawler cleans in threads)


def _parser() -> lxml_html.HTMLParser:
    parser = getattr(_PARSERS, "html", None)
    if parser is None:
        parser = _PARSERS.html = _html_parser()
    return parser


def _parse(text: str) -> lxml_html.HtmlElement:
    try:
        return lxml_html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError):
        # Nothing the parser can build a tree from (the whole page inside an unclosed comment, only
        # a doctype): a browser shows an empty page, and so do we; the article is flagged empty_body.
        return lxml_html.document_fromstring("<html><body></body></html>", parser=_parser())


# An element at the cap's level, found in C: a Python walk of every element cost more than parsing.
_AT_DEPTH_CAP = etree.XPath("/" + "/".join(["*"] * _LIBXML_DEPTH_CAP))


def tree_depth(root: lxml_html.HtmlElement) -> int:
    """The deepest element's level (iterative: a recursive walk would overflow on deep pages)."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>")
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"])


def flatten_markup(text: str, limit: int) -> str:
    """The markup with every tag below nesting level `limit` removed (their text stays).

    A lexical pass, used only on pages the parser cannot hold: it counts open tags as written
    (void and self-closed tags do not nest) and keeps a tag only while the count is within `limit`.
    """
    out: list[str] = []
    depth = pos = 0
    for m in _TAG.finditer(text):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in _VOID or selfclose:
            keep = depth < limit
        elif closing:
            keep = depth <= limit
            depth = max(depth - 1, 0)
        else:
            depth += 1
            keep = depth <= limit
        out.append(text[pos : m.start()])
        out.append(m.group(0) if keep else " ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def remove(el: lxml_html.HtmlElement) -> None:
    """Remove an element, keeping the text that follows it."""
    if el.getparent() is not None:
        el.drop_tree()


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector:
    try:
        return CSSSelector(selector)
    except SelectorError as exc:
        raise ValueError(f"bad CSS selector {selector!r} in site rules ({exc})") from exc


def select(root: lxml_html.HtmlElement, selector: str | None) -> list[lxml_html.HtmlElement]:
    """Elements matching a CSS selector; a bad selector names itself in a ValueError."""
    if not selector:
        return []
    return _compiled(selector)(root)


def select_one(root: lxml_html.HtmlElement, selector: str | None) -> lxml_html.HtmlElement | None:
    found = select(root, selector)
    return found[0] if found else None


_REVEAL_CLASS = re.compile(r"""(?:classList\.(?:remove|toggle)|removeClass|toggleClass)\(\s*['"]([\w-]+)['"]""")
# Script words that fade elements in, any case (searched as plain substrings of the lower-cased code:
# a regular expression over the hundreds of kilobytes of inline script of a news page was slow).
_REVEAL_FADES = ("opacity", "fadein", "intersectionobserver", "aos.init", "scrollreveal", "new wow")
_REVEAL_CALLS = ("classList.remove", "classList.toggle", "removeClass", "toggleClass")
_HARD_HIDE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_OPACITY_ZERO = re.compile(r"opacity\s*:\s*0(\.0+)?\s*(;|$)", re.IGNORECASE)


def _revealers(code: str) -> tuple[set[str], bool]:
    """Classes the page's scripts (`code`) remove, and whether they fade elements in (opacity, scroll reveal)."""
    classes = set(_REVEAL_CLASS.findall(code)) if any(call in code for call in _REVEAL_CALLS) else set()
    low = code.lower()
    return classes, any(word in low for word in _REVEAL_FADES)


def _stays_hidden(el: lxml_html.HtmlElement, classes: set[str], fades: bool) -> bool:
    """Hidden, and nothing on the page reveals it: a scroll fade-in (`opacity:0` + a script that
    sets opacity) or a class a script removes (`class="hidden"` galleries) is shown to readers."""
    if not is_hidden(el):
        return False
    style = el.get("style") or ""
    if el.get("hidden") is not None or _HARD_HIDE.search(style):
        return True
    hiding = set((el.get("class") or "").split()) & HIDDEN_CLASSES
    if hiding - classes:
        return True
    return bool(_OPACITY_ZERO.search(style)) and not fades or (not hiding and not _OPACITY_ZERO.search(style))


def strip_invisible(root: lxml_html.HtmlElement, candidates: list[lxml_html.HtmlElement] | None = None) -> None:
    """Drop scripts, styles, comments, form controls and hidden elements (nobody reads them).

    `candidates`: `maybe_hidden(root)` found earlier on this tree, when the caller has it; elements removed
    since then are passed over."""
    code = " ".join(s.text for s in root.iter("script") if s.text)  # read before the scripts go
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        remove(el)
    for el in list(root.iter(*_INVISIBLE_TAGS)):
        remove(el)
    if candidates is None:
        hidden = [e for e in maybe_hidden(root) if e.tag not in ("html", "body") and is_hidden(e)]
    else:
        hidden = [e for e in candidates if e.tag not in ("html", "body") and is_hidden(e) and _within(e, root)]
    if not hidden:
        return  # the scripts are searched only when something is hidden: on large pages that search is slow
    classes, fades = _revealers(code)
    for el in [e for e in hidden if _stays_hidden(e, classes, fades)]:
        remove(el)


def _within(el: lxml_html.HtmlElement, root: lxml_html.HtmlElement) -> bool:
    """Is `el` still in the tree of `root` (neither it nor an ancestor removed)?"""
    top = deque(el.iterancestors(), maxlen=1)  # the last ancestor
    return (top[0] if top else el) is root


def text_without_code(root: lxml_html.HtmlElement) -> str:
    """The page's text (`text_content`) without the code of its scripts and style sheets. On news pages
    that code is most of the characters (six in seven on the vi-news pages), and inline scripts change
    from one fetch to the next (nonces, cache keys) while what readers see does not."""
    text = root.text_content()
    kept: list[str] = []
    pos = 0
    for el in root.iter("script", "style"):
        code = el.text
        at = text.find(code, pos) if code else -1
        if at >= 0:  # the code's text sits here in document order
            kept.append(text[pos:at])
            pos = at + len(code)
    kept.append(text[pos:])
    return "".join(kept)


def element_text(el: lxml_html.HtmlElement | None) -> str | None:
    """The element's text on one line, normalised; None when there is no element or no text."""
    if el is None:
        return None
    return tidy(el.text_content()) or None


def paragraphs(el: lxml_html.HtmlElement, *, source_breaks: bool = True) -> list[str]:
    """The element's text split at block boundaries and <br>, each paragraph normalised.

    With `source_breaks` (the default, which suits site templates of hand-typed pages) a line break in
    the page source splits a paragraph too; without, it is a space, as a reader sees it (but in <pre>)."""
    parts: list[str] = []
    _walk(el, parts, source_breaks, top=True)
    return [p for p in (tidy(x) for x in "".join(parts).split("\n")) if p]


def _walk(el: lxml_html.HtmlElement, out: list[str], source_breaks: bool, top: bool = False) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag:
        if tag == "br" or tag in BLOCK_TAGS:
            out.append("\n")
        elif tag in ("td", "th"):
            out.append(" ")
        if el.text:
            out.append(el.text if source_breaks or tag == "pre" else el.text.replace("\n", " "))
        for child in el:
            _walk(child, out, source_breaks)
        if tag in BLOCK_TAGS:
            out.append("\n")
    if el.tail and not top:
        out.append(el.tail if source_breaks else el.tail.replace("\n", " "))
