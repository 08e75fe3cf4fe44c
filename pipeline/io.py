"""Edges of the pipeline: reading input files and writing outputs atomically.

Inputs are checked before any stage sees them, so bad input gets one clear line naming the file and
the problem. Outputs go to a temporary file in the same folder and are renamed into place, so an
interrupted run never leaves a half-written file; SQLite is written in one transaction.
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import errno
import json
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
WARC_SUFFIXES = (".warc", ".warc.gz")
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + WARC_SUFFIXES
# Files that live in corpus folders but are not articles.
IGNORED_NAMES = {"README.md", "README.txt", "LICENSE", ".gitkeep"}


class OutputsError(ValueError):
    """What `unionclaims run` wrote (DIR) is missing or unreadable: one line naming the file."""


class InputError(ValueError):
    """Bad input: the message names the file and the problem."""


@dataclass
class InputFile:
    path: Path
    kind: str  # "text" | "html" | "warc"
    data: bytes | None = None  # loaded for text/html


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    return None


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])  # control bytes other than tab and line ends


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with BOM: text, reported as a wrong encoding instead
    return b"\x00" in head or len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) * 0.05


def _guess_encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:20000]).best()
        if best is not None:
            return best.encoding
    except Exception:  # noqa: BLE001 - a guess for the error message only
        pass
    return "an unknown encoding"


def decode_text_file(path: Path, data: bytes) -> str:
    """UTF-8 text of a .txt input, or InputError saying what the file is instead."""
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if _looks_binary(data):
        raise InputError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        enc = _guess_encoding(data)
        raise InputError(
            f"{path}: not UTF-8 (invalid byte at offset {exc.start}; looks like {enc}); "
            f"convert it first, e.g. iconv -f {enc} -t UTF-8"
        ) from exc


def load_input(path: Path) -> InputFile:
    """Check one input path and load it (WARC files are streamed later)."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        raise InputError(f"{path}: is a folder (give files, or use `unionclaims run --corpus {path}`)")
    kind = kind_of(path)
    if kind is None:
        suffix = "".join(path.suffixes) or "(none)"
        raise InputError(f"{path}: unsupported file type {suffix} (expected .txt, .html, .htm, .warc or .warc.gz)")
    if kind == "warc":
        if path.stat().st_size == 0:
            raise InputError(f"{path}: empty file")
        return InputFile(path, kind)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if _looks_binary(data):
        raise InputError(f"{path}: binary file, not {'text' if kind == 'text' else 'HTML'}")
    return InputFile(path, kind, data)


def corpus_files(corpus: Path) -> list[Path]:
    """Every supported input under a corpus folder, in a stable order."""
    if not corpus.exists():
        raise InputError(f"{corpus}: no such corpus folder")
    if not corpus.is_dir():
        raise InputError(f"{corpus}: not a folder")
    files = sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and p.name not in IGNORED_NAMES and kind_of(p) is not None
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )
    if not files:
        raise InputError(f"{corpus}: no .txt, .html or .warc.gz files in the corpus folder")
    return files


# --------------------------------------------------------------------------- the output set, all or nothing

# Files written by `audit` and `report` from one run's outputs: a new run makes them stale, so they are
# not carried into the new output set (findings of an older run are never shown with a newer dataset).
DERIVED_FROM_RUN = frozenset({"audit.csv", "report.html"})


