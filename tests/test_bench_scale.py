"""bench/scale.py's clean speed measure runs on the bundled union pages and prints both extractors' figures."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_clean_speed_prints_both_extractors_on_the_union_pages(capsys) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import scale

    scale.clean_speed(argparse.Namespace(pages_from=[], article_extraction=None, clean_repeat=1))
    line = capsys.readouterr().out.strip()
    m = re.fullmatch(r"clean speed on union pages \(corpus/html\), (\d+) pages: clean_html [\d.]+ pages/s \(F1 ([\d.]+)\), "
                     r"trafilatura\.extract [\d.]+ pages/s \(F1 ([\d.]+)\): [\d.]+x its speed \(median of 1 passes, "
                     r"each page through both in turn; passes [\d.]+x\)", line)
    assert m, line
    assert int(m[1]) >= 5 and float(m[2]) > 0.9  # every bundled page, cleaned well by its site rules

