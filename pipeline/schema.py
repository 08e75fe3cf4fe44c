"""The one schema of every output table: column types, keys and meaning.

Parquet (pyarrow schema), CSV, SQLite (DDL with primary and foreign keys, full-text search) and the
column tables of output/README.md are all rendered from `TABLES`, so two runs always write the same
types and the documentation cannot drift from the files.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

# Column types: how a value is stored in Parquet / SQLite.
TEXT, INT, FLOAT, BOOL, DATE, TIMESTAMP, TEXT_LIST = "text", "int", "float", "bool", "date", "timestamp", "list"
_SQL_TYPES = {TEXT: "TEXT", INT: "INTEGER", FLOAT: "REAL", BOOL: "INTEGER", DATE: "TEXT", TIMESTAMP: "TEXT",
              TEXT_LIST: "TEXT"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other table, other column)
    full_text: tuple[str, ...] = ()  # columns searchable through the table `<name>_fts`
    doc: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


_CLAIM_COLUMNS = _cols(
    ("claim_id", TEXT, "stable hash of doc_id, span, indicator and value"),
    ("doc_id", TEXT, "the article (→ `articles.doc_id`)"),
    ("indicator", TEXT, "one of the indicators of rules/indicators/*.toml (`members_recruited`, `unions_founded`, "
                        "`funds_raised`, `funds_disbursed`, `members_total`, `unions_total`, …)"),
    ("value", FLOAT, "the number, normalised (VND in dong; counts); null for a range"),
    ("value_min", FLOAT, "lower bound of a range (\"từ 8.000 – 11.000\"), else null"),
    ("value_max", FLOAT, "upper bound of a range, else null"),
    ("unit", TEXT, "`person`, `organization`, `VND`, or the indicator's own unit"),
    ("qualifier", TEXT, "`exact`; `at_least` (trên, hơn, tối thiểu); `at_most` (dưới, không quá, tối đa); "
                        "`approx_below` (gần); `approx` (khoảng, xấp xỉ, ước)"),
    ("is_target", BOOL, "a plan, quota or goal (phấn đấu, chỉ tiêu, kế hoạch, the denominator of \"76/50\")"),
    ("quote", TEXT, "the sentence the claim is in"),
    ("start", INT, "offset of the claim phrase in `articles.text`"),
    ("end", INT, "end offset of the claim phrase"),
    ("url", TEXT, "page address (null for loose files)"),
    ("site", TEXT, "site name from rules/sites"),
    ("published", DATE, "publication date of the article"),
    ("period_text", TEXT, "the period as written, null when the text names none"),
    ("period_start", DATE, "that period resolved to dates; never inferred from the publication date"),
    ("period_end", DATE, "end of that period"),
    ("org", TEXT, "the union body that reports the figure, canonical spelling; null when not known"),
    ("province", TEXT, "canonical province/city name; null when national or not known"),
    ("rule", TEXT, "the extractor rule that fired"),
    ("confidence", FLOAT, "0–1, the rule's measured precision with penalties"),
    ("sentence_start", INT, "offset of the quoted sentence in `articles.text` (-1 if unknown)"),
    ("sentence_end", INT, "end offset of the quoted sentence"),
    ("number_start", INT, "offset of the number itself, without hedge word (-1 if unknown)"),
    ("number_end", INT, "end offset of the number"),
    ("fetched_at", TIMESTAMP, "when the page was fetched (crawled pages only)"),
    ("source", TEXT, "the input file, or `WARC path#WARC-Record-ID` of the fetch"),
)

_ARTICLE_COLUMNS = _cols(
    ("doc_id", TEXT, "stable hash of the canonical URL (of the content for files without a URL)"),
    ("url", TEXT, "page address"),
    ("site", TEXT, "site name from rules/sites (null for loose files)"),
    ("title", TEXT, "as on the page"),
    ("published", DATE, "publication date, null when the page shows none"),
    ("author", TEXT, "as on the page"),
    ("text", TEXT, "clean body text (NFC); claim offsets refer to it"),
    ("source", TEXT, "the input file, or `WARC path#WARC-Record-ID`"),
    ("fetched_at", TIMESTAMP, "when the page was fetched (crawled pages only)"),
    ("flags", TEXT_LIST, "quality flags, e.g. `spam_injected`, `rules_stale`, `truncated` (JSON text in SQLite)"),
    ("province", TEXT, "from the site's rules"),
    ("org", TEXT, "from the site's rules"),
    ("version", INT, "crawl version of the page (1 = first fetch; a changed text adds a version)"),
    ("content_hash", TEXT, "sha256 of `text`"),
)

_FACT_COLUMNS = _cols(
    ("fact_id", TEXT, "stable hash of the fact's key"),
    ("indicator", TEXT, "as in `claims`"),
    ("is_target", BOOL, "as in `claims`"),
    ("value", FLOAT, "as in `claims`"),
    ("value_min", FLOAT, "as in `claims`"),
    ("value_max", FLOAT, "as in `claims`"),
    ("unit", TEXT, "as in `claims`"),
    ("qualifier", TEXT, "as in `claims`"),
    ("org", TEXT, "the most common non-null value among the sources"),
    ("province", TEXT, "the most common non-null value among the sources"),
    ("period_text", TEXT, "the period most sources give"),
    ("period_start", DATE, "the period most sources give"),
    ("period_end", DATE, "the period most sources give"),
    ("n_sources", INT, "distinct articles that report it"),
    ("n_sites", INT, "distinct sites among them"),
    ("first_published", DATE, "earliest publication among the sources"),
    ("last_published", DATE, "latest publication among the sources"),
    ("doc_ids", TEXT, "every source article, `;`-separated, earliest first"),
    ("urls", TEXT, "their URLs, `;`-separated"),
    ("sites", TEXT, "their sites, `;`-separated"),
    ("claim_ids", TEXT, "the claims, `;`-separated"),
    ("quote", TEXT, "the sentence of the earliest source"),
    ("confidence", FLOAT, "the highest confidence among the sources"),
)

_PANEL_COLUMNS = _cols(
    ("province", TEXT, "pre-2025 province (one of the 63); null = national or unknown"),
    ("province_2025", TEXT, "the unit it belongs to after the 1 July 2025 merger (one of the 34)"),
    ("indicator", TEXT, ""),
    ("unit", TEXT, ""),
    ("kind", TEXT, "`achievement` or `target`"),
    ("is_target", BOOL, "same as `kind == \"target\"`"),
    ("period_start", DATE, "the exact period of the figures in this row"),
    ("period_end", DATE, ""),
    ("period_label", TEXT, "`2022`, `2022-H1`, `2022-Q3`, `2022-06`, `2015–2020`, … or `start..end`"),
    ("period_months", FLOAT, "length of the period in months"),
    ("year", INT, "year of `period_end`"),
    ("value", FLOAT, "the chosen figure"),
    ("value_min", FLOAT, ""),
    ("value_max", FLOAT, ""),
    ("qualifier", TEXT, ""),
    ("org", TEXT, "the body that reported the chosen figure"),
    ("n_facts", INT, "facts in this cell (other bodies, or disagreeing figures)"),
    ("n_sources", INT, "sources behind those facts"),
    ("fact_ids", TEXT, "`;`-separated, chosen fact first"),
    ("other_values", TEXT, "`org: value` of the other facts in the cell, `; `-separated"),
)

_AUDIT_COLUMNS = _cols(
    ("finding_id", TEXT, "stable hash of check, articles, claims and values"),
    ("check", TEXT, "which check found it (docs/audit.md)"),
    ("severity", TEXT, "`error`, `warning` or `info`"),
    ("doc_ids", TEXT, "the articles involved, `;`-separated"),
    ("urls", TEXT, "their URLs, `;`-separated"),
    ("claim_ids", TEXT, "the claims involved, `;`-separated"),
    ("values", TEXT, "the numbers involved, `;`-separated"),
    ("message_vi", TEXT, "what is wrong and why, in Vietnamese"),
    ("message_en", TEXT, "the same in English"),
)

_QUANTITY_COLUMNS = _cols(
    ("doc_id", TEXT, "the article (→ `articles.doc_id`)"),
    ("n", INT, "position of the quantity in its article (0, 1, …), in text order"),
    ("start", INT, "offset of the whole quantity, hedge word included (\"gần 23.000 tỷ đồng\"), in `articles.text`"),
    ("end", INT, "end offset of the quantity"),
    ("number_start", INT, "offset of the number itself, without hedge word (-1 if unknown)"),
    ("number_end", INT, "end offset of the number"),
    ("text", TEXT, "the quantity as written (`articles.text` from `start` to `end`)"),
    ("value", FLOAT, "the number, normalised (VND in dong); null for a range"),
    ("value_min", FLOAT, "lower bound of a range, else null"),
    ("value_max", FLOAT, "upper bound of a range, else null"),
    ("denominator", FLOAT, "for a fraction \"76/50\": 50 (`value` is 76), else null"),
    ("unit", TEXT, "`VND`, `USD`, `percent`, or null for a bare count"),
    ("qualifier", TEXT, "`exact`, `at_least`, `at_most`, `approx_below` or `approx` (the hedge word)"),
    ("kind", TEXT, "`number`, `range`, `fraction`, `percent`, `words` (spelled out) or `rate`"),
    ("per", TEXT, "for a rate: what the amount is per (\"người\", \"kỳ/quý\"), else null"),
)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("articles", _ARTICLE_COLUMNS, primary_key=("doc_id",), full_text=("title", "text"),
          doc="One row per cleaned article (latest crawl version)."),
    Table("claims", _CLAIM_COLUMNS, primary_key=("claim_id",), foreign_keys=(("doc_id", "articles", "doc_id"),),
          full_text=("quote",), doc="One quantitative statement: a number in an article, traceable to its "
                                    "sentence, page and fetch. Latest crawl version of each article."),
    Table("claim_versions", (*_CLAIM_COLUMNS, Column("version", INT, "crawl version of the article")),
          primary_key=("claim_id", "version"), foreign_keys=(("doc_id", "articles", "doc_id"),),
          doc="The claims of every crawl version of each article, so `audit` sees a figure that changed."),
    Table("quantities", _QUANTITY_COLUMNS, primary_key=("doc_id", "n"), foreign_keys=(("doc_id", "articles", "doc_id"),),
          doc="Every number the grammar finds in each article's text (latest crawl version), with its span: "
              "found once by `run`, read by `audit` and `report`."),
    Table("facts", _FACT_COLUMNS, primary_key=("fact_id",),
          doc="One row per distinct reported figure, with all its sources."),
    Table("panel", _PANEL_COLUMNS, doc="Province × period × indicator; achievements and targets apart."),
    Table("audit", _AUDIT_COLUMNS, primary_key=("finding_id",), doc="One row per audit finding."),
)}


# --------------------------------------------------------------------------- values


def is_missing(v: Any) -> bool:
    """None, a float NaN or pandas' NA: every way a table spells a missing value."""
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ == "NAType"


