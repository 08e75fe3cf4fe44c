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


def test_whole_text_replacement_equals_the_unit_by_unit_rebuild() -> None:
    # The shortcut for texts that need only one-for-one replacements must give what the unit-by-unit path gives.
    from pipeline.text.normalize import _UNIT, _normalize_unit

    texts = [
        "Ngày\u00a015/3, LĐLĐ tỉnh kết nạp\u00a0856\u00a0đoàn viên",  # no-break spaces only: the shortcut
        "Ðoàn viên\u202fcông đoàn cơ sở\u3000Hòa Bình",  # look-alike Đ, narrow and ideographic spaces
        "hoà\u00a0bình",  # a new-style tone as well: the full path
        "đoàn\u200b viên\u00a0mới",  # a zero-width space as well: the full path
        unicodedata.normalize("NFD", "Thủy\u00a0lợi"),  # NFD as well: the full path
    ]
    for text in texts:
        assert normalize_text(text) == "".join(_normalize_unit(u) for u in _UNIT.findall(text)), text


def test_text_judged_clean_needs_no_work() -> None:
    # The fast path returns a text as it is when it looks clean: that must be what the unit-by-unit rebuild
    # gives, around every tone placement, "qu" and syllable end, and for text that needs work it must not.
    import random

    from pipeline.text.normalize import _UNIT, _is_clean, _normalize_unit

    alphabet = list("oOuUqQyYaAn ,.1_àáảãạÀÈèéẽẹỳýỷỹỵỲÝ\u00a0\u200bÐ") + [unicodedata.normalize("NFD", "ò")]
    rng = random.Random(7)
    judged_clean = 0
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        rebuilt = "".join(_normalize_unit(u) for u in _UNIT.findall(text))
        if _is_clean(text):
            judged_clean += 1
            assert rebuilt == text, text
    assert judged_clean > 1_000  # the property was checked on many clean texts, not vacuously
    assert _is_clean("Công đoàn cơ sở Hòa Bình kết nạp 856 đoàn viên; quý I")
    assert not _is_clean("hoà bình") and not _is_clean("thuỷ lợi") and not _is_clean("856\u00a0đoàn viên")
