"""Trade-union bodies named in a text, their level and province, and one canonical spelling.

Vocabulary (anchors, abbreviations, sectors, zone unions, grassroots head words) is data in
rules/orgs.toml. Levels:
- national: Tổng LĐLĐ Việt Nam (TLĐ), Công đoàn Việt Nam;
- sector: national sector unions (Công đoàn Giáo dục Việt Nam), provincial sector unions (Công đoàn
  ngành Y tế, Công đoàn Viên chức tỉnh) and zone unions (Công đoàn các Khu công nghiệp tỉnh);
- province: LĐLĐ tỉnh / thành phố (a bare "LĐLĐ thành phố" counts as province level: the site's city);
  "Công đoàn tỉnh X" and "Công đoàn Thủ đô" (the provincial union system) too;
- district: LĐLĐ huyện / quận / thị xã / thành phố thuộc tỉnh, and công đoàn xã / phường (2025);
- grassroots: công đoàn cơ sở of a named body (company, school, hospital, agency), nghiệp đoàn.

`canonical_org` spells a mention one way: "LĐLĐ tỉnh Cao Bằng", "LĐLĐ thành phố Hà Nội" (as in the
site rules), "LĐLĐ huyện Sông Lô", "Tổng LĐLĐ Việt Nam", "Công đoàn ngành Giáo dục tỉnh Đắk Nông",
"Công đoàn Viên chức tỉnh Cao Bằng", "Công đoàn Công ty CP Chế tạo máy". A "tỉnh"/"TP" without a
name is filled from the site's province when one is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..rules import RulesError, load_toml, rules_file
from . import geo
from .normalize import normalize_text, normalized_view

NATIONAL = "national"
SECTOR = "sector"
PROVINCE = "province"
DISTRICT = "district"
GRASSROOTS = "grassroots"
LEVELS = (NATIONAL, SECTOR, PROVINCE, DISTRICT, GRASSROOTS)


@dataclass(frozen=True)
class OrgMention:
    """A union body as written (offsets into the input), its level, and the province it names if any."""

    text: str
    start: int
    end: int
    level: str
    province: str | None


# --------------------------------------------------------------------------- rules


def _alt(words: list[str]) -> str:
    """Regex alternation of phrases, longest first; spaces match runs of spaces, dashes any dash."""
    parts = []
    for w in sorted({normalize_text(w) for w in words}, key=len, reverse=True):
        rx = re.escape(w).replace(r"\ ", r"\s+")
        rx = re.sub(r"\\s\+\\-\\s\+|\\-", r"\\s*[-–]\\s*", rx)
        parts.append(rx)
    return "|".join(parts)


_SPACE_RUN = re.compile(r"\s+")
_DASH_SPACED = re.compile(r"\s*[-–]\s*")


def _key(name: str) -> str:
    """The lookup key of a name as an _alt pattern matches it: lower case, whitespace runs and dashes (with the
    spaces around them) written one way, so "KCN – KKT" finds the alias "KCN-KKT"."""
    return _DASH_SPACED.sub("-", _SPACE_RUN.sub(" ", normalize_text(name).lower()))


@dataclass(frozen=True)
class _Sector:
    name: str
    national: str
    provincial: str


@dataclass(frozen=True)
class _Rules:
    anchor: re.Pattern[str]
    bracket: re.Pattern[str]
    country: re.Pattern[str]
    grassroots_word: re.Pattern[str]
    not_after_union: re.Pattern[str]
    generic_before: re.Pattern[str]
    college_before: re.Pattern[str]
    province_marker: re.Pattern[str]
    district_marker: re.Pattern[str]
    commune_marker: re.Pattern[str]
    sector: re.Pattern[str]
    sectors: dict[str, _Sector]  # lower-case alias -> sector
    zone: re.Pattern[str]
    zones: dict[str, str]  # lower-case alias -> canonical zone name
    head: re.Pattern[str]
    stop_words: frozenset[str]
    stop_phrase: re.Pattern[str]
    spelling: list[tuple[re.Pattern[str], str]]
    anchor_kind: dict[str, str]  # lower-case anchor -> kind


def _strings(data: dict[str, Any], section: str, key: str) -> list[str]:
    value = data.get(section, {}).get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"orgs.toml: [{section}] {key} must be a list of strings")
    return [normalize_text(v) for v in value]


@lru_cache(maxsize=4)
def _load(path: str) -> _Rules:
    data = load_toml(Path(path))
    anchors = {
        "national": _strings(data, "anchors", "national"),
        "federation": _strings(data, "anchors", "federation"),
        "cdvc": _strings(data, "anchors", "civil_servants_abbr"),
        "cdcs": _strings(data, "anchors", "grassroots_abbr"),
        "professional": _strings(data, "anchors", "professional"),
        "union": _strings(data, "anchors", "union"),
    }
    anchor_kind = {w.lower(): kind for kind, words in anchors.items() for w in words}
    all_anchors = [w for words in anchors.values() for w in words]
    sectors: dict[str, _Sector] = {}
    for entry in data.get("sector", []):
        name = normalize_text(entry["name"])
        s = _Sector(
            name=name,
            national=normalize_text(entry.get("national", f"Công đoàn {name} Việt Nam")),
            provincial=normalize_text(entry.get("provincial", f"Công đoàn ngành {name}")),
        )
        for alias in [name, *entry.get("aliases", [])]:
            sectors[_key(alias)] = s
    zones: dict[str, str] = {}
    for entry in data.get("zone", []):
        name = normalize_text(entry["name"])
        for alias in [name, *entry.get("aliases", [])]:
            zones[_key(alias)] = name
    spelling = [
        (re.compile(rf"(?<!\w)(?:{_alt([k])})(?!\w)", re.I), normalize_text(v))
        for k, v in sorted(data.get("canonical_spelling", {}).items(), key=lambda kv: -len(kv[0]))
    ]

    return _Rules(
        anchor=re.compile(rf"(?<![\w\-/])(?:{_alt(all_anchors)})(?!\w)", re.I),
        bracket=re.compile(rf"\s*\((?:{_alt(_strings(data, 'anchors', 'bracketed'))})\)", re.I),
        country=re.compile(rf"\s+(?:{_alt(_strings(data, 'anchors', 'country'))})(?!\w)", re.I),
        grassroots_word=re.compile(rf"\s+(?:{_alt(_strings(data, 'anchors', 'grassroots_words'))})(?!\w)", re.I),
        not_after_union=re.compile(
            rf"\s+(?:{_alt(_strings(data, 'anchors', 'not_after_union'))})(?!\w)(?!\s+chức)", re.I
        ),
        generic_before=re.compile(rf"(?<!\w)(?:{_alt(_strings(data, 'anchors', 'generic_before'))})\s+$", re.I),
        college_before=re.compile(rf"(?<!\w)(?:{_alt(_strings(data, 'anchors', 'college_before'))})\s+$"),
        province_marker=re.compile(
            rf"\s+(?P<mk>{_alt(_strings(data, 'places', 'province'))})(?:(?<=\.)|(?!\w))", re.I
        ),
        district_marker=re.compile(rf"\s+(?P<mk>{_alt(_strings(data, 'places', 'district'))})(?!\w)", re.I),
        commune_marker=re.compile(rf"\s+(?P<mk>{_alt(_strings(data, 'places', 'commune'))})(?!\w)", re.I),
        sector=re.compile(rf"\s+(?P<s>{_alt(list(sectors))})(?!\w)", re.I),
        sectors=sectors,
        zone=re.compile(rf"\s+(?P<cac>các\s+)?(?P<z>{_alt(list(zones))})(?!\w)", re.I),
        zones=zones,
        head=re.compile(rf"\s+(?P<h>{_alt(_strings(data, 'grassroots', 'heads'))})(?!\w)", re.I),
        stop_words=frozenset(_strings(data, "grassroots", "stop_words")),
        stop_phrase=re.compile(rf"(?:{_alt(_strings(data, 'grassroots', 'stop_phrases'))})(?!\w)"),
        spelling=spelling,
        anchor_kind=anchor_kind,
    )


def _rules() -> _Rules:
    return _load(rules_file("orgs.toml"))


# --------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    form: str  # national | vietnam | federation | union_place | sector | zone | grassroots
    level: str
    start: int
    end: int
    province: str | None = None
    marker: str | None = None  # place marker as written, lower case: tỉnh, thành phố, tp, huyện…
    place_name: str | None = None  # district / commune name
    sector: _Sector | None = None
    sector_national: bool = False
    zone: str | None = None
    zone_cac: bool = False
    anchor: str = ""
    name: str = ""  # grassroots: the body's name as written (head word included)


_TOKEN = re.compile(r"[ \t]+(?P<w>[\w][\w&.\-/]*\w|\w|&|[-–])")


def _name_end(t: str, pos: int, r: _Rules, max_tokens: int = 12) -> int:
    """End of a body's name that starts after `pos`: up to punctuation, a new line or a verb."""
    end, i, n = pos, pos, 0
    while n < max_tokens:
        m = _TOKEN.match(t, i)
        if not m:
            break
        w = m.group("w")
        if w in ("&", "-", "–", "và"):
            nxt = _TOKEN.match(t, m.end())
            if not nxt or not (nxt.group("w")[0].isupper() or nxt.group("w")[0].isdigit()):
                break
            i = m.end()
            continue
        if w[0].islower() and (w in r.stop_words or r.stop_phrase.match(t, m.start("w"))):
            break
        end, i, n = m.end(), m.end(), n + 1
    return end


