"""Where the rules live, and loading them (rules are data in `rules/`, not code)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class RulesError(ValueError):
    """A rules file is missing or malformed; the message names the file and the problem."""


def rules_dir() -> Path:
    """The rules folder: $UNIONCLAIMS_RULES, else `rules/` beside the package (the repository layout)."""
    env = os.environ.get("UNIONCLAIMS_RULES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "rules"


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
