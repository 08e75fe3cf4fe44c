"""All the checks in order (`audit_tables`) and the I/O edge (`run_audit`; the command is pipeline/cli/audit.py)."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from ..dataset import (
    claim_records,
    clean,
)
from ..io import BATCH, OutputsError, ParquetByDoc, iter_table, read_table, write_sqlite, write_table
from ..quantities import ArticlesDigest, load_quantities
from ..records import Quantity
from ..settings import AuditSettings
from .arithmetic import QuantityFinder, check_arithmetic, default_quantity_finder
from .consistency import check_conflicts, check_missing_periods, check_silent_edits, check_targets
from .findings import AUDIT_COLUMNS, SEVERITIES, Finding
from .health import (
    SiteActivity,
    activity_from_articles,
    activity_from_crawl_state,
    check_article_flags,
    check_quiet_sites,
)
from .outliers import check_outliers

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- all checks


def _articles_records(articles: pd.DataFrame) -> list[dict]:
    out = []
    for rec in articles.to_dict("records"):
        a = {k: clean(v) if not hasattr(v, "__len__") or isinstance(v, str) else v for k, v in rec.items()}
        flags = rec.get("flags")
        if isinstance(flags, str):
            try:
                flags = json.loads(flags)
            except ValueError:
                flags = [f for f in flags.split(";") if f]
        a["flags"] = [str(f) for f in (flags if flags is not None else [])]
        out.append(a)
    return out


def _text_key(doc_id: str, text: str) -> str:
    """What tells copies apart: the text's hash; an article without text is a copy of nothing."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text.strip() else f"doc:{doc_id}"


def _copies(arts: list[dict], texts: Mapping[str, str]) -> dict[str, list[str]]:
    """Canonical doc_id → doc_ids of the other articles with exactly the same text. The canonical one
    is the copy with a URL (a page rather than a file), then the smallest doc_id."""
    by_text: dict[str, list[dict]] = defaultdict(list)
    for a in arts:
        by_text[_text_key(a["doc_id"], texts.get(a["doc_id"]) or "")].append(a)
    out = {}
    for group in by_text.values():
        group.sort(key=lambda a: (a.get("url") is None, a["doc_id"]))
        out[group[0]["doc_id"]] = [a["doc_id"] for a in group[1:]]
    return out


class _CopyNamer:
    """Names every copy of a checked article in a finding about it: their doc_ids, URLs and the claims at
    the same spans. The lookups are built once, at the first finding about an article with copies (built
    per finding, they made the audit quadratic in the corpus)."""

    def __init__(self, copies: dict[str, list[str]], arts: list[dict], claims: list[dict]):
        self.copies, self.arts, self.claims = copies, arts, claims
        self._indexed = False
        self._url_of: dict[str, str | None] = {}
        self._span_of: dict[str, tuple] = {}
        self._claims_of: dict[str, list[tuple[int, dict]]] = defaultdict(list)  # copies only, in table order

    def _index(self) -> None:
        copied = {d for extra in self.copies.values() for d in extra}
        self._url_of = {a["doc_id"]: a.get("url") for a in self.arts}
        for pos, c in enumerate(self.claims):
            self._span_of[c["claim_id"]] = (c.get("start"), c.get("end"), c["indicator"])
            if c["doc_id"] in copied:
                self._claims_of[c["doc_id"]].append((pos, c))
        self._indexed = True

    def __call__(self, f: Finding) -> Finding:
        extra_docs = [d for doc in f.doc_ids for d in self.copies.get(doc, [])]
        if not extra_docs:
            return f
        if not self._indexed:
            self._index()
        wanted = {self._span_of[cid] for cid in f.claim_ids if cid in self._span_of}
        extra_claims = sorted((pos, c["claim_id"]) for d in set(extra_docs) for pos, c in self._claims_of.get(d, ())
                              if self._span_of[c["claim_id"]] in wanted)
        f.doc_ids = f.doc_ids + extra_docs
        f.urls = f.urls + [u for d in extra_docs if (u := self._url_of.get(d))]
        f.claim_ids = f.claim_ids + [cid for _pos, cid in extra_claims]
        return f