def _capitalised_run(t: str, pos: int, max_tokens: int = 4) -> int:
    """End of a run of capitalised words or a number after `pos` (a district or commune name)."""
    end, i, n, words = pos, pos, 0, []
    while n < max_tokens:
        m = _TOKEN.match(t, i)
        if not m:
            break
        w = m.group("w")
        if w in ("&", "-", "–"):
            i = m.end()
            continue
        if not (w[0].isupper() or w.isdigit()):
            break
        words.append(w)
        end, i, n = m.end(), m.end(), n + 1
        if w.isdigit():
            break
    # "huyện Dương Chí Biên" after a title is a person: three or more capitalised words led by a surname.
    if len(words) >= 3 and words[0] in geo.person_name_words():
        return pos
    return end


def _place(t: str, pos: int, r: _Rules, p: _Parsed) -> bool:
    """Parse a place after `pos` into `p` (marker, province, district name). True if one was found."""
    if m := r.province_marker.match(t, pos):
        p.marker = m.group("mk").lower().rstrip(".")
        p.end = m.end()
        q = re.match(r"\s*", t[m.end() :])
        at = m.end() + (q.end() if q else 0)
        found = geo.province_at(t, at, after_marker=True)
        if found:
            p.province, p.end = found
        elif p.marker in ("thành phố", "tp", "t.p"):
            # "LĐLĐ thành phố Vinh": a city that is not a province is a district-level unit.
            end = _capitalised_run(t, m.end())
            if end > m.end():
                p.place_name, p.end = t[m.end() : end].strip(), end
        return True
    for rx in (r.district_marker, r.commune_marker):
        if m := rx.match(t, pos):
            end = _capitalised_run(t, m.end())
            if end == m.end():
                return False  # "các LĐLĐ huyện, thành phố": no name, a generic level
            p.marker, p.place_name, p.end = m.group("mk").lower(), t[m.end() : end].strip(), end
            _trailing_province(t, r, p)
            return True
    q = re.match(r"\s+", t[pos:])
    if q and (found := geo.province_at(t, pos + q.end(), after_marker=False)):
        p.province, p.end = found
        return True
    return False


