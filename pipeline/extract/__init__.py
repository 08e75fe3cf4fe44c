"""Stage 3, extraction: clean article text → `Claim` records.

`extractor` (sentences, rule matching, claims), `indicators` (the indicator rules of
rules/indicators/*.toml), `evaluate` (`unionclaims eval`: scores against a gold file). The language
pieces it uses (numbers, periods, places, organisations) live in pipeline.text.
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract_claims", "extract_article", "extract_mentions"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module 'pipeline.extract' has no attribute {name!r}")
