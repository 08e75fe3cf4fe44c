"""Relevance prefilter: a page that names no trade union, union member or worker is not cleaned in full.

Every indicator of the guideline needs a union body, its members or workers as the actor (guideline §2),
so a page without any such word cannot hold a claim; reading it (trafilatura, readability, the extractor)
is the most expensive work of a run over general news. The vocabulary is data (rules/relevance.txt); its
recall on the real annotated excerpts is measured by bench/prefilter.py and held by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..rules import RulesError, rules_dir
from .patterns import read_sections

OFF_TOPIC = "off_topic"


@dataclass(frozen=True)
class Relevance:
    """The vocabulary, lower case: phrases of the page text and parts of its URL."""

    text: tuple[str, ...]
    url: tuple[str, ...]

    def page_is_relevant(self, text: str, url: str | None = None) -> bool:
        low = text.lower()  # plain substring tests: a regular expression over a whole page was 12 ms
        if any(phrase in low for phrase in self.text):
            return True
        low_url = (url or "").lower()
        return any(part in low_url for part in self.url)


@lru_cache(maxsize=4)
def load_relevance(path: Path | None = None) -> Relevance:
    path = path or rules_dir() / "relevance.txt"
    sec = read_sections(path, ("text", "url"))
    if not sec["text"]:
        raise RulesError(f"{path}: no [text] entries: every page would be left unread")
    return Relevance(text=tuple(e.lower() for _, e in sec["text"]), url=tuple(e.lower() for _, e in sec["url"]))


def is_relevant(text: str, url: str | None = None) -> bool:
    """True when the text (or the URL) names a trade union, its members or workers."""
    return load_relevance().page_is_relevant(text, url)
