"""Attribution: which body and province a figure belongs to, from the sentence, section, title, dateline
and site rules; 'not known' stays empty. And the audit compares only figures of one identified body."""

from __future__ import annotations

from pipeline import extract_claims
from pipeline.audit.consistency import check_conflicts

VINH_PHUC = {"province": "Vĩnh Phúc", "org": "LĐLĐ tỉnh Vĩnh Phúc"}


def _who(text: str, **kw) -> list[tuple[str, float, str | None, str | None]]:
    return [(c.indicator, c.value, c.org, c.province) for c in extract_claims(text, **kw)]


def test_a_district_figure_is_the_district_federations_not_the_sites() -> None:
    text = "LĐLĐ huyện Sông Lô tổ chức hội nghị tổng kết năm 2023. Trong năm, đã kết nạp 509 đoàn viên mới."
    assert _who(text, **VINH_PHUC) == [("members_recruited", 509.0, "LĐLĐ huyện Sông Lô", "Vĩnh Phúc")]


def test_a_sector_union_keeps_its_own_name() -> None:
    text = "Năm 2023, Công đoàn Viên chức tỉnh đã kết nạp 2.719 đoàn viên."
    got = _who(text, province="Cao Bằng", org="LĐLĐ tỉnh Cao Bằng")
    assert got == [("members_recruited", 2719.0, "Công đoàn Viên chức tỉnh Cao Bằng", "Cao Bằng")]


def test_the_title_names_the_body_for_a_sentence_that_does_not() -> None:
    got = _who("Năm 2023, đã kết nạp 300 đoàn viên mới.", title="LĐLĐ huyện Sông Lô: kết nạp 300 đoàn viên",
               **VINH_PHUC)
    assert got == [("members_recruited", 300.0, "LĐLĐ huyện Sông Lô", "Vĩnh Phúc")]


def test_a_bare_provincial_federation_takes_the_province_of_title_or_dateline() -> None:
    sentence = "Năm 2023, LĐLĐ tỉnh đã kết nạp 1.250 đoàn viên."
    assert _who(sentence, title="Nghệ An tổng kết công tác công đoàn năm 2023") == [
        ("members_recruited", 1250.0, "LĐLĐ tỉnh Nghệ An", "Nghệ An")]
    assert _who("(LĐ) - Nghệ An\n" + sentence) == [("members_recruited", 1250.0, "LĐLĐ tỉnh Nghệ An", "Nghệ An")]


def test_a_bare_provincial_federation_of_unknown_province_stays_unknown() -> None:
    assert _who("Năm 2023, LĐLĐ tỉnh đã kết nạp 1.250 đoàn viên.") == [("members_recruited", 1250.0, None, None)]


def test_two_articles_on_one_page_each_keep_their_own_body() -> None:
    text = ("LĐLĐ huyện Yên Lạc kết nạp 120 đoàn viên\n"
            "Năm 2023, đã kết nạp 120 đoàn viên mới.\n"
            "LĐLĐ huyện Tam Dương thành lập 5 CĐCS\n"
            "Năm 2023, đã thành lập 5 CĐCS.")
    assert _who(text, **VINH_PHUC) == [("members_recruited", 120.0, "LĐLĐ huyện Yên Lạc", "Vĩnh Phúc"),
                                       ("unions_founded", 5.0, "LĐLĐ huyện Tam Dương", "Vĩnh Phúc")]


def _claim(doc: str, value: float, org: str | None, province: str | None = "Nghệ An") -> dict:
    return {"claim_id": f"{doc}-{value}", "doc_id": doc, "indicator": "members_recruited", "is_target": False,
            "value": value, "value_min": None, "value_max": None, "unit": "person", "qualifier": "exact",
            "period_start": "2023-01-01", "period_end": "2023-12-31", "org": org, "province": province,
            "site": None, "url": None, "published": "2024-01-05"}


def test_conflicts_are_found_between_figures_of_one_identified_body() -> None:
    findings = check_conflicts([_claim("a", 1250, "LĐLĐ tỉnh Nghệ An"), _claim("b", 1520, "LĐLĐ tỉnh Nghệ An")])
    assert [f.check for f in findings] == ["cross_article_conflict"]
    assert "LĐLĐ tỉnh Nghệ An" in findings[0].message_vi


def test_no_conflict_between_bodies_that_could_not_be_identified_or_differ() -> None:
    assert check_conflicts([_claim("a", 1250, None), _claim("b", 1520, None)]) == []
    assert check_conflicts([_claim("a", 1250, "LĐLĐ tỉnh Nghệ An"),
                            _claim("b", 509, "LĐLĐ huyện Sông Lô", "Vĩnh Phúc")]) == []
