"""`unionclaims serve`: browse DIR/unionclaims.sqlite in Datasette, read-only.

The database is opened in Datasette's immutable mode (`-i`): nothing can write to it, and Datasette's
SQL box only runs read-only queries. A new `unionclaims run` swaps in a new output set (a new file at the
same path), which an open Datasette would never see: serve watches the file and restarts Datasette on the
new data. Datasette is an optional dependency (`pip install -e .[serve]`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import sys
import tempfile
from pathlib import Path

from . import CliError

TABLES = {
    "claims": "One row per extracted claim (latest crawl version of each article). See output/README.md.",
    "articles": "One row per cleaned article; flags as JSON text.",
    "claim_versions": "Claims of every crawl version of each article, for silent-edit detection.",
    "facts": "One row per distinct reported figure, with all its sources.",
    "panel": "Province × period × indicator; achievements and targets apart; bodies never added up.",
    "audit": "One row per audit finding, explained in Vietnamese and English.",
}


def metadata(db: Path) -> dict:
    return {
        "title": "unionclaims",
        "description": "Numbers reported by Vietnamese trade-union news sites, with their sources and audit findings.",
        "databases": {db.stem: {"tables": {name: {"description": text} for name, text in TABLES.items()}}},
    }


def datasette_command(db: Path, metadata_file: Path, host: str, port: int, open_browser: bool) -> list[str]:
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", host, "--port", str(port),
           "--metadata", str(metadata_file)]
    return cmd + (["--open"] if open_browser else [])


def _cmd_serve(args: argparse.Namespace) -> int:
    db = Path(args.out) / "unionclaims.sqlite"
    if not db.exists():
        raise CliError(f"{db}: missing (run `unionclaims run --out {args.out}` first)")
    if importlib.util.find_spec("datasette") is None:
        raise CliError("datasette is not installed: pip install -e '.[serve]' (or pip install datasette)")
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port}: not a TCP port")
    fd, meta = tempfile.mkstemp(prefix="unionclaims-datasette-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(metadata(db), fh, ensure_ascii=False)
    cmd = datasette_command(db, Path(meta), args.host, args.port, args.open)
    print(f"unionclaims serve: {db} (read-only) at http://{args.host}:{args.port}/ — Ctrl-C to stop", flush=True)
    try:
        return serve_until_stopped(cmd, db)
    finally:
        os.unlink(meta)


def _identity(db: Path) -> tuple[int, int] | None:
    try:
        st = db.stat()
    except OSError:
        return None  # between the two renames of a fallback swap: wait for the new file
    return (st.st_ino, st.st_mtime_ns)


def serve_until_stopped(cmd: list[str], db: Path, poll_seconds: float = 1.0) -> int:
    """Run Datasette; restart it whenever `db` is replaced by a new run. Returns Datasette's exit code."""
    import subprocess

    seen = _identity(db)
    proc = subprocess.Popen(cmd)
    # A service manager or a test stops serve with SIGTERM: stop Datasette with it, never leave it orphaned.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            try:
                return proc.wait(timeout=poll_seconds)
            except subprocess.TimeoutExpired:
                pass
            now = _identity(db)
            if now is not None and now != seen:
                seen = now
                print(f"unionclaims serve: {db} was replaced by a new run; reloading", flush=True)
                _stop(proc)
                proc = subprocess.Popen(cmd)
    except KeyboardInterrupt:
        return 130
    finally:
        _stop(proc)
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(proc: object) -> None:
    import subprocess

    assert isinstance(proc, subprocess.Popen)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="browse DIR/unionclaims.sqlite in Datasette (read-only; needs .[serve])")
    p.add_argument("--out", default="output", help="output folder written by `unionclaims run` (default: output/)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    p.add_argument("--open", action="store_true", help="open it in the web browser")
    p.set_defaults(func=_cmd_serve)
