"""`unionclaims` command line: one module per command (run/extract/eval, crawl, audit, report, serve, rules),
each with `add_cli(subparsers)`. Commands turn the library's own errors (RulesError, InputError,
OutputsError, …) into one line on stderr and exit code 2."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from .. import __version__
from ..io import OutputsError
from ..rules import RulesError

# Modules that expose `add_cli(subparsers)`; each adds its subcommand(s) with set_defaults(func=...),
# where func(args) returns the exit code.
COMMAND_MODULES: tuple[str, ...] = (
    "pipeline.cli.run",
    "pipeline.cli.crawl",
    "pipeline.cli.audit",
    "pipeline.cli.report",
    "pipeline.cli.serve",
    "pipeline.cli.rules",
    "pipeline.cli.sites",
    "pipeline.cli.digest",
    "pipeline.cli.monitor",
)


class CliError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unionclaims",
        description="Vietnamese trade-union news → auditable dataset of reported numbers.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="version", version=f"unionclaims {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (CliError, RulesError, OutputsError) as exc:
        print(f"unionclaims {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"unionclaims {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`… | head`): not an error of ours, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
