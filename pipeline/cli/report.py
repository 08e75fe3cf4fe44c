"""`unionclaims report`: DIR/report.html (pipeline/report.py)."""

from __future__ import annotations

import argparse
from pathlib import Path


def _cmd_report(args: argparse.Namespace) -> int:
    from ..report import write_report  # here: --help must not load matplotlib and pandas

    target = write_report(Path(args.out))
    print(f"unionclaims report: {target} ({target.stat().st_size // 1024} KiB, self-contained, works offline)")
    return 0


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write DIR/report.html: summary, charts, findings, every claim in context")
    p.add_argument("--out", default="output", help="output folder written by `unionclaims run` (default: output/)")
    p.set_defaults(func=_cmd_report)
