"""Main-text extraction benchmark: our clean_html against trafilatura, readability-lxml and jusText.

    python bench/clean.py --article-extraction DIR --vi-news DIR   # all sets, all extractors
    python bench/clean.py --article-extraction DIR --quick           # a subset (first 30 / 10 pages per set)

The public data sets are not in this repository; pass the folder of each (a set without a folder is skipped):
- `--article-extraction DIR`: the data files of github.com/scrapinghub/article-extraction-benchmark
  (`ground-truth.json` and `html/<id>.html.gz`; MIT license), commit 4a3bc979f76c0df73cb95fe272e2fc1b96f9f010.
- `--vi-news DIR`: 26 Vietnamese news pages with a `manifest.json` (file, url, `body` paragraphs), built
  from public repositories: dantri.com.vn pages of github.com/JayBMF/eNewsWebApp, a vnexpress.net fixture
  of github.com/flairNLP/fundus (MIT) and an evaluation page of github.com/adbar/htmldate (Apache-2.0).
  Each manifest entry names its source repository, path and commit.

Speed: every extractor starts from the same bytes (trafilatura, readability-lxml and jusText decode
for themselves, as clean_html does), each is warmed up on a few pages before it is timed, and pages/s
is printed side by side. Flags: how often each of clean_html's quality flags fired per set; on these
ordinary modern pages every decoder flag is a false positive.

Metric (re-implemented from the description of scrapinghub/article-extraction-benchmark): both
texts are split into `\\w+` tokens and turned into overlapping 4-token shingles (a text shorter than
4 tokens is one shingle); per page, shingle multiset overlap gives precision and recall; precision
and recall are averaged over pages (every page weighs the same) and F1 is computed from the two
averages. "exact" is the share of pages whose token sequence equals the ground truth. An empty
prediction scores precision 0 and recall 0 on a page with text.

Sets: the public article-extraction set (181 pages, mostly English; ground truth `articleBody`),
vi-news (26 Vietnamese pages; ground truth = the `body` paragraphs, without the headline, as none of
the extractors returns it in its text), the union pages of corpus/html (ground truth `body`;
image captions, which the corpus README says may be kept or dropped, are removed from every
prediction before scoring), and the generated articles of the crawl test sites (tests/testsite/site.py:
each site's seed template with a generated body; ground truth = the generated paragraphs).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pipeline.clean.cleaner as _cleaner  # noqa: E402
from pipeline.clean.cleaner import clean_html  # noqa: E402
from pipeline.clean.dom import paragraphs, parse_html  # noqa: E402

WARMUP_PAGES = 3
_TOKEN = re.compile(r"\w+")


@dataclass
class Page:
    name: str
    html: bytes
    truth: str
    url: str | None = None
    neutral: list[str] = field(default_factory=list)  # passages scored as neither right nor wrong
    lang: str = "English"


# --- metric ------------------------------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(pred: str, truth: str) -> tuple[float, float, bool]:
    """(precision, recall, exact token match) of one page."""
    p, t = shingles(pred), shingles(truth)
    exact = _TOKEN.findall(pred) == _TOKEN.findall(truth)
    if not t:
        return (1.0 if not p else 0.0), 1.0, exact
    if not p:
        return 0.0, 0.0, exact
    tp = sum((p & t).values())
    return tp / sum(p.values()), tp / sum(t.values()), exact


def remove_neutral(pred: str, neutral: list[str]) -> str:
    for passage in sorted(neutral, key=len, reverse=True):
        if passage:
            pred = pred.replace(passage, " ")
    return pred


# --- extractors --------------------------------------------------------------------------------


FLAGS_SEEN: dict[str, Counter[str]] = {}  # set title → flag → pages (filled by `ours`)
PATHS_SEEN: dict[str, Counter[str]] = {}  # set title → path that read the page → pages (filled by `ours`)
_CONTAINER_FOUND: list[bool] = []  # one entry a generic-path reading of the page being cleaned


@contextlib.contextmanager
def _noting_paths() -> Iterator[None]:
    """While inside, clean_html's container search notes its outcome (which path read the page)."""
    original = _cleaner.find_container

    def noting(root):  # noqa: ANN001, ANN202 - a pass-through
        found = original(root)
        _CONTAINER_FOUND.append(found is not None)
        return found

    _cleaner.find_container = noting
    try:
        yield
    finally:
        _cleaner.find_container = original


