"""Recall of the relevance prefilter (pipeline.clean.relevance) on annotated excerpts, and how many pages
of a folder of news pages it leaves unread.

    python bench/prefilter.py                          # the annotated sets of this repository
    python bench/prefilter.py --pages DIR [--pages DIR2]   # also: share of each folder's .html pages left unread

An excerpt is judged with its own text and URL. It is only part of its page, so this is a lower bound
of the page-level recall: the page holds the excerpt's words and more. Required: no gold claim dropped.
Sets: bench/data/real (real pages annotated blind; dev, test and a fresh set when one is apart), tests/data (claims_dev, challenge) and
the self-written sets of bench/data.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.clean.relevance import is_relevant  # noqa: E402

SETS = [*(p for p in (ROOT / "bench/data/real" / f"{part}.jsonl" for part in ("dev", "test", "fresh")) if p.exists()),
        ROOT / "tests/data/claims_dev.jsonl",
        ROOT / "tests/data/challenge.jsonl", *sorted((ROOT / "bench/data").glob("*.jsonl"))]


def gold(record: dict) -> list:
    return record.get("claims") or record.get("gold") or []


def recall(path: Path) -> tuple[int, int, int, int, int]:
    """Excerpts with gold claims, those kept, gold claims, those kept, and excerpts without claims kept."""
    ex = ex_kept = claims = claims_kept = neg_kept = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        kept = is_relevant(unicodedata.normalize("NFC", r.get("text", "")), r.get("url"))
        if gold(r):
            ex += 1
            claims += len(gold(r))
            ex_kept += kept
            claims_kept += len(gold(r)) if kept else 0
        else:
            neg_kept += kept
    return ex, ex_kept, claims, claims_kept, neg_kept


def unread_share(folder: Path) -> tuple[int, int]:
    from pipeline.clean.cleaner import clean_html

    pages = sorted(folder.glob("*.html"))
    off = sum("off_topic" in clean_html(p.read_bytes(), None, site_rules=False, prefilter=True).flags for p in pages)
    return off, len(pages)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", action="append", default=[], metavar="DIR", help="a folder of .html news pages")
    args = ap.parse_args()
    dropped = 0
    print(f"{'set':<34} {'excerpts kept':>15} {'gold claims kept':>18}")
    for path in SETS:
        if not path.exists():
            continue
        ex, ex_kept, claims, claims_kept, _ = recall(path)
        dropped += claims - claims_kept
        print(f"{str(path.relative_to(ROOT)):<34} {ex_kept:>6} / {ex:<6} {claims_kept:>8} / {claims:<7}")
    print(f"gold claims dropped: {dropped}")
    for folder in args.pages:
        off, n = unread_share(Path(folder))
        print(f"{folder}: {off} of {n} pages left unread (off_topic)")
    return 1 if dropped else 0


if __name__ == "__main__":
    raise SystemExit(main())