def as_date(v: Any) -> date | None:
    """A date from a date, a datetime or ISO text ("2024-05-01", "2024-05-01T06:00:00Z"); None if missing or not a date."""
    if is_missing(v):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _timestamp(v: Any) -> datetime | None:
    if is_missing(v) or v == "":
        return None
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=timezone.utc)
    try:
        t = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _plain(v: Any) -> Any:
    if is_missing(v):
        return None
    return v.item() if hasattr(v, "item") else v


_CONVERT = {
    TEXT: lambda v: None if is_missing(v) else str(v),
    INT: lambda v: None if is_missing(v) else int(v),
    FLOAT: lambda v: None if is_missing(v) else float(v),
    BOOL: lambda v: None if is_missing(v) else bool(v),
    DATE: as_date,
    TIMESTAMP: _timestamp,
    TEXT_LIST: lambda v: [] if v is None or (isinstance(v, float) and math.isnan(v)) else [str(x) for x in v],
}


def _rows(data: Any, table: Table) -> list[dict[str, Any]]:
    if hasattr(data, "to_dict"):  # a DataFrame
        return data.to_dict("records")
    return list(data)


def to_arrow(data: Any, table: Table) -> Any:
    """Rows (dicts) or a DataFrame as a pyarrow Table of exactly this table's schema."""
    import pyarrow as pa

    rows = _rows(data, table)
    arrays = [
        pa.array([_CONVERT[c.type](_plain(r.get(c.name)) if c.type != TEXT_LIST else r.get(c.name)) for r in rows],
                 type=arrow_type(c.type))
        for c in table.columns
    ]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


def arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {TEXT: pa.string(), INT: pa.int64(), FLOAT: pa.float64(), BOOL: pa.bool_(), DATE: pa.date32(),
            TIMESTAMP: pa.timestamp("ms", tz="UTC"), TEXT_LIST: pa.list_(pa.string())}[kind]


def arrow_schema(table: Table) -> Any:
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c.type)) for c in table.columns])


def csv_value(v: Any, kind: str) -> str:
    """A cell of CSV: empty for missing, `true`/`false`, ISO dates, `;`-joined lists."""
    v = _plain(v) if kind != TEXT_LIST else v
    if kind == TEXT_LIST:
        return ";".join(str(x) for x in (v or []))
    v = _CONVERT[kind](v)
    if v is None:
        return ""
    if kind == BOOL:
        return "true" if v else "false"
    if kind in (DATE, TIMESTAMP):
        return v.isoformat().replace("+00:00", "Z")
    if kind == FLOAT and float(v).is_integer():
        return str(int(v)) if abs(v) < 1e15 else repr(v)
    return str(v)


def sql_value(v: Any, kind: str) -> Any:
    if kind == TEXT_LIST:
        return json.dumps(list(v or []), ensure_ascii=False)
    v = _CONVERT[kind](_plain(v))
    if v is None:
        return None
    if kind == BOOL:
        return int(v)
    if kind in (DATE, TIMESTAMP):
        return v.isoformat().replace("+00:00", "Z")
    return v


