"""Check a newly annotated batch of real excerpts before it is scored and folded in (docs/annotation.md).

    python bench/check_batch.py BATCH.jsonl --prefix real-bm- [--corpus bench/data/real] [--known FILE ...]

Each problem is printed as one line, `BATCH:LINE: what is wrong`, then a summary; the exit status is 1 when
there is a problem, so a batch is fixed before anyone scores it. What is checked:

* the record: `id` (with the batch's prefix, unique), `url`, `site`, `text` (at least 100 characters),
  `claims` (a list), `notes` and `tags`;
* the page is new: its URL is in no part of the corpus (`--corpus`, dev and test), in no other file given
  with `--known` (the hand-written sets, the shared dev set), and not twice in the batch;
* each claim: one of the rules' indicators with its unit (rules/indicators/*.toml), a qualifier the
  extractor knows, `is_target` true or false, a numeric `value` or both ends of a range, and a `quote` found
  verbatim in the text (what ties the claim to its words for scoring).

It reads files and prints; it writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract.indicators import default_ruleset  # noqa: E402
from pipeline.records import QUALIFIERS  # noqa: E402

RECORD_KEYS = ("id", "url", "site", "text", "claims", "notes", "tags")
MIN_TEXT = 100


def known_urls(paths: list[Path]) -> set[str]:
    """The URLs of every record in the given JSONL files (lines that are not records are skipped)."""
    urls = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("url"), str):
                urls.add(record["url"].strip())
    return urls


def claim_problems(claim: object, text: str, units: dict[str, str]) -> list[str]:
    """What is wrong with one annotated claim of an excerpt whose text is `text`."""
    if not isinstance(claim, dict):
        return ["a claim is not an object"]
    indicator = claim.get("indicator")
    if indicator not in units:
        return [f"indicator {indicator!r} is not one of the rules' indicators ({', '.join(sorted(units))})"]
    problems = []
    if claim.get("unit") != units[indicator]:
        problems.append(f"{indicator}: unit must be {units[indicator]!r}, not {claim.get('unit')!r}")
    if claim.get("qualifier") not in QUALIFIERS:
        problems.append(f"{indicator}: qualifier {claim.get('qualifier')!r} is not one of {', '.join(QUALIFIERS)}")
    if not isinstance(claim.get("is_target"), bool):
        problems.append(f"{indicator}: is_target must be true or false")
    numbers = [claim.get(key) for key in ("value", "value_min", "value_max")]
    if any(n is not None and (isinstance(n, bool) or not isinstance(n, (int, float))) for n in numbers):
        problems.append(f"{indicator}: value, value_min and value_max must be numbers or null")
    elif numbers[0] is None and (numbers[1] is None or numbers[2] is None):
        problems.append(f"{indicator}: needs a value, or value_min and value_max")
    quote = claim.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        problems.append(f"{indicator}: no quote")
    elif quote not in text:
        problems.append(f"{indicator}: quote not found verbatim in the text: {quote[:60]!r}")
    return problems


def batch_problems(path: Path, prefix: str, known: set[str], units: dict[str, str]) -> tuple[list[str], dict]:
    """Every problem of the batch as `path:line: …`, and its counts (excerpts, claims, negatives)."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    seen_urls: set[str] = set()
    counts = {"excerpts": 0, "claims": 0, "negatives": 0}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{where}: not a JSON object")
            continue
        counts["excerpts"] += 1
        problems += [f"{where}: no {key!r}" for key in RECORD_KEYS if key not in record]
        record_id = str(record.get("id", ""))
        if not record_id.startswith(prefix):
            problems.append(f"{where}: id {record_id!r} does not start with {prefix!r}")
        if record_id in seen_ids:
            problems.append(f"{where}: id {record_id!r} twice in the batch")
        seen_ids.add(record_id)
        url = str(record.get("url") or "").strip()
        if url in known:
            problems.append(f"{where}: the page is already in the corpus or a known set: {url}")
        elif url in seen_urls:
            problems.append(f"{where}: the page is twice in the batch: {url}")
        seen_urls.add(url)
        text = record.get("text") if isinstance(record.get("text"), str) else ""
        if len(text) < MIN_TEXT:
            problems.append(f"{where}: the text is shorter than {MIN_TEXT} characters")
        claims = record.get("claims", [])
        if not isinstance(claims, list):
            problems.append(f"{where}: claims must be a list")
            continue
        counts["claims"] += len(claims)
        counts["negatives"] += not claims
        for claim in claims:
            problems += [f"{where}: {p}" for p in claim_problems(claim, text, units)]
    return problems, counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("batch", type=Path, help="the annotated batch (JSON lines)")
    ap.add_argument("--prefix", required=True, help="the id prefix every record of the batch carries, e.g. real-bm-")
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench/data/real", help="folder of dev.jsonl and test.jsonl")
    ap.add_argument("--known", type=Path, nargs="*", default=[],
                    help="more annotated files whose pages a new batch must not repeat")
    args = ap.parse_args(argv)
    corpus = [args.corpus / "dev.jsonl", args.corpus / "test.jsonl"]
    for path in (args.batch, *corpus, *args.known):
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            return 2
    units = {ind.name: ind.unit for ind in default_ruleset().indicators}
    try:
        problems, counts = batch_problems(args.batch, args.prefix, known_urls([*corpus, *args.known]), units)
    except UnicodeDecodeError as exc:
        print(f"{args.batch}: not UTF-8 text ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    print(f"{args.batch}: {counts['excerpts']} excerpts, {counts['claims']} claims, {counts['negatives']} without "
          f"claims, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