def _trailing_province(t: str, r: _Rules, p: _Parsed) -> None:
    """ "LĐLĐ quận Ngũ Hành Sơn, TP Đà Nẵng": take the province after the comma into the mention."""
    m = re.match(r",\s*", t[p.end :])
    if not m:
        return
    at = p.end + m.end()
    if mk := r.province_marker.match(t, at - 1):
        q = re.match(r"\s*", t[mk.end() :])
        found = geo.province_at(t, mk.end() + (q.end() if q else 0), after_marker=True)
        if found:
            p.province, p.end = found


def _federation(t: str, pos: int, r: _Rules, p: _Parsed) -> _Parsed | None:
    """Liên đoàn Lao động + place: a province's federation, or a district's."""
    p.form = "federation"
    if not _place(t, pos, r, p):
        return None
    if p.marker in ("huyện", "huyện đảo", "quận", "thị xã", "thị trấn"):
        p.level = DISTRICT
    elif p.marker in ("thành phố", "tp", "t.p") and (
        p.place_name or (p.province and geo.province_type(p.province) != "city")
    ):
        p.level = DISTRICT  # a city inside a province ("thành phố Tuyên Quang")
    elif p.marker in ("phường", "xã", "đặc khu"):
        p.level = DISTRICT
    else:
        p.level = PROVINCE
    return p


