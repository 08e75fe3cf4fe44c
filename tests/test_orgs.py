"""Union bodies: found in real sentences, with level and province, and spelled one way."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.rules import load_toml
from pipeline.text.orgs import LEVELS, OrgMention, canonical_org, find_orgs

ROOT = Path(__file__).resolve().parent.parent

FOUND = [
    # (sentence, mention text, level, province, canonical spelling without a site province)
    ("LĐLĐ tỉnh Cao Bằng đánh giá kết quả", "LĐLĐ tỉnh Cao Bằng", "province", "Cao Bằng", "LĐLĐ tỉnh Cao Bằng"),
    ("Liên đoàn Lao động tỉnh Hưng Yên: 2.000.000 đồng;", "Liên đoàn Lao động tỉnh Hưng Yên", "province", "Hưng Yên",
     "LĐLĐ tỉnh Hưng Yên"),
    ("Chủ tịch Liên Đoàn Lao Động tỉnh Cao Bằng", "Liên Đoàn Lao Động tỉnh Cao Bằng", "province", "Cao Bằng",
     "LĐLĐ tỉnh Cao Bằng"),
    ("LĐLĐ huyện Sông Lô: Đổi mới nội dung", "LĐLĐ huyện Sông Lô", "district", None, "LĐLĐ huyện Sông Lô"),
    ("LĐLĐ quận Bắc Từ Liêm tặng quà cho con người lao động", "LĐLĐ quận Bắc Từ Liêm", "district", None,
     "LĐLĐ quận Bắc Từ Liêm"),
    ("Sáng 12/7, Liên đoàn lao động quận 1 đến thăm", "Liên đoàn lao động quận 1", "district", None, "LĐLĐ quận 1"),
    ("LĐLĐ TP Hà Nội cho biết", "LĐLĐ TP Hà Nội", "province", "Hà Nội", "LĐLĐ thành phố Hà Nội"),
    ("Chủ tịch LĐLĐ thành phố Hà Nội Nguyễn Phi Thường", "LĐLĐ thành phố Hà Nội", "province", "Hà Nội",
     "LĐLĐ thành phố Hà Nội"),
    ("Phó Chủ tịch Thường trực LĐLĐ TPHCM, trao cờ", "LĐLĐ TPHCM", "province", "TP Hồ Chí Minh",
     "LĐLĐ thành phố Hồ Chí Minh"),
    ("Liên đoàn Lao động TP.Cần Thơ: 5.000.000 đồng;", "Liên đoàn Lao động TP.Cần Thơ", "province", "Cần Thơ",
     "LĐLĐ thành phố Cần Thơ"),
    ("LĐLĐ Quảng Bình xác định đây là năm phát triển đoàn viên", "LĐLĐ Quảng Bình", "province", "Quảng Bình",
     "LĐLĐ tỉnh Quảng Bình"),
    ("cư trú tại thành phố Tuyên Quang; LĐLĐ thành phố Tuyên Quang trao", "LĐLĐ thành phố Tuyên Quang", "district",
     "Tuyên Quang", "LĐLĐ thành phố Tuyên Quang"),
    ("Công đoàn Viên chức tỉnh Cao Bằng 15 năm xây dựng", "Công đoàn Viên chức tỉnh Cao Bằng", "sector", "Cao Bằng",
     "Công đoàn Viên chức tỉnh Cao Bằng"),
    ("Đoàn đại biểu CĐVC tỉnh dự Đại hội", "CĐVC tỉnh", "sector", None, "Công đoàn Viên chức tỉnh"),
    ("Công đoàn Viên chức (CĐVC) tỉnh Cao Bằng được thành lập", "Công đoàn Viên chức (CĐVC) tỉnh Cao Bằng", "sector",
     "Cao Bằng", "Công đoàn Viên chức tỉnh Cao Bằng"),
    ("Công đoàn Viên chức (CĐVC) được thành lập", "Công đoàn Viên chức (CĐVC)", "sector", None,
     "Công đoàn Viên chức"),
    ("CĐ Viên chức TP HCM cho biết", "CĐ Viên chức TP HCM", "sector", "TP Hồ Chí Minh",
     "Công đoàn Viên chức thành phố Hồ Chí Minh"),
    ("Tất cả số rau, củ này được Công đoàn ngành Giáo dục tỉnh Đắk Nông chuyển đến",
     "Công đoàn ngành Giáo dục tỉnh Đắk Nông", "sector", "Đắk Nông", "Công đoàn ngành Giáo dục tỉnh Đắk Nông"),
    ("Công đoàn ngành Giáo dục Hà Nội đã tiếp tục chỉ đạo", "Công đoàn ngành Giáo dục Hà Nội", "sector", "Hà Nội",
     "Công đoàn ngành Giáo dục thành phố Hà Nội"),
    ("CĐ ngành y tế TP còn phát động phong trào", "CĐ ngành y tế TP", "sector", None,
     "Công đoàn ngành Y tế thành phố"),
    ("Dịp này, CĐ ngành đã kết nạp 392 đoàn viên mới", "CĐ ngành", "sector", None, "Công đoàn ngành"),
    ("Công đoàn các Khu kinh tế tỉnh Hà Tĩnh: Sau 7 tháng", "Công đoàn các Khu kinh tế tỉnh Hà Tĩnh", "sector",
     "Hà Tĩnh", "Công đoàn các Khu kinh tế tỉnh Hà Tĩnh"),
    ("Công đoàn các Khu Công nghiệp tỉnh: 2 gia đình đoàn viên", "Công đoàn các Khu Công nghiệp tỉnh", "sector",
     None, "Công đoàn các Khu công nghiệp tỉnh"),
    ("Ban Thường vụ Công đoàn khu kinh tế tỉnh tổ chức vận động", "Công đoàn khu kinh tế tỉnh", "sector", None,
     "Công đoàn Khu kinh tế tỉnh"),
    ("như Công đoàn các KCX-KCN TP, LĐLĐ quận", "Công đoàn các KCX-KCN TP", "sector", None,
     "Công đoàn các Khu chế xuất và công nghiệp thành phố"),
    ("Công đoàn Công ty CP Chế tạo máy đã tổ chức Lễ kết nạp", "Công đoàn Công ty CP Chế tạo máy", "grassroots", None,
     "Công đoàn Công ty CP Chế tạo máy"),
    ("Sáng ngày 13/8/2021, CĐCS Cơ quan Liên đoàn Lao động tỉnh đã trao", "CĐCS Cơ quan Liên đoàn Lao động tỉnh",
     "grassroots", None, "Công đoàn cơ sở Cơ quan LĐLĐ tỉnh"),
    ("CĐCS Cơ quan Liên đoàn Lao động ỉnh Bình Định hỗ trợ nhân dân", "CĐCS Cơ quan Liên đoàn Lao động ỉnh Bình Định",
     "grassroots", "Bình Định", "Công đoàn cơ sở Cơ quan LĐLĐ ỉnh Bình Định"),
    ("Công đoàn cơ sở Sở Lao động - Thương binh và Xã hội phối hợp các công đoàn bộ phận",
     "Công đoàn cơ sở Sở Lao động - Thương binh và Xã hội", "grassroots", None,
     "Công đoàn cơ sở Sở Lao động - Thương binh và Xã hội"),
    ("cho đoàn viên Nguyễn Thị Hòa, Công đoàn Công ty TNHH Amo Vina.", "Công đoàn Công ty TNHH Amo Vina",
     "grassroots", None, "Công đoàn Công ty TNHH Amo Vina"),
    ("Chiều 20-9, Công đoàn Văn phòng Chủ tịch nước đã tổ chức", "Công đoàn Văn phòng Chủ tịch nước", "grassroots",
     None, "Công đoàn Văn phòng Chủ tịch nước"),
    ("do Tổng LĐLĐ Việt Nam phát động", "Tổng LĐLĐ Việt Nam", "national", None, "Tổng LĐLĐ Việt Nam"),
    ("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "national", None, "Tổng LĐLĐ Việt Nam"),
    ("do Tổng Liên đoàn lao động (LĐLĐ) Việt Nam phát động", "Tổng Liên đoàn lao động (LĐLĐ) Việt Nam", "national",
     None, "Tổng LĐLĐ Việt Nam"),
    ("theo chỉ đạo của TLĐ.", "TLĐ", "national", None, "Tổng LĐLĐ Việt Nam"),
    ("Đại hội XI Công đoàn Việt Nam đã tiếp tục", "Công đoàn Việt Nam", "national", None, "Công đoàn Việt Nam"),
    ("Công đoàn giáo dục Việt Nam trao tặng các phần quà", "Công đoàn giáo dục Việt Nam", "sector", None,
     "Công đoàn Giáo dục Việt Nam"),
    ("Công đoàn Công nghiệp Hóa chất Việt Nam: Đẩy mạnh", "Công đoàn Công nghiệp Hóa chất Việt Nam", "sector", None,
     "Công đoàn Công nghiệp Hóa chất Việt Nam"),
    ("CĐ Công nghiệp Hóa chất VN: Bàn giao công đoàn cơ sở", "CĐ Công nghiệp Hóa chất VN", "sector", None,
     "Công đoàn Công nghiệp Hóa chất Việt Nam"),
    ("Công đoàn Hàng hải Việt Nam: 1.000.000 đồng;", "Công đoàn Hàng hải Việt Nam", "sector", None,
     "Công đoàn Hàng hải Việt Nam"),
    ("các cấp Công đoàn tỉnh Hưng Yên đã tổ chức các đoàn", "Công đoàn tỉnh Hưng Yên", "province", "Hưng Yên",
     "LĐLĐ tỉnh Hưng Yên"),
    ("xây dựng tổ chức Công đoàn Thủ đô vững mạnh", "Công đoàn Thủ đô", "province", "Hà Nội", "LĐLĐ thành phố Hà Nội"),
    ("Ban Thường vụ Liên đoàn Lao động (LĐLĐ) tỉnh tham mưu", "Liên đoàn Lao động (LĐLĐ) tỉnh", "province", None,
     "LĐLĐ tỉnh"),
    ("Ngân hàng: Công đoàn Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam tổ chức",
     "Công đoàn Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "grassroots", None,
     "Công đoàn Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
]


@pytest.mark.parametrize(("sentence", "text", "level", "province", "canonical"), FOUND)
def test_find_and_canonicalise(sentence: str, text: str, level: str, province: str | None, canonical: str) -> None:
    found = {m.text: m for m in find_orgs(sentence)}
    assert text in found, [m.text for m in find_orgs(sentence)]
    m = found[text]
    assert sentence[m.start : m.end] == text
    assert (m.level, m.province) == (level, province)
    assert m.level in LEVELS
    assert canonical_org(m) == canonical


def test_a_district_with_its_city_after_a_comma() -> None:
    (m,) = find_orgs("LĐLĐ quận Ngũ Hành Sơn, TP Đà Nẵng vừa hỗ trợ")
    assert (m.text, m.level, m.province) == ("LĐLĐ quận Ngũ Hành Sơn, TP Đà Nẵng", "district", "Đà Nẵng")
    assert canonical_org(m) == "LĐLĐ quận Ngũ Hành Sơn"


def test_a_list_of_named_grassroots_unions() -> None:
    s = ("Trong quý, thành lập mới 4 CĐCS, gồm: CĐCS Cty Bảo Việt Nhân thọ Bắc Kạn, CĐCS Cty TNHH MTV quản lý, "
         "khai thác công trình thủy lợi, CĐCS trường TH & THCS; kết nạp 13 đoàn viên")
    found = find_orgs(s)
    assert [m.text for m in found] == [
        "CĐCS Cty Bảo Việt Nhân thọ Bắc Kạn", "CĐCS Cty TNHH MTV quản lý", "CĐCS trường TH & THCS",
    ]
    assert [m.level for m in found] == ["grassroots"] * 3
    assert found[0].province == "Bắc Kạn"
    assert canonical_org(found[0]) == "Công đoàn cơ sở Công ty Bảo Việt Nhân thọ Bắc Kạn"


@pytest.mark.parametrize(
    ("written", "site", "expected"),
    [
        ("LĐLĐ tỉnh", "Cao Bằng", "LĐLĐ tỉnh Cao Bằng"),
        ("Liên đoàn Lao động tỉnh", "Phú Thọ", "LĐLĐ tỉnh Phú Thọ"),
        ("LĐLĐ Thành phố", "Hà Nội", "LĐLĐ thành phố Hà Nội"),
        ("LĐLĐ TP", "TP HCM", "LĐLĐ thành phố Hồ Chí Minh"),
        # On a provincial site a bare "thành phố" is the provincial capital's federation, name unknown.
        ("LĐLĐ thành phố", "Cao Bằng", "LĐLĐ thành phố"),
        ("Công đoàn Viên chức tỉnh", "Bến Tre", "Công đoàn Viên chức tỉnh Bến Tre"),
        ("CĐ ngành y tế TP", "TP Hồ Chí Minh", "Công đoàn ngành Y tế thành phố Hồ Chí Minh"),
        ("Công đoàn các Khu Công nghiệp tỉnh", "Tuyên Quang", "Công đoàn các Khu công nghiệp tỉnh Tuyên Quang"),
        ("CĐCS Cơ quan Liên đoàn Lao động tỉnh", "Bình Định", "Công đoàn cơ sở Cơ quan LĐLĐ tỉnh Bình Định"),
        # A name in the text wins over the site's province.
        ("LĐLĐ tỉnh Cao Bằng", "Bến Tre", "LĐLĐ tỉnh Cao Bằng"),
        ("LĐLĐ huyện Sông Lô", "Vĩnh Phúc", "LĐLĐ huyện Sông Lô"),
        ("Tổng Liên đoàn", "Cao Bằng", "Tổng LĐLĐ Việt Nam"),
    ],
)
def test_canonical_org_fills_the_site_province(written: str, site: str, expected: str) -> None:
    (m,) = find_orgs(written)
    assert canonical_org(m, site) == expected
    assert canonical_org(written, site) == expected


def test_site_rule_orgs_are_already_canonical() -> None:
    orgs = [load_toml(p).get("org") for p in sorted((ROOT / "rules" / "sites").glob("*.toml"))]
    orgs = [o for o in orgs if o]
    assert orgs
    for org in orgs:
        assert canonical_org(org) == org


NOT_ORGS = [
    "thành lập 20 công đoàn cơ sở, phát triển mới gần 2.600 đoàn viên",
    "kết nạp 19 lao động trở thành công đoàn viên",
    "Công đoàn các cấp triển khai, thực hiện có hiệu quả",
    "công đoàn cấp trên trực tiếp cơ sở",
    "các công đoàn bộ phận trực thuộc",
    "22 Công đoàn BP trực thuộc",
    "chuyển giao 110 đoàn viên về sinh hoạt",
    "Số: 04/KH-TLĐ",
    "trường CĐ Y tế Hà Nội",
    "Chủ tịch Công đoàn công ty - cho biết",
    "tổ chức công đoàn cơ sở ngoài Nhà nước",
    "Phó chủ tịch Liên đoàn lao động huyện Dương Chí Biên công bố",
    "các LĐLĐ huyện, thành phố",
    "Đoàn thanh niên Cộng sản Hồ Chí Minh xã Tân Tuyến",
]


@pytest.mark.parametrize("sentence", NOT_ORGS)
def test_not_a_union_body(sentence: str) -> None:
    assert find_orgs(sentence) == []


def test_nfd_and_tone_styles_give_the_same_mentions() -> None:
    s = "LĐLĐ tỉnh Hoà Bình và Công đoàn ngành Y tế tỉnh Khánh Hòa, CĐ Công nghiệp Hoá chất VN"
    results = []
    for v in (s, unicodedata.normalize("NFD", s), s.replace("Hoà Bình", "Hòa Bình").replace("Hoá", "Hóa")):
        ms = find_orgs(v)
        for m in ms:
            assert v[m.start : m.end] == m.text
        results.append([(m.level, m.province, canonical_org(m)) for m in ms])
    assert results[0] == results[1] == results[2]
    assert results[0] == [
        ("province", "Hòa Bình", "LĐLĐ tỉnh Hòa Bình"),
        ("sector", "Khánh Hòa", "Công đoàn ngành Y tế tỉnh Khánh Hòa"),
        ("sector", None, "Công đoàn Công nghiệp Hóa chất Việt Nam"),
    ]


def test_canonical_org_of_other_text_is_normalised_text() -> None:
    assert canonical_org(OrgMention("Quỹ Tấm lòng vàng", 0, 17, "grassroots", None)) == "Quỹ Tấm lòng vàng"


@pytest.mark.parametrize("written", [
    "Công đoàn các Khu công nghiệp – Khu kinh tế tỉnh",  # an en dash where the alias has a hyphen
    "Công đoàn các Khu công nghiệp  -  Khu kinh tế tỉnh",  # spaces around it as typed
    "Công đoàn các KCN–KKT tỉnh",
])
def test_a_zone_name_written_with_another_dash_is_found_not_a_crash(written: str) -> None:
    # A real page of the Kon Tum federation ("Công đoàn các Khu công nghiệp – Khu kinh tế tỉnh do Công đoàn
    # viên chức làm Cụm trưởng") stopped extraction with a KeyError: the pattern let any dash through, the
    # lookup of the zone did not.
    sentence = f"Khối thi đua Công đoàn ngành, Công đoàn viên chức và {written} do Công đoàn viên chức làm Cụm trưởng."
    zone = [m for m in find_orgs(sentence) if m.text.startswith("Công đoàn các")]
    assert [(m.text, m.level) for m in zone] == [(written, "sector")]
    assert canonical_org(written, "Kon Tum") == canonical_org("Công đoàn các Khu công nghiệp và Khu kinh tế tỉnh", "Kon Tum")
