"""The main job: corpus (text dumps, HTML pages, WARC archives) → Articles → Claims → output files.

Subcommands `run`, `extract` and `eval`. The stages stay pure functions (clean, extract); this
module is the edge that reads files and writes outputs.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import logging
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cli import CliError
from .io import (
    InputError,
    corpus_files,
    decode_text_file,
    load_input,
    replacing_folder,
    write_sqlite,
    write_table,
)
from .records import ARTICLE_FIELDS, CLAIM_FIELDS, Article, Claim
from .sites import SiteRules, corpus_sites

log = logging.getLogger(__name__)


@dataclass
class DocResult:
    article: Article
    claims: list[Claim]


@dataclass
class RunSummary:
    articles: int = 0
    claims: int = 0
    per_indicator: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    dataset: dict = field(default_factory=dict)  # counts from pipeline.dataset (facts, panel rows)


# --------------------------------------------------------------------------- reading


def _articles_from_file(path: Path, sites: tuple[SiteRules, ...] | None = None) -> Iterator[Article]:
    """Articles in one input file (`sites`: the site rules to read it with). Raises InputError for bad input."""
    from .clean.cleaner import clean_html, clean_text

    f = load_input(path)
    if f.kind == "text":
        art = clean_text(decode_text_file(path, f.data or b""))
        art.source = str(path)
        yield art
    elif f.kind == "html":
        try:
            art = clean_html(f.data or b"", None, sites=sites)
        except ValueError as exc:
            raise InputError(f"{path}: {exc}") from exc
        art.source = str(path)
        yield art
    else:
        yield from _articles_from_warc(path, sites)


def _articles_from_warc(path: Path, sites: tuple[SiteRules, ...] | None = None) -> Iterator[Article]:
    """Articles of one WARC file. A file with no readable HTML article is bad input (InputError, saying what
    it held instead); a damaged tail after good records is logged and the good records are kept."""
    from .clean.cleaner import clean_html
    from .crawl.archive import read_archived_pages

    try:
        # warcio writes its own complaints about damaged records to stderr: our one line says it instead.
        with contextlib.redirect_stderr(io.StringIO()):
            # Articles only: listing pages, feeds and sitemaps the crawler archived are not articles.
            reading = read_archived_pages(path, kinds={"article"})
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if not reading.pages:
        held = ", ".join(f"{n} {why}" for why, n in reading.skipped.most_common()) or "no HTTP responses"
        problem = f"not a readable WARC file ({reading.damaged})" if reading.damaged else "no HTML article"
        raise InputError(f"{path}: {problem}; it holds {held}")
    if reading.damaged:
        log.warning("%s: read %d pages, then stopped at a damaged record: %s", path, len(reading.pages),
                    reading.damaged)
    for page in reading.pages:
        decoded = page.decoded()  # charset from the archived HTTP headers, then the page itself
        try:
            art = clean_html(decoded.text, page.url, sites=sites)
        except ValueError as exc:
            log.warning("%s: %s: %s", path, page.url, exc)
            continue
        art.flags = sorted(set(art.flags) | set(decoded.flags) | ({"truncated"} if page.truncated else set()))
        art.source = f"{page.warc_path}#{page.record_id}"
        art.fetched_at = page.fetched_at
        yield art


def _assign_versions(articles: list[Article]) -> list[Article]:
    """Number the distinct texts of one URL in fetch order; identical refetches are dropped."""
    by_doc: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        a.content_hash = a.content_hash or hashlib.sha256(a.text.encode("utf-8")).hexdigest()
        by_doc[a.doc_id].append(a)
    out = []
    for doc_arts in by_doc.values():
        doc_arts.sort(key=lambda a: a.fetched_at or "")
        seen: set[str] = set()
        version = 0
        for a in doc_arts:
            if a.content_hash in seen:
                continue
            seen.add(a.content_hash)
            version += 1
            a.version = version
            out.append(a)
    return out


# --------------------------------------------------------------------------- the main job


def process_corpus(corpus: Path, progress: bool = True) -> tuple[list[DocResult], list[str]]:
    """Clean and extract every article in the corpus; bad files become error lines, not failures."""
    from tqdm import tqdm

    from .extract.extractor import extract_article

    files = corpus_files(corpus)
    sites = corpus_sites(corpus)
    errors: list[str] = []
    articles: list[Article] = []
    for path in tqdm(files, desc="cleaning", unit="file", disable=not progress or len(files) < 20, file=sys.stderr):
        try:
            articles.extend(_articles_from_file(path, sites))
        except InputError as exc:
            errors.append(str(exc))
    # Listing pages of a known site are not articles: their teasers would repeat other pages' figures.
    skipped = [a for a in articles if "not_article" in a.flags]
    for a in skipped:
        log.info("%s: not an article page of %s, skipped", a.source, a.site)
    articles = _assign_versions([a for a in articles if "not_article" not in a.flags])
    results = []
    for art in tqdm(articles, desc="extracting", unit="article", disable=not progress or len(articles) < 20,
                    file=sys.stderr):
        results.append(DocResult(art, extract_article(art)))
    return results, errors


def _latest(results: list[DocResult]) -> list[DocResult]:
    best: dict[str, DocResult] = {}
    for r in results:
        cur = best.get(r.article.doc_id)
        if cur is None or r.article.version > cur.article.version:
            best[r.article.doc_id] = r
    return sorted(best.values(), key=lambda r: (r.article.source or "", r.article.doc_id))


def write_outputs(results: list[DocResult], out: Path) -> tuple[list[Path], dict]:
    """Every output file of a run into `out` (a fresh staging folder), typed by pipeline.schema."""
    import pandas as pd

    from .dataset import build_dataset

    out.mkdir(parents=True, exist_ok=True)
    latest = _latest(results)
    claims = [c.to_dict() for r in latest for c in r.claims]
    articles = [r.article.to_dict() for r in latest]
    versions = [{**c.to_dict(), "version": r.article.version} for r in results for c in r.claims]
    facts, panel, counts = build_dataset(
        pd.DataFrame(claims, columns=list(CLAIM_FIELDS)), pd.DataFrame(articles, columns=list(ARTICLE_FIELDS))
    )
    written = write_table(out, "claims", claims, ("parquet", "csv", "jsonl"))
    written += write_table(out, "articles", articles, ("parquet",))
    written += write_table(out, "facts", facts) + write_table(out, "panel", panel)
    db = out / "unionclaims.sqlite"
    write_sqlite(db, {"articles": articles, "claims": claims, "claim_versions": versions, "facts": facts,
                      "panel": panel})
    return [*written, db], counts


def run_corpus(corpus: Path, out: Path, progress: bool = False) -> RunSummary:
    """The main job, as a function: returns counts; replaces the output set in `out` as a whole, and only
    when at least one article was read (a failed run never costs the previous dataset)."""
    results, errors = process_corpus(corpus, progress=progress)
    summary = RunSummary(errors=errors)
    latest = _latest(results)
    summary.articles = len(latest)
    for r in latest:
        summary.flags.update(r.article.flags)
        for c in r.claims:
            summary.claims += 1
            summary.per_indicator[c.indicator] += 1
    if summary.articles == 0:
        return summary  # nothing to write: the previous output set stays as it is
    with replacing_folder(out) as staging:
        written, summary.dataset = write_outputs(results, staging)
    summary.outputs = [out / p.name for p in written]
    return summary


def print_summary(summary: RunSummary, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False)
    table = Table(title=f"unionclaims run → {out}", show_lines=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("articles", str(summary.articles))
    table.add_row("claims", str(summary.claims))
    for ind, n in sorted(summary.per_indicator.items()):
        table.add_row(f"  {ind}", str(n))
    for flag, n in sorted(summary.flags.items()):
        table.add_row(f"flag: {flag}", str(n))
    for name, n in summary.dataset.items():
        if isinstance(n, int):
            table.add_row(f"dataset: {name}", str(n))
    table.add_row("input errors", str(len(summary.errors)))
    console.print(table)


# --------------------------------------------------------------------------- CLI


def _cmd_run(args: argparse.Namespace) -> int:
    from .rules import check_all

    corpus, out = Path(args.corpus), Path(args.out)
    check_all()  # a bad rules file stops the run before any work (exit 2, one line naming it)
    try:
        summary = run_corpus(corpus, out, progress=not args.no_progress)
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
    from .extract.extractor import extract_article
    from .rules import check_all

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
    from .extract.evaluate import GoldFileError, evaluate, format_report, load_gold, rule_counts, split_of
    from .extract.indicators import CALIBRATION_FILE, write_calibration
    from .rules import rules_dir

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


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="clean every article in the corpus, extract claims, write output/")
    p.add_argument("--corpus", default="corpus", help="folder of .txt/.html/.warc.gz inputs (default: corpus/)")
    p.add_argument("--out", default="output", help="output folder (default: output/)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
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
