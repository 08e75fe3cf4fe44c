"""`crawl --url` (no rules files) against the site-rules path, on the local multi-site test server.

    PYTHONPATH=.:tests python bench/explore.py [--articles 12]

Per site: pages discovered by the rules-free crawl (by kind), the article pages it fetched against the
site's real articles (recall) and against everything it fetched as an article (precision: a listing or a
menu page fetched as an article counts against it), body token F1 of each article's generic-path text
against its site-rules text, and the share of the rules path's claims (url, indicator, value) that the
rules-free `run` also produces. Figures go into docs/crawl.md.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
from testsite.crawling import Workspace, write_rules
from testsite.server import serve_sites

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    if done.returncode not in (0,):
        raise SystemExit(f"{args[0]} failed ({done.returncode}): {done.stderr[-2000:]}")


def token_f1(got: str, want: str) -> float:
    a, b = Counter(got.split()), Counter(want.split())
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def _claims(out: Path) -> set[tuple[str, str, float]]:
    df = pd.read_parquet(out / "claims.parquet")
    return set(zip(df["url"], df["indicator"], df["value"], strict=True))


def _articles(out: Path) -> dict[str, str]:
    df = pd.read_parquet(out / "articles.parquet")
    return dict(zip(df["url"], df["text"], strict=True))


def _fetched(state: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(state) as db:
        return db.execute("SELECT site, kind, url FROM pages WHERE last_status = 200").fetchall()


def measure(n_articles: int, tmp: Path) -> list[dict]:
    rules_ws, url_ws = Workspace(tmp / "rules"), Workspace(tmp / "url")
    common = ["--delay", "0", "--retries", "1", "--no-progress"]
    with serve_sites(n_articles=n_articles) as servers:
        write_rules(servers, rules_ws.sites_dir)
        _cli("crawl", "--sites", str(rules_ws.sites_dir), "--corpus", str(rules_ws.corpus), "--state",
             str(rules_ws.state), *common)
        urls = [a for s in servers.values() for a in ("--url", s.base_url)]
        _cli("crawl", *urls, "--allow-private-addresses", "--corpus", str(url_ws.corpus), "--state", str(url_ws.state),
             *common)
        truth = {name: {s.site.url(p) for p, d in s.site.articles.items() if d.status == 200}
                 for name, s in servers.items()}
        hosts = {name: s.base_url for name, s in servers.items()}
    for ws in (rules_ws, url_ws):
        _cli("run", "--corpus", str(ws.corpus), "--out", str(ws.root / "out"), "--no-progress")
    rules_claims, url_claims = _claims(rules_ws.root / "out"), _claims(url_ws.root / "out")
    rules_text, url_text = _articles(rules_ws.root / "out"), _articles(url_ws.root / "out")
    fetched = _fetched(url_ws.state)
    rows = []
    for name, base in hosts.items():
        mine = [(k, u) for _, k, u in fetched if u.startswith(base)]
        as_article = {u.split("?")[0] for k, u in mine if k == "article"}
        found = as_article & truth[name]
        f1s = [token_f1(url_text.get(u, ""), rules_text[u]) for u in truth[name] if u in rules_text]
        want = {c for c in rules_claims if c[0].startswith(base)}
        got = {c for c in url_claims if c[0].startswith(base)}
        rows.append({"site": name, "discovered": len(mine), "by kind": dict(Counter(k for k, _ in mine)),
                     "articles": len(truth[name]), "recall": len(found) / len(truth[name]),
                     "precision": len(found) / max(1, len(as_article)), "non-articles as articles":
                     sorted(as_article - truth[name]), "body F1": sum(f1s) / max(1, len(f1s)),
                     "claims matched": len(want & got) / max(1, len(want)), "claims": (len(want), len(got))})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(args.articles, Path(tmp))
    for r in rows:
        print(f"{r['site']:18} discovered {r['discovered']:3} {r['by kind']}  articles {r['articles']}: "
              f"recall {r['recall']:.0%} precision {r['precision']:.0%} body F1 {r['body F1']:.3f} "
              f"claims matched {r['claims matched']:.0%} {r['claims']}  wrong: {r['non-articles as articles']}")


if __name__ == "__main__":
    main()
