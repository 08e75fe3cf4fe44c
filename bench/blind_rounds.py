"""Every blind measure of the extractor, again: each fresh set scored with the rules it was scored with.

    python bench/blind_rounds.py [--data bench/data/real] [--git-root .]

A fresh set is a batch of real excerpts annotated blind after the rules it measures were committed, scored
once, then folded into dev and test (bench/split_real.py; docs/extraction.md). Its records are found again
in the dev and test parts by their id prefixes. For each set this script exports the commit of its round
(`git archive`, so the git history of this repository is needed), runs that code's `unionclaims eval` on the
set, and reads the per-indicator counts it prints. It then pools the counts: over every fresh set, and over
the sets scored with the rules of rounds 7 and later (the rules of round 8 and after: round 8 changed no
rule that moved the second set, rounds 9, 10 and 12 none at all, round 11 a few general vetoes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (name, id prefixes, round, commit whose rules scored it); docs/extraction.md records each one.
FRESH_SETS = (
    ("first fresh set", ("real-m-", "real-n-"), 5, "5d10169"),
    ("second fresh set", ("real-o-", "real-p-"), 7, "8dab36c"),
    ("third fresh set", ("real-q-", "real-r-"), 8, "e162fb6"),
    ("fourth fresh set", ("real-s-", "real-t-"), 9, "e162fb6"),
    ("fifth fresh set", ("real-u-", "real-v-"), 10, "84aa36c"),
    ("sixth fresh set", ("real-w-", "real-x-"), 11, "6f5ddc4"),
    ("seventh fresh set", ("real-y-", "real-z-"), 12, "ad4b064"),
    ("eighth fresh set", ("real-aa-", "real-ab-"), 13, "bb4301c"),
    ("ninth fresh set", ("real-ac-", "real-ad-"), 14, "c687516"),
    ("tenth fresh set", ("real-ae-", "real-af-"), 15, "65ced2b"),
    ("eleventh fresh set", ("real-ag-", "real-ah-"), 16, "3ef5450"),
    ("twelfth fresh set", ("real-ai-", "real-aj-"), 17, "e5af9c1"),
    ("thirteenth fresh set", ("real-ak-", "real-al-"), 18, "c429285"),
    ("fourteenth fresh set", ("real-am-", "real-an-"), 19, "ea8d30f"),
    ("fifteenth fresh set", ("real-ao-", "real-ap-"), 21, "036257d"),
    ("sixteenth fresh set", ("real-aq-", "real-ar-"), 22, "9aa202e"),
    ("seventeenth fresh set", ("real-as-", "real-at-"), 23, "3916239"),
    ("eighteenth fresh set", ("real-au-", "real-av-"), 26, "217a816"),
    ("nineteenth fresh set", ("real-aw-", "real-ax-"), 28, "d8a1ab7"),
    ("twentieth fresh set", ("real-ay-", "real-az-"), 30, "09ae645"),
    ("twenty-first fresh set", ("real-ba-", "real-bb-"), 35, "a6fdaee"),
    ("twenty-second fresh set", ("real-bc-", "real-bd-"), 37, "e967ec4"),
    ("twenty-third fresh set", ("real-be-", "real-bf-"), 38, "ef98713"),
    ("twenty-fourth fresh set", ("real-bg-", "real-bh-"), 41, "7b0349e"),
    ("twenty-fifth fresh set", ("real-bi-", "real-bj-"), 44, "62330f9"),
    ("twenty-sixth fresh set", ("real-bk-", "real-bl-"), 44, "53f73f9"),
    ("twenty-seventh fresh set", ("real-bm-", "real-bn-"), 49, "f8fdc2b"),
    ("twenty-eighth fresh set", ("real-bo-", "real-bp-"), 49, "f8fdc2b"),
    ("twenty-ninth fresh set", ("real-bq-",), 51, "ef62fc8"),
    ("thirtieth fresh set", ("real-br-",), 52, "107619d"),
    ("thirty-first fresh set", ("real-bs-", "real-bt-", "real-bu-"), 55, "5f47e49"),
    ("thirty-second fresh set", ("real-bv-", "real-bw-", "real-bx-"), 58, "606204c"),
    ("thirty-third fresh set", ("real-by-", "real-bz-", "real-ca-"), 59, "70cd642"),
    ("thirty-fourth fresh set", ("real-cb-", "real-cc-", "real-cd-"), 66, "7169c4b"),
    ("thirty-fifth fresh set", ("real-ce-", "real-cf-", "real-cg-"), 66, "7169c4b"),
    ("thirty-sixth fresh set", ("real-ch-", "real-ci-"), 68, "c4d27cb"),
    ("thirty-seventh fresh set", ("real-cj-",), 72, "98263b4"),
    ("thirty-eighth fresh set", ("real-ck-", "real-cl-", "real-cm-", "real-cn-"), 79, "2de41b1"),
    ("thirty-ninth fresh set", ("real-co-", "real-cp-", "real-cq-"), 83, "d65fa0d"),
    ("fortieth fresh set", ("real-cr-", "real-cs-", "real-ct-"), 91, "898e767"),
    ("forty-first fresh set", ("real-cu-", "real-cv-", "real-cw-"), 95, "d1ac78c"),
    ("forty-second fresh set", ("real-cx-", "real-cy-", "real-cz-"), 104, "78824e8"),
    ("forty-third fresh set", ("real-da-", "real-db-"), 114, "38e8112"),
    ("forty-fourth fresh set", ("real-dc-", "real-dd-"), 120, "058e37a"),
    ("forty-fifth fresh set", ("real-de-", "real-df-"), 123, "b3d35f6"),
    ("forty-sixth fresh set", ("real-dg-", "real-dh-"), 126, "cc0809c"),
    ("forty-seventh fresh set", ("real-di-", "real-dj-"), 128, "1307edd"),
    ("forty-eighth fresh set", ("real-dk-", "real-dl-"), 130, "9667ee4"),
    ("forty-ninth fresh set", ("real-dm-", "real-dn-"), 134, "fbdc097"),
    ("fiftieth fresh set", ("real-do-", "real-dp-"), 137, "ede2fa2"),
    ("fifty-first fresh set", ("real-dq-", "real-dr-"), 140, "6ed000d"),
    ("fifty-second fresh set", ("real-ds-", "real-dt-"), 143, "e375262"),
    ("fifty-third fresh set", ("real-du-", "real-dv-"), 146, "c4f246e"),
)
CORE = ("members_recruited", "unions_founded", "funds_raised")
ALL_SIX = (*CORE, "funds_disbursed", "members_total", "unions_total")
_ROW = re.compile(r"^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gather(data: Path, prefixes: tuple[str, ...]) -> list[str]:
    """The JSON lines of dev and test whose id starts with one of `prefixes`."""
    lines = []
    for part in ("dev.jsonl", "test.jsonl"):
        for line in (data / part).read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("id", "").startswith(prefixes):
                lines.append(line)
    return lines


def score(git_root: Path, commit: str, gold: Path, work: Path) -> dict[str, Counts]:
    """Per-indicator counts of `unionclaims eval gold` with the code of `commit`."""
    code = work / commit
    if not code.exists():
        archive = work / f"{commit}.tar"
        with archive.open("wb") as out:
            subprocess.run(["git", "-C", str(git_root), "archive", commit], stdout=out, check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(code, filter="data")
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "eval", str(gold), "--quiet"], cwd=code,
                          env={**os.environ, "PYTHONPATH": str(code), "UNIONCLAIMS_RULES": str(code / "rules")},
                          capture_output=True, text=True, check=True)
    counts = {}
    for line in done.stdout.splitlines():
        m = _ROW.match(line)
        if m and m.group(1) in ALL_SIX:
            counts[m.group(1)] = Counts(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    return counts


def pooled(per_set: list[dict[str, Counts]], names: tuple[str, ...]) -> Counts:
    total = Counts()
    for counts in per_set:
        for name in names:
            total.add(counts.get(name, Counts()))
    return total


def line(label: str, per_set: list[dict[str, Counts]]) -> str:
    gold = pooled(per_set, ALL_SIX)
    core, six = pooled(per_set, CORE).prf(), gold.prf()
    return (f"| {label} | {gold.tp + gold.fn} | {core[0]:.3f} | {core[1]:.3f} | {core[2]:.3f} | {six[0]:.3f} | "
            f"{six[1]:.3f} | {six[2]:.3f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "real")
    ap.add_argument("--git-root", type=Path, default=ROOT, help="the repository whose history holds the commits")
    args = ap.parse_args()
    print("| set (round, rules of) | gold claims | core P | core R | core F1 | all six P | all six R | all six F1 |")
    print("|---|---|---|---|---|---|---|---|")
    results: list[tuple[int, dict[str, Counts]]] = []
    with tempfile.TemporaryDirectory(prefix="blind-rounds-") as tmp:
        work = Path(tmp)
        for name, prefixes, round_no, commit in FRESH_SETS:
            lines = gather(args.data, prefixes)
            if not lines:
                print(f"| {name}: no records with ids {', '.join(prefixes)} in {args.data} | | | | | | | |")
                continue
            gold = work / f"{prefixes[0].rstrip('-')}.jsonl"
            gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
            counts = score(args.git_root, commit, gold, work)
            results.append((round_no, counts))
            print(line(f"{name} ({len(lines)} excerpts; round {round_no}, `{commit}`)", [counts]))
    print(line("**pooled, every fresh set**", [c for _r, c in results]))
    print(line("**pooled, rules of round 7 and later**", [c for r, c in results if r >= 7]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
