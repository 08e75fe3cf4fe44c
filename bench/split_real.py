"""Fold a newly annotated batch of real excerpts into the dev/test split.

The split is by a hash of the page URL (40 % test), so a page is never in both parts and a
record's part never depends on which batch brought it::

    python bench/split_real.py bench/data/real/fresh.jsonl --into bench/data/real

Records whose URL and text are already in dev or test are skipped; the parts are rewritten
through a temporary file, so an interrupted fold leaves them as they were.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

TEST_SHARE_PERCENT = 40


def part_of(url: str) -> str:
    """'test' or 'dev', fixed by the URL alone."""
    digest = int(hashlib.sha256(url.encode("utf-8")).hexdigest(), 16)
    return "test" if digest % 100 < TEST_SHARE_PERCENT else "dev"


def read_jsonl(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{line_number}: not JSON ({error.msg})") from None
            if not isinstance(record, dict) or "url" not in record or "text" not in record:
                raise SystemExit(f"{path}:{line_number}: a record needs 'url' and 'text'")
            records.append(record)
    return records


def write_jsonl_atomically(path: Path, records: list[dict]) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(temporary, path)


def fold(batch: list[dict], parts: dict[str, list[dict]]) -> dict[str, int]:
    """Append each new batch record to its part; return how many went where."""
    seen = {(r["url"], r["text"]) for records in parts.values() for r in records}
    counts = {"dev": 0, "test": 0, "already there": 0}
    for record in batch:
        key = (record["url"], record["text"])
        if key in seen:
            counts["already there"] += 1
            continue
        seen.add(key)
        part = part_of(record["url"])
        parts[part].append(record)
        counts[part] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batch", type=Path, help="JSONL of newly annotated excerpts")
    parser.add_argument("--into", type=Path, required=True, help="folder holding dev.jsonl and test.jsonl")
    args = parser.parse_args(argv)
    if not args.batch.is_file():
        print(f"{args.batch}: no such file", file=sys.stderr)
        return 2
    paths = {part: args.into / f"{part}.jsonl" for part in ("dev", "test")}
    for path in paths.values():
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            return 2
    parts = {part: read_jsonl(path) for part, path in paths.items()}
    counts = fold(read_jsonl(args.batch), parts)
    for part, path in paths.items():
        write_jsonl_atomically(path, parts[part])
    claims = {part: sum(len(r.get("claims") or []) for r in parts[part]) for part in parts}
    print(
        f"{counts['dev']} to dev, {counts['test']} to test, {counts['already there']} already there; "
        f"dev {len(parts['dev'])} excerpts / {claims['dev']} claims, "
        f"test {len(parts['test'])} excerpts / {claims['test']} claims"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
