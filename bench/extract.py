"""Benchmark of claim extraction alone (no cleaning): sentences/s, and the share of time spent in
underthesea. Runs our number-gated extractor and, side by side, a baseline that sends every sentence
through underthesea word segmentation (what a naive pipeline does), and reports the ratio.

    python bench/extract.py [--repeat N] [--gold tests/data/claims_dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.clean.cleaner import clean_text  # noqa: E402
from pipeline.extract import extractor as extract  # noqa: E402
from pipeline.extract import sentences as sentmod  # noqa: E402


def _texts(gold: Path | None) -> list[str]:
    texts = [clean_text(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]
    if gold and gold.exists():
        texts += [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


class _Timer:
    """Wraps a function and accumulates the time spent inside it."""

    def __init__(self, fn):
        self.fn, self.seconds, self.calls = fn, 0.0, 0

    def __call__(self, *a, **k):
        t = time.perf_counter()
        try:
            return self.fn(*a, **k)
        finally:
            self.seconds += time.perf_counter() - t
            self.calls += 1


def _run(texts: list[str], gate: bool) -> tuple[float, float, int, int]:
    from underthesea import sent_tokenize, word_tokenize

    sent_t, word_t = _Timer(sent_tokenize), _Timer(word_tokenize)
    sentmod._sent_tokenize.cache_clear()
    sentmod._word_tokenize.cache_clear()
    orig_sent, orig_word = sentmod._sent_tokenize, sentmod._word_tokenize
    sentmod._sent_tokenize = lambda: sent_t  # type: ignore[assignment]
    sentmod._word_tokenize = lambda: word_t  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        sentences = 0
        for text in texts:
            spans = sentmod.split_sentences(text)
            sentences += len(spans)
            if not gate:  # baseline: word-segment every sentence, number or not
                for a, b in spans:
                    word_t(text[a:b])
            extract.extract_mentions(text)
        total = time.perf_counter() - start
    finally:
        sentmod._sent_tokenize, sentmod._word_tokenize = orig_sent, orig_word
    return total, sent_t.seconds + word_t.seconds, sentences, word_t.calls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "claims_dev.jsonl")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = _texts(args.gold)
    extract.extract_mentions(texts[0])  # warm up: load models once
    rows = {}
    for label, gate in (("number-gated (ours)", True), ("baseline: segment every sentence", False)):
        runs = [_run(texts, gate) for _ in range(args.repeat)]
        total = statistics.median(r[0] for r in runs)
        uts = statistics.median(r[1] for r in runs)
        rows[label] = (total, uts, runs[0][2], runs[0][3])
    print(f"{len(texts)} texts, {sum(len(t) for t in texts):,} characters, median of {args.repeat} runs")
    print(f"{'variant':<34} {'sent/s':>8} {'seconds':>8} {'underthesea share':>18} {'word_tokenize calls':>20}")
    for label, (total, uts, sents, calls) in rows.items():
        print(f"{label:<34} {sents / total:>8.0f} {total:>8.3f} {uts / total:>17.0%} {calls:>20}")
    ours, base = rows["number-gated (ours)"][0], rows["baseline: segment every sentence"][0]
    print(f"speed-up of ours over baseline: {base / ours:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
