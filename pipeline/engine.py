"""Where clean + extract run: in this process, in a pool of processes (`--workers N`), or as Dask tasks
(`--engine dask`, on a LocalCluster or at a scheduler's address).

Every engine maps one pure task, `process_file`, over the corpus files and yields the results in input
order, whatever order they finish in, so the outputs do not depend on the engine or the number of
workers. At most a bounded window of files is in flight: memory does not grow with the corpus.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .io import InputError
from .records import Article, Claim, Quantity
from .sites import SiteRules

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")


@dataclass
class FileResult:
    """The articles of one input file with their claims (listing pages already dropped), or its error;
    `quantities[i]`: every number of `docs[i]`'s text (pipeline.quantities), found once here."""

    path: str
    docs: list[tuple[Article, list[Claim]]]
    error: str | None = None
    quantities: list[list[Quantity]] = field(default_factory=list)


def process_file(path: Path, sites: tuple[SiteRules, ...] | None = None, prefilter: bool = False) -> FileResult:
    """Clean and extract one input file (`prefilter`: see pipeline.clean.relevance). Bad input becomes an
    error line, not a failure."""
    import hashlib

    from .extract.extractor import extract_article
    from .quantities import article_quantities
    from .runner import _articles_from_file

    docs: list[tuple[Article, list[Claim]]] = []
    quantities: list[list[Quantity]] = []
    try:
        for art in _articles_from_file(Path(path), sites, prefilter):
            # Listing pages of a known site are not articles: their teasers would repeat other pages' figures.
            if "not_article" in art.flags:
                log.info("%s: not an article page of %s, skipped", art.source, art.site)
                continue
            art.content_hash = art.content_hash or hashlib.sha256(art.text.encode("utf-8")).hexdigest()
            docs.append((art, extract_article(art) if art.text else []))  # off-topic pages have no text
            quantities.append(article_quantities(art.text))
    except InputError as exc:
        return FileResult(str(path), [], str(exc))
    return FileResult(str(path), docs, quantities=quantities)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- local: one process or a pool

_SITES: tuple[SiteRules, ...] | None = None
_PREFILTER = False


def _init_worker(sites: tuple[SiteRules, ...], prefilter: bool) -> None:
    global _SITES, _PREFILTER
    _SITES, _PREFILTER = sites, prefilter


def _pool_task(path: Path) -> FileResult:
    return process_file(path, _SITES, _PREFILTER)


def map_local(files: list[Path], sites: tuple[SiteRules, ...], workers: int = 1,
              prefilter: bool = False) -> Iterator[FileResult]:
    """`process_file` over `files`, results in input order. One worker: in this process, no pool."""
    if workers <= 1 or len(files) <= 1:
        for path in files:
            yield process_file(path, sites, prefilter)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(min(workers, len(files)), initializer=_init_worker, initargs=(sites, prefilter)) as pool:
        # imap keeps input order; small chunks keep the workers busy and the backlog short.
        yield from pool.imap(_pool_task, files, chunksize=max(1, min(8, len(files) // (workers * 8))))


# --------------------------------------------------------------------------- Dask: a LocalCluster or a scheduler


def map_dask(files: list[Path], sites: tuple[SiteRules, ...], scheduler: str | None = None,
             workers: int | None = None, window: int = 256, prefilter: bool = False) -> Iterator[FileResult]:
    """`process_file` as Dask tasks over the corpus files (WARC shards are files too), results in input
    order. With no scheduler address a LocalCluster of `workers` single-threaded processes is started and
    closed at the end; the same code runs on a cluster given its scheduler's address."""
    from dask.distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO lines are not the run's
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        sites_f = client.scatter(sites, broadcast=True)
        yield from _ordered(
            (client.submit(process_file, str(p), sites_f, prefilter, pure=False) for p in files), window,
            lambda fut: fut.result(),
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _ordered(submitted: Iterable, window: int, result) -> Iterator:
    """Results of submitted tasks in submission order, with at most `window` in flight."""
    pending: deque = deque()
    for task in submitted:
        pending.append(task)
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def map_files(files: list[Path], sites: tuple[SiteRules, ...], engine: str = "local", workers: int | None = None,
              scheduler: str | None = None, prefilter: bool = False) -> Iterator[FileResult]:
    if engine == "dask":
        return map_dask(files, sites, scheduler=scheduler, workers=workers, prefilter=prefilter)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    return map_local(files, sites, workers=default_workers() if workers is None else workers, prefilter=prefilter)
