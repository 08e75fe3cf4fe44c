"""Where the rules live, and loading them (rules are data in `rules/`, not code)."""

from __future__ import annotations

import os
import sys
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class RulesError(ValueError):
    """A rules file is missing or malformed; the message names the file and the problem."""


def rules_dir() -> Path:
    """The rules folder: $UNIONCLAIMS_RULES; else `rules/` of the checkout the package runs from; else the
    copy installed with the package (`pipeline/_rules`, see pyproject.toml)."""
    return _rules_dir(os.environ.get("UNIONCLAIMS_RULES"))


def rules_file(name: str) -> str:
    """The path of `name` in the rules folder, as text: for the loaders asked once per sentence (places,
    organisations, indicator rules), whose cache it keys; joining the path each time was 5 % of extraction."""
    return _rules_file(os.environ.get("UNIONCLAIMS_RULES"), name)


@cache
def _rules_file(env: str | None, name: str) -> str:
    return str(_rules_dir(env) / name)


@cache  # asked for each sentence's orgs and places: resolving the path each time was a third of extraction
def _rules_dir(env: str | None) -> Path:
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    checkout = here.parent / "rules"
    if (checkout / "indicators").is_dir():
        return checkout
    return here / "_rules"


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise RulesError(f"{path}: rules file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML ({exc})") from exc


def read_pattern_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a plain-text rules file (e.g. rules/boilerplate.txt)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RulesError(f"{path}: rules file not found") from exc
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


# The pydantic config of every rules record (set as `__pydantic_config__` on the dataclass): unknown keys
# are errors, so a misspelt key is never ignored; a string where a list belongs is rejected, not iterated.
STRICT_SCHEMA: dict[str, Any] = {"extra": "forbid"}


@cache
def _adapter(record_type: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(record_type)


def validate_schema(record_type: type[T], data: dict[str, Any], path: str) -> T:
    """`data` (a parsed TOML table) as a `record_type` dataclass, or RulesError naming the file and key."""
    from pydantic import ValidationError

    try:
        return _adapter(record_type).validate_python(data)
    except ValidationError as exc:
        raise RulesError(f"{path}: {_first_error(exc, record_type)}") from None


def _first_error(exc: Any, record_type: type) -> str:
    """One line naming each problem (up to three): where, what, and a near key for a misspelling."""
    known = _field_names(record_type)
    problems = []
    for err in exc.errors()[:3]:
        loc = [p for p in err["loc"] if not str(p).startswith(("function-", "tagged-union"))]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or "(top level)"
        if err["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
            near = get_close_matches(str(loc[-1]), known, n=1) if loc else []
            problems.append(f"unknown key '{where}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
        elif err["type"] == "missing":
            problems.append(f"missing required key '{where}'")
        else:
            got = err.get("input")
            shown = repr(got) if not isinstance(got, (dict, list, tuple)) else type(got).__name__
            msg = err["msg"].replace("valid tuple", "list")
            problems.append(f"key '{where}': {msg[0].lower()}{msg[1:]} (got {shown[:60]})")
    return "; ".join(problems)


def _field_names(record_type: type) -> list[str]:
    """Field names of a dataclass and of the dataclasses nested in it (for did-you-mean hints)."""
    import typing
    from dataclasses import fields, is_dataclass

    names: list[str] = []
    todo, seen = [record_type], set()
    while todo:
        t = todo.pop()
        if t in seen or not is_dataclass(t):
            continue
        seen.add(t)
        hints = typing.get_type_hints(t)
        for f in fields(t):
            names.append(f.name)
            hint = hints.get(f.name)
            todo.extend(a for a in (hint, *typing.get_args(hint)) if isinstance(a, type))
    return names


# --------------------------------------------------------------------------- checking every file


def check_all() -> list[str]:
    """Load and validate every rules file; the files checked, or RulesError naming the first bad one.

    Commands that need the rules call this before any work, so a bad file stops them with one clear line
    instead of silently disabling sites or indicators halfway through a run."""
    from .clean.patterns import load_blocks, load_boilerplate, load_spam_words
    from .clean.relevance import load_relevance
    from .extract.indicators import default_ruleset
    from .extract.rescore import RESCORER_FILE, load_rescorer
    from .registry import load_registry
    from .sites import default_sites
    from .text import geo, orgs

    root = rules_dir()
    if not root.is_dir():
        raise RulesError(f"{root}: rules folder not found (set UNIONCLAIMS_RULES to a folder of rules)")
    sites = default_sites()  # cached: the run that follows reads the same site rules
    registry = [root / "registry.toml"] if (root / "registry.toml").exists() else []
    for path in registry:
        load_registry(path)
    from .cms import load_presets

    load_presets()
    default_ruleset()  # cached: the run that follows uses the same compiled rules
    load_boilerplate()
    load_blocks()
    load_spam_words()
    load_relevance()
    load_rescorer()
    geo.provinces_2024()
    orgs.find_orgs("")
    files = [root / "boilerplate.txt", root / "blocks.txt", root / "spam.txt", root / "relevance.txt", root / "provinces.toml", root / "orgs.toml"]
    files += sorted((root / "indicators").glob("*.toml")) + [Path(s.path or "") for s in sites] + registry
    files += sorted((root / "cms").glob("*.toml"))
    files += [root / RESCORER_FILE] if (root / RESCORER_FILE).exists() else []
    return [str(f) for f in files]
