"""Audit checks: each with planted inconsistencies that must be found and look-alikes that must not.

Texts are realistic Vietnamese union-report sentences; quantities come from the real number grammar
(pipeline.numbers), claims are built by hand so each test controls exactly what the extractor "said".
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.audit import (
    AUDIT_COLUMNS,
    SiteActivity,
    audit_tables,
    check_arithmetic,
    check_quiet_sites,
    compatible_values,
    fmt_en,
    fmt_vi,
    run_audit,
    sentence_spans,
)
from pipeline.cli import main
from pipeline.numbers import find_quantities
from pipeline.records import ARTICLE_FIELDS, CLAIM_FIELDS, PERCENT, VND, Article, Claim, stable_id

CB = "LĐLĐ tỉnh Cao Bằng"
UNIT = {"members_recruited": "person", "members_total": "person", "beneficiaries": "person",
        "unions_founded": "organization", "unions_total": "organization", "funds_raised": "VND",
        "funds_disbursed": "VND", "initiatives": "initiative"}


def article(doc: str, text: str, *, site: str = "ldld-caobang", published: str | None = "2022-08-27",
            flags: list[str] | None = None, fetched_at: str | None = None, title: str | None = None) -> Article:
    return Article(doc_id=doc, url=f"https://{site}.example.vn/{doc}.html", site=site, title=title or f"Bài {doc}",
                   published=published, text=text, source=f"corpus/{doc}.html", fetched_at=fetched_at,
                   flags=flags or [], province="Cao Bằng", org=CB)


def claim(art: Article, phrase: str, indicator: str, value: float | None, *, is_target: bool = False,
          qualifier: str = "exact", period: tuple[str, str] | None = ("2022-01-01", "2022-12-31"),
          org: str | None = CB, province: str | None = "Cao Bằng", occurrence: int = 0,
          value_min: float | None = None, value_max: float | None = None) -> Claim:
    start = -1
    for _ in range(occurrence + 1):
        start = art.text.index(phrase, start + 1)
    end = start + len(phrase)
    s, e = next((s, e) for s, e in sentence_spans(art.text) if s <= start < e)
    return Claim(
        claim_id=stable_id(art.doc_id, start, end, indicator), doc_id=art.doc_id, indicator=indicator, value=value,
        value_min=value_min, value_max=value_max, unit=UNIT[indicator], qualifier=qualifier, is_target=is_target,
        quote=art.text[s:e].strip(), start=start, end=end, url=art.url, site=art.site, published=art.published,
        period_text=None if period is None else "năm 2022", period_start=None if period is None else period[0],
        period_end=None if period is None else period[1], org=org, province=province, rule="test",
        confidence=0.9, sentence_start=s, sentence_end=e,
    )


def tables(arts: list[Article], claims: list[Claim]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.DataFrame([c.to_dict() for c in claims], columns=list(CLAIM_FIELDS)),
            pd.DataFrame([a.to_dict() for a in arts], columns=list(ARTICLE_FIELDS)))


def audit(arts: list[Article], claims: list[Claim], **kw) -> pd.DataFrame:
    c, a = tables(arts, claims)
    kw.setdefault("find_quantities", find_quantities)
    return audit_tables(c, a, **kw)


def arithmetic(text: str, claims: list[Claim] | None = None) -> list:
    art = article("d1", text)
    return check_arithmetic(art.to_dict(), [c.to_dict() for c in (claims or [])], find_quantities(text))


# --------------------------------------------------------------------------- ratio_mismatch

SEED_000_RATIO = ("tập trung chỉ đạo tổ chức được 24 lớp tập huấn nghiệp vụ CĐCS cho cán bộ CĐCS với 2178/1550 đạt "
                  "140% chỉ tiêu của LĐLĐ tỉnh giao, bằng 190,7% TLĐ giao.")


def test_seed_ratio_is_consistent_within_rounding() -> None:
    # 2178/1550 = 140,5 %: "140%" truncates it; 190,7 % refers to another (unstated) quota.
    assert arithmetic(SEED_000_RATIO) == []


@pytest.mark.parametrize(
    ("text", "values"),
    [
        (SEED_000_RATIO.replace("2178/1550", "2178/1750"), ["2178", "1750", "140%"]),  # 124,5 %
        ("kết nạp được 1.298/1.000 đoàn viên, đạt 112,8% kế hoạch năm.", ["1298", "1000", "112.8%"]),
        ("thành lập 45/40 CĐCS, vượt 25% chỉ tiêu.", ["45", "40", "25%"]),  # vượt 12,5 %
    ],
)
def test_planted_wrong_ratio_is_flagged(text: str, values: list[str]) -> None:
    found = arithmetic(text)
    assert [f.check for f in found] == ["ratio_mismatch"]
    assert found[0].values == values and found[0].severity == "error"
    assert "/" in found[0].message_vi and "rounding" in found[0].message_en


def test_ratio_with_one_decimal_is_checked_to_that_decimal() -> None:
    assert arithmetic("kết nạp 1.128/1.000 đoàn viên, đạt 112,8% kế hoạch.") == []
    assert arithmetic("kết nạp 1.130/1.000 đoàn viên, đạt 112,8% kế hoạch.") != []
    assert arithmetic("thành lập 45/40 CĐCS, vượt 12,5% chỉ tiêu.") == []


def test_percent_of_plan_against_the_plan_stated_in_the_article() -> None:
    text = ("Năm 2022, LĐLĐ tỉnh đặt chỉ tiêu kết nạp 1.000 đoàn viên. "
            "Kết quả, toàn tỉnh đã kết nạp 1.200 đoàn viên, đạt 150% kế hoạch.")
    art = article("d1", text)
    target = claim(art, "kết nạp 1.000 đoàn viên", "members_recruited", 1000, is_target=True)
    result = claim(art, "kết nạp 1.200 đoàn viên", "members_recruited", 1200)
    found = check_arithmetic(art.to_dict(), [target.to_dict(), result.to_dict()], find_quantities(text))
    assert [f.check for f in found] == ["ratio_mismatch"]
    assert set(found[0].claim_ids) == {target.claim_id, result.claim_id}
    assert "120%" in found[0].message_vi
    good = text.replace("150%", "120%")
    art2 = article("d1", good)
    assert check_arithmetic(art2.to_dict(), [target.to_dict(), result.to_dict()], find_quantities(good)) == []


def test_percent_of_plan_without_a_stated_plan_is_left_alone() -> None:
    # Seed 000: the quota behind "252%" is not in the article, so nothing can be recomputed.
    text = ("Kết thúc giai đoạn 1 (31/5/2022) đã có 2.012 sáng kiến được cập nhật lên phần mềm trực tuyến của "
            "Tổng LĐLĐ Việt Nam, đạt 252% so với chỉ tiêu được Tổng LĐLĐ Việt Nam giao.")
    art = article("d1", text)
    c = claim(art, "2.012 sáng kiến", "initiatives", 2012)
    assert check_arithmetic(art.to_dict(), [c.to_dict()], find_quantities(text)) == []


# --------------------------------------------------------------------------- difference_mismatch

SEED_002 = ("Công đoàn Viên chức (CĐVC) tỉnh Cao Bằng được thành lập từ ngày 10/10/2006, khi mới thành lập có 55 "
            "công đoàn cơ sở trực thuộc với số đoàn viên là 1.742 đoàn viên, cán bộ, công chức, viên chức, lao "
            "động. Sau 15 năm đi vào hoạt động hiện nay, CĐVC tỉnh quản lý 61 CĐCS trực thuộc với số đoàn viên là "
            "2.719/2.726 cán bộ, công chức, viên chức, lao động, trong đó có 1.864 đảng viên. Nếu so sánh khi mới "
            "thành lập thì số lượng CĐCS trực thuộc hiện nay tăng 6 CĐCS và số lượng đoàn viên tăng 977.")


def test_seed_differences_are_consistent() -> None:
    assert arithmetic(SEED_002) == []  # 61 − 55 = 6, 2.719 − 1.742 = 977


@pytest.mark.parametrize(
    ("old", "new", "values"),
    [("tăng 6 CĐCS", "tăng 8 CĐCS", ["55", "61", "8"]), ("tăng 977", "tăng 997", ["1742", "2719", "997"])],
)
def test_planted_wrong_difference_is_flagged(old: str, new: str, values: list[str]) -> None:
    found = arithmetic(SEED_002.replace(old, new))
    assert [f.check for f in found] == ["difference_mismatch"]
    assert found[0].values == values


def test_percent_increase_between_two_totals() -> None:
    text = "Năm 2021 toàn tỉnh có 200 CĐCS; đến năm 2022 có 230 CĐCS, tăng 15% so với năm trước."
    assert arithmetic(text) == []
    found = arithmetic(text.replace("tăng 15%", "tăng 25%"))
    assert [f.check for f in found] == ["difference_mismatch"]


def test_ambiguous_or_single_total_is_left_alone() -> None:
    # Only one total: the earlier one is not stated.
    assert arithmetic("Hiện nay có 61 CĐCS, tăng 8 CĐCS so với năm 2006.") == []
    # Three candidate totals for one change: a reader could not tell which pair is meant.
    assert arithmetic("Năm 2019 có 50 CĐCS, năm 2020 có 55 CĐCS, năm 2021 có 61 CĐCS, tăng 9 CĐCS.") == []


# --------------------------------------------------------------------------- sum_mismatch


def test_planted_parts_that_do_not_add_up() -> None:
    text = ("Tổng số tiền vận động được 1,5 tỷ đồng, gồm: LĐLĐ tỉnh 500 triệu đồng, các doanh nghiệp "
            "900 triệu đồng.")
    found = arithmetic(text)
    assert [f.check for f in found] == ["sum_mismatch"]
    assert found[0].values == ["1500000000", "500000000", "900000000"]
    assert arithmetic(text.replace("900 triệu", "1 tỷ")) == []


def test_head_count_parts_add_up_or_not() -> None:
    text = "Kết nạp 19 công đoàn viên, gồm 16 công đoàn viên ở Cơ sở gia công lưới và 3 công đoàn viên ở Trường Hermann Gmeiner."
    assert arithmetic(text) == []
    assert [f.check for f in arithmetic(text.replace("gồm 16", "gồm 14"))] == ["sum_mismatch"]


def test_in_which_parts_may_overlap_for_people_but_not_for_money() -> None:
    # Women and Party members among new members overlap: never summed.
    assert arithmetic("Kết nạp 856 đoàn viên, trong đó 600 đoàn viên nữ, 400 đoàn viên dưới 35 tuổi.") == []
    text = "Tổng kinh phí 800 triệu đồng, trong đó ngân sách công đoàn 500 triệu đồng, xã hội hóa 400 triệu đồng."
    assert [f.check for f in arithmetic(text)] == ["sum_mismatch"]
    assert arithmetic(text.replace("400 triệu", "300 triệu")) == []


# --------------------------------------------------------------------------- cross_article_conflict


def test_conflicting_figures_across_articles() -> None:
    a1 = article("a1", "Năm 2022, toàn tỉnh kết nạp 856 đoàn viên công đoàn.")
    a2 = article("a2", "Năm 2022, LĐLĐ tỉnh Cao Bằng kết nạp 956 đoàn viên công đoàn.", site="baocaobang")
    a3 = article("a3", "Năm 2022, LĐLĐ tỉnh Cao Bằng kết nạp 856 đoàn viên.", site="laodong")
    cs = [claim(a1, "kết nạp 856 đoàn viên", "members_recruited", 856),
          claim(a2, "kết nạp 956 đoàn viên", "members_recruited", 956),
          claim(a3, "kết nạp 856 đoàn viên", "members_recruited", 856)]
    found = audit([a1, a2, a3], cs)
    conf = found[found.check == "cross_article_conflict"]
    assert len(conf) == 1
    row = conf.iloc[0]
    assert set(row.doc_ids.split(";")) == {"a1", "a2", "a3"}
    assert row.severity == "warning" and "956" in row["values"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("trên 500", 500, "at_least"), ("512", 512, "exact")),  # "trên 500" vs "512": both can be true
        (("1,6 tỷ đồng", 1.6e9, "exact"), ("1.634.000.000 đồng", 1.634e9, "exact")),  # rounding
        (("gần 2.600", 2600, "approx_below"), ("2.541", 2541, "exact")),
        (("khoảng 1.000", 1000, "approx"), ("1.050", 1050, "exact")),
    ],
)
def test_rounding_and_qualifiers_are_not_conflicts(a: tuple, b: tuple) -> None:
    ind = "funds_raised" if "đồng" in a[0] else "members_recruited"
    a1 = article("a1", f"Năm 2022, kết nạp {a[0]} đoàn viên.")
    a2 = article("a2", f"Năm 2022, kết nạp {b[0]} đoàn viên.", site="laodong")
    cs = [claim(a1, a[0], ind, a[1], qualifier=a[2]), claim(a2, b[0], ind, b[1], qualifier=b[2])]
    assert compatible_values(cs[0].to_dict(), cs[1].to_dict())
    assert "cross_article_conflict" not in set(audit([a1, a2], cs).check)


def test_other_period_or_other_body_is_not_a_conflict() -> None:
    a1 = article("a1", "Năm 2022 kết nạp 856 đoàn viên.")
    a2 = article("a2", "Năm 2021 kết nạp 700 đoàn viên. Năm 2022 LĐLĐ huyện Hòa An kết nạp 300 đoàn viên.")
    cs = [claim(a1, "856", "members_recruited", 856),
          claim(a2, "700", "members_recruited", 700, period=("2021-01-01", "2021-12-31")),
          claim(a2, "300", "members_recruited", 300, org="LĐLĐ huyện Hòa An")]
    assert "cross_article_conflict" not in set(audit([a1, a2], cs).check)


# --------------------------------------------------------------------------- target_as_result / missing_period


def test_target_reported_as_result_elsewhere() -> None:
    plan = article("p1", "Năm 2022, LĐLĐ tỉnh phấn đấu kết nạp 1.500 đoàn viên mới.", published="2022-01-10")
    news = article("n1", "Năm 2022, LĐLĐ tỉnh Cao Bằng đã kết nạp 1.500 đoàn viên mới.", site="baocaobang",
                   published="2022-06-01")
    cs = [claim(plan, "kết nạp 1.500", "members_recruited", 1500, is_target=True),
          claim(news, "kết nạp 1.500", "members_recruited", 1500)]
    found = audit([plan, news], cs)
    t = found[found.check == "target_as_result"]
    assert len(t) == 1 and t.iloc[0].severity == "warning"
    assert set(t.iloc[0].doc_ids.split(";")) == {"p1", "n1"}


def test_result_equal_to_target_with_100_percent_is_fine() -> None:
    art = article("a1", "Chỉ tiêu năm 2022 là thành lập 10 CĐCS. Đã thành lập 10 CĐCS, đạt 100% chỉ tiêu.")
    cs = [claim(art, "thành lập 10 CĐCS", "unions_founded", 10, is_target=True),
          claim(art, "thành lập 10 CĐCS", "unions_founded", 10, occurrence=1)]
    assert "target_as_result" not in set(audit([art], cs).check)


def test_result_for_a_period_that_had_not_begun() -> None:
    art = article("a1", "Năm 2023, toàn tỉnh kết nạp 2.000 đoàn viên.", published="2022-11-20")
    c = claim(art, "kết nạp 2.000", "members_recruited", 2000, period=("2023-01-01", "2023-12-31"))
    found = audit([art], [c])
    assert list(found[found.check == "target_as_result"].claim_ids) == [c.claim_id]


def test_missing_period_is_one_info_finding_per_article() -> None:
    art = article("a1", "LĐLĐ tỉnh kết nạp 856 đoàn viên, thành lập 12 CĐCS. Hiện có 18.446 đoàn viên.")
    cs = [claim(art, "856", "members_recruited", 856, period=None),
          claim(art, "12", "unions_founded", 12, period=None),
          claim(art, "18.446", "members_total", 18446, period=None)]  # a stock: "hiện có" is fine
    found = audit([art], cs)
    mp = found[found.check == "missing_period"]
    assert len(mp) == 1 and mp.iloc[0].severity == "info"
    assert set(mp.iloc[0].claim_ids.split(";")) == {cs[0].claim_id, cs[1].claim_id}


# --------------------------------------------------------------------------- silent_edit


def _versions(rows: list[tuple[Claim, int, str]]) -> pd.DataFrame:
    return pd.DataFrame([{**c.to_dict(), "version": v, "fetched_at": t} for c, v, t in rows],
                        columns=list(CLAIM_FIELDS) + ["version"])


def test_silent_edit_between_crawl_versions() -> None:
    v1 = article("a1", "Năm 2022, kết nạp 856 đoàn viên, thành lập 12 CĐCS.")
    v2 = article("a1", "Năm 2022, kết nạp 865 đoàn viên, thành lập 12 CĐCS.")
    rows = [(claim(v1, "856", "members_recruited", 856), 1, "2022-08-27T05:30:00"),
            (claim(v1, "12", "unions_founded", 12), 1, "2022-08-27T05:30:00"),
            (claim(v2, "865", "members_recruited", 865), 2, "2022-09-03T08:00:00"),
            (claim(v2, "12", "unions_founded", 12), 2, "2022-09-03T08:00:00")]
    found = audit([v2], [r[0] for r in rows[2:]], versions=_versions(rows))
    se = found[found.check == "silent_edit"]
    assert len(se) == 1
    assert se.iloc[0]["values"] == "856;865"
    assert "856 → 865" in se.iloc[0].message_vi and "2022-09-03" in se.iloc[0].message_en


def test_refetch_with_the_same_figures_is_no_edit() -> None:
    v = article("a1", "Năm 2022, kết nạp 856 đoàn viên.")
    c = claim(v, "856", "members_recruited", 856)
    found = audit([v], [c], versions=_versions([(c, 1, "2022-08-27"), (c, 2, "2022-09-03")]))
    assert "silent_edit" not in set(found.check)


# --------------------------------------------------------------------------- outlier


def test_implausible_amount_per_recipient() -> None:
    # dev-023: "gần 23.000 tỷ đồng" for 17.600 recipients is 1,3 tỷ a head.
    text = ("Hơn 17.600 đoàn viên, người lao động đủ điều kiện được hỗ trợ, với tổng số tiền gần 23.000 tỷ đồng "
            "và mức hỗ trợ từ 700.000 - 3 triệu đồng/người.")
    art = article("a1", text)
    c = claim(art, "gần 23.000 tỷ đồng", "funds_disbursed", 23e12, qualifier="approx_below", period=None)
    found = audit([art], [c])
    out = found[found.check == "outlier"]
    assert len(out) == 1
    assert "1,307 tỷ đồng mỗi người" in out.iloc[0].message_vi
    fine = text.replace("23.000 tỷ", "23 tỷ")
    art2 = article("a1", fine)
    c2 = claim(art2, "gần 23 tỷ đồng", "funds_disbursed", 23e9, qualifier="approx_below", period=None)
    assert "outlier" not in set(audit([art2], [c2]).check)


def test_outlier_against_the_bodys_own_history() -> None:
    arts, cs = [], []
    for year, n in [(2017, 820), (2018, 790), (2019, 905), (2020, 760), (2021, 850), (2022, 8560)]:
        a = article(f"y{year}", f"Năm {year}, toàn tỉnh kết nạp {n} đoàn viên.", published=f"{year + 1}-01-15")
        arts.append(a)
        cs.append(claim(a, f"{n} đoàn viên", "members_recruited", n, period=(f"{year}-01-01", f"{year}-12-31")))
    found = audit(arts, cs)
    out = found[found.check == "outlier"]
    assert list(out.doc_ids) == ["y2022"]
    assert "MAD" in out.iloc[0].message_en and "trung vị" in out.iloc[0].message_vi


def test_five_year_total_is_annualised_before_comparing() -> None:
    arts, cs = [], []
    for year, n in [(2017, 820), (2018, 790), (2019, 905), (2020, 760), (2021, 850)]:
        a = article(f"y{year}", f"Năm {year}, kết nạp {n} đoàn viên.")
        arts.append(a)
        cs.append(claim(a, f"{n} đoàn viên", "members_recruited", n, period=(f"{year}-01-01", f"{year}-12-31")))
    a = article("five", "Trong 5 năm qua (2017-2021), kết nạp 4.125 đoàn viên.")
    arts.append(a)
    cs.append(claim(a, "4.125", "members_recruited", 4125, period=("2017-01-01", "2021-12-31")))
    assert "outlier" not in set(audit(arts, cs).check)


def test_outlier_against_provinces_of_similar_size() -> None:
    arts, cs = [], []
    provinces = [("Cao Bằng", 18_000, 900), ("Bắc Kạn", 15_000, 700), ("Hà Giang", 20_000, 1_100),
                 ("Lạng Sơn", 25_000, 1_200), ("Lai Châu", 12_000, 650), ("Điện Biên", 16_000, 16_000)]
    for i, (prov, total, recruited) in enumerate(provinces):
        org = f"LĐLĐ tỉnh {prov}"
        a = article(f"p{i}", f"Năm 2022, {org} kết nạp {recruited} đoàn viên, nâng tổng số lên {total} đoàn viên.")
        arts.append(a)
        cs.append(claim(a, f"kết nạp {recruited}", "members_recruited", recruited, org=org, province=prov))
        cs.append(claim(a, f"lên {total}", "members_total", total, org=org, province=prov))
    out = audit(arts, cs)
    out = out[out.check == "outlier"]
    assert list(out.doc_ids) == ["p5"]
    assert "1.000 đoàn viên" in out.iloc[0].message_vi



def test_leave_one_out_z_scores_equal_the_direct_ones() -> None:
    """robust_z_each gives, for every figure, exactly what robust_z gives against all the others (it
    replaces a median of n - 1 figures per figure, quadratic in the corpus): ties, reprints, two figures."""
    import random

    from pipeline.audit.outliers import robust_z, robust_z_each

    rng = random.Random(7)
    reprinted = [150_000.0, 2_000_000.0, 500_000.0]  # per-head sums that recur across articles
    for n in (2, 3, 4, 5, 8, 13, 40):
        for floor in (1e-9, 0.05, 0.2):
            values = [rng.choice(reprinted) if rng.random() < 0.4 else rng.uniform(1e4, 1e8) for _ in range(n)]
            each = robust_z_each(values, floor)
            assert each == [robust_z(v, values[:k] + values[k + 1:], floor) for k, v in enumerate(values)]
    with pytest.raises(ValueError):
        robust_z_each([1_000_000.0])


# --------------------------------------------------------------------------- site health


def test_article_flags_become_site_health_findings() -> None:
    arts = [article("s1", "Nhiệm vụ trọng tâm năm 2020.", site="ldld-bentre", flags=["spam_injected"]),
            article("r1", "Hội nghị Ban Chấp hành.", site="ldld-bentre", flags=["rules_stale"]),
            article("r2", "Tháng Công nhân năm 2020.", site="ldld-bentre", flags=["rules_stale"])]
    found = audit(arts, [])
    assert list(found[found.check == "spam_injected"].doc_ids) == ["s1"]
    stale = found[found.check == "rules_stale"]
    assert len(stale) == 1 and set(stale.iloc[0].doc_ids.split(";")) == {"r1", "r2"}


def test_quiet_site_from_crawl_activity() -> None:
    activity = [SiteActivity("ldld-caobang", "2022-08-27", "2022-10-30T10:00:00"),
                SiteActivity("laodongthudo", "2022-10-28", "2022-10-30T10:00:00")]
    found = check_quiet_sites(activity, None, quiet_days=30)
    assert [f.values for f in found] == [["64"]]
    assert "ldld-caobang" in found[0].message_en
    assert check_quiet_sites(activity, date(2022, 9, 1), quiet_days=30) == []


def test_bundled_files_never_make_a_site_quiet() -> None:
    # No crawl state and no fetched_at: articles from 2020 must not count as a site gone quiet.
    found = audit([article("a1", "Nội dung.", published="2020-05-21")], [])
    assert "site_quiet" not in set(found.check)


# --------------------------------------------------------------------------- formatting and the command


def test_number_formatting() -> None:
    assert fmt_vi(1.6e9, VND) == "1,6 tỷ đồng" and fmt_en(1.6e9, VND) == "1.6 billion VND"
    assert fmt_vi(1742) == "1.742" and fmt_en(1742) == "1,742"
    assert fmt_vi(140.516, PERCENT) == "140,5%"


def _write_outputs(out: Path, arts: list[Article], claims: list[Claim]) -> None:
    c, a = tables(arts, claims)
    out.mkdir(parents=True, exist_ok=True)
    c.to_parquet(out / "claims.parquet", index=False)
    a.to_parquet(out / "articles.parquet", index=False)


def test_audit_command_writes_csv_and_sqlite(tmp_path: Path, capsys) -> None:
    art = article("d1", SEED_000_RATIO.replace("2178/1550", "2178/1750"), flags=["spam_injected"])
    _write_outputs(tmp_path, [art], [])
    assert main(["audit", "--out", str(tmp_path)]) == 0
    df = pd.read_csv(tmp_path / "audit.csv")
    assert list(df.columns) == list(AUDIT_COLUMNS)
    assert set(df.check) == {"ratio_mismatch", "spam_injected"}
    con = sqlite3.connect(tmp_path / "unionclaims.sqlite")
    assert con.execute("SELECT count(*) FROM audit").fetchone()[0] == 2
    con.close()
    # Same input, same finding ids.
    again = run_audit(tmp_path)
    assert list(again.finding_id) == list(df.finding_id)
    assert "2 finding(s)" in capsys.readouterr().out


def test_audit_command_on_a_missing_folder_says_so(tmp_path: Path, capsys) -> None:
    assert main(["audit", "--out", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such output folder" in err[0]
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "claims.parquet").write_text("not parquet")
    (tmp_path / "o" / "articles.parquet").write_text("not parquet")
    assert main(["audit", "--out", str(tmp_path / "o")]) == 2
    assert "not a readable Parquet file" in capsys.readouterr().err


def test_copies_of_one_text_give_one_finding_naming_every_copy() -> None:
    # The bundled corpus holds each seed as a text dump and as an HTML page: same text, two doc_ids.
    text = "LĐLĐ tỉnh kết nạp 856 đoàn viên."
    page, dump = article("page", text), article("dump", text)
    dump.url = None
    cs = [claim(page, "856", "members_recruited", 856, period=None),
          claim(dump, "856", "members_recruited", 856, period=None)]
    found = audit([dump, page], cs)
    mp = found[found.check == "missing_period"]
    assert len(mp) == 1
    assert mp.iloc[0].doc_ids == "page;dump"
    assert set(mp.iloc[0].claim_ids.split(";")) == {c.claim_id for c in cs}


def test_quiet_site_from_the_crawl_state_file(tmp_path: Path) -> None:
    store = pytest.importorskip("pipeline.crawl.state", reason="pipeline/store.py (crawler) not in this checkout")
    state = tmp_path / "crawl.sqlite"
    con = sqlite3.connect(state)
    con.executescript(store.SCHEMA)
    con.executemany("INSERT INTO sites (site, articles, last_new_article_at, latest_published, last_crawl_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [("ldld-caobang", 40, "2024-03-01T08:00:00+00:00", "2022-08-27", "2024-03-01T08:00:00+00:00"),
                     ("laodongthudo", 90, "2024-02-29T08:00:00+00:00", "2024-02-28", "2024-03-01T08:00:00+00:00")])
    con.commit()
    con.close()
    _write_outputs(tmp_path, [article("a1", "Nội dung.")], [])
    found = run_audit(tmp_path)  # DIR/crawl.sqlite is read by default
    quiet = found[found.check == "site_quiet"]
    assert len(quiet) == 1 and "ldld-caobang" in quiet.iloc[0].message_en
    assert quiet.iloc[0]["values"] == "552"  # 2022-08-27 → 2024-03-01: the first crawl's "new" is not new


# --------------------------------------------------------------------------- the bundled seeds, end to end

ROOT = Path(__file__).resolve().parent.parent


def _run_and_audit(corpus: Path, out: Path) -> pd.DataFrame:
    from pipeline.runner import run_corpus

    summary = run_corpus(corpus, out)
    assert summary.articles > 0 and not summary.errors
    return run_audit(out)


@pytest.mark.slow
def test_bundled_seeds_give_only_findings_a_careful_reader_makes(tmp_path: Path) -> None:
    found = _run_and_audit(ROOT / "corpus", tmp_path)
    # Seed 004 carries injected SEO spam ("bodrum escort …"): one finding naming both copies.
    spam = found[found.check == "spam_injected"]
    assert len(spam) == 1 and len(spam.iloc[0].doc_ids.split(";")) == 2
    # Their own arithmetic is right (2178/1550 → 140%; 61 − 55 = 6; 2.719 − 1.742 = 977), no figure
    # contradicts another, none is implausible, nothing was edited.
    assert not set(found.check) & {"ratio_mismatch", "difference_mismatch", "sum_mismatch",
                                    "cross_article_conflict", "outlier", "silent_edit", "site_quiet"}
    # Anything else is informational (a result printed without its period).
    others = found[found.check != "spam_injected"]
    assert set(others.severity) <= {"info"} and set(others.check) <= {"missing_period"}


@pytest.mark.slow
def test_planted_errors_in_real_seed_pages_are_found(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    plants = {"000_c6bb8d0759ad483e": ("2178/1550 đạt 140%", "2178/1750 đạt 140%"),
              "002_60ffbf86a2e7e850": ("tăng 6 CĐCS", "tăng 8 CĐCS")}
    for name, (old, new) in plants.items():
        page = (ROOT / "corpus" / "html" / f"{name}.html").read_text(encoding="utf-8")
        assert old in page
        (corpus / f"{name}.html").write_text(page.replace(old, new), encoding="utf-8")
    found = _run_and_audit(corpus, tmp_path / "out")
    ratio = found[found.check == "ratio_mismatch"]
    diff = found[found.check == "difference_mismatch"]
    assert list(ratio["values"]) == ["2178;1750;140%"]
    assert list(diff["values"]) == ["55;61;8"]
    assert "124,5%" in ratio.iloc[0].message_vi and "difference of 6" in diff.iloc[0].message_en


def test_checks_can_be_listed_chosen_and_skipped(tmp_path, capsys) -> None:
    from pipeline.cli import main

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Nghệ An tổng kết\n\nNăm 2023, LĐLĐ tỉnh Nghệ An đã kết nạp 1.200 đoàn viên, vượt 20% so với "
        "năm trước. Tổng kinh phí hỗ trợ là 500 triệu đồng.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["audit", "--list-checks"]) == 0
    listed = capsys.readouterr().out.split()
    assert listed[:2] == ["arithmetic", "conflicts"] and "silent_edits" in listed and "quiet_sites" in listed
    assert main(["audit", "--out", str(out), "--check", "periods"]) == 0
    only = pd.read_csv(out / "audit.csv")
    assert set(only["check"]) <= {"missing_period"}
    assert main(["audit", "--out", str(out), "--skip", "periods", "--skip", "quiet_sites"]) == 0
    assert "missing_period" not in set(pd.read_csv(out / "audit.csv")["check"])
    assert main(["audit", "--out", str(out), "--check", "spelling"]) == 2
    assert "unknown check(s) spelling" in capsys.readouterr().err


def test_settings_file_overrides_thresholds_and_refuses_unknown_keys(tmp_path, capsys) -> None:
    from pipeline.cli import main
    from pipeline.rules import RulesError
    from pipeline.settings import AuditSettings, load_settings

    good = tmp_path / "unionclaims.toml"
    good.write_text("[audit]\nquiet_days = 45\noutlier_z_limit = 4.0\n", encoding="utf-8")
    s = load_settings(good)
    assert s.audit.quiet_days == 45 and s.audit.outlier_z_limit == 4.0
    assert s.audit.outlier_min_reference == AuditSettings().outlier_min_reference
    bad = tmp_path / "bad.toml"
    bad.write_text("[audit]\nquiet_dayz = 45\n", encoding="utf-8")
    with pytest.raises(RulesError, match="unknown key 'audit.quiet_dayz' \\(did you mean 'quiet_days'\\?\\)"):
        load_settings(bad)
    assert main(["audit", "--out", str(tmp_path), "--settings", str(bad)]) == 2
    assert "quiet_dayz" in capsys.readouterr().err


def test_a_lower_z_limit_flags_more_outliers() -> None:
    from pipeline.audit.outliers import check_outliers
    from pipeline.settings import AuditSettings

    claims = [{"claim_id": f"c{i}", "doc_id": f"d{i}", "indicator": "members_recruited", "is_target": False,
               "value": v, "unit": "person", "qualifier": "exact", "org": "LĐLĐ tỉnh Nghệ An", "province": "Nghệ An",
               "period_start": f"{y}-01-01", "period_end": f"{y}-12-31", "url": None, "site": None,
               "published": f"{y + 1}-01-10", "quote": ""}
              for i, (y, v) in enumerate([(2018, 1000), (2019, 1100), (2020, 900), (2021, 1050), (2022, 950),
                                          (2023, 2600)])]
    strict = check_outliers(claims, {}, {}, AuditSettings(outlier_z_limit=1.0))
    lenient = check_outliers(claims, {}, {}, AuditSettings(outlier_z_limit=50.0))
    assert len(strict) > len(lenient) == 0


# --------------------------------------------------------------------------- reading the outputs


def test_the_audit_of_the_files_equals_the_audit_of_the_tables_in_memory(tmp_path: Path, monkeypatch) -> None:
    """run_audit reads the outputs a row group at a time and the texts as the checks reach them; it must
    find exactly what audit_tables finds over the same tables held whole."""
    from manygroups import many_group_outputs

    from pipeline.audit import load_outputs
    from pipeline.quantities import load_quantities

    out = many_group_outputs(tmp_path, monkeypatch)
    from_files = run_audit(out)
    claims, articles, versions = load_outputs(out)
    in_memory = audit_tables(claims, articles, versions, quantities=load_quantities(out, articles))
    assert {"silent_edit", "target_as_result", "ratio_mismatch", "cross_article_conflict", "outlier",
            "missing_period"} <= set(from_files.check)
    assert "856" in from_files[from_files.check == "silent_edit"].iloc[0].message_vi
    pd.testing.assert_frame_equal(from_files, in_memory)
