"""Provinces: the 63 and 34 lists, the 2025 merger map, canonical names and mentions in text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pipeline.text import geo
from pipeline.text.normalize import normalize_text

DEV = Path(__file__).resolve().parent / "data" / "claims_dev.jsonl"

# The 63 provincial-level units before 1 July 2025, as the General Statistics Office lists them.
OLD_63 = {
    "Hà Nội", "TP Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ",
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình",
    "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên",
    "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
}

# Resolution 202/2025/QH15: the 23 merged units (kept name first); the other 11 are unchanged.
MERGED = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "TP Hồ Chí Minh": ["TP Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
}
UNCHANGED = {"Hà Nội", "Cao Bằng", "Điện Biên", "Hà Tĩnh", "Lai Châu", "Lạng Sơn", "Nghệ An", "Quảng Ninh",
             "Thanh Hóa", "Sơn La"}


def test_the_63_pre_2025_units_are_complete() -> None:
    old = geo.provinces_2024()
    assert len(old) == 63
    assert set(old) == OLD_63
    assert sum(geo.province_type(p) == "city" for p in old) == 5


def test_the_34_post_2025_units_are_complete() -> None:
    new = geo.provinces_2025()
    assert len(new) == len(set(new)) == 34
    assert set(new) == set(MERGED) | UNCHANGED | {"Huế"}


def test_every_old_province_maps_to_exactly_one_new_unit() -> None:
    seen: dict[str, str] = {}
    for unit in geo.provinces_2025():
        for old in geo.provinces_before_2025(unit):
            assert old not in seen, f"{old} in {seen.get(old)} and {unit}"
            seen[old] = unit
    assert set(seen) == OLD_63
    for old in OLD_63:
        assert geo.province_after_2025(old) == seen[old]


@pytest.mark.parametrize(("unit", "members"), sorted(MERGED.items()))
def test_merger_map_follows_the_resolution(unit: str, members: list[str]) -> None:
    assert geo.provinces_before_2025(unit) == members
    for m in members:
        assert geo.province_after_2025(m) == unit


@pytest.mark.parametrize("name", sorted(UNCHANGED))
def test_unchanged_units(name: str) -> None:
    assert geo.provinces_before_2025(name) == [name]
    assert geo.province_after_2025(name) == name


def test_hue() -> None:
    assert geo.province_after_2025("Thừa Thiên - Huế") == "Huế"
    assert geo.provinces_before_2025("Huế") == ["Thừa Thiên Huế"]
    assert geo.canonical_province("Huế") == "Thừa Thiên Huế"


def test_errors_for_unknown_names() -> None:
    with pytest.raises(ValueError):
        geo.province_after_2025("Hà Tây")
    with pytest.raises(ValueError):
        geo.provinces_before_2025("Vĩnh Phúc")  # merged away: not a post-2025 unit


CANONICAL = [
    ("TP HCM", "TP Hồ Chí Minh"), ("TP.HCM", "TP Hồ Chí Minh"), ("TPHCM", "TP Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "TP Hồ Chí Minh"), ("Sài Gòn", "TP Hồ Chí Minh"), ("TP. Hồ Chí Minh", "TP Hồ Chí Minh"),
    ("Hà Nội", "Hà Nội"), ("Thủ đô", "Hà Nội"), ("thành phố Hà Nội", "Hà Nội"),
    ("Thừa Thiên - Huế", "Thừa Thiên Huế"), ("Thừa Thiên Huế", "Thừa Thiên Huế"), ("Huế", "Thừa Thiên Huế"),
    ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("BR-VT", "Bà Rịa - Vũng Tàu"),
    ("Đắk Lắk", "Đắk Lắk"), ("Đăk Lăk", "Đắk Lắk"), ("Đắk Nông", "Đắk Nông"), ("Đăk Nông", "Đắk Nông"),
    ("Kon Tum", "Kon Tum"), ("Kontum", "Kon Tum"), ("Hòa Bình", "Hòa Bình"), ("Hoà Bình", "Hòa Bình"),
    ("Khánh Hòa", "Khánh Hòa"), ("Khánh Hoà", "Khánh Hòa"), ("Thanh Hóa", "Thanh Hóa"), ("Thanh Hoá", "Thanh Hóa"),
    ("tỉnh Cao Bằng", "Cao Bằng"), ("Tỉnh Bắc Kạn", "Bắc Kạn"), ("CAO BẰNG", "Cao Bằng"),
    ("Sông Lô", None), ("Hà Tây", None), ("", None), ("công đoàn", None),
]


@pytest.mark.parametrize(("name", "expected"), CANONICAL)
def test_canonical_province(name: str, expected: str | None) -> None:
    assert geo.canonical_province(name) == expected


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_canonical_province_tolerates_nfd_and_both_tone_styles(form: str) -> None:
    for written in ("Hoà Bình", "Hòa Bình", "Khánh Hoà", "Thanh Hoá"):
        assert geo.canonical_province(unicodedata.normalize(form, written)) is not None


FOUND = [
    # (sentence, [(canonical, surface)])
    ("LĐLĐ tỉnh Bắc Giang: Phấn đấu mỗi năm kết nạp từ 8.000 – 11.000 đoàn viên", [("Bắc Giang", "tỉnh Bắc Giang")]),
    ("Hà Nội: Hàng ngàn công nhân khó khăn được hỗ trợ xe về quê đón Tết", [("Hà Nội", "Hà Nội")]),
    ("CĐ Viên chức TP HCM sẽ tổ chức thăm hỏi", [("TP Hồ Chí Minh", "TP HCM")]),
    ("Liên đoàn Lao động TP.Hải Phòng: 2.000.000 đồng;", [("Hải Phòng", "TP.Hải Phòng")]),
    ("Bên cạnh việc hỗ trợ TP. HCM, các Công đoàn", [("TP Hồ Chí Minh", "TP. HCM")]),
    ("ở thành phố Hồ Chí Minh đang bị phong toả", [("TP Hồ Chí Minh", "thành phố Hồ Chí Minh")]),
    ("tặng 7 nhà tình nghĩa ở TPHCM, Hà Tĩnh, Bến Tre và Tiền Giang.",
     [("TP Hồ Chí Minh", "TPHCM"), ("Hà Tĩnh", "Hà Tĩnh"), ("Bến Tre", "Bến Tre"), ("Tiền Giang", "Tiền Giang")]),
    ("LĐLĐ tỉnh Thừa Thiên - Huế vừa phát đi lời kêu gọi", [("Thừa Thiên Huế", "tỉnh Thừa Thiên - Huế")]),
    ("phòng chống dịch Covid-19 của tỉnh Đăk Nông.", [("Đắk Nông", "tỉnh Đăk Nông")]),
    ("Công ty TKG Taekwang Vina (Đồng Nai) đã đóng góp", [("Đồng Nai", "Đồng Nai")]),
    ("xã Hòa Bình, huyện Long An, tỉnh Hòa Bình", [("Hòa Bình", "tỉnh Hòa Bình")]),
    ("Con người lao động phường Bình Dương, TP HCM trong niềm vui", [("TP Hồ Chí Minh", "TP HCM")]),
    ("LĐLĐ quận Ngũ Hành Sơn, TP Đà Nẵng vừa", [("Đà Nẵng", "TP Đà Nẵng")]),
    ("xây dựng tổ chức Công đoàn Thủ đô vững mạnh", [("Hà Nội", "Thủ đô")]),
    ("Phối hợp với CĐCS trường Mầm non Hoa Sơn Trà - Hà Nội tổ chức", [("Hà Nội", "Hà Nội")]),
    ("Hoà Bình: tỉnh Hoà Bình hỗ trợ", [("Hòa Bình", "tỉnh Hoà Bình")]),
    ("Tại Kontum và Đắk Lắk", [("Kon Tum", "Kontum"), ("Đắk Lắk", "Đắk Lắk")]),
]


@pytest.mark.parametrize(("sentence", "expected"), FOUND)
def test_find_provinces(sentence: str, expected: list[tuple[str, str]]) -> None:
    found = geo.find_provinces(sentence)
    assert [(m.name, m.surface) for m in found] == expected
    for m in found:
        assert sentence[m.start : m.end] == m.surface


NOT_PLACES = [
    "vì hòa bình và hữu nghị",  # peace
    "Hòa Bình và phát triển",  # capitalised, but needs a marker
    "phường Bình Dương",
    "xã Long An",
    "huyện Phú Thọ",  # not a district, but the marker rule must still hold
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Đoàn TNCS Hồ Chí Minh xã Tân Tuyến",
    "Thái Bình Dương",
    "chiến thắng Điện Biên Phủ",
    "sông Đồng Nai",
    "Bệnh viện Đa khoa Hòa Bình",
    "chị Nguyễn Thị Hà Nam",
    "đồng chí Lê Văn Đại",
    "vùng tâm dịch của thủ đô",
]


@pytest.mark.parametrize("sentence", NOT_PLACES)
def test_not_a_province(sentence: str) -> None:
    assert geo.find_provinces(sentence) == []


def test_nfd_and_tone_styles_give_the_same_mentions() -> None:
    s = "LĐLĐ tỉnh Hoà Bình, tỉnh Khánh Hòa và Thanh Hoá"
    variants = [s, unicodedata.normalize("NFD", s), normalize_text(s)]
    results = []
    for v in variants:
        ms = geo.find_provinces(v)
        for m in ms:
            assert v[m.start : m.end] == m.surface
        results.append([m.name for m in ms])
    assert results[0] == results[1] == results[2] == ["Hòa Bình", "Khánh Hòa", "Thanh Hóa"]


def test_dev_provinces_are_canonical_names() -> None:
    if not DEV.exists():
        pytest.skip("dev file not available")
    old = set(geo.provinces_2024())
    for line in DEV.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["province"] is not None:
            assert rec["province"] in old, rec["id"]
            assert geo.canonical_province(rec["province"]) == rec["province"]


def test_dev_excerpts_that_name_their_province_are_found() -> None:
    """Where a dev excerpt names its gold province as a place, find_provinces finds it."""
    if not DEV.exists():
        pytest.skip("dev file not available")
    checked = 0
    for line in DEV.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        prov = rec["province"]
        if prov is None or f"tỉnh {prov}" not in rec["text"]:
            continue
        checked += 1
        assert prov in {m.name for m in geo.find_provinces(rec["text"])}, rec["id"]
    assert checked >= 8


@pytest.mark.parametrize(
    ("name", "published", "expected"),
    [
        ("Vĩnh Phúc", "2020-05-21", ("Vĩnh Phúc", "Phú Thọ")),
        ("Phú Thọ", "2020-05-21", ("Phú Thọ", "Phú Thọ")),
        ("Phú Thọ", None, ("Phú Thọ", "Phú Thọ")),
        # After the merger "tỉnh Phú Thọ" is the merged unit: no single pre-2025 province.
        ("Phú Thọ", "2025-12-12", (None, "Phú Thọ")),
        ("Vĩnh Phúc", "2025-12-12", ("Vĩnh Phúc", "Phú Thọ")),  # a merged-away name still means the old one
        ("Cao Bằng", "2025-12-12", ("Cao Bằng", "Cao Bằng")),
        ("Huế", "2025-08-01", ("Thừa Thiên Huế", "Huế")),
        ("TP HCM", "2025-10-07", (None, "TP Hồ Chí Minh")),
    ],
)
def test_panel_columns_span_the_merger(name: str, published: str | None, expected: tuple[str | None, str]) -> None:
    assert geo.panel_columns(name, published) == expected
