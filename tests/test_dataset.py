"""Facts and panel: the dedup rule (reprints become one fact with several sources), what must stay
apart (targets, other periods, other bodies, other qualifiers), and the files write_dataset writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from pipeline.dataset import (
    FACT_COLUMNS,
    PANEL_COLUMNS,
    build_dataset,
    build_facts,
    build_panel,
    period_label,
)
from pipeline.records import CLAIM_FIELDS, Claim, stable_id

CB = "LĐLĐ tỉnh Cao Bằng"


def claim(doc: str, indicator: str, value: float | None, *, is_target: bool = False, qualifier: str = "exact",
          org: str | None = CB, province: str | None = "Cao Bằng", period: tuple[str, str] | None = None,
          period_text: str | None = None, published: str | None = "2022-08-27", site: str = "ldld-caobang",
          unit: str = "person", value_min: float | None = None, value_max: float | None = None,
          quote: str = "") -> Claim:
    return Claim(
        claim_id=stable_id(doc, indicator, value, value_min, is_target), doc_id=doc, indicator=indicator,
        value=value, value_min=value_min, value_max=value_max, unit=unit, qualifier=qualifier,
        is_target=is_target, quote=quote or f"kết nạp {value} đoàn viên", start=0, end=10,
        url=f"https://{site}.example.vn/{doc}.html", site=site, published=published,
        period_text=period_text or (None if period is None else f"{period[0]}..{period[1]}"),
        period_start=None if period is None else period[0], period_end=None if period is None else period[1],
        org=org, province=province, rule="test", confidence=0.9,
    )


def frame(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame([c.to_dict() for c in claims], columns=list(CLAIM_FIELDS))


P = ("2021-01-01", "2022-06-30")


def test_reprint_on_three_sites_is_one_fact_with_three_sources() -> None:
    claims = [
        claim("a1", "members_recruited", 856, period=P, site="ldld-caobang"),
        claim("b1", "members_recruited", 856, period=P, site="laodong", org=CB, published="2022-08-29"),
        # a reprint that dropped the period, published soon after it ended: same fact
        claim("c1", "members_recruited", 856, period=None, site="baocaobang", published="2022-09-02"),
        claim("a1", "unions_founded", 12, period=P, unit="organization"),
    ]
    facts = build_facts(frame(claims))
    assert list(facts.columns) == list(FACT_COLUMNS)
    assert len(facts) == 2
    f = facts[facts.indicator == "members_recruited"].iloc[0]
    assert f.n_sources == 3 and f.n_sites == 3
    assert set(f.doc_ids.split(";")) == {"a1", "b1", "c1"}
    assert len(f.claim_ids.split(";")) == 3
    assert (f.period_start, f.period_end) == P  # the period the dated sources give
    assert f.first_published == "2022-08-27" and f.last_published == "2022-09-02"


@pytest.mark.parametrize(
    "other",
    [
        claim("x", "members_recruited", 856, period=P, is_target=True),  # a target is not a result
        claim("x", "members_recruited", 856, period=("2023-01-01", "2023-12-31")),  # another period
        claim("x", "members_recruited", 856, period=P, org="LĐLĐ tỉnh Bắc Kạn", province="Bắc Kạn"),
        claim("x", "members_recruited", 856, period=P, qualifier="at_least"),  # "trên 856" is another statement
        claim("x", "members_recruited", 857, period=P),
        claim("x", "members_total", 856, period=P),
        # period-less and published years later: not a reprint of the 2021–22 figure
        claim("x", "members_recruited", 856, period=None, published="2024-05-01"),
        # nothing known about who reports it
        claim("x", "members_recruited", 856, period=P, org=None, province=None),
    ],
)
def test_what_stays_a_separate_fact(other: Claim) -> None:
    base = claim("a1", "members_recruited", 856, period=P)
    facts = build_facts(frame([base, other]))
    assert len(facts) == 2
    assert set(facts.n_sources) == {1}
    assert facts.fact_id.is_unique


def test_missing_org_on_one_side_still_merges_on_province() -> None:
    facts = build_facts(frame([
        claim("a1", "funds_raised", 1.6e9, unit="VND", org="LĐLĐ huyện Sông Lô", province="Vĩnh Phúc",
              period=("2015-01-01", "2020-12-31")),
        claim("b1", "funds_raised", 1.6e9, unit="VND", org=None, province="Vĩnh Phúc",
              period=("2015-01-01", "2020-12-31")),
    ]))
    assert len(facts) == 1
    assert facts.iloc[0].org == "LĐLĐ huyện Sông Lô"


def test_ranges_compare_on_both_bounds() -> None:
    facts = build_facts(frame([
        claim("a1", "members_recruited", None, value_min=8000, value_max=11000, is_target=True, period=P),
        claim("b1", "members_recruited", None, value_min=8000, value_max=11000, is_target=True, period=P),
        claim("c1", "members_recruited", None, value_min=8000, value_max=12000, is_target=True, period=P),
    ]))
    assert sorted(facts.n_sources) == [1, 2]


def test_fact_ids_are_stable_across_runs_and_row_order() -> None:
    claims = [claim("a1", "members_recruited", 856, period=P), claim("b1", "members_recruited", 856, period=P),
              claim("a1", "unions_founded", 12, period=P, unit="organization")]
    ids1 = set(build_facts(frame(claims)).fact_id)
    ids2 = set(build_facts(frame(list(reversed(claims)))).fact_id)
    assert ids1 == ids2


def test_panel_keeps_targets_apart_and_never_sums_bodies() -> None:
    year = ("2022-01-01", "2022-12-31")
    facts = build_facts(frame([
        claim("a1", "members_recruited", 1200, period=year),
        claim("a2", "members_recruited", 1000, period=year, is_target=True, quote="phấn đấu kết nạp 1.000"),
        # a district federation in the same province and year: listed, not added
        claim("a3", "members_recruited", 300, period=year, org="LĐLĐ huyện Hòa An"),
        claim("a4", "members_recruited", 509, period=("2015-01-01", "2020-12-31"), org="LĐLĐ huyện Sông Lô",
              province="Vĩnh Phúc"),
    ]))
    panel = build_panel(facts)
    assert list(panel.columns) == list(PANEL_COLUMNS)
    cb = panel[(panel.province == "Cao Bằng") & (panel.year == 2022)]
    assert len(cb) == 2
    ach = cb[cb.kind == "achievement"].iloc[0]
    tgt = cb[cb.kind == "target"].iloc[0]
    assert ach.value == 1200 and ach.org == CB and ach.n_facts == 2
    assert "LĐLĐ huyện Hòa An: 300" in ach.other_values
    assert tgt.value == 1000 and tgt.is_target
    assert ach.period_label == "2022"
    vp = panel[panel.province == "Vĩnh Phúc"].iloc[0]
    assert vp.period_label == "2015–2020" and vp.value == 509 and vp.period_months == pytest.approx(72, abs=0.1)


def test_panel_leaves_out_undated_figures_and_prefers_the_total_to_its_parts() -> None:
    year = ("2020-01-01", "2020-12-31")
    facts = build_facts(frame([
        claim("a1", "members_recruited", 19, period=year),  # "kết nạp 19 công đoàn viên (16 …) và (3 …)"
        claim("a1", "members_recruited", 16, period=year),
        claim("a1", "members_recruited", 3, period=year),
        claim("a2", "funds_disbursed", 3e7, unit="VND"),  # three different payouts, no period
        claim("a2", "funds_disbursed", 9e7, unit="VND"),
    ]))
    assert len(facts) == 5
    panel = build_panel(facts)
    assert len(panel) == 1
    row = panel.iloc[0]
    assert row.value == 19 and row.n_facts == 3 and row.period_label == "2020"


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [("2006-10-10", "2006-10-10", "2006-10-10"), ("2022-01-01", "2022-06-30", "2022-H1"), ("2022-07-01", "2022-09-30", "2022-Q3"),
     ("2022-06-01", "2022-06-30", "2022-06"), ("2021-01-01", "2022-06-30", "2021-01-01..2022-06-30")],
)
def test_period_labels(start: str, end: str, label: str) -> None:
    from datetime import date

    assert period_label(date.fromisoformat(start), date.fromisoformat(end)) == label


def test_dataset_tables_are_written_typed_to_parquet_csv_and_sqlite(tmp_path: Path) -> None:
    from pipeline.io import write_sqlite, write_table

    claims = frame([claim("a1", "members_recruited", 856, period=P), claim("b1", "members_recruited", 856, period=P),
                    claim("a1", "unions_founded", 12, period=P, unit="organization")])
    facts, panel, counts = build_dataset(claims, pd.DataFrame())
    assert counts == {"claims": 3, "facts": 2, "multi_source_facts": 1, "panel_rows": 2}
    for stem, df in (("facts", facts), ("panel", panel)):
        write_table(tmp_path, stem, df)
        pq = pd.read_parquet(tmp_path / f"{stem}.parquet")
        csv = pd.read_csv(tmp_path / f"{stem}.csv")
        assert len(pq) == len(csv) > 0
    write_sqlite(tmp_path / "unionclaims.sqlite", {"facts": facts, "panel": panel})
    con = sqlite3.connect(tmp_path / "unionclaims.sqlite")
    assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == 2
    assert not list(tmp_path.glob(".*.tmp"))


def test_empty_claims_give_empty_tables_with_every_column(tmp_path: Path) -> None:
    from pipeline.io import write_table

    facts, panel, counts = build_dataset(frame([]), pd.DataFrame())
    assert counts["facts"] == 0 and counts["panel_rows"] == 0
    write_table(tmp_path, "facts", facts)
    assert list(pd.read_parquet(tmp_path / "facts.parquet").columns) == list(FACT_COLUMNS)


def test_claims_without_required_columns_are_rejected() -> None:
    with pytest.raises(ValueError, match="indicator"):
        build_facts(pd.DataFrame({"claim_id": ["x"], "doc_id": ["d"], "value": [1]}))


def test_copies_of_one_text_merge_even_when_one_copy_knows_no_site() -> None:
    # The bundled corpus: seed 000 as a text dump (no site, org or province) and as its HTML page.
    page = claim("page", "members_recruited", 856, period=P)
    dump = claim("dump", "members_recruited", 856, period=P, org=None, province=None, site="")
    articles = pd.DataFrame({"doc_id": ["page", "dump", "other"],
                             "text": ["… kết nạp 856 đoàn viên …", "… kết nạp 856 đoàn viên …", "khác"]})
    assert len(build_facts(frame([page, dump]))) == 2  # without the texts nothing ties them
    facts = build_facts(frame([page, dump]), articles)
    assert len(facts) == 1
    f = facts.iloc[0]
    assert f.n_sources == 2 and f.org == CB and f.province == "Cao Bằng"
