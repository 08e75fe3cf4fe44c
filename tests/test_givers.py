"""Who gives the money (pipeline.extract.givers): the subject before the verb of giving, per comma segment."""

from __future__ import annotations

from pipeline.extract.extractor import _quantities, extract_mentions
from pipeline.extract.givers import (
    GIVING,
    giver_in_previous,
    giver_start,
    later_giver_not_union,
    non_union_giver,
    owned_by_non_union,
    workers_give,
)
from pipeline.extract.indicators import default_ruleset
from pipeline.extract.sentences import _Sentence


def _sentence(text: str) -> _Sentence:
    return _Sentence(text, _quantities(text))


def _verb(s: _Sentence, nth: int = 0) -> int:
    return list(GIVING.finditer(s.low))[nth].start()


def _gives_not_union(text: str, nth: int = 0) -> bool:
    s = _sentence(text)
    verb = _verb(s, nth)
    return non_union_giver(s, default_ruleset(), giver_start(s, default_ruleset(), s.clause_start(verb), verb), verb)


def test_a_ministry_or_a_company_giving_in_its_own_name_is_not_a_union() -> None:
    assert _gives_not_union("Trước đó, Bộ Y tế đã hỗ trợ 5 tỷ đồng cho công tác phòng chống dịch bệnh sau lũ.")
    assert _gives_not_union("Ngành Y tế tỉnh ủng hộ trên 120 triệu đồng cho Quỹ phòng, chống thiên tai.")
    # a newspaper's charity drive
    assert _gives_not_union("Ngoài ra, Báo Thanh Niên cũng trao 300 triệu đồng hỗ trợ đoàn viên, người lao động vùng lũ.")


def test_a_count_of_givers_opening_the_sentence_names_them_as_its_subject() -> None:
    assert _gives_not_union("Dịp này, 15 doanh nghiệp trên địa bàn cũng hỗ trợ 80 triệu đồng để xây dựng quỹ Nghiệp đoàn.")
    # a count after a verb is its object: the union visits the firms and gives
    assert not _gives_not_union("Công đoàn KCN đã thăm 20 doanh nghiệp và hỗ trợ 80 triệu đồng cho công nhân khó khăn.", 0)


def test_a_date_before_a_giver_or_its_delegation_leaves_it_the_subject() -> None:
    # a page's date line is no count of givers; a body's delegation gives in its name
    assert _gives_not_union("17/01/2026 Công ty Hoa Sen trao hơn 2 tỉ đồng thưởng Tết cho người lao động.")
    assert _gives_not_union("Ngày 15/10, đoàn công tác của Tổng công ty Viglacera đã trao 3 tỷ đồng ủng hộ đồng bào vùng lũ.")
    # a union's delegation stays the union's
    assert not _gives_not_union("Sáng 15/10, đoàn công tác của Công đoàn Tập đoàn Viettel đã trao 300 triệu đồng ủng hộ "
                                "đồng bào vùng lũ.")


def test_a_union_body_or_a_union_that_mobilised_the_givers_stays_the_union() -> None:
    assert not _gives_not_union("Công đoàn ngành Y tế tỉnh ủng hộ 120 triệu đồng cho đồng bào vùng lũ.")
    assert not _gives_not_union("LĐLĐ huyện vận động các doanh nghiệp ủng hộ 300 triệu đồng xây nhà Mái ấm Công đoàn.")


def test_each_item_of_a_donor_list_has_its_own_giver() -> None:
    text = "Công đoàn tỉnh ủng hộ 10 tỷ đồng, Tổng công ty Becamex ủng hộ 5 tỷ đồng, TP.Dĩ An ủng hộ 3 tỷ đồng."
    assert [_gives_not_union(text, n) for n in range(3)] == [False, True, True]


def test_a_subject_enumerated_across_commas_is_read_whole() -> None:
    # the giver is named in an earlier item of the subject, the verb follows the last one
    assert _gives_not_union("Tính đến nay, nhiều doanh nghiệp, tổ chức, cá nhân đã ủng hộ vào Quỹ phòng, chống dịch "
                            "COVID-19 của Huyện với tổng số tiền trên 01 tỷ đồng.")
    assert extract_mentions("Cũng đến ngày 28.10, Ủy ban MTTQ các huyện, thị xã, thành phố trong tỉnh vận động được "
                            "gần 1,5 tỷ đồng ủng hộ đồng bào miền Trung.") == []
    # an item that gives on its own is another giver's; a call for money before the giver is the giver's own
    assert not _gives_not_union("Tập đoàn Becamex ủng hộ 5 tỷ đồng, nhiều tập thể, cá nhân ủng hộ thêm 1 tỷ đồng.", 1)
    assert _gives_not_union("Thông qua đợt phát động, Trường ĐHSP Hà Nội 2 đã quyên góp được 125 triệu đồng.")
    # a verb right after a comma takes the name before it, as before
    assert not _gives_not_union("Một số đơn vị ủng hộ nhiều như Công đoàn cơ sở Agribank 100 triệu đồng, Công ty TNHH "
                                "Merkava, ủng hộ 25 triệu đồng.", 0)


