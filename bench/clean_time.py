"""Time `clean_html` of this checkout over public benchmark pages, and fingerprint what it returns.

    python bench/clean_time.py --article-extraction DIR --vi-news DIR [--repeat 3]

To compare two versions, run it from each checkout in turn (A B A B …) on the same machine: equal
fingerprints mean the two clean every page to the same text, and the ratio of the seconds is the speed-up.
The data sets are the ones `bench/clean.py` names (scrapinghub/article-extraction-benchmark, MIT; the
vi-news pages with their manifest); they are not in this repository.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.clean.cleaner import clean_html  # noqa: E402

WARMUP_PAGES = 3


def load_pages(article_extraction: Path | None, vi_news: Path | None) -> list[bytes]:
    pages: list[bytes] = []
    if article_extraction is not None:
        pages += [gzip.decompress(p.read_bytes()) for p in sorted((article_extraction / "html").glob("*.html.gz"))]
    if vi_news is not None:
        pages += [p.read_bytes() for p in sorted(vi_news.glob("*.html"))]
    return pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--article-extraction", type=Path, help="folder with html/<id>.html.gz")
    ap.add_argument("--vi-news", type=Path, help="folder of Vietnamese news .html pages")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes; the median is printed (default 3)")
    args = ap.parse_args(argv)
    for folder in (args.article_extraction, args.vi_news):
        if folder is not None and not folder.is_dir():
            print(f"{folder}: no such folder", file=sys.stderr)
            return 2
    pages = load_pages(args.article_extraction, args.vi_news)
    if not pages:
        print("no pages: give --article-extraction and/or --vi-news", file=sys.stderr)
        return 2
    for page in pages[:WARMUP_PAGES]:
        clean_html(page)
    seconds, texts = [], []
    for _ in range(max(args.repeat, 1)):
        start = time.perf_counter()
        texts = [clean_html(page).text for page in pages]
        seconds.append(time.perf_counter() - start)
    fingerprint = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    print(f"{len(pages)} pages, median {statistics.median(seconds):.2f} s of {len(seconds)} passes "
          f"({len(pages) / statistics.median(seconds):.1f} pages/s), output fingerprint {fingerprint}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
