"""Throughput of the number grammar (pipeline.numbers.find_quantities) over the seed articles and the
dev excerpts, whole texts and sentence by sentence (the extractor calls it once per sentence).

    .venv/bin/python bench/number_grammar.py [--repeat N] [--dev PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.numbers import find_quantities  # noqa: E402
from pipeline.text.normalize import normalize_text  # noqa: E402

DEFAULT_DEV = ROOT / "tests" / "data" / "claims_dev.jsonl"
_SENT = re.compile(r"(?<=[.!?;:])\s+|\n+")


def load_texts(dev: Path) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]
    if dev.exists():
        texts += [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [normalize_text(t) for t in texts]


def run(units: list[str], repeat: int) -> tuple[float, int]:
    best = float("inf")
    found = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = sum(len(find_quantities(u)) for u in units)
        best = min(best, time.perf_counter() - t0)
    return best, found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="runs per measurement; the fastest is reported")
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="dev excerpts (JSON lines with a 'text' field)")
    args = ap.parse_args(argv)
    texts = load_texts(args.dev)
    sentences = [s for t in texts for s in _SENT.split(t) if s.strip()]
    chars = sum(map(len, texts))
    print(f"{len(texts)} texts, {len(sentences)} sentences, {chars / 1000:.1f} k characters")
    for label, units in (("whole texts", texts), ("sentences", sentences)):
        secs, found = run(units, args.repeat)
        print(f"{label:12} {found:5d} quantities in {secs * 1000:7.2f} ms: "
              f"{found / secs:9.0f} quantities/s, {chars / secs / 1e6:5.2f} M chars/s, "
              f"{len(units) / secs:8.0f} units/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
