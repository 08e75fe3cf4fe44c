"""The main job: corpus (text dumps, HTML pages, WARC archives) → Articles → Claims → output files.

The stages stay pure functions (clean, extract); this module is the edge that reads files and writes
outputs. The commands `run`, `extract` and `eval` are in pipeline/cli/run.py.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .io import (
    InputError,
    corpus_files,
    decode_text_file,
    load_input,
    replacing_folder,
)
from .records import Article
from .sites import SiteRules, corpus_sites
from .stream import StreamCounts

log = logging.getLogger(__name__)


@dataclass
class RunSummary(StreamCounts):
    """The counts of the written set (StreamCounts), and what the run met on the way."""

    errors: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    reused: int = 0  # input files whose result came from the previous run's cache (pipeline.runcache)
    dataset: dict = field(default_factory=dict)  # counts from pipeline.dataset (facts, panel rows)


# --------------------------------------------------------------------------- reading


def _articles_from_file(path: Path, sites: tuple[SiteRules, ...] | None = None,
                        prefilter: bool = False) -> Iterator[Article]:
    """Articles in one input file (`sites`: the site rules to read it with; `prefilter`: leave pages that
    name no union, member or worker unread, see pipeline.clean.relevance). Raises InputError for bad input."""
    from .clean.cleaner import clean_html, clean_text

    f = load_input(path)
    if f.kind == "text":
        art = clean_text(decode_text_file(path, f.data or b""))
        art.source = str(path)
        yield art
    elif f.kind == "html":
        try:
            art = clean_html(f.data or b"", None, sites=sites, prefilter=prefilter)
        except ValueError as exc:
            raise InputError(f"{path}: {exc}") from exc
        art.source = str(path)
        yield art
    else:
        yield from _articles_from_warc(path, sites, prefilter)


def _articles_from_warc(path: Path, sites: tuple[SiteRules, ...] | None = None,
                        prefilter: bool = False) -> Iterator[Article]:
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
            art = clean_html(decoded.text, page.url, sites=sites, prefilter=prefilter)
        except ValueError as exc:
            log.warning("%s: %s: %s", path, page.url, exc)
            continue
        art.flags = sorted(set(art.flags) | set(decoded.flags) | ({"truncated"} if page.truncated else set()))
        art.source = f"{page.warc_path}#{page.record_id}"
        art.fetched_at = page.fetched_at
        yield art


# --------------------------------------------------------------------------- the main job


def run_corpus(corpus: Path, out: Path, progress: bool = False, workers: int | None = 1, engine: str = "local",
               scheduler: str | None = None, prefilter: bool = True, cache: bool = True) -> RunSummary:
    """The main job, as a function: returns counts; replaces the output set in `out` as a whole, and only
    when at least one article was read (a failed run never costs the previous dataset).

    Clean and extract run file by file on the chosen engine (pipeline.engine: this process, a pool of
    `workers` processes, or Dask); their results stream, in input order, into a spool in the staging
    folder, and the outputs are written from it in batches (pipeline.stream): memory stays flat in the
    size of the corpus, and the outputs do not depend on the engine or the number of workers. With
    `prefilter`, pages of sites without rules that name no union or member, and no worker near a number,
    are kept unread (flag `off_topic`). With `cache`, files unchanged since the last run under the same rules are not
    read again (pipeline.runcache); the outputs are the same."""
    from tqdm import tqdm

    from .engine import map_files, process_file
    from .runcache import CACHE_FILE, RunCache, file_digest, rules_version
    from .stream import Spool, write_streamed

    files = corpus_files(corpus)
    sites = corpus_sites(corpus)
    summary = RunSummary()
    try:
        with replacing_folder(out) as staging:
            spool = Spool(staging / ".spool.sqlite")
            store = RunCache(out / CACHE_FILE, staging / CACHE_FILE, rules_version(sites, prefilter)) if cache else None
            try:
                digests = {f: file_digest(f) for f in files} if store else {}
                todo = [f for f in files if store is None or not store.has(f, digests[f])]
                fresh = (map_files(todo, sites, engine=engine, workers=workers, scheduler=scheduler, prefilter=prefilter)
                         if todo else iter(()))  # nothing new: no pool, no cluster
                todo_set = set(todo)
                for path in tqdm(files, desc="cleaning+extracting", unit="file",
                                 disable=not progress or len(files) < 20, file=sys.stderr):
                    if path in todo_set:
                        r = next(fresh)  # results come in input order
                    else:  # cached; read afresh if the entry turns out unreadable
                        r = store.get(path, digests[path]) or process_file(path, sites, prefilter)
                    if store is not None:
                        store.put(path, digests[path], r)
                    if r.error is not None:
                        summary.errors.append(r.error)
                    # process_file finds every article's quantities; a cached result is this code's own (the
                    # cache's version hashes the code), so it carries them too.
                    for (art, claims), quantities in zip(r.docs, r.quantities, strict=True):
                        spool.add(art, claims, quantities)
                if not spool.docs:
                    raise _NothingRead  # leaves the block with an exception: the staging folder is dropped
                written, summary.dataset, counts = write_streamed(spool, staging)
                summary.reused = store.hits if store else 0
            finally:
                spool.close()
                if store is not None:
                    store.close()
    except _NothingRead:
        return summary  # nothing to write: the previous output set stays as it is
    summary.articles, summary.claims = counts.articles, counts.claims
    summary.per_indicator, summary.flags = counts.per_indicator, counts.flags
    summary.outputs = [out / p.name for p in written]
    return summary


class _NothingRead(Exception):
    pass


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
    if summary.reused:
        table.add_row("files reused from the last run", str(summary.reused))
    console.print(table)
