"""bench/clean.py: the main-text extraction benchmark runs on the bundled pages and says which path read them."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_clean_benchmark_says_which_path_read_each_page(capsys) -> None:
    """bench/clean.py reports, per set, how many pages site rules, the container reading or the general
    extractors read: the union pages all have site rules."""
    sys.path.insert(0, str(ROOT / "bench"))
    import clean

    from pipeline.clean import cleaner

    before = cleaner.find_container

    assert clean.main(["--only", "clean_html", "--testsite", str(ROOT / "no-such-folder")]) == 0
    out = capsys.readouterr().out
    assert "pages of union pages (corpus/html) read by clean_html through: site rules 5" in out
    assert cleaner.find_container is before  # the benchmark's note-taking is undone
