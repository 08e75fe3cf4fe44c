"""The output set of a run, written as a stream: articles and claims never all in memory.

Results arrive file by file (pipeline.engine). Each article with its claims is pickled into a spool (a
SQLite file inside the staging folder, removed before the swap) and only a small record of it is kept:
its doc_id, fetch time, content hash and source. At the end the crawl versions and the latest version of
each page are worked out from those records alone, exactly as a run holding everything would, and the
tables are written from the spool in batches: Parquet row groups (pyarrow ParquetWriter), CSV and JSON
lines row by row, SQLite inserts in batches inside one transaction. Only the fact table and the panel
need the claims of the latest versions together (facts group claims across articles); they get those
claims, and a content hash in place of each article's text.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .io import TableWriter, replacing_tables
from .quantities import DIGEST_KEY, ArticlesDigest, quantity_rows
from .records import ARTICLE_FIELDS, CLAIM_FIELDS, Article, Claim, Quantity


@dataclass(slots=True)  # one per article for the whole run: no per-instance dict
class _Doc:
    seq: int
    doc_id: str
    fetched_at: str
    content_hash: str
    source: str


@dataclass
class StreamCounts:
    articles: int = 0
    claims: int = 0
    per_indicator: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)


class Spool:
    """Articles with their claims and quantities, in arrival order, on disk."""

    def __init__(self, path: Path):
        self.path = path
        self.con = sqlite3.connect(path, isolation_level=None)
        self.con.execute("PRAGMA journal_mode = OFF")
        self.con.execute("PRAGMA synchronous = OFF")
        self.con.execute("PRAGMA cache_size = -256")  # 256 KB: SQLite's default 2 MB page cache grew with the run
        self.con.execute("CREATE TABLE docs (seq INTEGER PRIMARY KEY, blob BLOB)")
        self.con.execute("BEGIN")
        self.docs: list[_Doc] = []

    def add(self, art: Article, claims: list[Claim], quantities: list[Quantity] | None = None) -> None:
        seq = len(self.docs)
        self.docs.append(_Doc(seq, art.doc_id, art.fetched_at or "", art.content_hash or "", art.source or ""))
        blob = pickle.dumps((art.to_dict(), [c.to_dict() for c in claims], quantity_rows(art.doc_id, quantities or [])),
                            protocol=pickle.HIGHEST_PROTOCOL)
        self.con.execute("INSERT INTO docs VALUES (?, ?)", (seq, blob))

    def get(self, seq: int) -> tuple[dict, list[dict], list[dict]]:
        """The article, its claims and its quantities (rows of the `quantities` table)."""
        (blob,) = self.con.execute("SELECT blob FROM docs WHERE seq = ?", (seq,)).fetchone()
        return pickle.loads(blob)

    def close(self) -> None:
        self.con.close()
        self.path.unlink(missing_ok=True)

    # ----------------------------------------------------------------------- versions

    def versions(self) -> list[tuple[int, int]]:
        """(seq, version) of the kept articles, in the order a run holding all results lists them: pages
        in order of first appearance, each page's distinct texts numbered in fetch order, identical
        refetches dropped."""
        by_doc: dict[str, list[_Doc]] = {}
        for d in self.docs:
            by_doc.setdefault(d.doc_id, []).append(d)
        out: list[tuple[int, int]] = []
        for docs in by_doc.values():
            docs.sort(key=lambda d: d.fetched_at)
            seen: set[str] = set()
            for d in docs:
                if d.content_hash in seen:
                    continue
                seen.add(d.content_hash)
                out.append((d.seq, len(seen)))
        return out

    def latest(self, versions: list[tuple[int, int]]) -> list[int]:
        """Seqs of the latest version of each page, ordered by source then doc_id."""
        best: dict[str, tuple[int, int]] = {}
        for seq, version in versions:
            doc = self.docs[seq].doc_id
            if doc not in best or version > best[doc][1]:
                best[doc] = (seq, version)
        return sorted((seq for seq, _v in best.values()), key=lambda s: (self.docs[s].source, self.docs[s].doc_id))


def write_streamed(spool: Spool, out: Path) -> tuple[list[Path], dict, StreamCounts]:
    """Every output file of a run into `out` (the staging folder), from the spool, in batches. The same
    files as pipeline.io.write_table + write_sqlite over all rows at once."""
    import pandas as pd

    from .dataset import build_dataset

    versions = spool.versions()
    latest = spool.latest(versions)
    counts = StreamCounts(articles=len(latest))
    db = out / "unionclaims.sqlite"
    written: list[Path] = []
    with replacing_tables(db, ["articles", "claims", "quantities", "claim_versions", "facts", "panel"]) as con:
        # The fact table needs the latest claims together; the articles' texts only to tell copies apart,
        # for which their hashes do (dataset.story_ids).
        latest_claims: list[dict] = []
        stories: list[dict] = []
        arts = TableWriter.into(out, "articles", ("parquet",), con)
        version_of = dict(versions)
        digest = ArticlesDigest()  # which articles the quantities belong to (pipeline.quantities)
        for seq in latest:
            art, _claims, _qs = spool.get(seq)
            art["version"] = version_of[seq]
            digest.add(art["doc_id"], art["content_hash"])
            arts.add(art)
            counts.flags.update(art["flags"])
            stories.append({"doc_id": art["doc_id"], "text": art["content_hash"] if art["text"].strip() else ""})
        art_paths = arts.close()
        claims = TableWriter.into(out, "claims", ("parquet", "csv", "jsonl"), con)
        quantities = TableWriter.into(out, "quantities", ("parquet",), con,
                                      metadata={DIGEST_KEY: digest.hexdigest().encode("ascii")})
        for seq in latest:
            _art, doc_claims, doc_quantities = spool.get(seq)
            for c in doc_claims:
                claims.add(c)
                latest_claims.append(c)
                counts.claims += 1
                counts.per_indicator[c["indicator"]] += 1
            for q in doc_quantities:
                quantities.add(q)
        written += claims.close() + art_paths + quantities.close()
        cv = TableWriter.into(out, "claim_versions", (), con)
        for seq, version in versions:
            for c in spool.get(seq)[1]:
                cv.add({**c, "version": version})
        cv.close()
        facts, panel, dataset = build_dataset(
            pd.DataFrame(latest_claims, columns=list(CLAIM_FIELDS)),
            pd.DataFrame(stories, columns=["doc_id", "text"]) if stories else pd.DataFrame(columns=list(ARTICLE_FIELDS)),
        )
        del latest_claims, stories
        for name, frame in (("facts", facts), ("panel", panel)):
            tw = TableWriter.into(out, name, ("parquet", "csv"), con)
            for row in frame.to_dict("records"):
                tw.add(row)
            written += tw.close()
    return [*written, db], dataset, counts


def iter_docs(results: Iterator) -> Iterator[tuple[Article, list[Claim]]]:
    for r in results:
        yield from r.docs