def ours(page: Page) -> str:
    _CONTAINER_FOUND.clear()
    art = clean_html(page.html, page.url)
    if _COUNTING[0]:  # the timed pass only, not the warm-up
        FLAGS_SEEN.setdefault(_CURRENT_SET[0], Counter()).update(art.flags)
        path = "site rules" if not _CONTAINER_FOUND else "container" if _CONTAINER_FOUND[0] else "general extractors"
        PATHS_SEEN.setdefault(_CURRENT_SET[0], Counter())[path] += 1
    return art.text


_CURRENT_SET = [""]
_COUNTING = [False]


def ours_generic(page: Page) -> str:
    return clean_html(page.html, page.url, site_rules=False).text


def trafilatura_default(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html) or ""  # bytes: trafilatura detects the charset itself


def readability_lxml(page: Page) -> str:
    from readability import Document

    try:
        summary = Document(page.html).summary(html_partial=True)  # bytes: readability decodes itself
    except Exception:  # readability fails on some pages; that page scores zero
        return ""
    return "\n\n".join(paragraphs(parse_html(summary))) if summary.strip() else ""


def justext_default(page: Page) -> str:
    import justext

    try:
        paras = justext.justext(page.html, justext.get_stoplist(page.lang))
    except Exception:  # jusText fails on some pages; that page scores zero
        return ""
    return "\n\n".join(p.text for p in paras if not p.is_boilerplate)


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "unionclaims clean_html": ours,
    "unionclaims generic path": ours_generic,
    "trafilatura (default)": trafilatura_default,
    "readability-lxml": readability_lxml,
    "jusText": justext_default,
}


# --- data sets ---------------------------------------------------------------------------------