class ArticleQuantities(Mapping[str, Sequence[Quantity]]):
    """doc_id → the quantities of that article's text (every article with a text): the ones `run` stored
    (table `quantities`) when given, else found by parsing the text, once, when a check first asks."""

    def __init__(self, texts: Mapping[str, str], stored: Mapping[str, Sequence[Quantity]] | None,
                 finder: QuantityFinder | None):
        self.texts, self.stored, self.finder = texts, stored, finder
        self._parsed: dict[str, Sequence[Quantity]] = {}

    @property
    def available(self) -> bool:
        """False when there is neither a stored table nor a grammar to parse with."""
        return self.stored is not None or self.finder is not None

    def __getitem__(self, doc_id: str) -> Sequence[Quantity]:
        if not self.texts.get(doc_id) or not self.available:
            raise KeyError(doc_id)
        if self.stored is not None:
            return self.stored.get(doc_id, [])  # a text with no number has no rows
        if doc_id not in self._parsed:
            self._parsed[doc_id] = self.finder(self.texts[doc_id])
        return self._parsed[doc_id]

    def __iter__(self) -> Iterator[str]:
        return (d for d, t in self.texts.items() if t) if self.available else iter(())

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class AuditInput:
    """What every check sees: the tables as records, indexed once."""

    claims: list[dict]
    articles: list[dict]
    texts: Mapping[str, str]
    claims_by_doc: dict[str, list[dict]]
    quantities: ArticleQuantities
    versions: Iterable[dict]  # the claim_versions rows (a list, or VersionsTable)
    activity: Sequence[SiteActivity]
    as_of: date | None
    settings: AuditSettings

    @property
    def article_by_id(self) -> dict[str, dict]:
        return {a["doc_id"]: a for a in self.articles}


def _arithmetic(inp: AuditInput) -> list[Finding]:
    findings: list[Finding] = []
    if not inp.quantities.available:
        return findings
    for a in inp.articles:
        text = inp.texts.get(a["doc_id"]) or ""
        if text:
            findings += check_arithmetic({**a, "text": text}, inp.claims_by_doc.get(a["doc_id"], []),
                                         inp.quantities[a["doc_id"]])
    return findings


def _silent_edits(versions: Iterable[dict]) -> list[Finding]:
    """check_silent_edits one article at a time (it compares an article's versions only), in doc_id order:
    the versions read from the database come sorted so, and a list is sorted here (stably)."""
    rows = versions if isinstance(versions, VersionsTable) else sorted(versions, key=lambda c: c["doc_id"])
    findings: list[Finding] = []
    for _doc, group in itertools.groupby(rows, key=lambda c: c["doc_id"]):
        findings += check_silent_edits(list(group))
    return findings


# The checks, in the order they run. `unionclaims audit --check NAME` / `--skip NAME` choose among them.
CHECKS: dict[str, Callable[[AuditInput], list[Finding]]] = {
    "arithmetic": _arithmetic,
    "conflicts": lambda inp: check_conflicts(inp.claims),
    "targets": lambda inp: check_targets(inp.claims, inp.texts),
    "periods": lambda inp: check_missing_periods(inp.claims, inp.article_by_id),
    "silent_edits": lambda inp: _silent_edits(inp.versions),
    "outliers": lambda inp: check_outliers(inp.claims, inp.texts, inp.quantities, inp.settings),
    "article_flags": lambda inp: check_article_flags(inp.articles),
    "quiet_sites": lambda inp: check_quiet_sites(inp.activity, inp.as_of, inp.settings.quiet_days),
}


def _version_records(versions: pd.DataFrame | None) -> list[dict]:
    if versions is None or not len(versions):
        return []
    vrows = claim_records(versions)
    for rec, row in zip(versions.to_dict("records"), vrows, strict=True):
        row["version"], row["fetched_at"] = clean(rec.get("version")), clean(rec.get("fetched_at"))
    return vrows


def audit_tables(
    claims: pd.DataFrame,
    articles: pd.DataFrame,
    versions: pd.DataFrame | None = None,
    activity: Sequence[SiteActivity] | None = None,
    *,
    find_quantities: QuantityFinder | None = None,
    quantities: Mapping[str, Sequence[Quantity]] | None = None,
    as_of: date | None = None,
    quiet_days: int | None = None,
    checks: Sequence[str] | None = None,
    settings: AuditSettings | None = None,
) -> pd.DataFrame:
    """The checks named in `checks` (default: every one of CHECKS) over the given tables, with the
    thresholds of `settings` (`quiet_days` overrides its own); one row per finding (columns AUDIT_COLUMNS).
    The numbers of each article's text are `quantities` (doc_id → its quantities, as `run` stored them)
    when given, and `find_quantities` is then never called; else `find_quantities` parses the texts."""
    all_arts = _articles_records(articles)
    texts = {a["doc_id"]: a.get("text") or "" for a in all_arts}
    return _audit(claim_records(claims), all_arts, texts, _version_records(versions), activity,
                  find_quantities=find_quantities, quantities=quantities, as_of=as_of, quiet_days=quiet_days,
                  checks=checks, settings=settings)


