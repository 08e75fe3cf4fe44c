"""Sectioned pattern files of the cleaning stage: rules/boilerplate.txt and rules/spam.txt.

Both are plain text a non-programmer can edit: `[section]` headers, one pattern a line, `#` comments.
A bad regex is reported with the file, line number and pattern, never as a bare traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..rules import RulesError, rules_dir
from ..text.normalize import normalize_text

_WS = re.compile(r"\s+")
_SECTION = re.compile(r"^\[([a-z_]+)\]\s*$")


def tidy(line: str) -> str:
    """Normalised line: NFC, one tone style, no invisible characters, single spaces, trimmed."""
    return _WS.sub(" ", normalize_text(line)).strip()


def read_sections(path: Path, sections: tuple[str, ...]) -> dict[str, list[tuple[int, str]]]:
    """Pattern lines per section, with their line numbers (for error messages)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise RulesError(f"{path}: rules file not found") from exc
    out: dict[str, list[tuple[int, str]]] = {s: [] for s in sections}
    current: str | None = None
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _SECTION.match(line)
        if m:
            if m.group(1) not in out:
                raise RulesError(f"{path}:{no}: unknown section [{m.group(1)}] (expected one of {', '.join(sections)})")
            current = m.group(1)
            continue
        if current is None:
            raise RulesError(f"{path}:{no}: pattern before any [section] header: {line!r}")
        out[current].append((no, normalize_text(line)))
    return out


def compile_pattern(path: Path, no: int, pattern: str, template: str = "{}") -> re.Pattern[str]:
    try:
        return re.compile(template.format(pattern), re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"{path}:{no}: not a valid regular expression {pattern!r} ({exc})") from exc


@dataclass(frozen=True)
class Boilerplate:
    """Whole-line patterns: `end` closes the body, `drop` removes the line, `caption` marks a caption."""

    end: tuple[re.Pattern[str], ...]
    drop: tuple[re.Pattern[str], ...]
    caption: tuple[re.Pattern[str], ...]
    # Each section as one alternation, made once (see _joined); `kind` tries a line once a section.
    _sections: tuple[tuple[str, re.Pattern[str] | tuple[re.Pattern[str], ...]], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sections", tuple((name, _joined(getattr(self, name))) for name in ("end", "drop", "caption")))

    def kind(self, line: str) -> str | None:
        """'end', 'drop', 'caption' or None for a tidied line."""
        low = line.lower()
        for name, either in self._sections:
            if either.fullmatch(low) if isinstance(either, re.Pattern) else any(p.fullmatch(low) for p in either):
                return name
        return None


def _joined(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | tuple[re.Pattern[str], ...]:
    """One alternation of a section: a line is tried once a section, not once a pattern (it was a tenth of
    the cleaning time). A full match of the alternation is a full match of one of its patterns. Patterns
    that cannot be joined (a global inline flag such as "(?x)" in one of them) stay, to be tried one by one."""
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or r"(?!x)x", re.IGNORECASE)
    except re.error:
        return patterns


@lru_cache(maxsize=4)
def load_boilerplate(path: Path | None = None) -> Boilerplate:
    path = path or rules_dir() / "boilerplate.txt"
    sec = read_sections(path, ("end", "drop", "caption"))
    compiled = {k: tuple(compile_pattern(path, no, p) for no, p in v) for k, v in sec.items()}
    return Boilerplate(**compiled)


@dataclass(frozen=True)
class Blocks:
    """Blocks an article container holds that are not the article (`tags`, `classes`: element names and
    class/id words), and blocks that hold no article anywhere on a page (`outside_tags`, `outside_classes`)."""

    tags: frozenset[str]
    classes: re.Pattern[str]
    outside_tags: frozenset[str]
    outside_classes: re.Pattern[str]

    def marks(self, tag: str, class_and_id: str) -> bool:
        return tag in self.tags or (bool(class_and_id) and self.classes.search(class_and_id) is not None)

    def outside(self, tag: str, class_and_id: str) -> bool:
        return tag in self.outside_tags or (bool(class_and_id) and self.outside_classes.search(class_and_id) is not None)


def _class_words(path: Path, entries: list[tuple[int, str]]) -> re.Pattern[str]:
    """Any of the entries as a whole word of a class or id: bounded by its edges, a space, "-" or "_"."""
    for no, p in entries:  # checked one by one so that the error names the bad line
        compile_pattern(path, no, p)
    words = "|".join(f"(?:{p})" for _, p in entries) or r"(?!x)x"
    return re.compile(rf"(?:^|[\s_-])(?:{words})(?=$|[\s_-])", re.IGNORECASE)


@lru_cache(maxsize=4)
def load_blocks(path: Path | None = None) -> Blocks:
    path = path or rules_dir() / "blocks.txt"
    sec = read_sections(path, ("tag", "class", "outside_tag", "outside_class"))
    return Blocks(tags=frozenset(t.lower() for _, t in sec["tag"]), classes=_class_words(path, sec["class"]),
                  outside_tags=frozenset(t.lower() for _, t in sec["outside_tag"]),
                  outside_classes=_class_words(path, sec["outside_class"]))


@dataclass(frozen=True)
class SpamWords:
    """Spam vocabulary: `strong` entries are spam alone, `weak` ones only next to a strong one.

    When no entry holds an upper-case letter, the patterns are compiled case-sensitive and searched in the
    lower-cased text (`lowered`): an IGNORECASE search of a long alternation was three times slower."""

    strong: re.Pattern[str]
    weak: re.Pattern[str]
    lowered: bool = False

    def _subject(self, text: str) -> str:
        return text.lower() if self.lowered else text

    def has_strong(self, text: str) -> bool:
        return self.strong.search(self._subject(text)) is not None

    def terms(self, text: str) -> tuple[set[str], set[str]]:
        """Distinct strong and weak entries found in `text`, lower-cased."""
        subject = self._subject(text)
        return ({m.group().lower() for m in self.strong.finditer(subject)},
                {m.group().lower() for m in self.weak.finditer(subject)})


_ESCAPE = re.compile(r"\\.")


def _alternation(path: Path, entries: list[tuple[int, str]], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    for no, p in entries:  # check each entry alone so the error names the bad line
        compile_pattern(path, no, p)
    body = "|".join(f"(?:{p})" for _, p in sorted(entries, key=lambda e: -len(e[1]))) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


@lru_cache(maxsize=4)
def load_spam_words(path: Path | None = None) -> SpamWords:
    path = path or rules_dir() / "spam.txt"
    sec = read_sections(path, ("strong", "weak"))
    # Upper-case letters outside escapes (\W and \S are escapes) would not match lower-cased text.
    lowered = all(_ESCAPE.sub("", p) == _ESCAPE.sub("", p).lower() for entries in sec.values() for _, p in entries)
    flags = 0 if lowered else re.IGNORECASE
    return SpamWords(strong=_alternation(path, sec["strong"], flags), weak=_alternation(path, sec["weak"], flags),
                     lowered=lowered)