def test_ministries_courts_and_state_corporations_give_in_their_own_name() -> None:
    assert _gives_not_union("Bộ TN&MT ủng hộ 150 triệu đồng cho đồng bào bị thiệt hại do cơn bão số 10 tại Hà Tĩnh.")
    assert _gives_not_union("Các cơ quan của Quốc hội, Văn phòng Quốc hội ủng hộ hơn 360 triệu đồng phòng, chống dịch.")
    assert _gives_not_union("Trong đợt 1, EVNHCMC đã trao 48 triệu đồng cho 4 học sinh có hoàn cảnh khó khăn.")
    # the union of one of them is named first
    assert not _gives_not_union("Công đoàn EVNHCMC đã trao 48 triệu đồng cho 4 học sinh có hoàn cảnh khó khăn.")


def test_a_short_name_in_parentheses_or_a_partner_is_not_the_giver() -> None:
    # the staff named before the parenthesis give, as they would without it
    staff = "tập thể CBCNV Tổng Cty Điện lực miền Trung (EVNCPC) đã chung tay đóng góp hơn 5,1 tỷ đồng."
    assert not _gives_not_union("Phát huy tinh thần tương thân tương ái, " + staff)
    partner = ("Công đoàn Bộ đã phối hợp với Văn phòng Bộ VHTTDL tại Đà Nẵng trao 80 triệu đồng cho các gia đình "
               "bị bão số 11.")
    assert not _gives_not_union(partner)
    assert _gives_not_union("Cùng với đó, người sử dụng lao động đã hỗ trợ thêm 3,5 tỉ đồng để công nhân về quê.")


def test_the_giver_named_after_a_reporting_verb_gives_not_the_speaker() -> None:
    assert _gives_not_union("Ông Củ Phát Nghiệp, Chủ tịch Công đoàn PouYuen Việt Nam cho biết công ty đã hỗ trợ 689 tỷ "
                            "đồng cho gần 5.700 người lao động.")
    # nobody named after it: the speaker acts, and a union speaker stays the union
    assert not _gives_not_union("Ông Nguyễn Văn A, Chủ tịch LĐLĐ tỉnh cho biết đã hỗ trợ 5 tỷ đồng cho đoàn viên.")


def test_money_named_as_a_non_unions_own_after_the_amount_is_not_the_unions() -> None:
    rs = default_ruleset()

    def owned(text: str, amount: str) -> bool:
        s = _sentence(text)
        return owned_by_non_union(s, rs, s.low.index(amount) + len(amount))

    assert owned("Tổng giám đốc EVN đại diện trao biểu trưng ủng hộ 3 tỷ đồng của Tập đoàn Điện lực Việt Nam đến Trung "
                 "ương Mặt trận Tổ quốc Việt Nam.", "3 tỷ đồng")
    assert owned("Được sự hỗ trợ hơn 60 triệu đồng của một số doanh nghiệp, cá nhân, tổ chức, ban tổ chức đã tặng quà.",
                 "60 triệu đồng")
    # the staff's money, and a union's, stay theirs
    assert not owned("Công đoàn Trường Đại học Vinh đã trao số tiền 41,600,000 đồng của tập thể cán bộ, giáo viên Nhà "
                     "trường tặng các giáo viên vùng khó khăn.", "41,600,000 đồng")
    assert not owned("Đoàn đã trao 30 triệu đồng của Liên đoàn Lao động tỉnh cho các gia đình.", "30 triệu đồng")


def test_a_later_verb_of_giving_before_the_amount_has_its_own_giver() -> None:
    rs = default_ruleset()

    def later(text: str, amount: str) -> bool:
        s = _sentence(text)
        return later_giver_not_union(s, rs, 0, _verb(s), s.low.index(amount))

    # the purpose clause's "ủng hộ" is no giving of the union's: the ministry hands the money over
    assert later("Để kịp thời ủng hộ Quỹ Vaccine phòng Covid-19, ngày 15/6/2021, Bộ GTVT đã trực tiếp trao Ủy ban "
                 "Trung ương Mặt trận Tổ quốc Việt Nam 1 tỉ đồng.", "1 tỉ đồng")
    assert not later("Để kịp thời ủng hộ Quỹ Vaccine phòng Covid-19, Công đoàn GTVT Việt Nam đã trao Ủy ban Trung "
                     "ương Mặt trận Tổ quốc Việt Nam 1 tỉ đồng.", "1 tỉ đồng")
    # a passive names who gets the money
    assert not later("Ba đoàn viên khó khăn được hỗ trợ là chị A – giáo viên trường Mầm non Pú Nhung với tổng số "
                     "tiền được hỗ trợ là 75.000.000 đồng.", "75.000.000 đồng")


