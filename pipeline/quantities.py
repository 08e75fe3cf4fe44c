"""The numbers of each article, found once by `run` and stored with their spans (table `quantities`).

`run` parses every article's whole text with the number grammar once (`article_quantities`, in the worker
that cleans and extracts it; the extractor parses sentence by sentence, on normalised text, so its own
quantities are not these) and writes one row per quantity (`quantity_rows`) in the streamed batches of the
other tables. `audit` and `report` read them back (`load_quantities`) instead of parsing every text again;
for an output set without the table they parse, with the same results.

The Parquet file records a digest of the articles it was found in (doc_id and content hash of each): an
older version of `run` writing into the same folder carries the file over unchanged beside its new
articles, and a file that does not match its articles is ignored (the texts are parsed instead).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from .records import Quantity

log = logging.getLogger(__name__)

FILE = "quantities.parquet"
DIGEST_KEY = b"unionclaims.articles"
_FIELDS = tuple(f.name for f in fields(Quantity))  # every field, in the order Quantity(*values) takes them


def article_quantities(text: str) -> list[Quantity]:
    """Every quantity of an article's text: what `audit` would find by parsing it (none for no text)."""
    if not text:
        return []
    from .text.numbers import find_quantities

    return find_quantities(text)


def quantity_rows(doc_id: str, quantities: Sequence[Quantity]) -> list[dict[str, Any]]:
    """Rows of the `quantities` table for one article, in text order."""
    return [{"doc_id": doc_id, "n": i, **{f: getattr(q, f) for f in _FIELDS}} for i, q in enumerate(quantities)]


class ArticlesDigest:
    """A digest of a set of articles (doc_id and content hash of each, in any order), built one at a time."""

    def __init__(self) -> None:
        self._items: list[str] = []

    def add(self, doc_id: Any, content_hash: Any) -> None:
        self._items.append(f"{doc_id}\x1f{content_hash or ''}")

    def hexdigest(self) -> str:
        h = hashlib.sha256()
        for item in sorted(self._items):
            h.update(item.encode("utf-8") + b"\n")
        return h.hexdigest()

    @classmethod
    def of(cls, pairs: Iterable[tuple[Any, Any]]) -> str:
        d = cls()
        for doc_id, content_hash in pairs:
            d.add(doc_id, content_hash)
        return d.hexdigest()


class StoredQuantities(Mapping[str, list[Quantity]]):
    """doc_id → its quantities in text order, read from the `quantities` table one row group at a time as
    documents are asked for (pipeline.io.ParquetByDoc): a pass over the articles in table order reads the
    file once and never holds all of it."""

    def __init__(self, path: Path):
        from .io import ParquetByDoc

        self.rows = ParquetByDoc(path, ["n", *_FIELDS])
        self._recent: dict[str, list[Quantity]] = {}  # checks ask for one article several times in a row

    def __getitem__(self, doc_id: str) -> list[Quantity]:
        if doc_id not in self.rows:
            raise KeyError(doc_id)
        found = self._recent.get(doc_id)
        if found is None:
            found = self._recent[doc_id] = self._read(doc_id)
            if len(self._recent) > 64:
                del self._recent[next(iter(self._recent))]
        return found

    def _read(self, doc_id: str) -> list[Quantity]:
        rows = self.rows.rows(doc_id)
        if not all(a[0] < b[0] for a, b in zip(rows, rows[1:], strict=False)):
            rows = sorted(rows, key=lambda r: r[0])  # written in text order; sorted only if something reordered them
        return [Quantity(*values) for _n, *values in rows]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def load_quantities(out_dir: Path, articles: Any = None, *, digest: str | None = None) -> StoredQuantities | None:
    """The quantities `run` stored in `out_dir/quantities.parquet`, by doc_id; None when the file is missing,
    unreadable or was not written with these articles (`articles`: a DataFrame of the articles table, or
    `digest`: their ArticlesDigest): then the caller parses the texts."""
    import pyarrow.parquet as pq

    path = Path(out_dir) / FILE
    if not path.exists():
        return None
    want = digest if digest is not None else ArticlesDigest.of(
        zip(articles["doc_id"].tolist(), _column(articles, "content_hash"), strict=True))
    try:
        meta = pq.read_schema(path).metadata or {}
        if meta.get(DIGEST_KEY) != want.encode("ascii"):
            log.warning("%s: not written with these articles (an older run?): the texts are parsed instead", path)
            return None
        return StoredQuantities(path)
    except Exception as exc:  # noqa: BLE001 - a damaged file costs only the time it would have saved
        log.warning("%s: not readable (%s): the texts are parsed instead", path, exc.__class__.__name__)
        return None


def _column(frame: Any, name: str) -> list:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)
