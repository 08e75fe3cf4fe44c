"""Time `run`, `audit` and `report` on real text: the annotated excerpts of bench/data/real as a corpus of text dumps.

    python bench/outputs.py [--data bench/data/real] [--workers 1]

Each excerpt of every .jsonl file in the folder becomes one .txt file (real union news, many claims per
page, unlike the replicated pages of bench/scale.py); the three commands then run one after another on
it as whole processes, and their wall seconds are printed. Compare within one run, never against a fixed
number.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(data: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in sorted(data.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else {}
            if "text" in record:  # excerpts only (not the adjudication log beside them)
                (out / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
                n += 1
    return n


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "real")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="outputs-") as work:
        tmp = Path(work)
        n = make_corpus(args.data, tmp / "corpus")
        if not n:
            raise SystemExit(f"{args.data}: no excerpts (*.jsonl)")
        out = str(tmp / "out")
        t_run = timed(["run", "--corpus", str(tmp / "corpus"), "--out", out, "--no-progress", "--no-cache",
                       "--workers", str(args.workers)])
        t_audit = timed(["audit", "--out", out])
        t_report = timed(["report", "--out", out])
    print(f"{n} excerpts of {args.data}: run --workers {args.workers} {t_run:.1f} s, audit {t_audit:.1f} s, "
          f"report {t_report:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
