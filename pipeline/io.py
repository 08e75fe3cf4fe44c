"""Edges of the pipeline: reading input files and writing outputs atomically.

Inputs are checked before any stage sees them, so bad input gets one clear line naming the file and
the problem. Outputs go to a temporary file in the same folder and are renamed into place, so an
interrupted run never leaves a half-written file; SQLite is written in one transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
WARC_SUFFIXES = (".warc", ".warc.gz")
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + WARC_SUFFIXES
# Files that live in corpus folders but are not articles.
IGNORED_NAMES = {"README.md", "README.txt", "LICENSE", ".gitkeep"}


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


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with BOM: text, reported as a wrong encoding instead
    return b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) * 0.05


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


def write_jsonl_atomic(target: Path, rows: list[dict]) -> None:
    write_text_atomic(target, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def write_sqlite_atomic(target: Path, tables: dict[str, list[dict]], columns: dict[str, tuple[str, ...]]) -> None:
    """A fresh SQLite file with the given tables, built beside the target and renamed into place.
    Tables of an existing file that are not rewritten here (e.g. `audit`) are carried over."""
    with atomic_path(target) as tmp:
        tmp.unlink()
        con = sqlite3.connect(tmp, isolation_level=None)  # explicit BEGIN/COMMIT below
        try:
            carry = target.exists() and _attach_readable(con, target)
            con.execute("BEGIN")
            if carry:
                _carry_over(con, set(columns))
            for name, cols in columns.items():
                con.execute(f'CREATE TABLE "{name}" ({", ".join(_sql_col(c) for c in cols)})')
                rows = tables.get(name, [])
                if rows:
                    placeholders = ", ".join("?" for _ in cols)
                    con.executemany(
                        f'INSERT INTO "{name}" VALUES ({placeholders})',
                        [tuple(_sql_value(r.get(c)) for c in cols) for r in rows],
                    )
            con.execute("COMMIT")
            if carry:
                con.execute("DETACH DATABASE old")
        finally:
            con.close()


def _attach_readable(con: sqlite3.Connection, old: Path) -> bool:
    try:
        con.execute("ATTACH DATABASE ? AS old", (str(old),))
        con.execute("SELECT count(*) FROM old.sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False  # an unreadable old file is simply replaced


def _carry_over(con: sqlite3.Connection, rewritten: set[str]) -> None:
    rows = con.execute("SELECT name, sql FROM old.sqlite_master WHERE type='table'").fetchall()
    for name, sql in rows:
        if name in rewritten or name.startswith("sqlite_") or not sql:
            continue
        con.execute(sql)
        con.execute(f'INSERT INTO main."{name}" SELECT * FROM old."{name}"')


def _sql_col(name: str) -> str:
    return f'"{name}"'


def _sql_value(v):
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return int(v)
    return v