def _union_tail(t: str, a: re.Match[str], pos: int, r: _Rules, p: _Parsed) -> _Parsed | None:
    """What follows "Công đoàn" / "CĐ": the country, a zone, a sector, a company, or a place."""
    if c := r.country.match(t, pos):
        p.form, p.level, p.end = "vietnam", NATIONAL, c.end()
        return p
    if z := r.zone.match(t, pos):
        p.form, p.level, p.end = "zone", SECTOR, z.end()
        p.zone, p.zone_cac = r.zones[_key(z.group("z"))], bool(z.group("cac"))
        _place(t, p.end, r, p)
        return p
    ngành = re.match(r"\s+ngành(?!\w)", t[pos:], re.I)
    at = pos + ngành.end() if ngành else pos
    if s := r.sector.match(t, at):
        sector = r.sectors.get(_key(s.group("s")))
        nxt = _TOKEN.match(t, s.end())
        is_place = bool(
            r.province_marker.match(t, s.end())
            or r.district_marker.match(t, s.end())
            or r.country.match(t, s.end())
            or (nxt and geo.province_at(t, nxt.start("w"), after_marker=False))
        )
        # "Công đoàn Ngân hàng Nông nghiệp…" is a company's union, not the banking sector's.
        if not ngành and nxt and nxt.group("w")[0].isupper() and not is_place and r.head.match(t, pos):
            return _grassroots(t, a, pos, r, p, with_head=True)
        p.sector = sector
        return _sector_tail(t, s.end(), r, p)
    if ngành:
        p.sector = None
        return _sector_tail(t, at, r, p)
    if r.head.match(t, pos):
        return _grassroots(t, a, pos, r, p, with_head=True)
    p.form = "union_place"
    if not _place(t, pos, r, p):
        return None
    if p.marker in ("huyện", "huyện đảo", "quận", "thị xã", "thị trấn", "phường", "xã", "đặc khu") or p.place_name:
        p.level = DISTRICT
    else:
        p.level = PROVINCE
    return p



def _parse_at(t: str, a: re.Match[str], r: _Rules) -> _Parsed | None:
    kind = r.anchor_kind.get(re.sub(r"\s+", " ", a.group()).lower(), "union")
    before = t[max(0, a.start() - 12) : a.start()]
    if r.generic_before.search(before):
        return None
    pos = a.end()
    if b := r.bracket.match(t, pos):
        pos = b.end()
    p = _Parsed(form="", level="", start=a.start(), end=pos, anchor=a.group())

    if kind == "national":
        p.form, p.level = "national", NATIONAL
        if c := r.country.match(t, pos):
            p.end = c.end()
        return p

    if kind == "federation":
        return _federation(t, pos, r, p)

    if kind == "professional":
        end = _name_end(t, pos, r)
        if not any(w[0].isupper() for w in t[pos:end].split()):
            return None
        p.form, p.level, p.end, p.name = "grassroots", GRASSROOTS, end, t[a.start() : end]
        p.province = _province_in(t[pos:end])
        return p

    if kind == "union" and a.group().upper() == "CĐ" and r.college_before.search(before):
        return None  # "trường CĐ Y tế": a college
    if kind == "union" and r.not_after_union.match(t, pos):
        return None

    if kind == "cdcs" or (kind == "union" and (g := r.grassroots_word.match(t, pos))):
        if kind == "union":
            pos = g.end()
            if b := r.bracket.match(t, pos):
                pos = b.end()
        return _grassroots(t, a, pos, r, p, with_head=False)

    if kind == "cdvc":
        p.sector = r.sectors.get("viên chức")
        return _sector_tail(t, pos, r, p)

    return _union_tail(t, a, pos, r, p)


def _sector_tail(t: str, pos: int, r: _Rules, p: _Parsed) -> _Parsed:
    p.form, p.level, p.end = "sector", SECTOR, pos
    if b := r.bracket.match(t, pos):  # "Công đoàn Viên chức (CĐVC) tỉnh Cao Bằng"
        pos = p.end = b.end()
    if c := r.country.match(t, pos):
        p.sector_national, p.end = True, c.end()
        return p
    _place(t, pos, r, p)
    return p


def _province_in(name: str) -> str | None:
    found = geo.find_provinces(name)
    return found[0].name if found else None


def _grassroots(t: str, a: re.Match[str], pos: int, r: _Rules, p: _Parsed, with_head: bool) -> _Parsed | None:
    head = r.head.match(t, pos)
    if with_head and not head:
        return None
    name_start = head.end() if head else pos
    end = _name_end(t, name_start, r)
    after_head = t[name_start:end]
    capital_head = bool(head and head.group("h")[0].isupper())
    words = after_head.split()
    has_name = any(w[0].isupper() or w[0].isdigit() for w in words)
    if not head and words and not (words[0][0].isupper() or words[0][0].isdigit()):
        return None  # "công đoàn cơ sở ngoài Nhà nước": a kind of union, not a name
    if not has_name and not (capital_head and after_head.strip()):
        return None  # "công đoàn cơ sở ngoài nhà nước", "Công đoàn công ty": not a named body
    p.form, p.level, p.end = "grassroots", GRASSROOTS, end
    p.name = t[pos:end].strip()
    p.province = _province_in(after_head)
    return p