def _audit(all_claims: list[dict], all_arts: list[dict], texts: Mapping[str, str], versions: Iterable[dict],
           activity: Sequence[SiteActivity] | None, *, find_quantities: QuantityFinder | None,
           quantities: Mapping[str, Sequence[Quantity]] | None, as_of: date | None, quiet_days: int | None,
           checks: Sequence[str] | None, settings: AuditSettings | None) -> pd.DataFrame:
    """audit_tables over records: `all_arts` need not carry their texts, which `texts` gives by doc_id
    (a dict, or the articles table read as the checks go: see run_audit)."""
    cfg = settings or AuditSettings()
    if quiet_days is not None:
        cfg = replace(cfg, quiet_days=quiet_days)
    unknown = sorted(set(checks or ()) - set(CHECKS))
    if unknown:
        raise ValueError(f"unknown check(s) {', '.join(unknown)}; known: {', '.join(CHECKS)}")
    # The same text reached us more than once (a text dump and its HTML page, a mirror): check it once
    # and name every copy in the finding.
    copies = _copies(all_arts, texts)
    arts = [a for a in all_arts if a["doc_id"] in copies]
    cl = [c for c in all_claims if c["doc_id"] in copies]
    claims_by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in cl:
        claims_by_doc[c["doc_id"]].append(c)
    checked = _CheckedTexts(texts, copies)
    inp = AuditInput(
        claims=cl, articles=arts, texts=checked, claims_by_doc=claims_by_doc,
        quantities=ArticleQuantities(checked, quantities, find_quantities), versions=versions,
        activity=activity if activity is not None else activity_from_articles(arts),
        as_of=as_of, settings=cfg,
    )
    findings: list[Finding] = []
    for name, check in CHECKS.items():
        if checks is None or name in checks:
            findings += check(inp)
    name_copies = _CopyNamer(copies, all_arts, all_claims)
    return _findings_frame([name_copies(f) for f in findings])


class _CheckedTexts(Mapping[str, str]):
    """The texts of the articles the checks read (one of each set of copies), from all the texts."""

    def __init__(self, texts: Mapping[str, str], checked: Mapping[str, object]):
        self.texts, self.checked = texts, checked

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self.checked:
            raise KeyError(doc_id)
        return self.texts.get(doc_id) or ""

    def __iter__(self) -> Iterator[str]:
        return iter(self.checked)

    def __len__(self) -> int:
        return len(self.checked)


def _findings_frame(findings: list[Finding]) -> pd.DataFrame:
    rows, seen = [], set()
    for f in findings:
        r = f.row()
        if r["finding_id"] not in seen:
            seen.add(r["finding_id"])
            rows.append(r)
    df = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    if len(df):
        df = df.sort_values(["severity", "check", "doc_ids"], key=lambda s: s.map(order) if s.name == "severity" else s,
                            kind="stable").reset_index(drop=True)
    return df


# --------------------------------------------------------------------------- I/O edge


def _output_tables(out_dir: Path) -> list[Path]:
    """claims.parquet and articles.parquet of an output folder; OutputsError when the folder or one is missing."""
    if not out_dir.is_dir():
        raise OutputsError(f"{out_dir}: no such output folder (run `unionclaims run --out {out_dir}` first)")
    paths = [out_dir / "claims.parquet", out_dir / "articles.parquet"]
    for path in paths:
        if not path.exists():
            raise OutputsError(f"{path}: missing (run `unionclaims run --out {out_dir}` first)")
    return paths


