"""Extraction quality on the annotated dev excerpts (the project's real annotated dev excerpts), and
robustness to the ways Vietnamese text arrives: NFD, new-style tone placement, no-break spaces."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from pipeline.extract.evaluate import evaluate, load_gold
from pipeline.extract.extractor import extract_claims

DEV = Path(__file__).parent / "data" / "claims_dev.jsonl"
EXCERPTS = load_gold(DEV)


ROOT = Path(__file__).resolve().parent.parent
# Sets the rules were developed against (dev) or fixed from after a blind first run (challenge,
# heldout): regression gates at the auditor bar. bench/data/final*.jsonl are reported, never
# gated here, so that nobody tunes on them.
GATED = [DEV, ROOT / "tests" / "data" / "challenge.jsonl", ROOT / "bench" / "data" / "heldout.jsonl"]


@pytest.mark.parametrize("gold", GATED, ids=lambda p: p.name)
def test_annotated_sets_meet_the_auditor_bar(gold: Path) -> None:
    report = evaluate(load_gold(gold))
    assert report.core.f1 >= 0.95, report.core
    assert report.core.precision >= 0.97, report.core
    assert report.qualifier_acc >= 0.95
    assert report.target_acc >= 0.95


_OLD_TO_NEW = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ",
               "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}


def _new_style_tones(text: str) -> str:
    """Move tone marks to the new-style position in open oa/oe/uy syllables ("hòa" → "hoà")."""
    def swap(m: re.Match[str]) -> str:
        s = m.group(0)
        low = s.lower()
        new = _OLD_TO_NEW[low]
        return "".join(n.upper() if o.isupper() else n for o, n in zip(s, new, strict=True))

    pattern = "|".join(_OLD_TO_NEW)
    return re.sub(rf"(?<![qQ])(?:{pattern})(?!\w)", swap, text, flags=re.I)


VARIANTS = {
    "nfd": lambda t: unicodedata.normalize("NFD", t),
    "new_tone_style": _new_style_tones,
    "nbsp": lambda t: t.replace(" ", "\u00a0"),
    "all_three": lambda t: unicodedata.normalize("NFD", _new_style_tones(t)).replace(" ", "\u00a0"),
}


def _keys(text: str) -> set[tuple]:
    return {(c.indicator, c.value, c.value_min, c.value_max, c.qualifier, c.is_target) for c in extract_claims(text)}


def test_tone_style_converter_changes_text() -> None:
    assert _new_style_tones("Hòa Bình, thủy lợi, khỏe, quý") == "Hoà Bình, thuỷ lợi, khoẻ, quý"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_unicode_variants_give_the_same_claims(variant: str) -> None:
    convert = VARIANTS[variant]
    changed = 0
    for ex in EXCERPTS:
        converted = convert(ex.text)
        changed += converted != ex.text
        assert _keys(converted) == _keys(ex.text), f"{ex.id} ({variant})"
    assert changed > 0  # the variant really altered the inputs


def test_offsets_point_into_the_text_as_given() -> None:
    for ex in EXCERPTS[:20]:
        nfd = unicodedata.normalize("NFD", ex.text)
        for c in extract_claims(nfd):
            span = unicodedata.normalize("NFC", nfd[c.start : c.end])
            assert span.strip() and span == span.strip(), (ex.id, span)
            number_digits = re.sub(r"\D", "", span)
            assert number_digits, (ex.id, span)


# A page that names no union body, member or worker anywhere: its money is not a union's (GUIDELINE §10,
# who gives), nor is money on a page that names only an employer's staff ("cán bộ, nhân viên Tập đoàn …").
# Money on a page that names workers but no union body keeps a lower confidence.
_NO_UNION_PAGE = (
    "Hội Khuyến học huyện tổng kết năm học\n"
    "Năm 2024, các cấp hội khuyến học trong huyện đã huy động được hơn 3 tỷ đồng xây dựng Quỹ Khuyến học. "
    "Từ nguồn quỹ đó, đã trao tặng học bổng cho 1.200 học sinh nghèo vượt khó với số tiền 600 triệu đồng."
)


def test_money_on_a_page_that_names_no_union_is_not_claimed() -> None:
    assert [c for c in extract_claims(_NO_UNION_PAGE) if c.unit == "VND"] == []


def test_money_on_a_page_that_names_a_union_is_claimed() -> None:
    text = _NO_UNION_PAGE.replace("các cấp hội khuyến học", "các cấp công đoàn")
    assert 3_000_000_000 in {c.value for c in extract_claims(text)}


def test_money_workers_give_is_claimed_on_a_page_that_names_no_union_body() -> None:
    # GUIDELINE §4 (dev-039): workers who give are the union's members at work.
    text = ("Người lao động Công ty Than Hà Tu chung tay ủng hộ đồng bào vùng lũ\n"
            "Trong 10 ngày, người lao động công ty đã quyên góp được 420 triệu đồng ủng hộ đồng bào vùng lũ.")
    assert 420_000_000 in {c.value for c in extract_claims(text)}


def test_money_for_workers_from_others_is_not_claimed_on_a_page_that_names_no_union_body() -> None:
    # GUIDELINE §10, who gives: the workers receive it, and the page names no union body that gives it.
    text = ("Gói hỗ trợ người lao động gặp khó khăn do dịch COVID-19\n"
            "Khoản trợ cấp 26.000 tỷ đồng được Chính phủ xác định nhằm hỗ trợ cho người lao động gặp khó khăn.\n"
            "Thành phố dành hơn 3.400 tỷ đồng chăm lo Tết cho công nhân, người có hoàn cảnh khó khăn.")
    assert [c.value for c in extract_claims(text) if c.unit == "VND"] == []
    with_union = text.replace("Thành phố dành", "Các cấp công đoàn thành phố dành")
    assert 3_400_000_000_000 in {c.value for c in extract_claims(with_union)}


def test_money_given_by_an_employers_staff_with_no_union_named_is_not_claimed() -> None:
    staff = ("Tập đoàn Than Khoáng sản chung tay ủng hộ đồng bào vùng lũ\n"
             "Trong 10 ngày, cán bộ, nhân viên Tập đoàn đã quyên góp được 420 triệu đồng ủng hộ đồng bào vùng lũ.")
    assert [c for c in extract_claims(staff) if c.unit == "VND"] == []
    union = staff.replace("cán bộ, nhân viên Tập đoàn đã", "Công đoàn Tập đoàn đã")
    assert 420_000_000 in {c.value for c in extract_claims(union)}


def _readings(text: str) -> set[tuple[str, float]]:
    return {(c.indicator, c.value) for c in extract_claims(text)}


def test_a_page_naming_its_union_only_by_a_glued_abbreviation_names_a_union() -> None:
    text = ("Hơn 3 tỉ đồng ủng hộ đồng bào vùng lũ\n\nTheo đồng chí Phó Chủ tịch, thời gian qua Tổng LĐLĐVN đã kêu gọi "
            "các cấp công tác hỗ trợ đồng bào bị thiệt hại do bão lũ.")
    assert ("funds_raised", 3_000_000_000) in _readings(text)


def test_a_trong_do_part_belongs_to_the_latest_claim_counting_the_same_thing() -> None:
    # The unions total (76) stands between the members total and the part "387 đoàn viên".
    text = ("Công ty được thành lập nâng tổng số đoàn viên công đoàn của huyện lên 2.140 đoàn viên với 76 tổ chức "
            "CĐCS. Trong đó, khu vực ngoài Nhà nước 387 đoàn viên và 18 tổ chức CĐCS.")
    got = _readings(text)
    assert {("members_total", 2140), ("unions_total", 76), ("members_total", 387), ("unions_total", 18)} <= got


def test_a_part_after_a_comma_and_trong_do_is_a_part_of_the_claim_before_it() -> None:
    got = _readings("Năm 2024, các cấp công đoàn đã kết nạp mới 3.100 đoàn viên, thành lập mới 25 CĐCS, trong đó có 18 "
                    "CĐCS tại các doanh nghiệp ngoài nhà nước.")
    assert {("unions_founded", 25), ("unions_founded", 18), ("members_recruited", 3100)} <= got
    assert ("unions_total", 18) not in got
    # a stock's part stays the stock's
    got = _readings("Hiện LĐLĐ huyện quản lý 138 CĐCS, trong đó có 57 CĐCS tại khu vực kinh tế ngoài quốc doanh.")
    assert {("unions_total", 138), ("unions_total", 57)} <= got


def test_members_of_the_unions_founded_are_no_part_of_the_recruits() -> None:
    text = ("Kết quả, các cấp công đoàn đã thành lập 450 CĐ cơ sở, kết nạp 33.111 đoàn viên. Trong đó, thành lập "
            "CĐ cơ sở ở doanh nghiệp ngoài nhà nước là 423 CĐ cơ sở với 29.845 đoàn viên.")
    got = _readings(text)
    assert ("members_recruited", 33111) in got and ("unions_founded", 450) in got
    assert ("members_recruited", 29845) not in got


def _targets(text: str) -> dict[float, bool]:
    return {c.value: c.is_target for c in extract_claims(text)}


def test_a_plan_named_before_a_semicolon_does_not_make_the_result_after_it_a_target() -> None:
    got = _targets("Chỉ tiêu năm 2024 kết nạp 4.000 đoàn viên; đến nay đã kết nạp 4.350 đoàn viên, đạt 108,7%.")
    assert got == {4000: True, 4350: False}


def test_a_result_listed_after_the_one_a_result_cue_opens_is_no_target() -> None:
    got = _targets("Thực hiện chỉ tiêu năm 2016 toàn tỉnh sẽ thành lập mới 21 công đoàn cơ sở, phát triển thêm 8.000 đoàn "
                   "viên công đoàn, đến nay sau 9 tháng triển khai thực hiện đã có 32 công đoàn cơ sở mới được thành "
                   "lập, phát triển được 7.888 đoàn viên công đoàn.")
    assert got == {21: True, 8000: True, 32: False, 7888: False}
    # a plan named after the result is still a plan
    got = _targets("Chỉ tiêu năm 2024 là kết nạp 4.000 đoàn viên, đến nay đã kết nạp 3.000 đoàn viên, phấn đấu kết nạp "
                   "thêm 1.000 đoàn viên.")
    assert got == {4000: True, 3000: False, 1000: True}


def test_a_list_of_plans_stays_a_list_of_targets() -> None:
    got = _targets("Năm 2025, LĐLĐ tỉnh phấn đấu kết nạp 5.000 đoàn viên, thành lập 40 công đoàn cơ sở.")
    assert got == {5000: True, 40: True}


def test_a_sentence_detailing_a_plan_lists_targets() -> None:
    # "Cụ thể, …" after a sentence naming the plan's targets; a part reporting a result is none, nor is a detail
    # after a sentence that names no plan
    got = _targets("Đại hội đã thông qua 12 chỉ tiêu cho nhiệm kỳ 2023-2028. Cụ thể, mỗi năm phát triển mới 1.500 đoàn "
                   "viên; thành lập mới 20 công đoàn cơ sở; năm qua đã kết nạp 1.320 đoàn viên.")
    assert got == {1500: True, 20: True, 1320: False}
    got = _targets("Năm 2024, công tác phát triển đoàn viên có nhiều chuyển biến. Cụ thể, LĐLĐ huyện kết nạp mới 1.500 "
                   "đoàn viên.")
    assert got == {1500: False}


def test_a_ministrys_name_holding_a_plan_word_frames_no_target() -> None:
    got = _targets("Dự đại hội có đồng chí Chủ tịch Công đoàn Bộ Kế hoạch và Đầu tư cùng 85 đại biểu đại diện cho 420 "
                   "đoàn viên công đoàn của cơ quan.")
    assert got == {420: False}


def test_the_plans_figure_in_parentheses_after_a_result_is_a_target() -> None:
    got = _targets("Năm 2024, Công đoàn các KCN tỉnh đã kết nạp mới 2.150 đoàn viên, đạt 86% kế hoạch (kết nạp mới "
                   "2.500 đoàn viên).")
    assert got == {2150: False, 2500: True}


def test_a_number_another_verb_governs_is_no_part_of_the_total() -> None:
    text = ("Năm 2023, toàn tỉnh thành lập 22 CĐCS. Trong đó, thành lập 14 CĐCS doanh nghiệp ngoài nhà nước; "
            "7 CĐCS trong các cơ quan hành chính sự nghiệp; chuyển giao 13 CĐCS về công đoàn ngành.")
    got = _readings(text)
    assert ("unions_founded", 22) in got and ("unions_founded", 14) in got and ("unions_founded", 7) in got
    assert ("unions_founded", 13) not in got


def test_a_line_wrapped_inside_a_sentence_is_read_as_one_sentence() -> None:
    from pipeline.extract.sentences import split_sentences

    text = ("Năm 2021, công đoàn ngành phấn đấu kết nạp thêm 100 đoàn\nviên công đoàn; thành lập 2 công đoàn cơ sở.\n"
            "Kết quả năm 2020\nNăm 2020 đã kết nạp 90 đoàn viên.")
    spans = [text[a:b] for a, b in split_sentences(text)]
    assert spans[0].endswith("thành lập 2 công đoàn cơ sở.") and "\n" in spans[0]
    assert "Kết quả năm 2020" in spans  # a headline line before a capitalised line stays apart
    assert _targets(text) == {100: True, 2: True, 90: False}


def test_a_line_wrapped_after_a_hedge_goes_on_with_its_number() -> None:
    from pipeline.extract.sentences import split_sentences

    text = ("Công đoàn GTVT Việt Nam phát động ủng hộ Quỹ Vaccine. Trong đó, có nhiều đơn vị ủng hộ nhiều đợt như: "
            "Khối cơ quan Bộ GTVT 3 đợt với gần\n170 triệu; Cục Hàng hải Việt Nam 3 đợt với hơn 1,1 tỉ.")
    got = _readings(text)
    assert ("funds_raised", 170_000_000) in got and ("funds_raised", 1_100_000_000) in got
    # A headline is not continued by a line that starts with its date.
    headline = "Công đoàn ngành trao quà cho đoàn viên\n12/05/2023 10:15\nSáng 12/5, Công đoàn ngành trao 50 suất quà."
    assert [headline[a:b] for a, b in split_sentences(headline)][:2] == ["Công đoàn ngành trao quà cho đoàn viên",
                                                                        "12/05/2023 10:15"]

def test_equal_amounts_of_one_list_are_two_items() -> None:
    # In the lead, but two items of one list (";" between them): two claims, not one repeated.
    text = ("LĐLĐ huyện đã trao 50 triệu đồng cho anh Nguyễn Văn Tâm, đoàn viên Công ty May Hòa Bình; 50 triệu "
            "đồng cho chị Trần Thị Thu, đoàn viên Trường Tiểu học Tân Lập; 30 triệu đồng cho chị Lê Thị Mai.")
    values = sorted(c.value for c in extract_claims(text) if c.indicator == "funds_disbursed")
    assert values == [30_000_000, 50_000_000, 50_000_000]
    # A headline previewing the body stays one fact.
    repeated = "Trao 50 triệu đồng cho đoàn viên khó khăn\nLĐLĐ huyện đã trao 50 triệu đồng cho đoàn viên khó khăn."
    assert [c.value for c in extract_claims(repeated) if c.indicator == "funds_disbursed"] == [50_000_000]


def test_members_named_with_the_word_for_union_are_no_unions() -> None:
    got = _readings("Kể từ ngày đầu thành lập năm 2002, với 56 công đoàn viên, đến nay Công đoàn Trường đã có hơn "
                    "330 công đoàn viên.")
    assert ("unions_founded", 56) not in got
    assert ("members_total", 330) in got


def test_value_an_initiative_saved_is_no_money_given() -> None:
    text = ("Phong trào thi đua lao động sáng tạo có 1.200 sáng kiến được công nhận, có người đóng góp sáng kiến "
            "làm lợi đến 130 tỷ đồng. Công đoàn Tổng công ty đã vận động được 2,1 tỷ đồng ủng hộ đồng bào vùng lũ.")
    got = _readings(text)
    assert ("funds_raised", 2_100_000_000) in got
    assert not any(v == 130_000_000_000 for _, v in got)


def test_a_comma_separated_list_of_recipients_after_its_header() -> None:
    text = ("LĐLĐ tỉnh trao tiền hỗ trợ cho các đơn vị gồm: CNVCLĐ huyện Hương Khê: 182 triệu đồng, Thạch Hà: "
            "77,5 triệu, Vũ Quang: 66,5 triệu, Khu kinh tế tỉnh 54 triệu.")
    got = _readings(text)
    assert {("funds_disbursed", v) for v in (182_000_000, 77_500_000, 66_500_000, 54_000_000)} <= got


def test_amounts_after_a_colon_in_running_text_are_no_list() -> None:
    text = "Kết quả: Công đoàn vận động được 2 tỷ đồng, đoàn viên góp thêm 300 triệu đồng, trao 500 suất quà."
    got = _readings(text)
    assert ("funds_raised", 2_000_000_000) in got
    assert all(ind != "funds_disbursed" for ind, _ in got)


def test_bodies_enumerated_after_a_totals_cue() -> None:
    got = _readings("Hiện toàn tỉnh có 12 Liên đoàn Lao động huyện, thị xã, 5 công đoàn ngành, 1.204 công đoàn cơ sở, "
                    "91.300 đoàn viên.")
    assert {("unions_total", 1204), ("members_total", 91300)} <= got
    other_kind = _readings("Công đoàn ngành hiện có 38 công đoàn cơ sở trực thuộc, 12 công đoàn cơ sở thành viên.")
    assert ("unions_total", 38) in other_kind and ("unions_total", 12) not in other_kind


# --------------------------------------------------------------------------- round 11: general classes of the blind rounds


def test_an_amount_per_house_after_the_amount_is_no_total() -> None:
    per_house = ("Công đoàn Cao su tỉnh đã hỗ trợ 60 triệu đồng mỗi căn nhà cho 3 đoàn viên có hoàn cảnh khó khăn "
                 "xây dựng nhà ở.")
    assert ("funds_disbursed", 60_000_000) not in _readings(per_house)
    total = ("Công đoàn Cao su tỉnh đã hỗ trợ 3 đoàn viên xây dựng nhà ở với tổng số tiền 180 triệu đồng, "
             "mỗi căn 60 triệu đồng.")
    assert ("funds_disbursed", 180_000_000) in _readings(total)


def test_a_houses_building_cost_is_not_the_unions_grant() -> None:
    text = ("Căn nhà có diện tích 60 m2, tường xây, mái lợp tôn, tổng kinh phí xây dựng 230 triệu đồng, trong đó "
            "Quỹ Mái ấm Công đoàn của LĐLĐ tỉnh hỗ trợ 50 triệu đồng, số còn lại do gia đình đoàn viên tự lo.")
    got = _readings(text)
    assert ("funds_disbursed", 50_000_000) in got
    assert not any(v == 230_000_000 for _, v in got)
    valued = ("Ngôi nhà mới của chị Lan, công nhân Công ty May Hòa Thọ, có tổng trị giá hơn 180 triệu đồng, trong "
              "đó Công đoàn công ty hỗ trợ 40 triệu đồng.")
    assert not any(v == 180_000_000 for _, v in _readings(valued))
    # Paying the building cost is giving: "hỗ trợ kinh phí xây dựng …" stays the union's money.
    paid = ("Nhân Tháng Công nhân, LĐLĐ tỉnh đã hỗ trợ kinh phí xây dựng 12 Mái ấm Công đoàn cho đoàn viên khó khăn "
            "với tổng số tiền 600 triệu đồng.")
    assert ("funds_disbursed", 600_000_000) in _readings(paid)


def test_a_shop_named_zero_dong_is_no_amount() -> None:
    shop = ("Để hỗ trợ người lao động gặp khó khăn, các cấp Công đoàn tỉnh đã tổ chức “Gian hàng 0 đồng” cho công "
            "nhân các khu công nghiệp.")
    assert not any(v == 0 for _, v in _readings(shop))
    market = ("Công đoàn phường tổ chức “Phiên chợ 0 đồng” và trao 200 suất quà, tổng trị giá 100 triệu đồng cho đoàn "
              "viên có hoàn cảnh khó khăn.")
    assert ("funds_disbursed", 100_000_000) in _readings(market)


def test_a_procedures_condition_is_no_admission() -> None:
    text = ("Khi có ít nhất 10 người lao động có đơn tự nguyện gia nhập Công đoàn, Ban vận động thành lập công đoàn "
            "cơ sở đề nghị công đoàn cấp trên xem xét, công nhận.")
    assert not any(ind == "members_recruited" for ind, _ in _readings(text))


def test_the_whole_youth_union_is_no_trade_union() -> None:
    youth = "Năm 2023, toàn Đoàn đã kết nạp hơn 900 nghìn đoàn viên mới, giới thiệu 120 nghìn đoàn viên ưu tú cho Đảng."
    assert not any(ind == "members_recruited" for ind, _ in _readings(youth))
    union = "Năm 2023, LĐLĐ tỉnh đã kết nạp 2.150 đoàn viên mới, vận động toàn đoàn viên tham gia đóng góp."
    assert ("members_recruited", 2150) in _readings(union)


def test_a_party_referral_is_no_founding_even_when_inherited() -> None:
    text = ("Năm 2023, các cấp công đoàn đã phát triển mới 8.120 đoàn viên, thành lập mới 25 CĐCS, giới thiệu 1.450 "
            "đoàn viên ưu tú cho cấp ủy Đảng xem xét kết nạp (1.020 trường hợp đã được kết nạp).")
    got = _readings(text)
    assert {("members_recruited", 8120), ("unions_founded", 25)} <= got
    assert not any(v == 1020 for _, v in got)


def test_a_university_giving_in_its_own_name_is_no_union() -> None:
    text = "Đại học Kinh tế Đà Nẵng ủng hộ 300 triệu đồng cho đồng bào vùng lũ các tỉnh miền Trung."
    assert not _readings(text)
    union = "Công đoàn Đại học Kinh tế Đà Nẵng ủng hộ 300 triệu đồng cho đồng bào vùng lũ các tỉnh miền Trung."
    assert ("funds_raised", 300_000_000) in _readings(union)


@pytest.mark.parametrize(("text", "expected"), [
    # A school union's report lines: "5 năm" is the span of time, not the count (round 19's blind set).
    ("- Số đoàn viên kết nạp mới trong 5 năm qua: 7\n- Số đoàn viên thuyên chuyển công tác trong 5 năm qua: 10.", []),
    # and a span of time before the count does not stand between the verb and it
    ("Kết quả trong 6 tháng đầu năm đã kết nạp 250 đoàn viên, thành lập 3 CĐCS.",
     [("members_recruited", 250.0), ("unions_founded", 3.0)]),
    ("Tính đến nay, nâng tổng số đoàn viên mới kết nạp trong 6 tháng đầu năm 2021 là 1.230 đoàn viên.",
     [("members_recruited", 1230.0)]),
])
def test_a_span_of_time_is_never_a_count(text: str, expected: list) -> None:
    assert [(c.indicator, c.value) for c in extract_claims(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Only a period and "là" between the words and the number: the period does not make it far.
    ("Số đoàn viên mới kết nạp trong 6 tháng đầu năm 2021 là 1.230 đoàn viên.", [("members_recruited", 1230.0)]),
    # Other words after the period keep the distance: founded in 2007, it now runs 88 grassroots unions.
    ("Công đoàn các KCN tỉnh Quảng Nam thành lập năm 2007, đang quản lý 88 Công đoàn cơ sở với 37.050 đoàn viên.",
     [("unions_total", 88.0), ("members_total", 37050.0)]),
])
def test_a_period_between_the_words_and_the_number(text: str, expected: list) -> None:
    assert [(c.indicator, c.value) for c in extract_claims(text)] == expected


@pytest.mark.parametrize("text", [
    # Members struck by a disaster are victims, not the membership (rounds 18, 21 and 23 of the blind sets).
    "Theo đó, tính đến thời điểm hiện tại, có 2 đoàn viên thuộc LĐLĐ quận bị thiệt mạng trong vụ cháy.",
    "Theo thống kê nhanh, tính đến ngày 9-11, toàn tỉnh có 380 ĐV, NLĐ bị thiệt hại do bão.",
])
def test_members_struck_by_a_disaster_are_not_a_total(text: str) -> None:
    assert [c.indicator for c in extract_claims(text)] == []


def test_the_membership_is_still_a_total() -> None:
    claims = extract_claims("Tính đến nay, toàn tỉnh có 380 đoàn viên công đoàn sinh hoạt tại 12 CĐCS.")
    assert ("members_total", 380.0) in [(c.indicator, c.value) for c in claims]


@pytest.mark.parametrize(("text", "expected"), [
    # A sum whose "đồng" is left out, right after a verb of giving and before its recipient (round 55's dev part).
    ("Công đoàn Ngành Y tế tỉnh trao 200 triệu hỗ trợ người lao động khắc phục hậu quả lũ lụt.",
     {("funds_disbursed", 200_000_000)}),
    ("Ngoài ra, Công đoàn ngành Y tế Việt Nam hỗ trợ 30 triệu cho đoàn viên công đoàn Bệnh viện Bạch Mai.",
     {("funds_disbursed", 30_000_000)}),
    # …but not a count of people or of gifts in millions
    ("Chính sách đã hỗ trợ 2 triệu lao động bị ảnh hưởng bởi dịch Covid-19.", set()),
    ("Các cấp công đoàn tặng 2,3 triệu phần quà Tết cho đoàn viên.", set()),
    # A sentence that writes its other amounts in "đồng" drops it from one that ends its phrase (round 135).
    ("Công đoàn Tổng công ty đã trao quà Tết cho đoàn viên khó khăn số tiền trên 5 tỷ đồng; vận động người lao động đóng góp "
     "Chương trình xã hội từ thiện trên 6 tỷ, Chương trình “Vì biển đảo quê hương” 9,5 tỷ đồng.",
     {("funds_disbursed", 5_000_000_000), ("funds_raised", 6_000_000_000), ("funds_raised", 9_500_000_000)}),
    # …and not in a sentence that names no currency at all
    ("Đến nay, số đoàn viên công đoàn cả nước đạt hơn 11 triệu, tăng 2,5% so với năm trước.", set()),
])
def test_a_sum_given_without_its_currency_is_money(text: str, expected: set) -> None:
    assert {(i, v) for i, v in _readings(text) if i.startswith("funds")} == expected


def test_a_helped_family_paying_its_share_gives_no_union_money() -> None:
    text = ("Kinh phí xây dựng nhà hơn 210 triệu đồng, trong đó quỹ “Mái ấm Công đoàn” của tỉnh hỗ trợ 50 triệu đồng, "
            "gia đình góp thêm 90 triệu đồng, còn lại mượn người thân.")
    assert _readings(text) == {("funds_disbursed", 50_000_000)}


def test_helping_members_with_a_sum_is_paying_out() -> None:
    text = ("Công đoàn Viên chức tỉnh đã giúp đỡ cho các đoàn viên công đoàn bị bệnh hiểm nghèo, có hoàn cảnh đặc biệt "
            "khó khăn với số tiền hơn 100 triệu đồng.")
    assert _readings(text) == {("funds_disbursed", 100_000_000)}


@pytest.mark.parametrize("text", [
    # The unions that held their congress or were graded are a part of them, not the number there are.
    "Tính đến ngày 31/7/2023 có 1.100 công đoàn cơ sở và 15 công đoàn cấp trên trực tiếp cơ sở đã tổ chức thành công "
    "đại hội nhiệm kỳ 2023 - 2028.",
    "Kết quả kiểm tra đánh giá xếp loại CĐCS năm học 2023-2024, có 09 CĐCS hoàn thành xuất sắc nhiệm vụ.",
    # Delegates standing for members and workers together (GUIDELINE §10).
    "Tham dự đại hội có 650 đại biểu chính thức, đại diện cho hơn 2,3 triệu đoàn viên công đoàn - người lao động.",
    "Đại hội có 300 đại biểu chính thức, đại diện cho gần 140.000 đoàn viên, đoàn viên công đoàn và công nhân, người "
    "lao động toàn thành phố.",
])
def test_a_part_of_the_unions_or_a_mixed_count_is_no_total(text: str) -> None:
    assert not {i for i, _ in _readings(text)} & {"unions_total", "members_total"}


def test_the_totals_they_are_not_are_still_read() -> None:
    assert ("unions_total", 61) in _readings("Công đoàn phường hiện có 61 công đoàn cơ sở với hơn 4.740 đoàn viên.")
    assert ("members_total", 168_000) in _readings("Đại hội có 300 đại biểu, đại diện cho hơn 168.000 đoàn viên công đoàn trong tỉnh.")


def test_a_visit_with_its_sum_pays_out() -> None:
    text = ("Liên đoàn Lao động huyện đã thành lập đoàn đến thăm tặng quà cho đoàn viên Nghiệp đoàn cơ sở, số tiền "
            "6.000.000 đồng; thăm đoàn viên bệnh hiểm nghèo, số tiền 6.400.000 đồng.")
    assert _readings(text) == {("funds_disbursed", 6_000_000), ("funds_disbursed", 6_400_000)}


def test_delegates_for_members_and_civil_servants_are_a_mixed_count() -> None:
    text = ("Dự Đại hội có 220 đại biểu, đại diện cho hơn 27.000 đoàn viên, công chức, viên chức, người lao động "
            "ngành Y tế Thủ đô.")
    assert not _readings(text)


@pytest.mark.parametrize("text", [
    "Tính đến nay, Công đoàn các KCN-CX đã quản lý và chỉ đạo hoạt động của 123 CĐCS với 48.729 lao động.",
    "LĐLĐ thị xã hiện quản lý chỉ đạo hoạt động 210 Công đoàn cơ sở với gần 10 ngàn đoàn viên.",
])
def test_the_unions_a_body_manages_and_directs_are_its_total(text: str) -> None:
    assert any(i == "unions_total" for i, _ in _readings(text))


def test_savings_passbooks_given_to_workers_are_paid_out_and_savings_still_are_not() -> None:
    text = ("Nhiệm kỳ qua, Công đoàn huyện đã vận động và trao tặng 54 sổ tiết kiệm cho nữ công nhân lao động có hoàn "
            "cảnh đặc biệt khó khăn với tổng số tiền 118 triệu đồng.")
    assert _readings(text) == {("funds_disbursed", 118_000_000)}
    assert not _readings("Năm qua, sáng kiến của công nhân đã tiết kiệm cho công ty hơn 2 tỷ đồng.")


def test_houses_for_war_policy_families_are_an_outside_cause() -> None:
    text = "Tổng LĐLĐ Việt Nam hỗ trợ 600 triệu đồng xây nhà tình nghĩa ở Quảng Trị"
    assert _readings(text) == {("funds_raised", 600_000_000)}


def test_one_amount_for_pupils_residents_and_members_together_is_left_out() -> None:
    text = ("Giai đoạn 2018-2023, các công đoàn cơ sở đã trao tặng quà cho các em học sinh, người dân, đoàn viên, người "
            "lao động, trị giá hơn 700 triệu đồng.")
    assert not _readings(text)


def test_the_unions_charity_work_with_its_sum_is_money_raised() -> None:
    text = ("Trong dịp Tết, các cấp Công đoàn Điện lực Việt Nam đã thăm hỏi, chăm lo cho đoàn viên, NLĐ với tổng số tiền "
            "hơn 85,9 tỷ đồng; tổ chức các hoạt động xã hội với tổng số tiền hơn 9,9 tỷ đồng.")
    assert _readings(text) == {("funds_disbursed", 85_900_000_000), ("funds_raised", 9_900_000_000)}
    # a fund of that name pays members
    fund = "Mỗi trường hợp được hỗ trợ 50 triệu đồng từ nguồn quỹ hoạt động xã hội Công đoàn thành phố."
    assert ("funds_raised", 50_000_000) not in _readings(fund)


def test_new_members_just_admitted_are_recruits_not_the_membership() -> None:
    assert _readings("Năm 2023, toàn tỉnh có 11.597 ĐV mới được kết nạp.") == {("members_recruited", 11_597)}
    assert ("members_total", 11_597) in _readings("Năm 2023, toàn tỉnh có 11.597 đoàn viên công đoàn.")


def test_a_union_count_broken_down_by_kind_gives_its_parts() -> None:
    got = _readings("Hiện nay toàn huyện Tân Uyên có 76 CĐCS trực thuộc LĐLĐ huyện; trong đó có 21 công đoàn khối cơ quan "
                    "huyện, 30 công đoàn giáo dục, 9 CĐCS xã – thị trấn và 16 công đoàn doanh nghiệp ngoài nhà nước.")
    assert {("unions_total", v) for v in (76, 21, 30, 16)} <= got
    got = _readings("Liên đoàn Lao động huyện Nam Trà My hiện có 48 CĐCS trực thuộc với 1.870 đoàn viên gồm: 35 CĐCS hành "
                    "chính, sự nghiệp, 11 CĐCS xã, thị trấn, 02 CĐCS doanh nghiệp ngoài khu vực nhà nước.")
    assert {("unions_total", v) for v in (48, 35, 11, 2)} <= got
    # kinds by where they stand, in parentheses and split by ";"
    got = _readings("Công đoàn ngành Giáo dục huyện hiện có 36 công đoàn cơ sở trực thuộc (33 công đoàn trường học; 3 công "
                    "đoàn thuộc các đơn vị sự nghiệp khác) với tổng số 1.210 đoàn viên.")
    assert {("unions_total", v) for v in (36, 33, 3)} <= got
    # "trong đó có" still blocks other counts, and a gift's contents after "gồm:" are no part of a total
    got = _readings("Trường hiện có 58 cán bộ, giáo viên là đoàn viên công đoàn; trong đó có 12 người đạt trình độ thạc sĩ.")
    assert ("members_total", 12) not in got
    text = ("LĐLĐ tỉnh trao 300 suất quà với tổng trị giá 450 triệu đồng cho đoàn viên khó khăn. Mỗi suất quà gồm: "
            "1.000.000 đồng tiền mặt và 500.000 đồng nhu yếu phẩm.")
    assert [c.value for c in extract_claims(text) if c.unit == "VND"] == [450_000_000]


def test_a_table_flattened_one_cell_per_line_gives_each_row_its_indicator() -> None:
    # The statistical appendix of a district report, its cells one per line (the years 2019 to 2022 across).
    text = ("Phụ lục số liệu: Công tác công đoàn giai đoạn 2019 - 2022\n\nNội dung\n\nĐơn vị tính\n\n2019\n\n2020\n\n"
            "2021\n\n2022\n\n- Liên đoàn Lao động huyện\n\n.\n\n.\n\n.\n\n.\n\n. Đơn vị công đoàn cơ sở\n\nđơn vị\n\n52\n\n"
            "58\n\n61\n\n64\n\nTrong đó CĐ ngoài quốc doanh\n\nđơn vị\n\n12\n\n15\n\n19\n\n21\n\n. Hoạt động tốt\n\n%\n\n"
            "48\n\n52\n\n55\n\n60")
    claims = extract_claims(text)
    got = [(c.indicator, c.value) for c in claims]
    assert sorted(v for i, v in got if i == "unions_total") == [12, 15, 19, 21, 52, 58, 61, 64]
    # a row label names the indicator, not the body the count is of (a donor list's label would be the giver)
    assert not any(c.org and ("công đoàn cơ sở" in c.org.lower() or "trong đó" in c.org.lower()) for c in claims)
    assert all(v not in (48, 55, 60) for _, v in got)  # percentages of unions rated, and the years, are no counts
    assert all(v not in (2019, 2020, 2021, 2022) for _, v in got)


def test_admissions_listed_after_a_comma_are_each_admitted() -> None:
    text = ("Công đoàn huyện Vũ Thư đã trao quyết định thành lập cho hai CĐCS và quyết định kết nạp 52 đoàn viên công đoàn "
            "thuộc Công ty TNHH may Minh Anh, 86 đoàn viên công đoàn thuộc Công ty TNHH Sao Mai.")
    got = _readings(text)
    assert ("members_recruited", 52) in got and ("members_recruited", 86) in got
    # an item with an action of its own is no admission; a total's items after a comma are other kinds
    got = _readings("Năm 2023 đã kết nạp mới hơn 9.000 đoàn viên, hơn 4.200 đoàn viên được phát thẻ đoàn viên công đoàn.")
    assert ("members_recruited", 4200) not in got
    got = _readings("LĐLĐ huyện hiện có 45 CĐCS trực thuộc, 44 CĐCS thành viên đạt vững mạnh.")
    assert ("unions_total", 44) not in got


def test_the_women_among_a_members_total_are_a_part_of_it() -> None:
    got = _readings("Công đoàn Trường Cao đẳng Y tế hiện có 1.250 đoàn viên, trong đó có 512 là nữ, sinh hoạt tại 38 tổ công "
                    "đoàn.")
    assert {("members_total", 1_250), ("members_total", 512)} <= got
    # the next item's words are its own: the Party members after the women veto the women as little as the total
    got = _readings("Đến nay Công đoàn trường có 58 công đoàn viên (41 nữ, 19 Đảng viên) sinh hoạt tại 4 tổ công đoàn.")
    assert ("members_total", 41) in got
    # the women among recruits are no stock
    got = _readings("Năm 2024, Công đoàn huyện kết nạp mới 320 đoàn viên, trong đó có 190 là nữ.")
    assert ("members_total", 190) not in got


def test_a_change_in_parentheses_is_no_part_of_the_total() -> None:
    got = _readings("Công đoàn Viên chức tỉnh đang quản lý 92 Công đoàn cơ sở trực thuộc (tăng 12 Công đoàn cơ sở so với đầu "
                    "nhiệm kỳ) với 7.400 đoàn viên.")
    assert ("unions_total", 92) in got and ("unions_total", 12) not in got


def test_donations_to_funds_listed_after_a_comma_are_each_raised() -> None:
    text = ("Năm 2024, Công đoàn Viên chức tỉnh đã vận động đoàn viên ủng hộ Quỹ Vì người nghèo với số tiền 215.400.000 "
            "đồng, quỹ Đền ơn đáp nghĩa 48.250.000 đồng, quỹ Bảo trợ trẻ em, Khuyến học 96.000.000 đồng.")
    got = _readings(text)
    assert {("funds_raised", v) for v in (215_400_000, 48_250_000, 96_000_000)} <= got
    # an amount after a comma that names no fund is no item of the list
    got = _readings("Công đoàn trường ủng hộ Quỹ Vì người nghèo 5 triệu đồng, đồng thời ông Nguyễn Văn An tặng 2 triệu đồng.")
    assert ("funds_raised", 2_000_000) not in got


def test_a_row_whose_unit_cell_is_glued_to_its_label_is_still_read() -> None:
    # A page that lost the space between two cells: the label "Đoàn viên công đoàn" and its unit "đoàn viên".
    text = ("Phụ lục số liệu\n\nNội dung\n\nĐơn vị tính\n\n2021\n\n2022\n\n2023\n\n. Đoàn viên công đoànđoàn viên\n\n.\n\n"
            "4.812\n\n5.130\n\n5.577\n\nTrong đó ngoài QDđoàn viên\n\n.\n\n2.104\n\n2.391\n\n2.766\n\n. Hoạt động tốt\n\n%\n\n"
            ".\n\n61\n\n64\n\n70")
    got = sorted(c.value for c in extract_claims(text) if c.indicator == "members_total")
    assert got == [2104, 2391, 2766, 4812, 5130, 5577]


def test_a_free_programme_named_for_zero_dong_is_no_sum_and_no_boundary() -> None:
    # "Hội chợ 0 đồng" names a free fair: no amount, and the recipients after it still belong to the sum before it
    # (round 136).
    got = _readings("Đặc biệt, công đoàn cơ sở công ty trích “Quỹ công đoàn” 50 triệu đồng mua đồ gia dụng tổ chức "
                    "“Hội chợ 0 đồng” cho công nhân lao động.")
    assert got == {("funds_disbursed", 50_000_000)}
    assert not _readings("Công đoàn các KCN tỉnh duy trì mô hình “Siêu thị 0 đồng” cho đoàn viên khó khăn.")


_UNIONS_41 = "Hiện tại Công đoàn ngành đang quản lý 41 CĐCS, trong đó có 22 đơn vị hành chính sự nghiệp, 7 doanh nghiệp "
_MEMBERS_228 = "Công đoàn cơ sở Trường Đại học Đông Á được thành lập năm 2007. Số lượng đoàn viên hiện nay là: 228. "


@pytest.mark.parametrize(("text", "parts"), [
    # Round 138: the parts after "trong đó" add up to the stock before them (22 + 7 + 12 = 41) …
    (_UNIONS_41 + "Nhà nước và 12 doanh nghiệp ngoài Nhà nước, với số lượng CNVCLĐ 7.128 người.",
     {("unions_total", 41), ("unions_total", 22), ("unions_total", 7), ("unions_total", 12)}),
    # (the 22 "đơn vị" is read as a named part either way)
    (_UNIONS_41 + "Nhà nước và 15 doanh nghiệp ngoài Nhà nước.", {("unions_total", 41), ("unions_total", 22)}),
    # … an aside after the last part keeps it one ("(tăng … so với năm 2015)" is the total's change)
    ("Đưa tổng số đoàn viên công đoàn toàn tỉnh là 104.035 đoàn viên, trong đó khu vực nhà nước là 50.642 người, khu "
     "vực ngoài nhà nước là 53.393 người (tăng 7.632 người so với năm 2015).",
     {("members_total", 104_035), ("members_total", 50_642), ("members_total", 53_393)}),
    # Round 142: a sentence opening "Trong đó" breaks down the stock of the sentence before it.
    (_MEMBERS_228 + "Trong đó, Nam: 88; Nữ: 140.", {("members_total", 228), ("members_total", 88), ("members_total", 140)}),
    (_MEMBERS_228 + "Trong đó, Nam: 88; Nữ: 141.", {("members_total", 228)}),
])
def test_a_breakdown_whose_items_drop_their_noun_is_read_when_it_adds_up(text: str, parts: set) -> None:
    # only counts that add up to the stock are its parts
    assert {(i, v) for i, v in _readings(text) if i in ("unions_total", "members_total")} == parts


def test_a_count_opening_a_part_with_a_verb_of_its_own_is_no_component() -> None:
    # Round 144: "133 CĐCS đã tổ chức hoạt động" states something else, no part of the foundings before the ";".
    got = _readings("Trong tháng Công nhân, Công đoàn Khu Kinh tế Hải Phòng đã thành lập mới được 6 CĐCS, ký thỏa ước "
                    "với 4 đơn vị; 133 CĐCS đã tổ chức hoạt động tháng Công nhân.")
    assert got == {("unions_founded", 6)}
    # a part that opens its ";" segment without a verb of its own still is one
    got = _readings("Năm 2024, LĐLĐ tỉnh đã thành lập mới 14 CĐCS; 9 CĐCS trong khu vực doanh nghiệp ngoài nhà nước.")
    assert {("unions_founded", 14), ("unions_founded", 9)} <= got
