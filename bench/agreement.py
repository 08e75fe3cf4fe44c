"""Inter-annotator agreement on doubly annotated excerpts: F1 of one annotator against the other.

    python bench/agreement.py FIRST.jsonl SECOND.jsonl [--show]

Both files are in the gold format (docs/guideline.md); excerpts are paired by `id`, the n-th record of an id in
one file with its n-th in the other (a page that three annotators picked is two pairs: the first annotation
against each other one). Two claims agree when
they name the same indicator and the same value (or both range bounds) and their quotes overlap in the
text: the matching rule `unionclaims eval` uses for the extractor. Qualifier and target flag are
reported on the agreeing pairs. With --show, every disagreement is printed for adjudication.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

INDICATORS = ("members_recruited", "unions_founded", "funds_raised", "funds_disbursed", "members_total",
              "unions_total")
CORE = INDICATORS[:3]


def load(path: Path) -> dict[str, list[dict]]:
    """Every record of each id, in file order."""
    rows: dict[str, list[dict]] = defaultdict(list)
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                r = json.loads(line)
            except json.JSONDecodeError as exc:
                sys.exit(f"{path}:{no}: not JSON ({exc.msg})")
            rows[r["id"]].append(r)
    return rows


def paired(a: dict[str, list[dict]], b: dict[str, list[dict]]) -> list[tuple[str, dict, dict]]:
    """(id, first record, second record): the n-th record of an id in each file, for every id in both."""
    return [(i, ra, rb) for i in sorted(set(a) & set(b)) for ra, rb in zip(a[i], b[i], strict=False)]


def _key(c: dict) -> tuple:
    return (c["indicator"], c.get("value"), c.get("value_min"), c.get("value_max"))


def _span(text: str, quote: str) -> tuple[int, int]:
    i = text.find(quote)
    return (i, i + len(quote)) if i >= 0 else (-1, -1)


def pair_claims(text: str, a: list[dict], b: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Agreeing pairs, claims only in `a`, claims only in `b`."""
    free = list(b)
    pairs, only_a = [], []
    for ca in a:
        sa = _span(text, ca["quote"])
        hit = next((cb for cb in free if _key(cb) == _key(ca)
                    and (lambda sb: sa[0] < sb[1] and sb[0] < sa[1])(_span(text, cb["quote"]))), None)
        if hit is None:  # same figure quoted elsewhere (a repeat annotated at another mention)
            hit = next((cb for cb in free if _key(cb) == _key(ca)), None)
        if hit is None:
            only_a.append(ca)
        else:
            free.remove(hit)
            pairs.append((ca, hit))
    return pairs, only_a, free


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("first", type=Path)
    ap.add_argument("second", type=Path)
    ap.add_argument("--show", action="store_true", help="print every disagreement")
    args = ap.parse_args(argv)
    for p in (args.first, args.second):
        if not p.is_file():
            sys.exit(f"{p}: no such file")
    a, b = load(args.first), load(args.second)
    pairs_of_records = paired(a, b)
    if not pairs_of_records:
        sys.exit(f"{args.first} and {args.second} share no excerpt id")
    tp, fa, fb = defaultdict(int), defaultdict(int), defaultdict(int)
    qual = target = npairs = 0
    for i, ra, rb in pairs_of_records:
        pairs, only_a, only_b = pair_claims(ra["text"], ra["claims"], rb["claims"])
        for ca, cb in pairs:
            tp[ca["indicator"]] += 1
            npairs += 1
            qual += ca.get("qualifier") == cb.get("qualifier")
            target += ca.get("is_target") == cb.get("is_target")
        for c in only_a:
            fa[c["indicator"]] += 1
        for c in only_b:
            fb[c["indicator"]] += 1
        if args.show and (only_a or only_b):
            print(f"{i}: only first {[(_key(c), c['quote']) for c in only_a]}; "
                  f"only second {[(_key(c), c['quote']) for c in only_b]}")

    def f1(inds: tuple[str, ...]) -> tuple[int, int, int, float]:
        t, x, y = sum(tp[k] for k in inds), sum(fa[k] for k in inds), sum(fb[k] for k in inds)
        return t, x, y, (2 * t / (2 * t + x + y) if t + x + y else 1.0)

    excerpts = len({i for i, _ra, _rb in pairs_of_records})
    print(f"{len(pairs_of_records)} pairs of independent annotations on {excerpts} excerpts; "
          f"{sum(len(ra['claims']) for _i, ra, _rb in pairs_of_records)} vs "
          f"{sum(len(rb['claims']) for _i, _ra, rb in pairs_of_records)} claims")
    print(f"{'indicator':20} {'agree':>5} {'only1':>5} {'only2':>5} {'F1':>6}")
    for name, inds in [*((k, (k,)) for k in INDICATORS), ("core", CORE), ("all six", INDICATORS)]:
        t, x, y, f = f1(inds)
        print(f"{name:20} {t:5d} {x:5d} {y:5d} {f:6.3f}")
    if npairs:
        print(f"on agreeing pairs: qualifier {qual / npairs:.3f}, target flag {target / npairs:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
