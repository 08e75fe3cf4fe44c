"""Settings: the tunables of the stages, in one typed place (as Scrapy's settings), read from a TOML file.

`unionclaims.toml` in the working folder, or the file named by $UNIONCLAIMS_SETTINGS or `--settings FILE`,
may override any default; unknown keys and wrong types are refused with one line naming file and key:

    [audit]
    quiet_days = 45
    outlier_z_limit = 4.0
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .rules import STRICT_SCHEMA, RulesError, load_toml, validate_schema

SETTINGS_FILE = "unionclaims.toml"


@dataclass(frozen=True)
class AuditSettings:
    """Thresholds of the audit's checks (docs/audit.md)."""

    __pydantic_config__ = STRICT_SCHEMA

    quiet_days: int = 30  # days without a new article before a site counts as quiet
    # Robust z-score (Iglewicz & Hoaglin): 0.6745·(x − median)/MAD on log10 values; |z| above this is an outlier.
    outlier_z_limit: float = 3.5
    outlier_min_reference: int = 4  # other figures needed besides the one tested
    # Log10 spread below which values are never outliers (≈ ±26 %): small samples often have MAD = 0, which
    # would flag any difference at all.
    outlier_mad_floor: float = 0.1
    # No union benefit to one person comes near this (a Mái ấm Công đoàn house is tens of millions).
    per_head_ceiling_vnd: float = 200_000_000


@dataclass(frozen=True)
class Settings:
    __pydantic_config__ = STRICT_SCHEMA

    audit: AuditSettings = field(default_factory=AuditSettings)


def load_settings(path: Path | None = None) -> Settings:
    """Settings from `path`, else $UNIONCLAIMS_SETTINGS, else ./unionclaims.toml if present, else defaults."""
    if path is None:
        env = os.environ.get("UNIONCLAIMS_SETTINGS")
        path = Path(env) if env else (Path(SETTINGS_FILE) if Path(SETTINGS_FILE).is_file() else None)
    if path is None:
        return Settings()
    if not path.is_file():
        raise RulesError(f"{path}: settings file not found")
    return validate_schema(Settings, load_toml(path), str(path))
