import unicodedata

from pipeline.text.normalize import normalize_text, normalize_with_map


def test_nfd_and_nfc_give_the_same_text() -> None:
    s = "Liên đoàn Lao động tỉnh Cao Bằng kết nạp 856 đoàn viên"
    assert normalize_text(unicodedata.normalize("NFD", s)) == normalize_text(s) == s


def test_new_tone_placement_is_unified_to_old_style() -> None:
    assert normalize_text("hoà bình, khoẻ mạnh, thuỷ lợi") == "hòa bình, khỏe mạnh, thủy lợi"
    # Closed syllables and "qu" keep their marks where both styles agree.
    assert normalize_text("hoàng, toán, quý, thuyết") == "hoàng, toán, quý, thuyết"


def test_invisible_and_lookalike_characters() -> None:
    assert normalize_text("1.130\u00a0đoàn\u200b viên") == "1.130 đoàn viên"
    assert normalize_text("kết nạp Ðảng") == "kết nạp Đảng"


def test_offset_map_points_back_into_the_original() -> None:
    original = unicodedata.normalize("NFD", "Hoà Bình: kết nạp 509 đoàn viên\u200b mới")
    norm, omap = normalize_with_map(original)
    i = norm.index("509 đoàn viên")
    j = i + len("509 đoàn viên")
    back = original[omap.to_original(i) : omap.to_original_end(j)]
    assert unicodedata.normalize("NFC", back) == "509 đoàn viên"
