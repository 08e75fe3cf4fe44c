"""Audit: checks over the claims, the article texts, the crawl versions and the crawl state.

`unionclaims audit [--out DIR]` reads what `unionclaims run` wrote into DIR and writes `DIR/audit.csv`
and the table `audit` in `DIR/unionclaims.sqlite`: one row per finding, with a plain Vietnamese and
English explanation (docs/design.md, "Audit findings"; the checks are explained in docs/audit.md).

Every check is a pure function returning Findings; `audit_tables` runs them all and `run_audit` is the
I/O edge. The checks lean towards silence: a finding is made only where a careful reader, given the
same text, would make it too (ambiguous arithmetic, e.g. three candidate totals for one "tăng 6", is
left alone).

The checks, one module per family: `arithmetic` (within an article), `consistency` (across claims and
versions), `outliers`, `health` (site flags and quiet sites); `findings` holds the record and its wording,
`text` the text helpers, `run` the call list and the I/O edge.
"""

from .arithmetic import (
    QuantityFinder,
    check_arithmetic,
    check_differences,
    check_ratios,
    check_sums,
    default_quantity_finder,
)
from .consistency import (
    check_conflicts,
    check_missing_periods,
    check_silent_edits,
    check_targets,
    compatible_values,
    value_interval,
)
from .findings import AUDIT_COLUMNS, SEVERITIES, Finding, fmt_en, fmt_vi, indicator_label
from .health import (
    SiteActivity,
    activity_from_articles,
    activity_from_crawl_state,
    check_article_flags,
    check_quiet_sites,
)
from .outliers import annual_rate, check_outliers, robust_z
from .run import audit_tables, load_outputs, run_audit
from .text import line_spans, sentence_spans

__all__ = [
    "AUDIT_COLUMNS", "SEVERITIES", "Finding", "QuantityFinder", "SiteActivity", "activity_from_articles",
    "activity_from_crawl_state", "annual_rate", "audit_tables", "check_arithmetic", "check_article_flags",
    "check_conflicts", "check_differences", "check_missing_periods", "check_outliers", "check_quiet_sites",
    "check_ratios", "check_silent_edits", "check_sums", "check_targets", "compatible_values",
    "default_quantity_finder", "fmt_en", "fmt_vi", "indicator_label", "line_spans", "load_outputs", "robust_z",
    "run_audit", "sentence_spans", "value_interval",
]
