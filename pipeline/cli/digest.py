"""`unionclaims digest`: what changed since the last digest, as DIR/digest.md and DIR/digest.json."""

from __future__ import annotations

import argparse
from pathlib import Path

from .crawl import _iso_date


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("digest", help="what changed since the last digest: new, edited and gone articles, sites "
                                      "quiet or failing, new audit findings (DIR/digest.md, docs/digest.md)")
    p.add_argument("--state", required=True, metavar="FILE", help="crawl state (output/crawl.sqlite)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for digest.md and digest.json")
    p.add_argument("--since", type=_iso_date, metavar="DATE",
                   help="changes from DATE on (default: crawl runs after the last digest in DIR; the first "
                        "digest covers the last run)")
    p.add_argument("--audit", metavar="FILE", help="audit.csv whose new findings to list (default: DIR/audit.csv "
                                                   "when present)")
    p.add_argument("--quiet-days", type=float, default=14.0, metavar="N",
                   help="a site with no new article for N days is quiet (default 14)")
    p.add_argument("--print", action="store_true", dest="show", help="also print the Markdown")
    p.set_defaults(func=_cmd_digest)


def _cmd_digest(args: argparse.Namespace) -> int:
    from ..crawl.state import StoreError
    from ..digest import build_digest, to_markdown, write_digest
    from . import CliError

    out = Path(args.out)
    audit = Path(args.audit) if args.audit else (out / "audit.csv" if (out / "audit.csv").exists() else None)
    if audit is not None and not audit.exists():
        raise CliError(f"--audit {audit}: no such file")
    try:
        d = build_digest(Path(args.state), out, since=args.since, audit_csv=audit, quiet_days=args.quiet_days)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    md, _ = write_digest(d, out)
    if args.show:
        print(to_markdown(d))
    print(f"unionclaims digest: {d.period}: {d.count('new')} new, {d.count('changed')} edited, {d.count('gone')} "
          f"gone, {len(d.sites)} site(s) quiet or failing, {len(d.findings)} new finding(s) → {md}")
    return 1 if d.attention else 0
