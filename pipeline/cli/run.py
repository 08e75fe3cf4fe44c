"""`unionclaims run`, `extract` and `eval`: the corpus to output files, claims of some files, scores
against annotated excerpts."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from ..io import InputError
from ..records import CLAIM_FIELDS, Claim
from ..runner import _articles_from_file, print_summary, run_corpus
from . import CliError


def _cmd_run(args: argparse.Namespace) -> int:
    from ..rules import check_all

    corpus, out = Path(args.corpus), Path(args.out)
    check_all()  # a bad rules file stops the run before any work (exit 2, one line naming it)
    try:
        summary = run_corpus(corpus, out, progress=not args.no_progress, workers=args.workers, engine=args.engine,
                             scheduler=args.scheduler, prefilter=not args.read_all, cache=not args.no_cache)
    except InputError as exc:
        raise CliError(f"{exc}; the previous outputs in {out} are unchanged") from exc
    except KeyboardInterrupt:
        print(f"unionclaims run: interrupted; the previous outputs in {out} are unchanged", file=sys.stderr)
        return 130
    for err in summary.errors:
        print(f"unionclaims run: skipped {err}", file=sys.stderr)
    if summary.articles == 0:
        print(f"unionclaims run: error: no article could be read from {corpus}; "
              f"the previous outputs in {out} are unchanged", file=sys.stderr)
        return 1
    print_summary(summary, out)
    return 0


def _claim_rows(claims: list[Claim]) -> list[dict]:
    return [c.to_dict() for c in claims]


def _cmd_extract(args: argparse.Namespace) -> int:
    from ..extract.extractor import extract_article
    from ..rules import check_all

    check_all()

    rows: list[dict] = []
    failures = 0
    for name in args.files:
        path = Path(name)
        try:
            for art in _articles_from_file(path):
                rows.extend(_claim_rows(extract_article(art)))
        except InputError as exc:
            print(f"unionclaims extract: error: {exc}", file=sys.stderr)
            failures += 1
    if args.format == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(CLAIM_FIELDS))
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    if failures == len(args.files):
        return 2
    return 1 if failures else 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from ..extract.evaluate import GoldFileError, evaluate, format_report, load_gold, rule_counts, split_of
    from ..extract.indicators import CALIBRATION_FILE, write_calibration
    from ..rules import rules_dir

    excerpts = []
    try:
        for gold in args.gold:
            excerpts.extend(load_gold(Path(gold)))
    except GoldFileError as exc:
        raise CliError(str(exc)) from exc
    if args.split != "all":
        excerpts = [e for e in excerpts if split_of(e.id) == args.split]
    report = evaluate(excerpts)
    print(f"{len(excerpts)} excerpts ({args.split}), {sum(len(e.claims) for e in excerpts)} gold claims")
    print(format_report(report, show_errors=not args.quiet))
    if args.calibrate:
        target = rules_dir() / "indicators" / CALIBRATION_FILE
        write_calibration(target, rule_counts(report), [Path(g).name for g in args.gold])
        print(f"wrote per-rule counts to {target}")
    return 0


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of workers, 1 or more, not {text!r}")
    return n


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="clean every article in the corpus, extract claims, write output/")
    p.add_argument("--corpus", default="corpus", help="folder of .txt/.html/.warc.gz inputs (default: corpus/)")
    p.add_argument("--out", default="output", help="output folder (default: output/)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=_positive, default=None,
                   help="processes cleaning and extracting in parallel (default: all cores; 1 = in this process)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: this machine's processes; dask: Dask tasks over the input files and WARC shards, "
                        "on a LocalCluster or the --scheduler given (outputs identical to local)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --engine dask: a running Dask scheduler (tcp://host:8786); default a LocalCluster")
    p.add_argument("--read-all", action="store_true",
                   help="read every page in full; by default a page of a site without rules that names no union, "
                        "member or worker (rules/relevance.txt) is kept unread, flagged off_topic")
    p.add_argument("--no-cache", action="store_true",
                   help="read every file again; by default files unchanged since the last run under the same rules "
                        "reuse its results (OUT/run-cache.sqlite)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("extract", help="claims of the given files as JSON lines (or CSV) on stdout")
    p.add_argument("files", nargs="+", help=".txt, .html, .warc or .warc.gz files")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("eval", help="precision/recall/F1 against annotated excerpts (claims_dev.jsonl format)")
    p.add_argument("gold", nargs="+", help="gold JSONL file(s)")
    p.add_argument("--split", choices=("all", "dev", "holdout"), default="all",
                   help="score all excerpts, or the fixed dev / held-out part")
    p.add_argument("--quiet", action="store_true", help="only the table, no list of misses and false alarms")
    p.add_argument("--calibrate", action="store_true",
                   help="record each rule's matches and false alarms in rules/indicators/_calibration.toml")
    p.set_defaults(func=_cmd_eval)
