"""The incremental run: what each input file gave last time, reused when neither the file nor the rules changed.

`run` keeps `run-cache.sqlite` in its output set: for every corpus file, its path, the SHA-256 of its
bytes and its result (the cleaned articles with their claims, pickled). A new run looks each file up by
path and hash; a hit skips cleaning and extraction. The cache is valid for one rules version only: a
hash of every rules file, the corpus's own site rules, the package's code and the prefilter setting.
Any change there and the old cache is ignored as a whole, so a changed rule can never leave stale claims.

The new cache is written into the staging folder with the new output set and swapped in with it: a failed
run keeps the old cache, and the cache holds exactly the files of the last good run (no stale entries).
Results are the same functions of the same inputs, so a run with the cache gives the outputs of a full run.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from pathlib import Path

from .engine import FileResult
from .rules import rules_dir
from .sites import SiteRules

CACHE_FILE = "run-cache.sqlite"
_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def rules_version(sites: tuple[SiteRules, ...] | None, prefilter: bool) -> str:
    """A hash of everything a file's result depends on besides the file: rules, site rules, code, options."""
    h = hashlib.sha256(f"prefilter={prefilter}\n".encode())
    package = Path(__file__).resolve().parent
    for root, pattern in ((rules_dir(), "*"), (package, "*.py")):
        for f in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(repr(sites).encode())
    return h.hexdigest()


class RunCache:
    """Reads the previous run's cache (when its version matches) and writes this run's."""

    def __init__(self, old: Path | None, new: Path, version: str):
        self.version = version
        self.hits = 0
        self._old = self._open_old(old, version) if old is not None else None
        self._new = sqlite3.connect(new, isolation_level=None)
        self._new.execute("PRAGMA journal_mode = OFF")
        self._new.execute("PRAGMA synchronous = OFF")
        self._new.execute("PRAGMA cache_size = -256")  # a small page cache: memory stays flat in corpus size
        self._new.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        self._new.execute("CREATE TABLE files (path TEXT PRIMARY KEY, digest TEXT, result BLOB)")
        self._new.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        self._new.execute("BEGIN")

    @staticmethod
    def _open_old(path: Path, version: str) -> sqlite3.Connection | None:
        if not path.exists():
            return None
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            con.execute("PRAGMA cache_size = -256")
            row = con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        except sqlite3.DatabaseError:  # damaged or not ours: a full run rebuilds it
            return None
        if row is None or row[0] != version:
            con.close()
            return None
        return con

    def has(self, path: Path, digest: str) -> bool:
        if self._old is None:
            return False
        try:
            return self._old.execute("SELECT 1 FROM files WHERE path = ? AND digest = ?",
                                     (str(path), digest)).fetchone() is not None
        except sqlite3.DatabaseError:
            return False

    def get(self, path: Path, digest: str) -> FileResult | None:
        if self._old is None:
            return None
        try:
            row = self._old.execute("SELECT result FROM files WHERE path = ? AND digest = ?",
                                    (str(path), digest)).fetchone()
            result = pickle.loads(row[0]) if row else None
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError):
            return None
        if result is not None:
            self.hits += 1
        return result

    def put(self, path: Path, digest: str, result: FileResult) -> None:
        if result.error is None:  # bad input is retried: the fix may be elsewhere (a rules file, a decoder)
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            self._new.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (str(path), digest, blob))

    def close(self) -> None:
        if self._old is not None:
            self._old.close()
        self._new.execute("COMMIT")
        self._new.close()
