"""`unionclaims audit`: the checks over what `run` wrote (pipeline/audit/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..settings import AuditSettings, load_settings
from . import CliError


def _cmd_audit(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `unionclaims --help` must not load pandas.
    from ..audit.run import CHECKS, run_audit
    from ..dataset import parse_date

    as_of = None
    if args.as_of:
        as_of = parse_date(args.as_of)
        if as_of is None:
            raise CliError(f"--as-of {args.as_of!r}: not a date (YYYY-MM-DD)")
    if args.quiet_days is not None and args.quiet_days < 1:
        raise CliError(f"--quiet-days {args.quiet_days}: must be at least 1")
    settings = load_settings(Path(args.settings) if args.settings else None)
    if args.list_checks:
        for name in CHECKS:
            print(name)
        return 0
    unknown = sorted(set(args.check + args.skip) - set(CHECKS))
    if unknown:
        raise CliError(f"unknown check(s) {', '.join(unknown)}; known: {', '.join(CHECKS)}")
    chosen = [c for c in (args.check or list(CHECKS)) if c not in args.skip]
    out = Path(args.out)
    df = run_audit(out, crawl_state=Path(args.state) if args.state else None, as_of=as_of,
                   quiet_days=args.quiet_days, checks=chosen, settings=settings.audit)
    counts = df.groupby(["severity", "check"]).size() if len(df) else {}
    print(f"unionclaims audit: {len(df)} finding(s) → {out / 'audit.csv'} and table `audit` in "
          f"{out / 'unionclaims.sqlite'}")
    for (sev, check), n in (counts.items() if len(df) else []):
        print(f"  {sev:8} {check:24} {n}")
    return 0


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="check the extracted numbers; write DIR/audit.csv and the `audit` table")
    p.add_argument("--out", default="output", help="output folder written by `unionclaims run` (default: output/)")
    p.add_argument("--state", default=None,
                   help="crawl state for the site_quiet check (default: DIR/crawl.sqlite when present)")
    p.add_argument("--quiet-days", type=int, default=None,
                   help="days without a new article before a site counts as quiet "
                        f"(default: the settings, {AuditSettings.quiet_days})")
    p.add_argument("--settings", default=None, metavar="FILE",
                   help="settings file (default: $UNIONCLAIMS_SETTINGS, else ./unionclaims.toml if present)")
    p.add_argument("--as-of", default=None, help="date the quiet-site check counts to (default: the last crawl)")
    p.add_argument("--check", action="append", default=[], metavar="NAME",
                   help="run only this check (repeatable; see --list-checks)")
    p.add_argument("--skip", action="append", default=[], metavar="NAME", help="leave this check out (repeatable)")
    p.add_argument("--list-checks", action="store_true", help="print the checks, in the order they run")
    p.set_defaults(func=_cmd_audit)