def load_article_extraction(folder: Path, limit: int | None) -> list[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        pages.append(Page(key[:12], html, truth[key]["articleBody"], truth[key].get("url")))
    return pages


def load_vi_news(folder: Path, limit: int | None) -> list[Page]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [
        Page(p["file"], (folder / p["file"]).read_bytes(), "\n\n".join(p["body"]), p.get("url"), lang="Vietnamese")
        for p in manifest["pages"][:limit]
    ]


def load_expected_pages(folder: Path, limit: int | None) -> list[Page]:
    """Pages with a sibling *.expected.json (corpus/html/, tests/testsite/)."""
    pages = []
    for path in sorted(folder.rglob("*.expected.json"))[:limit]:
        html_path = path.with_name(path.name.replace(".expected.json", ".html"))
        if not html_path.exists():
            continue
        exp = json.loads(path.read_text(encoding="utf-8"))
        pages.append(
            Page(html_path.stem, html_path.read_bytes(), "\n\n".join(exp["body"]), exp.get("url"),
                 neutral=list(exp.get("captions", [])), lang="Vietnamese")
        )
    return pages


def load_testsite(folder: Path, limit: int | None) -> list[Page]:
    """Generated articles of the crawl test sites (tests/testsite/site.py), one site per rules template."""
    sys.path.insert(0, str(folder.parent.parent))
    from tests.testsite.site import SPECS, UnionSite, _rules, article_paragraphs

    pages = []
    for name in SPECS:
        site = UnionSite(name, _rules(name)["base_url"], n_articles=(limit or 6) + 1)
        for path, doc in list(site.articles.items())[1:]:  # [0] is the seed page, scored above
            i = int(path.rsplit("-", 1)[1].split(".")[0]) - 1000
            truth = "\n\n".join(article_paragraphs(name, i, site.recruited[path]))
            pages.append(Page(f"{name}-{i}", doc.body, truth, site.url(path), lang="Vietnamese"))
    return pages


# --- running -----------------------------------------------------------------------------------


@dataclass
class Result:
    precision: float
    recall: float
    f1: float
    exact: float
    pages_per_s: float
    per_page: list[tuple[str, float, float]]


def run(pages: list[Page], extractor: Callable[[Page], str]) -> Result:
    scores = []
    for page in pages[:WARMUP_PAGES]:  # imports, caches and lazy models load here, not in the timing
        with contextlib.suppress(ValueError):
            extractor(page)
    start = time.perf_counter()
    preds = []
    _COUNTING[0] = True
    for page in pages:
        try:
            preds.append(extractor(page))
        except ValueError:
            preds.append("")
    _COUNTING[0] = False
    elapsed = time.perf_counter() - start
    for page, pred in zip(pages, preds, strict=True):
        scores.append(page_scores(remove_neutral(pred, page.neutral), page.truth))
    precision = sum(s[0] for s in scores) / len(scores)
    recall = sum(s[1] for s in scores) / len(scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Result(
        precision, recall, f1, sum(s[2] for s in scores) / len(scores), len(pages) / max(elapsed, 1e-9),
        [(p.name, s[0], s[1]) for p, s in zip(pages, scores, strict=True)],
    )


def paired_speed(pages: list[Page], extractors: dict[str, Callable[[Page], str]], repeat: int) -> list[dict[str, float]]:
    """Pages/s of each extractor, `repeat` passes; within a pass every page goes through each extractor in
    turn (the order alternating page by page), so a slow spell of a shared machine falls on all of them
    alike. One dict a pass."""
    names = list(extractors)
    for page in pages[:WARMUP_PAGES]:
        for name in names:
            with contextlib.suppress(ValueError):
                extractors[name](page)
    passes = []
    for _ in range(repeat):
        spent = dict.fromkeys(names, 0.0)
        for i, page in enumerate(pages):
            for name in (names if i % 2 == 0 else names[::-1]):
                start = time.perf_counter()
                with contextlib.suppress(ValueError):
                    extractors[name](page)
                spent[name] += time.perf_counter() - start
        passes.append({name: len(pages) / max(spent[name], 1e-9) for name in names})
    return passes


def table(title: str, results: dict[str, Result], n: int) -> str:
    lines = [f"### {title} ({n} pages)", "", "| extractor | precision | recall | F1 | exact | pages/s |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r.precision:.3f} | {r.recall:.3f} | **{r.f1:.3f}** | {r.exact:.3f} | {r.pages_per_s:.1f} |")
    return "\n".join(lines)


def speed_table(speeds: dict[str, dict[str, float]]) -> str:
    """Pages/s side by side: one row per set, one column per extractor (same bytes, after warm-up)."""
    names = list(next(iter(speeds.values())))
    lines = ["### speed (pages/s; every extractor from the same bytes, warmed up first)", "",
             "| set | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for title, row in speeds.items():
        lines.append(f"| {title} | " + " | ".join(f"{row[n]:.1f}" for n in names) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--article-extraction", type=Path, help="folder of the scrapinghub article-extraction-benchmark data")
    ap.add_argument("--vi-news", type=Path, help="folder of the vi-news pages (manifest.json)")
    ap.add_argument("--union", type=Path, default=ROOT / "corpus" / "html")
    ap.add_argument("--testsite", type=Path, default=ROOT / "tests" / "testsite")
    ap.add_argument("--quick", action="store_true", help="first 30 / 10 pages of the public sets")
    ap.add_argument("--only", help="comma-separated extractor names (substring match)")
    ap.add_argument("--per-page", type=Path, help="write per-page scores as JSON here")
    args = ap.parse_args(argv)

    sets: list[tuple[str, list[Page]]] = []
    loaders = [
        ("article-extraction", args.article_extraction, load_article_extraction, 30),
        ("vi-news", args.vi_news, load_vi_news, 10),
        ("union pages (corpus/html)", args.union, load_expected_pages, None),
        ("crawl test sites (tests/testsite)", args.testsite, load_testsite, 3),
    ]
    for title, folder, loader, quick_limit in loaders:
        if folder is None or not folder.exists():
            print(f"(skipping {title}: {folder or 'no folder given'})", file=sys.stderr)
            continue
        pages = loader(folder, quick_limit if args.quick else None)
        if pages:
            sets.append((title, pages))

    extractors = EXTRACTORS
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split(",")]
        extractors = {k: v for k, v in EXTRACTORS.items() if any(w in k.lower() for w in wanted)}
    per_page: dict[str, dict[str, list]] = {}
    speeds: dict[str, dict[str, float]] = {}
    for title, pages in sets:
        _CURRENT_SET[0] = title
        with _noting_paths():
            results = {name: run(pages, fn) for name, fn in extractors.items()}
        print(table(title, results, len(pages)), "\n", flush=True)
        seen = {flag: n for flag, n in FLAGS_SEEN.get(title, Counter()).items()}
        if seen:
            print(f"flags of clean_html on {title}: " + ", ".join(f"{k} {v}" for k, v in sorted(seen.items())), "\n")
        paths = PATHS_SEEN.get(title)
        if paths:
            print(f"pages of {title} read by clean_html through: " + ", ".join(f"{k} {v}" for k, v in sorted(paths.items())), "\n")
        per_page[title] = {name: r.per_page for name, r in results.items()}
        speeds[title] = {name: r.pages_per_s for name, r in results.items()}
    if speeds:
        print(speed_table(speeds), "\n")
    if args.per_page:
        args.per_page.write_text(json.dumps(per_page, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