# --------------------------------------------------------------------------- public API


def _parse_all(t: str) -> list[_Parsed]:
    r = _rules()
    out: list[_Parsed] = []
    covered = 0
    for a in r.anchor.finditer(t):
        if a.start() < covered:
            continue
        p = _parse_at(t, a, r)
        if p is None:
            continue
        # Trim trailing spaces and a sentence-final dot the name walker kept.
        while p.end > p.start and t[p.end - 1] in " \t.":
            p.end -= 1
        out.append(p)
        covered = p.end
    return out


def find_orgs(text: str) -> list[OrgMention]:
    """Union bodies named in `text`, left to right, with level and the province they name."""
    norm, to_orig = normalized_view(text)
    out = []
    for p in _parse_all(norm):
        start, end = to_orig(p.start), to_orig(p.end)
        out.append(OrgMention(text=text[start:end], start=start, end=end, level=p.level, province=p.province))
    return out


def _province_phrase(province: str) -> str:
    """ "tỉnh Cao Bằng" or "thành phố Hà Nội" for a canonical province name."""
    bare = re.sub(r"^TP\s+", "", province)
    return f"thành phố {bare}" if geo.province_type(province) == "city" else f"tỉnh {bare}"


def _respell(name: str) -> str:
    for rx, canon in _rules().spelling:
        name = rx.sub(canon, name)
    return re.sub(r"\s+", " ", name).strip()


def canonical_org(mention: OrgMention | str, site_province: str | None = None) -> str:
    """One spelling per body: abbreviations expanded or contracted as in the site rules, and a bare
    "tỉnh"/"TP" filled from `site_province`. Text that is not a union body is returned normalised."""
    text = normalize_text(mention.text if isinstance(mention, OrgMention) else mention).strip()
    site = geo.canonical_province(site_province) if site_province else None
    parsed = _parse_all(text)
    p = parsed[0] if parsed else None
    if p is None or p.start != 0:
        return _respell(text)

    def place() -> str:
        """The place of a provincial body, filled from the site when the text has only a marker."""
        if p.province:
            return _province_phrase(p.province)
        if p.place_name:
            return f"{p.marker} {p.place_name}"
        if p.marker is None:
            return ""
        if p.marker == "tỉnh":
            return _province_phrase(site) if site else "tỉnh"
        if p.marker in ("thành phố", "tp", "t.p"):
            # A bare "thành phố" is the site's city; on a provincial site it is a district-level city.
            return _province_phrase(site) if site and geo.province_type(site) == "city" else "thành phố"
        return p.marker

    def join(*parts: str) -> str:
        return " ".join(x for x in parts if x)

    if p.form == "national":
        return "Tổng LĐLĐ Việt Nam"
    if p.form == "vietnam":
        return "Công đoàn Việt Nam"
    if p.form in ("federation", "union_place"):
        if p.level == DISTRICT and p.province and not p.place_name and p.marker in ("thành phố", "tp", "t.p"):
            return "LĐLĐ thành phố " + p.province
        if p.level == DISTRICT and p.place_name:
            marker = "thành phố" if p.marker in ("tp", "t.p") else p.marker
            base = "LĐLĐ" if p.form == "federation" else "Công đoàn"
            return join(base, marker or "", p.place_name)
        return join("LĐLĐ", place())
    if p.form == "sector":
        if p.sector and p.sector_national:
            return p.sector.national
        stem = p.sector.provincial if p.sector else "Công đoàn ngành"
        return join(stem, place())
    if p.form == "zone":
        return join("Công đoàn", "các" if p.zone_cac else "", p.zone or "", place())
    # grassroots
    name = _respell(p.name)
    if re.search(r"(?<!\w)(?:tỉnh|thành phố|TP)$", name) and site:
        name = re.sub(r"(?<!\w)(?:tỉnh|thành phố|TP)$", _province_phrase(site), name)
    anchor = normalize_text(p.anchor).lower()
    if anchor in ("cđcs",) or re.match(r"(?:công đoàn|cđ)\s+cơ sở", text, re.I):
        return f"Công đoàn cơ sở {name}" if not name.lower().startswith("cơ sở") else f"Công đoàn {name}"
    if anchor == "nghiệp đoàn":
        return name
    return f"Công đoàn {name}"
