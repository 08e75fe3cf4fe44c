"""unionclaims: Vietnamese trade-union news → an auditable dataset of reported numbers.

Stable entry points (docs/design.md, "Interfaces"):
    clean_html(html, url=None) -> Article
    clean_text(text) -> Article
    extract_claims(text, *, url=None, published=None) -> list[Claim]
"""

from __future__ import annotations

from typing import Any

__all__ = ["clean_html", "clean_text", "extract_claims", "Article", "Claim", "Quantity"]
__version__ = "0.1.0"

from .records import Article, Claim, Quantity


def __getattr__(name: str) -> Any:
    # Lazy: importing the package must not load underthesea/trafilatura until a stage is used.
    if name in ("clean_html", "clean_text"):
        from .clean import cleaner

        return getattr(cleaner, name)
    if name == "extract_claims":
        from .extract.extractor import extract_claims

        return extract_claims
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
