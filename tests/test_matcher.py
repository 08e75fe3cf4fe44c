"""The matcher's gap between a trigger and its number: counted in words, a compound word counting once."""

from __future__ import annotations

from pipeline.extract.extractor import extract_mentions

# "recruit.verb_number_member" allows three words between "kết nạp" and the number.
COMPOUNDS = "Công đoàn cơ sở đã kết nạp trong năm học vừa qua 125 đoàn viên."  # 5 syllables, 3 words
SHORT = "Công đoàn cơ sở đã kết nạp trong quý vừa qua 125 đoàn viên."  # 4 syllables, 3 words
TOO_FAR = "Công đoàn cơ sở đã kết nạp trong năm học vừa qua tại các trường 125 đoàn viên."  # 6 words


def _recruited(text: str) -> list[tuple[float, float]]:
    # the rules' own scores: the learned layer (rules/rescorer.json) reads more of the sentence than the gap
    return [(c.value, c.confidence) for c in extract_mentions(text, rescore=False)
            if c.indicator == "members_recruited"]


def test_a_gap_of_compound_words_is_counted_in_words() -> None:
    found = _recruited(COMPOUNDS)
    assert [value for value, _ in found] == [125]
    assert found == _recruited(SHORT)  # three words either way: the same score


def test_a_gap_of_too_many_words_rules_the_trigger_out() -> None:
    assert _recruited(TOO_FAR) == []



def _totals(text: str) -> list[tuple[float, str]]:
    return [(c.value, c.rule) for c in extract_mentions(text, rescore=False) if c.indicator == "members_total"]


def test_a_subject_named_before_the_verb_makes_its_size_a_total() -> None:
    # members_total.body_has_members: `subject` (a union body) in the clause before "có"/"gồm"
    assert _totals("Nghiệp đoàn nghề cá xã Kỳ Ninh gồm 132 đoàn viên.") == [(132, "members_total.body_has_members")]
    assert _totals("Năm nay, Công đoàn Công ty TNHH May An Bình có 58 đoàn viên, đa số là lao động nữ.") == [
        (58, "members_total.body_has_members")]


def test_no_subject_or_one_too_far_back_gives_no_total() -> None:
    assert _totals("Tham dự buổi lễ có 149 đoàn viên và người lao động.") == []
    # the union is named, but more than `subject_gap` (14) words before the verb
    far = ("Công đoàn cơ sở phối hợp tổ chức chuyến về nguồn tại khu di tích lịch sử của tỉnh trong hai ngày cuối "
           "tuần vừa qua, có 40 đoàn viên.")
    assert _totals(far) == []


def _unions(text: str) -> list[float]:
    return [c.value for c in extract_mentions(text, rescore=False) if c.indicator == "unions_total"]


def test_an_aside_after_the_claim_vetoes_nothing_but_the_words_after_it_do() -> None:
    # unions_total vetoes "có thêm" and "tham gia" in the words after the claim
    aside = "Hai khu công nghiệp hiện có 12 CĐCS (đến cuối năm sẽ có thêm 2 doanh nghiệp) nên cần chỉ đạo sâu sát."
    assert _unions(aside) == [12]
    assert _unions("Hai khu công nghiệp hiện có 12 CĐCS, đến cuối năm sẽ có thêm 2 doanh nghiệp.") == []
    assert _unions("Hiện có 35 CĐCS (trên tổng số 40 đơn vị) tham gia hội thi.") == []


def test_the_words_after_a_second_count_are_that_counts() -> None:
    joined = "Công đoàn Viên chức tỉnh có 146 công đoàn cơ sở với gần 60.000 cán bộ, viên chức tham gia."
    assert _unions(joined) == [146]
    assert _unions("Công đoàn Viên chức tỉnh có 146 công đoàn cơ sở tham gia hội thao.") == []


YOUTH_BODY = ("Thực hiện sự hướng dẫn của Ban Thường vụ Tỉnh đoàn, Thành đoàn Vị Thanh tổ chức Lễ kết nạp đoàn viên mới "
              "lớp 87 năm Đoàn TNCS Hồ Chí Minh cho học sinh các trường THPT trên địa bàn.")


def test_a_youth_union_page_that_names_no_trade_union_reports_no_members() -> None:
    # The headline alone says nothing of the Youth Union; the page does, and names no trade union.
    youth = "Vị Thanh: Tổ chức kết nạp 46 đoàn viên mới\n\n" + YOUTH_BODY
    assert [c for c in extract_mentions(youth, rescore=False) if c.unit == "person"] == []
    union = ("Vị Thanh: Tổ chức kết nạp 46 đoàn viên mới\n\nLiên đoàn Lao động thành phố Vị Thanh vừa tổ chức lễ "
             "kết nạp đoàn viên công đoàn tại các doanh nghiệp; Đoàn TNCS phường phối hợp tổ chức.")
    assert [c.value for c in extract_mentions(union, rescore=False) if c.indicator == "members_recruited"] == [46]


def test_members_written_over_the_workforce_are_the_membership() -> None:
    # members_total.share_of_workforce: `of_whole` stands in for a trigger; the share is the evidence
    share = "Năm 1992 có 431 CĐCS với 74.171 ĐV/ 83.627 LĐ, đến nay toàn tỉnh có 1.514 công đoàn cơ sở."
    assert (74171, "members_total.share_of_workforce") in _totals(share)
    assert _totals("Đến tháng 9/2023, ngành có 65.373 đoàn viên công đoàn/ 70.231 công nhân viên chức.") == [
        (65373, "members_total.share_of_workforce")]
    # no whole after the slash, or recruits over those they came from: no total
    assert _totals("Bình quân mỗi tổ công đoàn có 15 đoàn viên/tổ.") == []
    assert _totals("Năm 2023, LĐLĐ huyện đã kết nạp 350 đoàn viên/500 công nhân tại các doanh nghiệp mới.") == []


def _paid(text: str) -> list[float]:
    return [c.value for c in extract_mentions(text, rescore=False) if c.indicator == "funds_disbursed"]


def test_a_rate_in_parentheses_does_not_part_the_verb_from_its_sum() -> None:
    # the per-gift value is an aside: "trao" governs the sum after it (no recipient named after the sum)
    assert _paid("Theo đó, bên cạnh tổ chức trao 8.400 phần quà Tết (500 nghìn đồng/phần) với số tiền 4,2 tỉ đồng, "
                 "LĐLĐ tỉnh còn tổ chức Chương trình Tết Sum vầy tại 2 điểm.") == [4_200_000_000]
    assert _paid("Dịp này, Công đoàn cơ sở đã trao 10 xuất quà (1 triệu đồng/xuất) với số tiền 10 triệu đồng.") == [
        10_000_000]
