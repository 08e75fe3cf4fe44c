"""Audit timing: `audit` reading the quantities `run` stored against `audit` parsing every text again.

    python bench/audit.py [--articles 3000] [--repeat 3] [--baseline DIR]

The corpus is made here, seeded, with bench/scale.py's generator idea on text dumps: the annotated excerpts
of bench/data/real (real union news, many numbers a page) copied round-robin in a seeded order to
`--articles` .txt files, every 3-4 digit number of copy k shifted by k, so that every copy is an article of
its own (a text dump's doc_id is its text's hash). `run --workers 2` writes the outputs once; a copy of
them without `quantities.parquet` stands for an output set of an older version. Then, as whole processes
in turn (A B A B ...): `audit` on the set with the table (stored quantities) and on the set without it
(every text parsed, as before the table existed); seconds of each, their ratio per pair and the median,
and whether the two audit.csv files are equal.

`--baseline DIR`: also `run` and `audit` with the code in DIR (e.g. `git archive <commit>` of an older
commit), its own outputs, timed in the same rounds. Compare within one run, never against a fixed number.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import NUMBER  # noqa: E402 - the same number shift as the scale corpus


def make_corpus(out: Path, n: int, data: Path = ROOT / "bench" / "data" / "real", seed: int = 12) -> int:
    texts = []
    for path in sorted(data.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else {}
            if "text" in record:
                texts.append(record["text"])
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        k = i // len(texts)
        text = texts[order[i % len(texts)]]
        if k:
            text = NUMBER.sub(lambda m, k=k: str(int(m.group(1)) + k), f" {text} ")[1:-1]
        (out / f"a{i:06d}.txt").write_text(text, encoding="utf-8")
    return n


def cli(code: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=code, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(code)})
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", type=Path, default=None, help="a checkout of older code to time as well")
    ap.add_argument("--tmp", type=Path, default=None, help="work folder (default: a new temporary folder)")
    args = ap.parse_args()
    tmp = args.tmp or Path(tempfile.mkdtemp(prefix="audit-bench-"))
    corpus = tmp / "corpus"
    make_corpus(corpus, args.articles)
    sets = {"stored": tmp / "out"}
    t_run = cli(ROOT, "run", "--corpus", str(corpus), "--out", str(sets["stored"]), "--no-progress", "--no-cache",
                "--workers", str(args.workers))
    print(f"{args.articles} articles: run --workers {args.workers} {t_run:.1f} s")
    sets["parsed"] = tmp / "out-without-table"
    shutil.rmtree(sets["parsed"], ignore_errors=True)
    shutil.copytree(sets["stored"], sets["parsed"])
    (sets["parsed"] / "quantities.parquet").unlink()
    code = {"stored": ROOT, "parsed": ROOT}
    if args.baseline:
        sets["baseline"], code["baseline"] = tmp / "out-baseline", args.baseline.resolve()
        t = cli(code["baseline"], "run", "--corpus", str(corpus), "--out", str(sets["baseline"]), "--no-progress",
                "--no-cache", "--workers", str(args.workers))
        print(f"baseline run ({args.baseline}) {t:.1f} s")
    times: dict[str, list[float]] = {k: [] for k in sets}
    for _ in range(args.repeat):
        for name, out in sets.items():
            times[name].append(cli(code[name], "audit", "--out", str(out)))
    for name, ts in times.items():
        print(f"audit, {name:8}: " + ", ".join(f"{t:.2f}" for t in ts) + f" s (median {statistics.median(ts):.2f})")
    for other in [k for k in sets if k != "stored"]:
        ratios = [o / s for o, s in zip(times[other], times["stored"], strict=True)]
        print(f"{other} / stored: " + ", ".join(f"{r:.2f}x" for r in ratios) + f" (median {statistics.median(ratios):.2f}x)")
        same = (sets[other] / "audit.csv").read_bytes() == (sets["stored"] / "audit.csv").read_bytes()
        print(f"audit.csv of {other} equal to stored: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
