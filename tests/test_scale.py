"""Scaling out changes nothing: the streamed output set equals one written from all rows at once, a pool of
workers gives the files of one process, and Dask (a 2-worker LocalCluster) gives the claims of the local engine."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from pipeline.engine import process_file
from pipeline.io import corpus_files, write_sqlite, write_table
from pipeline.quantities import quantity_rows
from pipeline.records import ARTICLE_FIELDS, CLAIM_FIELDS
from pipeline.runcache import CACHE_FILE
from pipeline.runner import run_corpus
from pipeline.sites import corpus_sites

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus")
    pages = sorted((ROOT / "corpus" / "html").glob("*.html"))[:6]
    seeds = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[:4]
    for p in [*pages, *seeds]:
        shutil.copy(p, corpus / p.name)
    shutil.copy(seeds[0], corpus / "zz_copy_of_a_seed.txt")  # an identical copy: one article, not two
    return corpus


def _same_outputs(a: Path, b: Path) -> None:
    # The run cache is the run's memory, not an output table (and a baseline written at once has none).
    names = sorted(p.name for p in a.iterdir() if p.name != CACHE_FILE)
    assert names == sorted(p.name for p in b.iterdir() if p.name != CACHE_FILE)
    for name in names:
        if name.endswith((".csv", ".jsonl")):
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
        elif name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))
        elif name.endswith(".sqlite"):
            dump = ["\n".join(sqlite3.connect(d / name).iterdump()) for d in (a, b)]
            assert dump[0] == dump[1]


def _all_at_once(corpus: Path, out: Path) -> None:
    """The output set as the runner wrote it before streaming: every row in memory, one write per table."""
    from pipeline.dataset import build_dataset

    sites = corpus_sites(corpus)
    results = [process_file(f, sites) for f in corpus_files(corpus)]
    docs = [d for r in results for d in r.docs]
    found = {id(art): qs for r in results for (art, _c), qs in zip(r.docs, r.quantities, strict=True)}
    by_doc: dict[str, list] = {}
    for art, claims in docs:
        by_doc.setdefault(art.doc_id, []).append((art, claims))
    kept = []
    for group in by_doc.values():
        group.sort(key=lambda d: d[0].fetched_at or "")
        seen: set[str] = set()
        for art, claims in group:
            if art.content_hash not in seen:
                seen.add(art.content_hash)
                art.version = len(seen)
                kept.append((art, claims))
    best: dict[str, tuple] = {}
    for art, claims in kept:
        if art.doc_id not in best or art.version > best[art.doc_id][0].version:
            best[art.doc_id] = (art, claims)
    latest = sorted(best.values(), key=lambda d: (d[0].source or "", d[0].doc_id))
    claims = [c.to_dict() for _a, cs in latest for c in cs]
    articles = [a.to_dict() for a, _cs in latest]
    versions = [{**c.to_dict(), "version": a.version} for a, cs in kept for c in cs]
    quantities = [row for a, _cs in latest for row in quantity_rows(a.doc_id, found[id(a)])]
    facts, panel, _ = build_dataset(pd.DataFrame(claims, columns=list(CLAIM_FIELDS)),
                                    pd.DataFrame(articles, columns=list(ARTICLE_FIELDS)))
    out.mkdir()
    write_table(out, "claims", claims, ("parquet", "csv", "jsonl"))
    write_table(out, "articles", articles, ("parquet",))
    write_table(out, "quantities", quantities, ("parquet",))
    write_table(out, "facts", facts)
    write_table(out, "panel", panel)
    write_sqlite(out / "unionclaims.sqlite", {"articles": articles, "claims": claims, "quantities": quantities,
                                              "claim_versions": versions, "facts": facts, "panel": panel})


@pytest.fixture(scope="module")
def one_worker(small_corpus: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("w1") / "out"
    summary = run_corpus(small_corpus, out, workers=1)
    assert summary.articles >= 5 and summary.claims > 0
    return out


def test_streamed_outputs_equal_outputs_written_all_at_once(small_corpus: Path, one_worker: Path, tmp_path) -> None:
    _all_at_once(small_corpus, tmp_path / "ref")
    _same_outputs(tmp_path / "ref", one_worker)
    assert not list(one_worker.glob(".spool*"))


def test_n_workers_give_the_files_of_one(small_corpus: Path, one_worker: Path, tmp_path) -> None:
    run_corpus(small_corpus, tmp_path / "w3", workers=3)
    _same_outputs(one_worker, tmp_path / "w3")


def test_dask_local_cluster_gives_the_claims_of_the_local_engine(small_corpus: Path, one_worker: Path,
                                                                 tmp_path) -> None:
    pytest.importorskip("dask.distributed")
    run_corpus(small_corpus, tmp_path / "dask", workers=2, engine="dask")
    _same_outputs(one_worker, tmp_path / "dask")


# --------------------------------------------------------------------------- the incremental run

NEW_ARTICLE = ("LĐLĐ huyện Quỳnh Lưu sơ kết 6 tháng đầu năm 2025\n\n"
               "Sáu tháng đầu năm 2025, LĐLĐ huyện Quỳnh Lưu (Nghệ An) đã kết nạp 418 đoàn viên, thành lập mới "
               "6 công đoàn cơ sở trong các doanh nghiệp ngoài nhà nước.\n")


def _counting(monkeypatch) -> list[str]:
    import pipeline.engine as engine

    seen: list[str] = []
    real = engine.process_file

    def counted(path, *args, **kwargs):
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "process_file", counted)
    return seen


def test_a_rerun_reads_only_new_and_changed_files_and_equals_a_full_run(tmp_path, small_corpus, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    out = tmp_path / "out"
    first = run_corpus(corpus, out, workers=1)
    assert first.reused == 0 and (out / CACHE_FILE).exists()
    # The corpus grows by one article and one page is edited.
    (corpus / "zz_new_article.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    edited = sorted(corpus.glob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("đoàn viên", "đoàn viên công đoàn", 1),
                      encoding="utf-8")
    seen = _counting(monkeypatch)
    second = run_corpus(corpus, out, workers=1)
    assert sorted(seen) == sorted([edited.name, "zz_new_article.txt"])
    assert second.reused == len(corpus_files(corpus)) - 2
    monkeypatch.undo()
    full = tmp_path / "full"
    run_corpus(corpus, full, workers=1, cache=False)
    _same_outputs(out, full)
    claims = pd.read_parquet(out / "claims.parquet")
    assert ((claims["indicator"] == "members_recruited") & (claims["value"] == 418)).any()


def test_a_rules_change_reads_every_file_again(tmp_path, small_corpus, monkeypatch):
    out = tmp_path / "out"
    run_corpus(small_corpus, out, workers=1)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    with open(rules / "relevance.txt", "a", encoding="utf-8") as fh:
        fh.write("\n# a comment is a change too: the cache cannot know what a change means\n")
    monkeypatch.setenv("UNIONCLAIMS_RULES", str(rules))
    seen = _counting(monkeypatch)
    again = run_corpus(small_corpus, out, workers=1)
    assert again.reused == 0 and len(seen) == len(corpus_files(small_corpus))


def test_a_damaged_cache_means_a_full_run_not_an_error(tmp_path, small_corpus):
    out = tmp_path / "out"
    run_corpus(small_corpus, out, workers=1)
    before = pd.read_parquet(out / "claims.parquet")
    (out / CACHE_FILE).write_bytes(b"not a database")
    again = run_corpus(small_corpus, out, workers=1)
    assert again.reused == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "claims.parquet"), before)
