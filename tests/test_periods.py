"""Period expressions: found as written (dev excerpts, seed sentences) and resolved to ISO dates."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.normalize import normalize_text
from pipeline.text.periods import KINDS, canchi_year, find_periods, lunar_to_solar, resolve_period, tet_day

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "claims_dev.jsonl"


def _texts(sentence: str) -> list[str]:
    return [m.text for m in find_periods(sentence)]


# --------------------------------------------------------------------------- finding

FOUND = [
    # (sentence, the period expression that must be found exactly, its kind)
    ("Tính từ năm 2021 đến tháng 6 năm 2022, toàn tỉnh thành lập được 12 công đoàn cơ sở",
     "Tính từ năm 2021 đến tháng 6 năm 2022", "range"),
    ("Trong 6 tháng đầu năm 2022, cử 18 cán bộ công đoàn chuyên trách", "Trong 6 tháng đầu năm 2022", "months"),
    ("6 tháng đầu năm 2022 kết nạp 300 đoàn viên", "6 tháng đầu năm 2022", "months"),
    ("Trong 5 năm qua (2015-2020), thực hiện chương trình", "Trong 5 năm qua (2015-2020)", "rolling"),
    ("Trong 5 năm qua, đã thành lập được 01 CĐCS", "Trong 5 năm qua", "rolling"),
    ("Năm qua, LĐLĐ tỉnh kết nạp 2.000 đoàn viên", "Năm qua", "rolling"),
    ("Kết quả hơn một năm qua, các cấp công đoàn giới thiệu 1.130 đoàn viên", "hơn một năm qua", "rolling"),
    ("Đại hội Công đoàn tỉnh lần thứ XVI, nhiệm kỳ 2018-2023.", "nhiệm kỳ 2018-2023", "term"),
    ("Đại hội Công đoàn tỉnh lần thứ XVI, nhiệm kỳ 2018 - 2023.", "nhiệm kỳ 2018 - 2023", "term"),
    ("từ đầu năm đến nay các cấp công đoàn trong tỉnh đã thành lập", "từ đầu năm đến nay", "range"),
    ("Từ đầu năm 2013 đến nay, Công đoàn CNHC VN đã có", "Từ đầu năm 2013 đến nay", "range"),
    ("9 tháng đầu năm 2024, kết nạp 1.200 đoàn viên", "9 tháng đầu năm 2024", "months"),
    ("Trong 8 tháng của năm 2013, LĐLĐ tỉnh đã thành lập 20 CĐCS", "Trong 8 tháng của năm 2013", "months"),
    ("Trong quý, thành lập mới 4 CĐCS", "Trong quý", "quarter"),
    ("ngay từ quý I/2020, Ban Thường vụ", "quý I/2020", "quarter"),
    ("Trong quý II năm 2021 kết nạp 50 đoàn viên", "Trong quý II năm 2021", "quarter"),
    ("Năm 2021, cử 67 lượt cán bộ", "Năm 2021", "year"),
    ("Trong năm 2020, toàn tỉnh thành lập được 57 công đoàn cơ sở", "Trong năm 2020", "year"),
    ("Theo LĐLĐ tỉnh, trong năm 2020, toàn tỉnh thành lập", "trong năm 2020", "year"),
    ("quỹ vận động xây dựng “Mái ấm Công đoàn” năm 2016 để xây dựng", "năm 2016", "year"),
    ("phấn đấu đạt chỉ tiêu đến năm 2018 có 10 triệu đoàn viên", "đến năm 2018", "cutoff"),
    ("nâng tổng số lên 1.200 đoàn viên đến 31.12.2016", "đến 31.12.2016", "cutoff"),
    ("Phấn đấu mỗi năm kết nạp từ 8.000 – 11.000 đoàn viên", "mỗi năm", "recurring"),
    ("hằng năm chỉ đạo 100% CĐCS chủ động phối hợp", "hằng năm", "recurring"),
    ("Tổ chức Tháng công nhân 2016 gắn với", "Tháng công nhân 2016", "workers_month"),
    ("Trong “Tháng công nhân 2016”, LĐLĐ tỉnh đã chỉ đạo", "Trong “Tháng công nhân 2016”", "workers_month"),
    ("Nhân Tháng công nhân 2020, các cấp Công đoàn tỉnh Hưng Yên", "Nhân Tháng công nhân 2020", "workers_month"),
    ("Dịp Tết cổ truyền Quý Mão, Liên đoàn Lao động thành phố Hà Nội chi hỗ trợ",
     "Dịp Tết cổ truyền Quý Mão", "tet"),
    ("các hoạt động chăm lo nhân dịp Tết Nguyên đán Ất Tỵ 2025.", "nhân dịp Tết Nguyên đán Ất Tỵ 2025", "tet"),
    ("CĐ Viên chức TP HCM cho biết tính đến ngày 31-10, qua 2 đợt vận động, CNVC-LĐ đã đóng góp",
     "tính đến ngày 31-10, qua 2 đợt vận động", "cutoff"),
    ("Tính đến hết ngày 28.7, quỹ đã nhận được", "Tính đến hết ngày 28.7", "cutoff"),
    ("Tính đến nay tổng số quà tặng gần 20 triệu đồng.", "Tính đến nay", "cutoff"),
    ("Công đoàn các Khu kinh tế tỉnh Hà Tĩnh: Sau 7 tháng thành lập đã phát triển thêm 1.676 đoàn viên",
     "Sau 7 tháng thành lập", "since"),
    ("giai đoạn 2021-2025 và những năm tiếp theo", "giai đoạn 2021-2025", "term"),
    ("tổng kết công tác giai đoạn 2021 – 2023; đề ra chỉ tiêu", "giai đoạn 2021 – 2023", "term"),
    ("Kết thúc giai đoạn 1 (31/5/2022) đã có 2.012 sáng kiến", "Kết thúc giai đoạn 1 (31/5/2022)", "cutoff"),
    ("Việc chi hỗ trợ dự kiến hoàn thành trong tháng 6/2022.", "trong tháng 6/2022", "month"),
    ("6 tháng cuối năm, phấn đấu kết nạp 500 đoàn viên", "6 tháng cuối năm", "months"),
    ("Dịp này, CĐ ngành đã kết nạp 392 đoàn viên mới", "Dịp này", "event"),
    ("Trong đợt này, toàn KPH đã có 1.298 CB.CNV", "Trong đợt này", "event"),
    ("Chỉ sau vài ngày phát động đợt 2, người lao động", "đợt 2", "event"),
    ("tổng số tiền hỗ trợ đồng bào vùng thiên tai trong hai đợt lên 3,2 tỷ đồng", "trong hai đợt", "event"),
    ("Ngày 4-9-2020, tại Cơ sở gia công lưới an toàn", "Ngày 4-9-2020", "date"),
    ("Tổ chức kế hoạch chăm lo Tết Nguyên đán Canh Tý 2020, với mục tiêu", "Tết Nguyên đán Canh Tý 2020", "tet"),
    ("Hết năm 2021, toàn tỉnh có 1.200 CĐCS", "Hết năm 2021", "cutoff"),
    ("từ nay đến cuối năm 2024 phấn đấu kết nạp 5.000 đoàn viên", "từ nay đến cuối năm 2024", "range"),
    ("Đợt cao điểm từ 15.5 đến 30.6.2023 đã kết nạp 800 đoàn viên", "từ 15.5 đến 30.6.2023", "range"),
    ("Sau 3 tuần phát động, đoàn viên đã đóng góp 200 triệu đồng", "Sau 3 tuần phát động", "since"),
    ("Trong năm học này, Công đoàn ngành Giáo dục đã", "Trong năm học này", "school_year"),
]


@pytest.mark.parametrize(("sentence", "expected", "kind"), FOUND)
def test_period_found_as_written(sentence: str, expected: str, kind: str) -> None:
    found = {m.text: m for m in find_periods(sentence)}
    assert expected in found, _texts(sentence)
    m = found[expected]
    assert sentence[m.start : m.end] == expected
    assert m.kind == kind


def _dev_records() -> list[dict]:
    if not DEV.exists():
        return []
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


DEV_PERIODS = sorted(
    {(r["id"], c["period"]) for r in _dev_records() for c in r["claims"] if c.get("period")}
)


@pytest.mark.skipif(not DEV_PERIODS, reason="dev file not available")
@pytest.mark.parametrize(("rec_id", "period"), DEV_PERIODS)
def test_every_gold_period_of_the_dev_file_is_found(rec_id: str, period: str) -> None:
    text = next(r["text"] for r in _dev_records() if r["id"] == rec_id)
    assert period in _texts(text), (rec_id, _texts(text))


NOT_PERIODS = [
    # Document dates, deadlines, vague phrases, page furniture and lookalikes are not periods.
    "Thực hiện Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị",
    "ban hành Kế hoạch số 94-KH/TU ngày 29/11/2021 về thực hiện",
    "các CĐ cơ sở gửi về Văn phòng trước ngày 20-11.",
    "Trong những năm qua, Công đoàn các cấp trên địa bàn huyện",
    "Cập nhật lúc 09:50 ngày 27/09/2013",
    "giá trị quý báu của tình đoàn kết",
    "tặng 6.000 suất quà, tổng trị giá trên 3 tỉ đồng",
    "kỷ niệm 92 năm ngày thành lập Công đoàn Việt Nam",
    "với 2178/1550 đạt 140% chỉ tiêu",
    "số đoàn viên tăng từ 1.200 đến 1.500 người",
    "mức hỗ trợ từ 2.5 đến 3.5 triệu đồng",
]


@pytest.mark.parametrize("sentence", NOT_PERIODS)
def test_not_a_period(sentence: str) -> None:
    assert find_periods(sentence) == []


def test_longest_match_wins_and_matches_do_not_overlap() -> None:
    s = "Tính từ năm 2021 đến tháng 6 năm 2022, toàn tỉnh kết nạp 856 đoàn viên; Năm 2021 cử 67 cán bộ."
    ms = find_periods(s)
    assert [m.text for m in ms] == ["Tính từ năm 2021 đến tháng 6 năm 2022", "Năm 2021"]
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))


def test_nfd_and_new_tone_placement_give_the_same_mentions_with_offsets_into_the_input() -> None:
    s = "Nhân dịp Tết Nguyên đán Ất Tỵ 2025, Trong 6 tháng đầu năm 2022 và mỗi năm, hòa vốn"
    variants = [s, unicodedata.normalize("NFD", s), s.replace("hòa", "hoà")]
    results = []
    for v in variants:
        ms = find_periods(v)
        for m in ms:
            assert v[m.start : m.end] == m.text
        results.append([(normalize_text(m.text), m.kind) for m in ms])
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 3


FRAGMENTS = [
    "Trong", "trong", "năm", "2020", "tháng", "6", "quý", "I", "/", "-", "đầu", "cuối", "qua", "5", "hai", "đến",
    "nay", "từ", "Tính", "ngày", "31.12", "Tết", "Nguyên đán", "Quý Mão", "Tháng công nhân", "“", "”", "đợt",
    "này", "Dịp", "mỗi", "hằng", "nhiệm kỳ", "giai đoạn", "(", ")", ",", " ", "\u0301", "hoà", "kết nạp",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(" ".join))
def test_mentions_are_exact_ordered_and_disjoint_on_any_text(text: str) -> None:
    ms = find_periods(text)
    for m in ms:
        assert text[m.start : m.end] == m.text
        assert m.kind in KINDS
        start, end = resolve_period(m.text, "2021-06-15")
        assert start is None or end is None or start <= end
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))


# --------------------------------------------------------------------------- resolving

RESOLVED = [
    # (period text, published, start, end)
    ("6 tháng đầu năm 2022", None, "2022-01-01", "2022-06-30"),
    ("Tính từ năm 2021 đến tháng 6 năm 2022", None, "2021-01-01", "2022-06-30"),
    ("Trong 5 năm qua (2015-2020)", "2020-05-21", "2015-01-01", "2020-12-31"),
    ("Trong 5 năm qua", "2020-05-21", "2015-05-21", "2020-05-21"),
    ("hơn một năm qua", "2022-08-27", "2021-08-27", "2022-08-27"),
    ("Sau 7 tháng thành lập", "2017-03-31", "2016-08-31", "2017-03-31"),
    ("từ đầu năm đến nay", "2019-10-10", "2019-01-01", "2019-10-10"),
    ("Từ đầu năm 2013 đến nay", "2013-09-27", "2013-01-01", "2013-09-27"),
    ("Trong quý", "2021-04-05", "2021-04-01", "2021-06-30"),
    ("quý I/2020", None, "2020-01-01", "2020-03-31"),
    ("quý II năm 2021", None, "2021-04-01", "2021-06-30"),
    ("nhiệm kỳ 2018-2023", None, "2018-01-01", "2023-12-31"),
    ("nhiệm kỳ 2018 - 2023", None, "2018-01-01", "2023-12-31"),
    ("giai đoạn 2021 – 2023", None, "2021-01-01", "2023-12-31"),
    ("Tháng công nhân 2016", None, "2016-05-01", "2016-05-31"),
    ("Trong “Tháng công nhân 2016”", None, "2016-05-01", "2016-05-31"),
    ("Năm 2021", None, "2021-01-01", "2021-12-31"),
    ("Trong năm 2020", "2021-01-18", "2020-01-01", "2020-12-31"),
    ("9 tháng đầu năm 2024", None, "2024-01-01", "2024-09-30"),
    ("Trong 8 tháng của năm 2013", None, "2013-01-01", "2013-08-31"),
    ("6 tháng cuối năm", "2019-07-10", "2019-07-01", "2019-12-31"),
    ("tháng 6/2022", None, "2022-06-01", "2022-06-30"),
    ("đến năm 2018", None, None, "2018-12-31"),
    ("đến 31.12.2016", None, None, "2016-12-31"),
    ("Tính đến nay", "2021-08-13", None, "2021-08-13"),
    ("tính đến ngày 31-10, qua 2 đợt vận động", "2016-11-07", None, "2016-10-31"),
    # A cut-off day after the publication date is last year's.
    ("Tính đến hết ngày 28.7", "2014-07-20", None, "2013-07-28"),
    ("Kết thúc giai đoạn 1 (31/5/2022)", None, None, "2022-05-31"),
    ("Ngày 4-9-2020", None, "2020-09-04", "2020-09-04"),
    # Tết season: 1st of tháng Chạp to rằm tháng Giêng (Tết Quý Mão = 22 Jan 2023).
    ("Dịp Tết cổ truyền Quý Mão", "2023-01-10", "2022-12-23", "2023-02-05"),
    ("Tết Nguyên đán Ất Tỵ 2025", None, "2024-12-31", "2025-02-12"),
    ("Tết Nguyên đán Canh Tý 2020", None, "2019-12-26", "2020-02-08"),
    ("Tết Trung thu năm 2021", None, "2021-09-07", "2021-09-21"),
    ("năm học 2020-2021", None, "2020-09-01", "2021-08-31"),
    ("Hết năm 2021", None, None, "2021-12-31"),
    ("từ nay đến cuối năm 2024", "2024-06-03", "2024-06-03", "2024-12-31"),
    ("từ 15.5 đến 30.6.2023", None, "2023-05-15", "2023-06-30"),
    ("Sau 3 tuần phát động", "2020-11-03", "2020-10-13", "2020-11-03"),
    ("Trong năm học này", "2021-03-01", "2020-09-01", "2021-08-31"),
    ("năm học mới", "2013-08-20", "2013-09-01", "2014-08-31"),
    # A start without a year takes the end's year.
    ("từ ngày 1/1 đến 30/6/2022", None, "2022-01-01", "2022-06-30"),
    ("từ quý I đến hết quý III năm 2021", None, "2021-01-01", "2021-09-30"),
    ("Từ ngày thành lập đến nay", "2021-10-09", None, "2021-10-09"),
    ("mỗi năm", "2020-01-01", None, None),
    ("hằng năm", None, None, None),
    ("Dịp này", "2020-01-01", None, None),
    ("Trong đợt này", "2020-01-01", None, None),
    ("không phải một kỳ", "2020-01-01", None, None),
]


@pytest.mark.parametrize(("text", "published", "start", "end"), RESOLVED)
def test_resolve(text: str, published: str | None, start: str | None, end: str | None) -> None:
    assert resolve_period(text, published) == (start, end)


@pytest.mark.parametrize(
    "text",
    ["Trong 5 năm qua", "từ đầu năm đến nay", "Trong quý", "6 tháng đầu năm", "Tính đến nay", "Dịp Tết cổ truyền Quý Mão",
     "Tháng công nhân", "ngày 31-10", "năm qua", "Trong năm"],
)
def test_no_year_is_guessed_without_a_publication_date(text: str) -> None:
    start, end = resolve_period(text, None)
    assert start is None
    assert end is None


def test_published_timestamp_and_nfd_input_resolve_the_same() -> None:
    s = "Trong 6 tháng đầu năm"
    assert resolve_period(unicodedata.normalize("NFD", s), "2022-08-27T05:27:00") == ("2022-01-01", "2022-06-30")


# --------------------------------------------------------------------------- lunar calendar

# Mùng 1 Tết in Vietnam (2007 differs from China's 18 February; 1985 too).
TET = {
    1985: date(1985, 1, 21), 2007: date(2007, 2, 17), 2012: date(2012, 1, 23), 2013: date(2013, 2, 10),
    2014: date(2014, 1, 31), 2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28),
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12),
    2022: date(2022, 2, 1), 2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
    2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
}


@pytest.mark.parametrize(("year", "expected"), sorted(TET.items()))
def test_tet_day(year: int, expected: date) -> None:
    assert tet_day(year) == expected


def test_leap_month_years() -> None:
    # 2023 had a leap 2nd month (tháng 2 nhuận starting 2023-03-22); 2020 a leap 4th month.
    assert lunar_to_solar(1, 2, 2023, leap=True) == date(2023, 3, 22)
    assert lunar_to_solar(1, 3, 2023) == date(2023, 4, 20)
    assert lunar_to_solar(1, 4, 2020, leap=True) == date(2020, 5, 23)
    assert lunar_to_solar(1, 5, 2021, leap=True) is None


@pytest.mark.parametrize(
    ("name", "near", "year"),
    [("Quý Mão", 2023, 2023), ("Quý Mão", 2022, 2023), ("Ất Tỵ", 2025, 2025), ("Canh Tý", 2019, 2020),
     ("Giáp Thìn", 2024, 2024), ("Nhâm Dần", 2030, 2022), ("Bính Ngọ", 2025, 2026)],
)
def test_canchi_year(name: str, near: int, year: int) -> None:
    assert canchi_year(name, near) == year


def test_the_past_term_is_the_five_years_before_publication() -> None:
    found = find_periods("Nhiệm kỳ qua, các cấp công đoàn đã kết nạp trên 12 nghìn đoàn viên.")
    assert [(p.text, p.kind) for p in found] == [("Nhiệm kỳ qua", "term")]
    assert resolve_period("Trong nhiệm kỳ vừa qua", "2023-10-10") == ("2018-10-10", "2023-10-10")
    assert resolve_period("nhiệm kỳ qua", None) == (None, None)


# --- the required-word gates in front of the period rules ----------------------------------------------


def test_required_literals_of_a_pattern() -> None:
    import re

    from pipeline.text.periods import _required_literals

    assert _required_literals(re.compile(r"(?:tính\s+)?từ\s+\d+")) == ("từ",)  # the optional part is not required
    assert _required_literals(re.compile(r"(?:quý|tháng)\s+\d")) == ("quý", "tháng")  # one of the branches
    assert _required_literals(re.compile(r"đợt\s+(?:vận\s+động|quyên\s+góp)")) == ("quyên", "động")  # the longest
    assert _required_literals(re.compile(r"(?:năm)?\s*\d{4}")) is None  # nothing is required
    assert _required_literals(re.compile(r"\d+(?:|\s+năm)")) is None  # an empty branch requires nothing
    assert _required_literals(re.compile(r"(?i:năm)\s+\d{4}")) is None  # a group with flags of its own


def test_gated_rules_find_what_every_rule_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    # The gates only skip rules that cannot match: on real union texts every candidate is found with them.
    from pipeline.text import periods

    texts = [json.loads(line)["text"] for line in (ROOT / "bench" / "data" / "real" / "dev.jsonl").open(encoding="utf-8")]
    texts = [unicodedata.normalize("NFC", t) for t in texts[:400]]
    texts.append("Trong Quý II/2024 và dịp TẾT Nguyên đán, từ ngày 01/01 đến 31/3, NHIỆM KỲ 2023-2028")  # upper case
    gated = [[c[:3] for c in periods._candidates(t)] for t in texts]
    monkeypatch.setattr(periods, "_GATES", [None] * len(periods._COMPILED))
    every = [[c[:3] for c in periods._candidates(t)] for t in texts]
    assert gated == every
    assert sum(map(len, every)) > 500  # many candidates were compared, not a handful
