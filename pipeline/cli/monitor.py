"""`unionclaims monitor`: the daily job in one command — crawl, run, audit, report, digest.

Each step is the command of the same name with the options it shares, run in this process; the exit
status says what a scheduler needs to know (docs/digest.md):

    0  all is well: the digest has nothing that needs a person
    1  the digest has something that needs a person (a silent edit, spam, a failing site, new findings)
    2  failure: bad input or rules (one line names it), or a step failed (the crawl fetched nothing, run
       read no article); the previous outputs are kept

The digest (`digest.md`, `digest.json` in --out) also lists the claims this run added or changed against
the previous run's dataset, per province.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .crawl import _non_negative, add_fetch_limits, add_site_selection

FAILED = 2


def _crawl_argv(args: argparse.Namespace) -> list[str]:
    argv = ["crawl", "--corpus", args.corpus, "--state", args.state]
    if args.sites:
        argv += ["--sites", *args.sites]
    for site in args.site or []:
        argv += ["--site", site]
    for url in args.url or []:
        argv += ["--url", url]
    if args.allow_private_addresses:
        argv.append("--allow-private-addresses")
    for flag, value in (("--max-pages", args.max_pages), ("--delay", args.delay), ("--retries", args.retries),
                        ("--timeout", args.timeout)):
        if value is not None:
            argv += [flag, str(value)]
    return argv + (["--no-progress"] if args.no_progress else [])


def _cmd_monitor(args: argparse.Namespace) -> int:
    from . import main

    steps = [
        ("crawl", _crawl_argv(args)),
        ("run", ["run", "--corpus", args.corpus, "--out", args.out, *(["--no-progress"] if args.no_progress else [])]),
        ("audit", ["audit", "--out", args.out, "--state", args.state]),
        ("report", ["report", "--out", args.out]),
    ]
    before = _claims(Path(args.out))
    for name, argv in steps:
        code = main(argv)
        if code != 0:
            print(f"unionclaims monitor: stopped: `{name}` failed (exit {code}); the previous outputs in "
                  f"{args.out} are kept", file=sys.stderr)
            return FAILED
    return _digest(args, before)


def _claims(out: Path) -> list[dict]:
    """The dataset's claims (the previous run's, before `run` replaces them), or none."""
    from ..io import read_table

    path = out / "claims.parquet"
    return read_table(path).to_dict("records") if path.exists() else []


def _digest(args: argparse.Namespace, before: list[dict]) -> int:
    from ..crawl.state import StoreError
    from ..digest import build_digest, claim_changes, write_digest
    from . import CliError

    out = Path(args.out)
    audit = out / "audit.csv"
    try:
        d = build_digest(Path(args.state), out, audit_csv=audit if audit.exists() else None,
                         claims=claim_changes(before, _claims(out)))
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    md, _ = write_digest(d, out)
    changed = sum(len(k.get("changed", [])) for k in d.claims.values())
    new = sum(len(k.get("new", [])) for k in d.claims.values())
    print(f"unionclaims monitor: {d.period}: {d.count('new')} new and {d.count('changed')} edited articles, "
          f"{new} new and {changed} changed claims, {len(d.findings)} new finding(s) → {md}")
    return 1 if d.attention else 0


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitor", help="the daily job: crawl, run, audit, report and digest in one "
                                       "(exit 0 nothing to look at, 1 something to look at; docs/digest.md)")
    add_site_selection(p)
    p.add_argument("--out", default="output", help="output folder (default: output/)")
    p.add_argument("--delay", type=_non_negative, metavar="SECONDS", help="minimum delay between requests to a host")
    add_fetch_limits(p)
    p.set_defaults(func=_cmd_monitor)