@contextmanager
def replacing_folder(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside `out`; when the block succeeds it replaces `out` in one step.

    A failure or a kill leaves `out` exactly as it was: readers see the old set or the new set, never a
    mix. Files in `out` that the new set does not write (a README, the crawl state) are carried over,
    except the findings and report of the old run. Staging folders left by a killed run are removed
    the next time."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        yield staging
        if out.is_dir():
            _carry_over_files(out, staging)
        _swap_into_place(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_staging(out: Path) -> None:
    if not out.exists():  # killed between the two renames of the fallback swap: the old set is aside
        for aside in out.parent.glob(f".{out.name}.staging-*-old"):
            os.rename(aside, out)
            log.warning("restored %s from %s, left by an interrupted run", out, aside)
            break
    for stale in out.parent.glob(f".{out.name}.staging-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue  # another run is writing its set right now
        log.info("removing %s, left by an interrupted run", stale)
        shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _carry_over_files(old: Path, new: Path) -> None:
    for item in old.iterdir():
        target = new / item.name
        if target.exists() or item.name in DERIVED_FROM_RUN or item.name.endswith(".tmp"):
            continue
        if item.is_dir():
            shutil.copytree(item, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(item, target)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    """A hard link where the file system allows it: no copy of a large crawl state, and a process that has
    the file open (a crawl writing its state) keeps writing to the file that is now in the new set."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


_RENAME_EXCHANGE = 2  # linux/fs.h


def _swap_into_place(staging: Path, out: Path) -> None:
    """Make `staging` be `out`. On Linux one renameat2(RENAME_EXCHANGE) swaps the two folders atomically;
    elsewhere two renames, with the old set kept aside until the new one is in place."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old set
        return
    aside = out.parent / f".{out.name}.staging-{os.getpid()}-old"
    os.rename(out, aside)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(aside, out)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EXDEV):
        return False  # file system or kernel without exchange: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


# --------------------------------------------------------------------------- atomic writes


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if tmp_path.exists():  # mkstemp creates 0600; outputs are ordinary files (0666 minus umask)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


BATCH = 500  # rows per Parquet row group and per SQLite executemany


class TableWriter:
    """One output table, typed by its schema (pipeline.schema), into files of several formats (parquet, csv,
    jsonl) and/or a SQLite table, fed rows one at a time and written in batches. The one writer of every
    output table: the streaming run, `write_table` and `write_sqlite` all use it."""

    def __init__(self, name: str, targets: dict[str, Path], con: sqlite3.Connection | None = None,
                 metadata: dict[bytes, bytes] | None = None):
        from .schema import TABLES, sqlite_ddl

        unknown = set(targets) - {"parquet", "csv", "jsonl"}
        if unknown:
            raise ValueError(f"unknown output format(s) {sorted(unknown)}")
        self.name, self.table, self.con, self.targets = name, TABLES[name], con, targets
        self.buf: list[dict] = []
        self.metadata = metadata  # key-value metadata of the Parquet file
        self.parquet: Any = None
        self.fh: dict[str, Any] = {}
        if "csv" in targets:
            fh = open(targets["csv"], "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
            self.fh["csv"] = (fh, csv.writer(fh))
            self.fh["csv"][1].writerow(self.table.names)
        if "jsonl" in targets:
            self.fh["jsonl"] = (open(targets["jsonl"], "w", encoding="utf-8"), None)  # noqa: SIM115
        if con is not None:
            self.ddl = sqlite_ddl(self.table)
            con.execute(self.ddl[0])

    @classmethod
    def into(cls, out: Path, name: str, formats: tuple[str, ...], con: sqlite3.Connection | None,
             metadata: dict[bytes, bytes] | None = None) -> TableWriter:
        """A writer of `out/<name>.<format>` for each format (and the SQLite table when `con` is given)."""
        return cls(name, {fmt: out / f"{name}.{fmt}" for fmt in formats}, con, metadata)

    def add(self, row: dict) -> None:
        self.buf.append(row)
        if len(self.buf) >= BATCH:
            self.flush()

    def flush(self) -> None:
        from .schema import arrow_schema, csv_value, sql_value, to_arrow

        rows, self.buf = self.buf, []
        cols = self.table.columns
        if "parquet" in self.targets and (rows or self.parquet is None):
            import pyarrow.parquet as pq

            if self.parquet is None:
                schema = arrow_schema(self.table)
                self.parquet = pq.ParquetWriter(self.targets["parquet"],
                                                schema.with_metadata(self.metadata) if self.metadata else schema)
            if rows:
                self.parquet.write_table(to_arrow(rows, self.table))
        if "csv" in self.fh:
            self.fh["csv"][1].writerows([csv_value(r.get(c.name), c.type) for c in cols] for r in rows)
        if "jsonl" in self.fh:
            self.fh["jsonl"][0].writelines(
                json.dumps({c: r.get(c) for c in self.table.names}, ensure_ascii=False, default=str) + "\n"
                for r in rows
            )
        if self.con is not None and rows:
            marks = ", ".join("?" for _ in cols)
            self.con.executemany(f'INSERT INTO "{self.name}" VALUES ({marks})',
                                 [tuple(sql_value(r.get(c.name), c.type) for c in cols) for r in rows])

    def close(self) -> list[Path]:
        self.flush()
        if self.parquet is not None:
            self.parquet.close()
        for fh, _w in self.fh.values():
            fh.close()
        if self.con is not None:
            for stmt in self.ddl[1:]:
                self.con.execute(stmt)
        return list(self.targets.values())


def _rows(data: Any) -> list[dict]:
    return data.to_dict("records") if hasattr(data, "to_dict") else list(data)


def write_table(out_dir: Path, name: str, data: Any, formats: tuple[str, ...] = ("parquet", "csv")) -> list[Path]:
    """One output table (rows or a DataFrame) in the given formats, each file written atomically."""
    with ExitStack() as stack:
        tmps = {fmt: stack.enter_context(atomic_path(out_dir / f"{name}.{fmt}")) for fmt in formats}
        writer = TableWriter(name, tmps, None)
        for row in _rows(data):
            writer.add(row)
        writer.close()
    return [out_dir / f"{name}.{fmt}" for fmt in formats]


def read_table(path: Path) -> Any:
    """A Parquet output as the DataFrame the stages work on (dates as ISO text, missing as None)."""
    import pyarrow.parquet as pq

    from .schema import from_arrow

    return from_arrow(pq.read_table(path))


def iter_table(path: Path, columns: list[str] | None = None, rows: int = 10 * BATCH) -> Iterator[Any]:
    """A Parquet output as DataFrames of at most `rows` rows each (converted as read_table converts the
    whole table): a reader that goes through the rows once never holds the whole table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .schema import from_arrow

    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=rows, columns=columns):
        yield from_arrow(pa.Table.from_batches([batch]))


class ParquetByDoc:
    """The rows of an output table by doc_id, read one row group at a time (the outputs are written in
    row groups of BATCH rows, in article order). Only where each document's rows lie is kept; the last
    few row groups read stay cached, so a pass over the documents in table order reads each group once."""

    def __init__(self, path: Path, columns: list[str], cache_groups: int = 2):
        import pyarrow.parquet as pq

        self.path, self.file = path, pq.ParquetFile(path)
        self.columns, self.cache_groups = columns, cache_groups
        self._where: dict[str, list[tuple[int, int, int]]] = {}  # doc_id -> (row group, first row, end)
        for g in range(self.file.num_row_groups):
            ids = self.file.read_row_group(g, columns=["doc_id"]).column(0).to_pylist()
            start = 0
            for i in range(1, len(ids) + 1):
                if i == len(ids) or ids[i] != ids[start]:
                    self._where.setdefault(ids[start], []).append((g, start, i))
                    start = i
        self._groups: dict[int, list[list]] = {}  # insertion order = least recently read first

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def rows(self, doc_id: str) -> list[tuple]:
        """The document's rows (values of `columns`, in that order), in table order; [] when it has none.
        OutputsError when its row group is damaged (the doc_ids, read first, were not)."""
        out: list[tuple] = []
        for g, lo, hi in self._where.get(doc_id, ()):
            try:
                cols = self._group(g)
            except Exception as exc:  # noqa: BLE001 - any damage to the file becomes one line
                raise OutputsError(f"{self.path}: not a readable Parquet file ({exc.__class__.__name__})") from exc
            out.extend(zip(*(c[lo:hi] for c in cols), strict=True))
        return out

    def _group(self, g: int) -> list[list]:
        cols = self._groups.pop(g, None)
        if cols is None:
            table = self.file.read_row_group(g, columns=self.columns)
            cols = [table.column(name).to_pylist() for name in self.columns]
            while len(self._groups) >= self.cache_groups:
                del self._groups[next(iter(self._groups))]
        self._groups[g] = cols
        return cols


@contextmanager
def replacing_tables(db: Path, names: list[str]) -> Iterator[sqlite3.Connection]:
    """A connection to `db` inside one transaction in which the tables `names` (and their full-text
    indexes) have been dropped, to be created again by the block; committed if the block succeeds, rolled
    back otherwise. Tables not named are left as they are."""
    con = sqlite3.connect(db, isolation_level=None)  # explicit BEGIN/COMMIT below
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("BEGIN IMMEDIATE")
        try:
            for name in reversed(names):  # dependants first
                con.execute(f'DROP TABLE IF EXISTS "{name}_fts"')
                con.execute(f'DROP TABLE IF EXISTS "{name}"')
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def write_sqlite(db: Path, tables: dict[str, Any]) -> None:
    """Create or replace the given tables (rows or DataFrames) in `db`, in one transaction, with the keys
    and full-text indexes of their schema. Tables not named are left as they are."""
    with replacing_tables(db, list(tables)) as con:
        for name, data in tables.items():  # referenced tables first (the caller's order)
            writer = TableWriter(name, {}, con)
            for row in _rows(data):
                writer.add(row)
            writer.close()
