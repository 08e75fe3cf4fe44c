"""Repeats of one figure in an article (pipeline.extract.repeats): which mentions state the same fact (GUIDELINE §7)."""

from __future__ import annotations

from pipeline.extract.extractor import extract_claims

# A headline and a lead that state no amount: the amounts below are past the lead, where a headline's preview of
# the body is looked for.
LEAD = ("Công đoàn Quảng Ngãi chung tay cùng ngư dân bám biển\n"
        "(LĐ) - Thời gian qua, các cấp công đoàn tỉnh Quảng Ngãi đã tích cực thăm hỏi, động viên các gia đình ngư dân "
        "gặp nạn trên biển, kịp thời chia sẻ khó khăn, giúp bà con sớm ổn định cuộc sống và tiếp tục vươn khơi bám "
        "biển, giữ vững chủ quyền biển đảo của Tổ quốc.\n")
BODY = LEAD + (
    "Ngày 20/8, đoàn công tác của Liên đoàn Lao động tỉnh Quảng Ngãi đã đến thăm hỏi và trao hỗ trợ cho ngư dân Trần "
    "Hiền, chủ tàu cá bị đập phá tại ngư trường Hoàng Sa, với số tiền 100 triệu đồng. Đây là tàu cá vừa bị tàu nước "
    "ngoài rượt đuổi, cướp tài sản, gây thiệt hại nặng cho gia đình ngư dân trong chuyến biển vừa qua.")


def _amounts(text: str) -> list[tuple[str, float]]:
    return [(c.indicator, c.value) for c in extract_claims(text) if c.unit == "VND"]


def test_a_photo_caption_restating_the_body_is_the_same_fact() -> None:
    caption = "Ông Đặng Ngọc Tùng trao hỗ trợ 100 triệu cho ngư dân Trần Hiền, chủ tàu cá QNg 96074 TS."
    assert _amounts(f"{BODY}\n{caption}\n{caption}") == [("funds_raised", 100_000_000)]


def test_a_subheading_restating_the_body_is_the_same_fact() -> None:
    text = (f"{BODY}\nTrao 100 triệu đồng hỗ trợ ngư dân Trần Hiền\nLãnh đạo Liên đoàn Lao động tỉnh cho biết sẽ "
            "tiếp tục vận động các cấp công đoàn chung tay hỗ trợ ngư dân bám biển trong thời gian tới.")
    assert _amounts(text) == [("funds_raised", 100_000_000)]


def test_items_of_a_list_on_lines_of_their_own_are_each_a_fact() -> None:
    text = (f"{BODY}\nCác đơn vị công đoàn cũng hỗ trợ ngư dân bị nạn như sau:\n"
            "- Công đoàn Viên chức tỉnh: 100 triệu đồng;\n- Công đoàn ngành Giáo dục tỉnh: 100 triệu đồng.")
    assert len(_amounts(text)) == 3


def test_two_amounts_of_one_list_sentence_are_each_a_fact_even_in_the_lead() -> None:
    text = "Công đoàn ngành Y tế trao 45 triệu đồng cho đoàn viên Nguyễn Thị A; 45 triệu đồng cho đoàn viên Trần Văn B."
    assert _amounts(text) == [("funds_disbursed", 45_000_000), ("funds_disbursed", 45_000_000)]
