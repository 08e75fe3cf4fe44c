"""Audit and report: time and peak memory, `audit` reading the quantities `run` stored against `audit`
parsing every text again, and against older code.

    python bench/audit.py [--articles 3000] [--repeat 3] [--baseline DIR] [--report]

The corpus is made here, seeded, with bench/scale.py's generator idea on text dumps: the annotated excerpts
of bench/data/real (real union news, many numbers a page) copied round-robin in a seeded order to
`--articles` .txt files, every 3-4 digit number of copy k shifted by k, so that every copy is an article of
its own (a text dump's doc_id is its text's hash). `run --workers 2` writes the outputs once; a copy of
them without `quantities.parquet` stands for an output set of an older version. Then, as whole processes
in turn (A B A B ...): `audit` on the set with the table (stored quantities) and on the set without it
(every text parsed, as before the table existed); seconds and peak RSS of each, their time ratio per pair
and the median, and whether the two audit.csv files are equal. `--report` also times `report` on each set
(after its audit) and compares the report.html files.

`--baseline DIR`: also `run`, `audit` (and `report`) with the code in DIR (e.g. `git archive <commit>` of an
older commit), its own outputs, timed in the same rounds. Compare within one run, never against a fixed
number; peak memory at two corpus sizes gives the growth per article.
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
    return measured(code, *args)[0]


def measured(code: Path, *args: str) -> tuple[float, int]:
    """Seconds and peak RSS (KB) of `python -m pipeline.cli ARGS` run with the code in `code`."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=code, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(code)})
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args)
    return seconds, usage.ru_maxrss  # kilobytes on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", type=Path, default=None, help="a checkout of older code to time as well")
    ap.add_argument("--tmp", type=Path, default=None,
                    help="work folder, kept afterwards (default: a temporary folder, deleted at the end)")
    ap.add_argument("--report", action="store_true", help="also time `report` and measure its memory")
    args = ap.parse_args()
    if args.tmp:
        return measure(args, args.tmp)
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        return measure(args, Path(tmp))


def measure(args: argparse.Namespace, tmp: Path) -> int:
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
    commands = ["audit", "report"] if args.report else ["audit"]
    times: dict[tuple[str, str], list[float]] = {(c, k): [] for c in commands for k in sets}
    peaks: dict[tuple[str, str], list[int]] = {(c, k): [] for c in commands for k in sets}
    for _ in range(args.repeat):
        for name, out in sets.items():
            for command in commands:
                seconds, peak = measured(code[name], command, "--out", str(out))
                times[(command, name)].append(seconds)
                peaks[(command, name)].append(peak)
    for (command, name), ts in times.items():
        print(f"{command}, {name:8}: " + ", ".join(f"{t:.2f}" for t in ts) + f" s (median {statistics.median(ts):.2f}); "
              f"peak RSS {max(peaks[(command, name)]) / 1024:.0f} MB")
    for command in commands:
        for other in [k for k in sets if k != "stored"]:
            ratios = [o / s for o, s in zip(times[(command, other)], times[(command, "stored")], strict=True)]
            print(f"{command}: {other} / stored: " + ", ".join(f"{r:.2f}x" for r in ratios)
                  + f" (median {statistics.median(ratios):.2f}x)")
    for other in [k for k in sets if k != "stored"]:
        same = (sets[other] / "audit.csv").read_bytes() == (sets["stored"] / "audit.csv").read_bytes()
        print(f"audit.csv of {other} equal to stored: {same}")
        if args.report:
            pages = [(sets[k] / "report.html").read_text(encoding="utf-8").replace(str(sets[k]), "OUT")
                     for k in (other, "stored")]
            print(f"report.html of {other} equal to stored: {pages[0] == pages[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
