"""Relevance prefilter: a page that names no trade union or union member, and no worker near a number, is not
cleaned in full.

Every indicator of the guideline needs a union body, its members or workers as the actor (guideline §2),
so a page without any such word cannot hold a claim; reading it (trafilatura, readability, the extractor)
is the most expensive work of a run over general news. The vocabulary is data (rules/relevance.txt); its
recall on the real annotated excerpts is measured by bench/prefilter.py and held by a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..rules import RulesError, rules_dir
from .patterns import read_sections

OFF_TOPIC = "off_topic"


NEAR = 150  # characters around a worker word in which a digit makes the page relevant
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Relevance:
    """The vocabulary, lower case: union words (anywhere), worker words (with a digit near), URL parts."""

    union: tuple[str, ...]
    workers: tuple[str, ...]
    url: tuple[str, ...]

    def page_is_relevant(self, text: str, url: str | None = None) -> bool:
        low = text.lower()  # plain substring tests: a regular expression over a whole page was 12 ms
        if any(phrase in low for phrase in self.union):
            return True
        for word in self.workers:
            at = low.find(word)
            while at >= 0:
                if _DIGIT.search(low, max(0, at - NEAR), at + len(word) + NEAR):
                    return True
                at = low.find(word, at + 1)
        low_url = (url or "").lower()
        return any(part in low_url for part in self.url)


@lru_cache(maxsize=4)
def load_relevance(path: Path | None = None) -> Relevance:
    path = path or rules_dir() / "relevance.txt"
    sec = read_sections(path, ("union", "workers", "url"))
    if not sec["union"]:
        raise RulesError(f"{path}: no [union] entries: every page would be left unread")
    return Relevance(union=tuple(e.lower() for _, e in sec["union"]),
                     workers=tuple(e.lower() for _, e in sec["workers"]), url=tuple(e.lower() for _, e in sec["url"]))


def is_relevant(text: str, url: str | None = None) -> bool:
    """True when the text names a trade union or its members, or workers near a digit, or the URL names one."""
    return load_relevance().page_is_relevant(text, url)
