"""`unionclaims audit`: the checks over what `run` wrote (pipeline/audit/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..audit.findings import QUIET_DAYS
from ..audit.run import run_audit
from ..dataset import parse_date
from . import CliError


def _cmd_audit(args: argparse.Namespace) -> int:
    as_of = None
    if args.as_of:
        as_of = parse_date(args.as_of)
        if as_of is None:
            raise CliError(f"--as-of {args.as_of!r}: not a date (YYYY-MM-DD)")
    if args.quiet_days < 1:
        raise CliError(f"--quiet-days {args.quiet_days}: must be at least 1")
    out = Path(args.out)
    df = run_audit(out, crawl_state=Path(args.state) if args.state else None, as_of=as_of,
                   quiet_days=args.quiet_days)
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
    p.add_argument("--quiet-days", type=int, default=QUIET_DAYS,
                   help=f"days without a new article before a site counts as quiet (default {QUIET_DAYS})")
    p.add_argument("--as-of", default=None, help="date the quiet-site check counts to (default: the last crawl)")
    p.set_defaults(func=_cmd_audit)


