"""The main job: corpus (text dumps, HTML pages, WARC archives) → Articles → Claims → output files.

The stages stay pure functions (clean, extract); this module is the edge that reads files and writes
outputs. The commands `run`, `extract` and `eval` are in pipeline/cli/run.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