def test_workers_before_the_verb_give_and_after_it_receive() -> None:
    rs = default_ruleset()
    gives = _sentence("Hơn 30.000 công nhân quyên góp 3,2 tỷ đồng hỗ trợ vùng lũ.")
    receives = _sentence("Công ty chăm lo Tết cho công nhân với tổng kinh phí 2 tỷ đồng.")
    assert workers_give(gives, rs, _verb(gives))
    assert not workers_give(receives, rs, receives.low.index("chăm lo"))


def test_a_sentence_without_a_giver_continues_the_one_before() -> None:
    rs = default_ruleset()
    before = _sentence("Sáng 12/10, Ngân hàng Vietcombank chi nhánh tỉnh đã trao tặng quà cho đồng bào vùng lũ.")
    after = _sentence("Kết quả, đã ủng hộ 495 triệu đồng.")
    assert giver_in_previous(after, before, rs, _verb(after))
    union_before = _sentence("Sáng 12/10, Công đoàn Vietcombank chi nhánh tỉnh đã trao tặng quà cho đồng bào vùng lũ.")
    assert not giver_in_previous(after, union_before, rs, _verb(after))


def test_a_word_that_only_holds_a_givers_name_names_no_giver() -> None:
    # "trường hợp" (case) and "thị trường" (market) hold "trường" (school) and name no one giving
    rs = default_ruleset()
    assert not _gives_not_union("Các trường hợp đặc biệt khó khăn được hỗ trợ 2 triệu đồng/người.")
    assert _gives_not_union("Trường Tiểu học Kim Đồng ủng hộ 12 triệu đồng cho đồng bào vùng lũ.")
    before = _sentence("Các trường hợp đặc biệt khó khăn được hỗ trợ thêm 2 triệu đồng/người.")
    total = _sentence("Tổng kinh phí chăm lo đợt này hơn 600 triệu đồng.")
    assert not giver_in_previous(total, before, rs, total.low.index("chăm lo"))


def test_a_total_after_a_case_sentence_keeps_the_recipients_before_it() -> None:
    text = ("LĐLĐ quận 8 đã tổ chức họp mặt, tặng quà Tết cho 796 đoàn viên - lao động có hoàn cảnh khó khăn. "
            "Các trường hợp đặc biệt khó khăn được hỗ trợ 2 triệu đồng/người. "
            "Tổng kinh phí chăm lo đợt này hơn 600 triệu đồng.")
    claims = extract_mentions(text, rescore=False)
    assert [(c.indicator, c.value, c.qualifier) for c in claims] == [("funds_disbursed", 600_000_000, "at_least")]


def test_one_uncounted_case_getting_money_is_a_rate_not_a_payment() -> None:
    text = ("Các cấp công đoàn trong ngành đã chi hỗ trợ hơn 3,2 tỉ đồng cho 6.400 lượt đoàn viên, người lao động "
            "là F0, F1, với mức 500.000 đồng/người, riêng trường hợp tử vong hỗ trợ 5 triệu đồng.")
    claims = extract_mentions(text, rescore=False)
    assert [(c.indicator, c.value) for c in claims] == [("funds_disbursed", 3_200_000_000)]


def test_a_union_officer_handing_over_for_a_staff_is_not_the_giver() -> None:
    # GUIDELINE §10, "A union that only hands over": the staff's money, unless the union mobilised it
    assert _gives_not_union("Chiều 16-10, ông Lê Văn Minh – Chủ tịch Công đoàn EVNHCMC đã đại diện tập thể cán bộ CNV-LĐ "
                            "Tổng công ty Điện lực TP.HCM trao tặng số tiền 286.990.000 đồng ủng hộ nhân dân Cuba.")
    assert not _gives_not_union("Chủ tịch LĐLĐ tỉnh thay mặt tập thể đoàn viên trao 20 triệu đồng ủng hộ đồng bào vùng lũ.")
    assert not _gives_not_union("Công đoàn Công ty đã vận động và thay mặt toàn thể người lao động trao 50 triệu đồng "
                                "ủng hộ Quỹ Vì người nghèo của phường.")
