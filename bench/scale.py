"""Scale benchmark: `unionclaims run` against a naive pass on the same synthetic pages, speed-up with workers,
and peak memory against corpus size.

    python bench/scale.py --pages-from DIR [--pages 300] [--repeat 2] [--workers 1,2] [--memory 150,1000]

The synthetic corpus is made here, seeded: the union pages of corpus/html plus the .html pages of each
`--pages-from` folder (e.g. the vi-news benchmark pages), copied round-robin to `--pages` files, every
3-4 digit number of copy k shifted by k so that no two copies are the same article.

Printed, each from whole processes run in turn (A B A B ...) on the same files:
- the naive pass (trafilatura.extract + underthesea word_tokenize + three regexes, `NAIVE` below)
  against `unionclaims run --workers 1`: seconds of each and their ratio, per pair and median; then both
  on a single union page (their fixed start-up) and the ratio of their cost per page beyond it, which is
  what the ratio tends to on a large corpus;
- `unionclaims run --workers N` for each N: seconds and speed-up over 1 worker;
- peak RSS of `run --workers 1` at each `--memory` size, and its growth per extra article;
- the incremental rerun: the corpus grown by 1 % (new copies), `run` again into the same output folder
  (its cache reuses the unchanged files), against a full run of the grown corpus, and whether the two
  output sets are equal.
- `clean_html` against `trafilatura.extract` (pages/s and F1 of each from the same bytes, median of
  `--clean-repeat` passes in which each page goes through both in turn, bench/clean.py's loaders and
  metric) on the union pages of corpus/html, on each
  `--pages-from` folder that has the vi-news `manifest.json`, and on the public article-extraction
  benchmark when `--article-extraction DIR` is given (its data is not in this repository; see bench/clean.py).
Every timed run but the incremental one is given `--no-cache`, so that it reads every page.
Times vary with machine load: compare within one run, never against a fixed number.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"(?<=[\s>(])(\d{3,4})(?=[\s<.,)])")

NAIVE = r'''
import pathlib, re, sys
import trafilatura
from underthesea import word_tokenize
pats = [re.compile(r"kết nạp (?:mới )?(?:được )?([\d.]+) đoàn viên"),
        re.compile(r"thành lập (?:mới )?(?:được )?([\d.]+) (?:CĐCS|công đoàn cơ sở)"),
        re.compile(r"(?:vận động|quyên góp|ủng hộ) (?:được )?([\d.,]+ (?:triệu|tỷ) đồng)")]
hits = 0
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.html")):
    text = trafilatura.extract(p.read_bytes()) or ""
    word_tokenize(text)
    hits += sum(len(r.findall(text)) for r in pats)
print(hits)
'''


def make_corpus(out: Path, n: int, sources: list[Path], seed: int = 12) -> Path:
    """`n` pages from the source pages, round-robin in a seeded order; copy k has its numbers shifted by k."""
    pages = [p.read_bytes().decode("utf-8", "replace") for p in sources]
    order = list(range(len(pages)))
    random.Random(seed).shuffle(order)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        page = pages[order[i % len(pages)]]
        k = i // len(pages) + 1
        page = NUMBER.sub(lambda m, k=k: str(int(m.group(1)) + k), page)
        (out / f"p{i:06d}.html").write_text(page, encoding="utf-8")
    return out


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss


def run_cmd(corpus: Path, out: Path, workers: int, cache: bool = False) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", "run", "--corpus", str(corpus), "--out", str(out), "--no-progress",
            "--workers", str(workers), *([] if cache else ["--no-cache"])]


def same_claims(a: Path, b: Path) -> bool:
    import pandas as pd

    return all(pd.read_parquet(a / f).equals(pd.read_parquet(b / f)) for f in ("claims.parquet", "articles.parquet"))


def incremental(tmp: Path, n: int, sources: list[Path]) -> None:
    """Run over n pages, grow the corpus by 1 % with new copies, run again with the cache; and a full run."""
    corpus = make_corpus(tmp / f"i{n}", n, sources)
    out = tmp / "inc"
    t_first, _ = timed(run_cmd(corpus, out, 1, cache=True))
    grown = max(1, n // 100)
    extra = make_corpus(tmp / "extra", n + grown, sources, seed=99)
    for p in sorted(extra.glob("*.html"))[-grown:]:
        p.rename(corpus / f"new_{p.name}")
    t_inc, _ = timed(run_cmd(corpus, out, 1, cache=True))
    t_full, _ = timed(run_cmd(corpus, tmp / "inc_full", 1))
    print(f"incremental: {n} pages {t_first:.1f} s; grown by {grown} pages, rerun with the cache {t_inc:.1f} s "
          f"against a full run {t_full:.1f} s ({t_full / t_inc:.1f}x); outputs equal: "
          f"{same_claims(out, tmp / 'inc_full')}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages-from", action="append", default=[], metavar="DIR",
                    help="a folder of .html pages to add to corpus/html as sources (repeatable)")
    ap.add_argument("--pages", type=int, default=300, help="pages in the timed corpus (default 300)")
    ap.add_argument("--repeat", type=int, default=2, help="pairs of naive/run timings (default 2)")
    ap.add_argument("--workers", default=f"1,{os.cpu_count() or 1}", help="worker counts to time (default 1,cores)")
    ap.add_argument("--memory", default="150,1000", help="corpus sizes for peak RSS (default 150,1000; '' = skip)")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive pass")
    ap.add_argument("--incremental", type=int, default=1000, metavar="N",
                    help="pages of the incremental rerun measure (default 1000; 0 = skip)")
    ap.add_argument("--article-extraction", type=Path, metavar="DIR",
                    help="folder of the scrapinghub article-extraction-benchmark data, for the clean speed measure")
    ap.add_argument("--clean-repeat", type=int, default=3, metavar="N",
                    help="timed passes of each extractor in the clean speed measure (default 3; 0 = skip it)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the corpora and outputs (by default the work folder is deleted at the end)")
    args = ap.parse_args()

    sources = sorted((ROOT / "corpus" / "html").glob("*.html"))
    for d in args.pages_from:
        sources += sorted(Path(d).glob("*.html"))
    tmp = Path(tempfile.mkdtemp(prefix="scale-"))
    try:  # the corpora are large: 100,000 pages take about 11 GB
        return measure(args, sources, tmp)
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(args: argparse.Namespace, sources: list[Path], tmp: Path) -> int:
    corpus = make_corpus(tmp / f"c{args.pages}", args.pages, sources)
    print(f"corpus: {args.pages} pages from {len(sources)} source pages in {corpus}")

    if not args.no_naive:
        naive = tmp / "naive.py"
        naive.write_text(NAIVE, encoding="utf-8")
        ratios, pairs = [], []
        for i in range(args.repeat):
            tn, _ = timed([sys.executable, str(naive), str(corpus)])
            tu, _ = timed(run_cmd(corpus, tmp / "o", 1))
            ratios.append(tn / tu)
            pairs.append((tn, tu))
            print(f"pair {i + 1}: naive pass {tn:.1f} s, unionclaims run --workers 1 {tu:.1f} s, "
                  f"ratio {tn / tu:.2f}x ({args.pages / tu:.1f} articles/s on one core)")
        print(f"naive / run on one core: median {statistics.median(ratios):.2f}x")
        if pairs and args.pages > 1:
            # Both commands pay a fixed start-up (imports, models, rules); on a small corpus it weighs on the
            # ratio. Timed on one union page (every model and rule loaded), it is taken out per page.
            one = make_corpus(tmp / "c1", 1, sources[:1])
            n1 = statistics.median(timed([sys.executable, str(naive), str(one)])[0] for _ in range(3))
            u1 = statistics.median(timed(run_cmd(one, tmp / "o1", 1))[0] for _ in range(3))
            per_n = [(tn - n1) / (args.pages - 1) * 1000 for tn, _ in pairs]
            per_u = [(tu - u1) / (args.pages - 1) * 1000 for _, tu in pairs]
            print(f"start-up (one union page, median of 3): naive pass {n1:.2f} s, run {u1:.2f} s; ", end="")
            if min(per_n + per_u) <= 0:  # the corpus took no longer than one page: timing noise, not a cost
                print("too few pages to tell the cost per page from the start-up (try --pages 300 or more)")
            else:
                print(f"per page beyond it: naive {statistics.median(per_n):.1f} ms, run {statistics.median(per_u):.1f} ms, "
                      f"ratio {statistics.median(n / u for n, u in zip(per_n, per_u, strict=True)):.2f}x")

    base = None
    for n in [int(x) for x in args.workers.split(",") if x]:
        t, rss = timed(run_cmd(corpus, tmp / f"w{n}", n))
        base = base or t
        print(f"run --workers {n}: {t:.1f} s, speed-up {base / t:.2f}x, peak RSS of the main process {rss / 1024:.0f} MB")

    sizes = [int(x) for x in args.memory.split(",") if x]
    peaks = []
    for n in sizes:
        c = make_corpus(tmp / f"m{n}", n, sources)
        t, rss = timed(run_cmd(c, tmp / f"mo{n}", 1))
        peaks.append((n, rss))
        print(f"peak RSS at {n} pages (--workers 1): {rss / 1024:.0f} MB ({t:.1f} s)")
    if len(peaks) >= 2:
        (n0, r0), (n1, r1) = peaks[0], peaks[-1]
        print(f"peak RSS growth: {(r1 - r0) / (n1 - n0):.2f} KB per article from {n0} to {n1} pages")
    if args.incremental:
        incremental(tmp, args.incremental, sources)
    if args.clean_repeat > 0:
        clean_speed(args)
    return 0


def clean_speed(args: argparse.Namespace) -> None:
    """`clean_html` against `trafilatura.extract` on each page set at hand, timed in turn (A B A B …)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import clean as clean_bench  # bench/clean.py: the page sets, the extractors and the F1 metric

    sets = [("union pages (corpus/html)", clean_bench.load_expected_pages(ROOT / "corpus" / "html", None))]
    sets += [(f"vi-news ({d})", clean_bench.load_vi_news(Path(d), None))
             for d in args.pages_from if (Path(d) / "manifest.json").exists()]
    if args.article_extraction is not None:
        if not (args.article_extraction / "ground-truth.json").exists():
            raise SystemExit(f"{args.article_extraction}: no ground-truth.json (the article-extraction benchmark's folder?)")
        sets.append(("public article-extraction benchmark", clean_bench.load_article_extraction(args.article_extraction, None)))
    extractors = {"clean_html": clean_bench.ours, "trafilatura.extract": clean_bench.trafilatura_default}
    for title, pages in sets:
        f1 = {name: clean_bench.run(pages, extractor).f1 for name, extractor in extractors.items()}
        passes = clean_bench.paired_speed(pages, extractors, args.clean_repeat)
        speed = {name: statistics.median(p[name] for p in passes) for name in extractors}
        ratios = [p["clean_html"] / p["trafilatura.extract"] for p in passes]
        ratio = statistics.median(ratios)
        print(f"clean speed on {title}, {len(pages)} pages: clean_html {speed['clean_html']:.1f} pages/s "
              f"(F1 {f1['clean_html']:.3f}), trafilatura.extract {speed['trafilatura.extract']:.1f} pages/s "
              f"(F1 {f1['trafilatura.extract']:.3f}): {ratio:.2f}x its speed (median of {args.clean_repeat} passes, "
              f"each page through both in turn; passes " + ", ".join(f"{r:.2f}x" for r in ratios) + ")")

if __name__ == "__main__":
    sys.exit(main())
