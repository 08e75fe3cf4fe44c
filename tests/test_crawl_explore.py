"""`crawl --url`: crawling without a rules file (robots.txt, sitemaps, feeds, homepage → inferred article URL
pattern, generic cleaning, CMS presets), on the local multi-site test server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from testsite.server import serve_sites

from pipeline.cli import main as cli_main
from pipeline.cms import default_presets, detect
from pipeline.crawl.explore import Link, infer_pattern, leaf_kind
from pipeline.sites import load_site_file

SEED = Path(__file__).resolve().parents[1] / "corpus" / "html"


@pytest.mark.parametrize("path, kind", [
    ("/news/tin-hoat-dong/hoi-nghi-so-ket-1001.html", (3, "news", "id.html")),
    ("/tin-tuc/hoat-dong/ldld-ben-tre-cham-lo.html", (3, "tin-tuc", "slug.html")),
    ("/news/page-2", (2, "news", "other")),
    ("/2024/03/hoi-nghi-so-ket-cong-doan/", (3, "2024", "slug")),
    ("/tin-tuc/12345", (2, "tin-tuc", "id")),
    ("/uploads/bao-cao.pdf", None),
    ("/", None),
])
def test_leaf_kind(path, kind):
    assert leaf_kind(path) == kind


def _links(*specs):
    return [Link(url, set(src.split(",")), words) for url, src, words in specs]


def test_clustering_keeps_articles_and_leaves_menus_and_listings_out():
    base = "http://x.vn"
    links = _links(*[(f"{base}/bai-viet-so-{i}-{100 + i}.html", "sitemap", 0) for i in range(6)],
                   (f"{base}/gioi-thieu.html", "home", 2), (f"{base}/cong-doan", "home", 2),
                   (f"{base}/cong-doan/page-2", "home", 1))
    pattern, clusters = infer_pattern(links)
    import re

    rx = re.compile(pattern)
    assert rx.search("/bai-viet-so-1-101.html") and rx.search("/mot-bai-moi-999.html")
    assert not rx.search("/gioi-thieu.html") and not rx.search("/cong-doan") and not rx.search("/cong-doan/page-2")
    assert sum(c["article"] for c in clusters) == 1


def test_an_article_without_an_id_widens_the_pattern_to_slugs_and_titles_count_as_evidence():
    base = "http://x.vn"
    links = _links(*[(f"{base}/tin/hoat-dong/bai-{i}-{100 + i}.html", "home", 9) for i in range(4)],
                   (f"{base}/tin/hoat-dong/cham-lo-nguoi-lao-dong.html", "feed", 0))
    pattern, _ = infer_pattern(links)
    import re

    assert re.search(pattern, "/tin/hoat-dong/cham-lo-nguoi-lao-dong.html")
    assert not re.search(pattern, "/tin/hoat-dong.html")


def test_cms_presets_load_and_detect_nukeviet_from_a_real_page():
    assert {"nukeviet", "wordpress"} <= {p.name for p in default_presets()}
    page = next(SEED.glob("000_*.html")).read_text(encoding="utf-8")
    assert detect(page).name == "nukeviet"
    assert detect('<html><head><meta name="generator" content="WordPress 6.4"></head></html>').name == "wordpress"
    assert detect("<html><body>plain</body></html>") is None


@pytest.mark.slow
def test_crawl_url_finds_the_articles_and_no_listing_with_no_rules_file(tmp_path):
    corpus, state, out = tmp_path / "corpus", tmp_path / "state.sqlite", tmp_path / "out"
    with serve_sites(n_articles=10) as servers:
        urls = [a for s in servers.values() for a in ("--url", s.base_url)]
        refused = cli_main(["crawl", *urls[:2], "--corpus", str(tmp_path / "c0"), "--state",
                            str(tmp_path / "s0.sqlite"), "--delay", "0", "--retries", "0", "--no-progress"])
        assert refused == 1  # loopback is refused without --allow-private-addresses: nothing fetched
        assert cli_main(["crawl", *urls, "--allow-private-addresses", "--corpus", str(corpus), "--state", str(state),
                         "--delay", "0", "--retries", "1", "--no-progress"]) == 0
        truth = {s.site.url(p): n for s in servers.values() for p, n in s.site.recruited.items()}
        truth.update({s.site.url(s.site.spec.seed_path): None for s in servers.values()})
        private = {s.site.url(s.site.private_path) for s in servers.values()}
    with sqlite3.connect(state) as db:
        as_article = {u for (u,) in db.execute("SELECT url FROM pages WHERE kind='article' AND last_status=200")}
        blocked = {u for (u,) in db.execute("SELECT url FROM pages WHERE state='blocked'")}
    assert len(as_article & set(truth)) >= 0.9 * len(truth)
    assert as_article <= set(truth), as_article - set(truth)  # no listing, menu or home page as an article
    assert blocked <= private  # the robots.txt-disallowed page matches the pattern and is never fetched
    files = {p.stem: load_site_file(p) for p in (corpus / "sites").glob("*.toml")}
    assert len(files) == 4 and all(f.article_url_pattern and not f.hosts for f in files.values())
    nukeviet = [f for f in files.values() if f.cms == "nukeviet"]
    assert len(nukeviet) == 1 and nukeviet[0].templates  # the Cao Bằng copy: preset templates fit its pages
    assert cli_main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    claims = pd.read_parquet(out / "claims.parquet")
    got = set(zip(claims["url"], claims["indicator"], claims["value"], strict=True))
    want = {(u, "members_recruited", float(n)) for u, n in truth.items() if n is not None}
    assert len(want & got) >= 0.9 * len(want)
    articles = pd.read_parquet(out / "articles.parquet")
    assert not articles["flags"].astype(str).str.contains("rules_stale").any()
