"""Stage 2, cleaning: a page (HTML bytes/str or a text dump) → an `Article` whose text is the article body.

Entry points: `clean_html(html, url=None)` and `clean_text(text)` (module `cleaner`). The rest, by concern:
`inputs` (decoding, control characters), `encoding` (charsets, legacy Vietnamese encodings), `dom`
(parsing, invisible elements, paragraphs), `generic` (trafilatura + readability when no site rules),
`lines` (text-dump line classifier, post-filter), `meta` (dates, authors, titles), `patterns`
(rules/boilerplate.txt, rules/spam.txt), `spam`, `rescue` (pages lxml cannot split).
"""

from __future__ import annotations

from typing import Any

__all__ = ["clean_html", "clean_text"]


def __getattr__(name: str) -> Any:
    # Lazy, like pipeline/__init__: the crawler imports pipeline.clean.encoding without the cleaner.
    if name in __all__:
        from . import cleaner

        return getattr(cleaner, name)
    raise AttributeError(f"module 'pipeline.clean' has no attribute {name!r}")
