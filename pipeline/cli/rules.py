"""`unionclaims rules check`: validate every rules file (pipeline/rules.py) and the site registry."""

from __future__ import annotations

from typing import Any

from ..rules import check_all, rules_dir


def _cmd_rules_check(args: Any) -> int:
    files = check_all()
    print(f"{len(files)} rules files valid in {rules_dir()}")
    if (rules_dir() / "registry.toml").exists():
        from ..registry import coverage, load_registry

        cov = coverage(load_registry())
        levels = ", ".join(f"{lv} {n} ({cov['verified'][lv]} verified)" for lv, n in cov["by_level"].items())
        print(f"registry: {cov['sites']} sites: {levels}; {cov['units']} of 34 provinces"
              + (f"; missing: {', '.join(cov['missing_units'])}" if cov["missing_units"] else "")
              + f"; {cov['units_with_evidence']} of 34 with a verified site"
              + (f" (not yet: {', '.join(cov['units_without_evidence'])})" if cov["units_without_evidence"] else ""))
    return 0


def add_cli(sub: Any) -> None:
    p = sub.add_parser("rules", help="work with the rules files (rules/)")
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    c = rsub.add_parser("check", help="validate every rules file and the site registry: unknown keys, wrong "
                                      "types, bad patterns, evidence on the wrong host")
    c.set_defaults(func=_cmd_rules_check)