def from_arrow(arrow_table: Any) -> Any:
    """A Parquet table as the DataFrame the stages work on: dates and timestamps as ISO text, missing as None."""
    df = arrow_table.to_pandas()
    for f in arrow_table.schema:
        if str(f.type).startswith(("date32", "timestamp")):
            df[f.name] = [None if is_missing(v) else _iso(v) for v in df[f.name].tolist()]
    return df


def _iso(v: Any) -> str:
    if isinstance(v, datetime) or hasattr(v, "to_pydatetime"):
        t = v.to_pydatetime() if hasattr(v, "to_pydatetime") else v
        return t.isoformat().replace("+00:00", "Z")
    return v.isoformat()


# --------------------------------------------------------------------------- SQLite and docs


def sqlite_ddl(table: Table) -> list[str]:
    """CREATE statements: the table with its keys, and an FTS5 index over its full-text columns."""
    cols = [f'"{c.name}" {_SQL_TYPES[c.type]}' for c in table.columns]
    if table.primary_key:
        cols.append(f"PRIMARY KEY ({', '.join(chr(34) + k + chr(34) for k in table.primary_key)})")
    for col, other, other_col in table.foreign_keys:
        cols.append(f'FOREIGN KEY ("{col}") REFERENCES "{other}" ("{other_col}")')
    out = [f'CREATE TABLE "{table.name}" ({", ".join(cols)})']
    if table.full_text:
        fts = f"{table.name}_fts"
        out.append(f'CREATE VIRTUAL TABLE "{fts}" USING fts5({", ".join(table.full_text)}, '
                   f'content="{table.name}", tokenize="unicode61 remove_diacritics 2")')
        out.append(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
    return out


def markdown(table: Table) -> str:
    """The column table of output/README.md for one table."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in table.columns]
    keys = []
    if table.primary_key:
        keys.append(f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.")
    keys += [f"`{c}` → `{t}.{oc}`." for c, t, oc in table.foreign_keys]
    if table.full_text:
        keys.append(f"Full-text search over {', '.join(f'`{c}`' for c in table.full_text)} in `{table.name}_fts`.")
    return "\n".join(lines) + ("\n\n" + " ".join(keys) if keys else "")


def render_readme(text: str) -> str:
    """`text` (output/README.md) with every `<!-- schema:NAME -->…<!-- /schema -->` block regenerated."""
    import re

    def block(m: re.Match[str]) -> str:
        return f"<!-- schema:{m[1]} -->\n{markdown(TABLES[m[1]])}\n<!-- /schema -->"

    return re.sub(r"<!-- schema:(\w+) -->.*?<!-- /schema -->", block, text, flags=re.S)


if __name__ == "__main__":  # python -m pipeline.schema output/README.md: regenerate the column tables
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "output/README.md")
    target.write_text(render_readme(target.read_text(encoding="utf-8")), encoding="utf-8")