def _has_claim_versions(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='claim_versions'").fetchone() is not None


def load_outputs(out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """claims, articles and claim versions from what `unionclaims run` wrote; OutputsError if missing."""
    frames = []
    for p in _output_tables(out_dir):
        try:
            frames.append(read_table(p))
        except Exception as exc:  # noqa: BLE001 - any damage to the file becomes one line
            raise OutputsError(f"{p}: not a readable Parquet file ({exc.__class__.__name__})") from exc
    versions = None
    db = out_dir / "unionclaims.sqlite"
    if db.exists():
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                if _has_claim_versions(con):
                    versions = pd.read_sql_query("SELECT * FROM claim_versions", con)
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise OutputsError(f"{db}: not a readable SQLite database ({exc})") from exc
    return frames[0], frames[1], versions


class ArticleTexts(Mapping[str, str]):
    """doc_id → text of the articles table, read one row group at a time (pipeline.io.ParquetByDoc)."""

    def __init__(self, path: Path):
        self.rows = ParquetByDoc(path, ["text"])

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self.rows:
            raise KeyError(doc_id)
        return "".join(t or "" for (t,) in self.rows.rows(doc_id))

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class AuditTables:
    """What `run` wrote, as the audit reads it: claims, articles without their texts, the texts (read from
    the file as the checks ask, never all at once), the claim versions, and the digest that tells whether
    the stored quantities belong to these articles."""

    claims: list[dict]
    articles: list[dict]
    texts: Mapping[str, str]
    versions: Iterable[dict]
    digest: str


def load_audit_tables(out_dir: Path, article_records: Callable[[pd.DataFrame], list[dict]] | None = None,
                      ) -> AuditTables:
    """The outputs of `run` in DIR, read a row group at a time; OutputsError when missing or damaged.
    `article_records` turns a frame of articles into records (default: the audit's own)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = _output_tables(out_dir)
    claims: list[dict] = []
    articles: list[dict] = []
    digest = ArticlesDigest()
    path = paths[0]
    try:
        for frame in iter_table(path):
            claims += claim_records(frame)
        path = paths[1]
        columns = [c for c in pq.read_schema(path).names if c != "text"]
        for frame in iter_table(path, columns):
            for a in (article_records or _articles_records)(frame):
                digest.add(a["doc_id"], a.get("content_hash"))
                articles.append(a)
        texts = ArticleTexts(path)
    except ValueError as exc:
        if isinstance(exc, pa.ArrowException):  # pyarrow's own errors are ValueErrors too
            raise OutputsError(f"{path}: not a readable Parquet file ({exc.__class__.__name__})") from exc
        raise OutputsError(f"{path}: {exc}") from exc  # a table without the columns the checks need
    except Exception as exc:  # noqa: BLE001 - any damage to the file becomes one line
        raise OutputsError(f"{path}: not a readable Parquet file ({exc.__class__.__name__})") from exc
    db = out_dir / "unionclaims.sqlite"
    return AuditTables(claims, articles, texts, VersionsTable(db) if db.exists() else [], digest.hexdigest())


class VersionsTable:
    """The claim_versions rows of an output database, read in batches each time they are iterated, in
    doc_id order (then table order): an article's versions come together, never the whole table."""

    def __init__(self, db: Path):
        self.db = db
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                self.present = _has_claim_versions(con)
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise OutputsError(f"{db}: not a readable SQLite database ({exc})") from exc

    def __iter__(self) -> Iterator[dict]:
        if not self.present:
            return
        try:
            con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
            try:
                query = "SELECT * FROM claim_versions ORDER BY doc_id, rowid"
                for frame in pd.read_sql_query(query, con, chunksize=10 * BATCH):
                    yield from _version_records(frame)
            finally:
                con.close()
        except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
            raise OutputsError(f"{self.db}: not a readable SQLite database ({exc})") from exc


def audit_outputs(out_dir: Path, *, crawl_state: Path | None = None, as_of: date | None = None,
                  quiet_days: int | None = None, checks: Sequence[str] | None = None,
                  settings: AuditSettings | None = None) -> pd.DataFrame:
    """The findings over what `run` wrote in DIR, nothing written (run_audit writes them)."""
    tables = load_audit_tables(out_dir)
    stored = load_quantities(out_dir, digest=tables.digest)  # the numbers `run` found; None for an older output set
    finder = default_quantity_finder() if stored is None else None
    if stored is None and finder is None:
        log.warning("pipeline.text.numbers.grammar is not available: arithmetic checks skipped")
    state = crawl_state if crawl_state is not None else out_dir / "crawl.sqlite"
    activity = activity_from_crawl_state(state)
    try:
        return _audit(tables.claims, tables.articles, tables.texts, tables.versions, activity, find_quantities=finder,
                      quantities=stored, as_of=as_of, quiet_days=quiet_days, checks=checks, settings=settings)
    except ValueError as exc:
        raise OutputsError(f"{out_dir}: {exc}") from exc


def run_audit(out_dir: Path, *, crawl_state: Path | None = None, as_of: date | None = None,
              quiet_days: int | None = None, checks: Sequence[str] | None = None,
              settings: AuditSettings | None = None) -> pd.DataFrame:
    """The audit of what `run` wrote in DIR, written to DIR/audit.csv and the `audit` table. The tables
    are read a row group at a time and the texts only as the checks reach them, so memory holds the
    claims and one small record per article, not the corpus."""
    out_dir = Path(out_dir)
    df = audit_outputs(out_dir, crawl_state=crawl_state, as_of=as_of, quiet_days=quiet_days, checks=checks,
                       settings=settings)
    write_table(out_dir, "audit", df, ("csv",))
    write_sqlite(out_dir / "unionclaims.sqlite", {"audit": df})
    return df
