"""The five founding articles, as text dumps and as HTML pages in their sites' templates, through
clean → extract: the numbers a careful reader takes from them, and none of the look-alikes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import clean_html, clean_text
from pipeline.extract.extractor import extract_article

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = {
    "000": "000_c6bb8d0759ad483e",
    "001": "001_2afa2df6ee89cf42",
    "002": "002_60ffbf86a2e7e850",
    "003": "003_c678e3147d5da328",
    "004": "004_860cc40584db46df",
}


def _article(seed: str, form: str):
    name = SEEDS[seed]
    if form == "text":
        return clean_text((CORPUS / "seeds" / f"{name}.txt").read_text(encoding="utf-8"))
    return clean_html((CORPUS / "html" / f"{name}.html").read_bytes())


def _values(claims, indicator: str, *, targets: bool | None = False) -> set[float]:
    return {
        c.value for c in claims
        if c.indicator == indicator and (targets is None or c.is_target == targets) and c.value is not None
    }


FORMS = ["text", "html"]


@pytest.fixture(scope="module", params=FORMS)
def form(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def claims_of(form):
    cache = {}

    def get(seed: str):
        if seed not in cache:
            art = _article(seed, form)
            cache[seed] = (art, extract_article(art))
        return cache[seed]

    return get


def test_seed_000_caobang_resolution(claims_of) -> None:
    art, claims = claims_of("000")
    assert _values(claims, "unions_founded") == {12}
    assert _values(claims, "members_recruited") == {856}
    recruited = next(c for c in claims if c.indicator == "members_recruited")
    assert recruited.period_start == "2021-01-01" and recruited.period_end == "2022-06-30"
    assert "2021" in (recruited.period_text or "") and "2022" in (recruited.period_text or "")
    assert art.text[recruited.start : recruited.end].count("856") == 1
    assert 641 not in _values(claims, "members_recruited", targets=None)  # party admissions
    raised = _values(claims, "funds_raised", targets=None) | _values(claims, "funds_disbursed", targets=None)
    assert 510e9 not in raised  # loan demand
    assert 485e6 not in raised  # severance paid by employers


def test_seed_001_hanoi_rates_and_teasers(claims_of) -> None:
    art, claims = claims_of("001")
    money = {c.value for c in claims if c.unit == "VND"}
    assert not money & {8_500_000, 6_000_000, 5_000_000, 1_000_000}  # support rates, not amounts raised
    assert not _values(claims, "funds_raised", targets=None)
    # Nothing from the related-article teasers at the end of the page.
    assert "160 ngàn" not in art.text and "186 suất quà" not in art.text
    for c in claims:
        assert "Trung thu" not in c.quote


def test_seed_002_civil_servants_union_totals(claims_of) -> None:
    _, claims = claims_of("002")
    assert 61 in _values(claims, "unions_total")
    assert 2719 in _values(claims, "members_total")
    raised = [c for c in claims if c.indicator == "funds_raised" and not c.is_target]
    assert any(c.value >= 10e9 for c in raised)
    for indicator in ("members_recruited", "unions_founded"):
        assert not _values(claims, indicator, targets=None) & {977, 6}


def test_seed_003_song_lo(claims_of) -> None:
    _, claims = claims_of("003")
    assert _values(claims, "unions_founded") == {1}
    assert _values(claims, "members_recruited") == {509}
    assert 1.6e9 in _values(claims, "funds_raised")
    assert 304 not in _values(claims, "members_recruited", targets=None)  # party admissions


def test_seed_004_ben_tre_spam(claims_of) -> None:
    art, claims = claims_of("004")
    assert "spam_injected" in art.flags
    assert "escort" not in art.text
    core = {"members_recruited", "unions_founded", "funds_raised"}
    assert not [c for c in claims if c.indicator in core]


def test_text_and_html_forms_agree() -> None:
    for seed in SEEDS:
        keys = []
        for form in FORMS:
            art = _article(seed, form)
            keys.append({(c.indicator, c.value, c.is_target) for c in extract_article(art)})
        assert keys[0] == keys[1], f"seed {seed}: text and HTML give different claims: {keys[0] ^ keys[1]}"
