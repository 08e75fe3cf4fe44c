"""`unionclaims rules check`: validate every rules file (pipeline/rules.py)."""

from __future__ import annotations

from typing import Any

from ..rules import check_all, rules_dir


def _cmd_rules_check(args: Any) -> int:
    files = check_all()
    print(f"{len(files)} rules files valid in {rules_dir()}")
    return 0


def add_cli(sub: Any) -> None:
    p = sub.add_parser("rules", help="work with the rules files (rules/)")
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    c = rsub.add_parser("check", help="validate every rules file: unknown keys, wrong types, bad patterns")
    c.set_defaults(func=_cmd_rules_check)
