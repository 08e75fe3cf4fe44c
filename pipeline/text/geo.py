"""Provinces: canonical names, mentions in text, and the 2025 merger (data in rules/provinces.toml).

Names are the 63 provincial-level units that existed before 1 July 2025, spelled as in the dev set
("Hà Nội", "TP Hồ Chí Minh", "Thừa Thiên Huế"). Resolution 202/2025/QH15 merged them into 34 units
from 1 July 2025; `province_after_2025` and `provinces_before_2025` map between the two lists.

Time series across the merger: claims keep `province` as the pre-2025 unit, and a second column
holds the post-2025 unit (`province_after_2025(province)`). A panel is keyed by the pre-2025 province
and aggregates to the 34 new units by grouping on the second column. An article published on or
after 2025-07-01 that names a merged unit by its kept name ("tỉnh Phú Thọ" in December 2025 is
Phú Thọ + Vĩnh Phúc + Hòa Bình) can't be split back: `panel_columns` then leaves the pre-2025 column
empty and fills only the post-2025 one, so the series continues on the 34-unit level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..rules import RulesError, load_toml, rules_file
from .normalize import normalize_text, normalized_view

MERGER_DATE = "2025-07-01"  # new provincial governments took office (Resolution 202/2025/QH15)

_DASH = re.compile(r"\s*[-–—]\s*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ProvinceMention:
    """A province named as a place in a text: canonical pre-2025 name, offsets and the text as written."""

    name: str
    start: int
    end: int
    surface: str


def _key(name: str) -> str:
    """Lookup key: normalised, lower case, one form of dash and space, no dots after TP."""
    k = normalize_text(name).strip().lower()
    k = _DASH.sub("-", k)
    return _SPACE.sub(" ", k)


def _surface_regex(surface: str) -> str:
    """Regex for one name: any run of spaces for a space, any dash with or without spaces for a dash."""
    parts = []
    for ch in normalize_text(surface):
        if ch.isspace():
            parts.append(r"\s+")
        elif ch in "-–—":
            parts.append(r"\s*[-–—]\s*")
        else:
            parts.append(re.escape(ch))
    return "".join(parts).replace(r"\s+\s*[-–—]\s*\s+", r"\s*[-–—]\s*")


def _words_regex(words: list[str]) -> str:
    return "|".join(_surface_regex(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Gazetteer:
    provinces: tuple[str, ...]
    province_type: dict[str, str]
    units: tuple[str, ...]
    unit_type: dict[str, str]
    after: dict[str, str]
    before: dict[str, tuple[str, ...]]
    written: dict[str, str]  # key of a surface -> the surface as written in the rules (for its capitals)
    lookup: dict[str, str]  # key of any name, alias or "tỉnh X" form -> canonical pre-2025 name
    unit_lookup: dict[str, str]  # key of a post-2025 unit name -> that name
    needs_context: frozenset[str]  # keys of surfaces that count only after a marker
    surfaces: re.Pattern[str]
    marker_before: re.Pattern[str]
    sub_place_before: re.Pattern[str]
    person_words: frozenset[str]


def _as_list(entry: dict[str, Any], field: str, path: str) -> list[str]:
    value = entry.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{path}: `{field}` of {entry.get('name')!r} must be a list of strings")
    return value


def _starts_with_marker(key: str, marker_keys: tuple[str, ...]) -> bool:
    return any(key.startswith(m + " ") or (m.endswith(".") and key.startswith(m)) for m in marker_keys)


def _load_units(data: dict, province_type: dict[str, str],
                path: str) -> tuple[list[str], dict[str, str], dict[str, str], dict[str, tuple[str, ...]]]:
    """The post-2025 units: their names and types, and which pre-2025 provinces each merges."""
    units: list[str] = []
    unit_type: dict[str, str] = {}
    after: dict[str, str] = {}
    before: dict[str, tuple[str, ...]] = {}
    for entry in data.get("unit_2025", []):
        unit = normalize_text(entry["name"])
        units.append(unit)
        unit_type[unit] = entry.get("type", "province")
        members = tuple(normalize_text(m) for m in _as_list(entry, "members", path))
        for m in members:
            if m not in province_type:
                raise RulesError(f"{path}: unit {unit!r} lists unknown pre-2025 province {m!r}")
            if m in after:
                raise RulesError(f"{path}: {m!r} is merged into both {after[m]!r} and {unit!r}")
            after[m] = unit
        before[unit] = members
    return units, unit_type, after, before


@lru_cache(maxsize=4)
def _load(path: str) -> _Gazetteer:
    data = load_toml(Path(path))
    guards = data.get("guards", {})
    markers = [normalize_text(m) for m in guards.get("markers", [])]
    marker_keys = tuple(_key(m) for m in markers)

    provinces: list[str] = []
    province_type: dict[str, str] = {}
    lookup: dict[str, str] = {}
    needs_context: set[str] = set()
    standalone: list[str] = []
    contextual: list[str] = []
    for entry in data.get("province", []):
        name = normalize_text(entry["name"])
        if name in province_type:
            raise RulesError(f"{path}: province {name!r} listed twice")
        provinces.append(name)
        province_type[name] = entry.get("type", "province")
        names = [name, *(normalize_text(a) for a in _as_list(entry, "aliases", path))]
        context = [normalize_text(a) for a in _as_list(entry, "context_aliases", path)]
        for n in names + context:
            k = _key(n)
            if lookup.get(k, name) != name:
                raise RulesError(f"{path}: {n!r} names both {lookup[k]!r} and {name!r}")
            lookup[k] = name
        for n in names:
            # "TP Hồ Chí Minh" is a marker plus a context alias; the marker rule finds it.
            if _starts_with_marker(_key(n), marker_keys):
                continue
            (contextual if (n == name and entry.get("needs_context")) else standalone).append(n)
        contextual.extend(context)
    for n in contextual:
        needs_context.add(_key(n))

    units, unit_type, after, before = _load_units(data, province_type, path)
    missing = [p for p in provinces if p not in after]
    if missing:
        raise RulesError(f"{path}: no post-2025 unit for {missing}")
    unit_lookup = {_key(u): u for u in units}
    for u in units:
        lookup.setdefault(_key(u), before[u][0])

    written = {_key(n): n for n in standalone + contextual}
    surfaces_all = sorted(set(standalone) | set(contextual), key=len, reverse=True)
    surfaces = re.compile(r"(?<!\w)(?:" + "|".join(_surface_regex(s) for s in surfaces_all) + r")(?!\w)", re.I)
    marker_before = re.compile(r"(?:^|(?<=[^\w.]))(?:" + _words_regex(markers) + r")\s*$", re.I)
    sub_place_before = re.compile(
        r"(?:^|(?<=\W))(?:" + _words_regex([normalize_text(w) for w in guards.get("sub_place_words", [])]) + r")\s+$",
        re.I,
    )
    return _Gazetteer(
        provinces=tuple(provinces),
        province_type=province_type,
        units=tuple(units),
        unit_type=unit_type,
        after=after,
        before=before,
        written=written,
        lookup=lookup,
        unit_lookup=unit_lookup,
        needs_context=frozenset(needs_context),
        surfaces=surfaces,
        marker_before=marker_before,
        sub_place_before=sub_place_before,
        person_words=frozenset(normalize_text(w) for w in guards.get("person_name_words", [])),
    )


def _gaz() -> _Gazetteer:
    return _load(rules_file("provinces.toml"))


def provinces_2024() -> list[str]:
    """The 63 provincial-level units before 1 July 2025 (canonical names)."""
    return list(_gaz().provinces)


def provinces_2025() -> list[str]:
    """The 34 provincial-level units from 1 July 2025."""
    return list(_gaz().units)


def province_type(name: str) -> str | None:
    """"city" (centrally-run city) or "province" for a pre-2025 unit, None if unknown."""
    canon = canonical_province(name)
    return _gaz().province_type.get(canon) if canon else None


_LEADING_MARKER = re.compile(r"^(?:tỉnh|thành phố|tp\.?|t\.p\.?)\s*", re.I)


def canonical_province(name: str) -> str | None:
    """The canonical pre-2025 name for a name, alias or "tỉnh X"/"TP X" form; None if not a province."""
    if not name or not name.strip():
        return None
    g = _gaz()
    k = _key(name)
    if k in g.lookup:
        return g.lookup[k]
    stripped = _LEADING_MARKER.sub("", k)
    if stripped != k and stripped in g.lookup:
        return g.lookup[stripped]
    return None


def province_after_2025(name: str) -> str:
    """The post-2025 unit that a pre-2025 province (any accepted spelling) became part of."""
    canon = canonical_province(name)
    if canon is None:
        raise ValueError(f"not a province: {name!r}")
    return _gaz().after[canon]


def provinces_before_2025(new_name: str) -> list[str]:
    """The pre-2025 provinces merged into a post-2025 unit (the unit whose name was kept first)."""
    g = _gaz()
    k = _key(new_name)
    unit = g.unit_lookup.get(k)
    if unit is None:
        canon = canonical_province(new_name)
        # A spelling of a kept name ("TP HCM", "Thanh Hoá") names the unit too.
        if canon is not None and g.after[canon] in g.unit_lookup.values() and g.before[g.after[canon]][0] == canon:
            unit = g.after[canon]
    if unit is None:
        raise ValueError(f"not a post-2025 provincial unit: {new_name!r}")
    return list(g.before[unit])


def panel_columns(name: str, published: str | None) -> tuple[str | None, str]:
    """(pre-2025 province, post-2025 unit) for a province named in an article published on `published`.

    Before the merger (or with no date) the name is a pre-2025 province. From 2025-07-01 a kept name
    ("Phú Thọ") means the merged unit, which has no single pre-2025 province unless nothing was merged
    into it; a merged-away name ("Vĩnh Phúc") still means the old province.
    """
    canon = canonical_province(name)
    if canon is None:
        raise ValueError(f"not a province: {name!r}")
    g = _gaz()
    unit = g.after[canon]
    if published and published[:10] >= MERGER_DATE and g.before[unit][0] == canon:
        members = g.before[unit]
        return (members[0] if len(members) == 1 else None), unit
    return canon, unit


# --------------------------------------------------------------------------- finding mentions


def _capitalised(surface: str, written: str) -> bool:
    """The text capitalises every word that the rules' spelling capitalises ("Thủ đô", "Hà Nội")."""
    words = [w for w in re.split(r"[\s\-–—.]+", surface) if w]
    model = [w for w in re.split(r"[\s\-–—.]+", written) if w]
    if len(words) != len(model):
        return all(w[0].isupper() or w[0].isdigit() for w in words)
    return all(w[0].isupper() or w[0].isdigit() or not m[0].isupper() for w, m in zip(words, model, strict=True))


def _followed_by_name(norm: str, end: int) -> bool:
    """True when a capitalised word follows after one space: the match is part of a longer proper name."""
    return bool(re.match(r" (?=\w)", norm[end : end + 2])) and norm[end + 1].isupper()


def find_provinces(text: str) -> list[ProvinceMention]:
    """Provinces named as places: after tỉnh / thành phố / TP, or a capitalised standalone name.

    A standalone name is skipped when it follows a lower-level place word (phường, xã, huyện…) or a
    facility (sông, công ty…), when it is part of a longer proper name or a person's name, and for
    names that need a marker ("Hòa Bình", "Hồ Chí Minh").
    """
    g = _gaz()
    norm, to_orig = normalized_view(text)
    out: list[ProvinceMention] = []
    for m in g.surfaces.finditer(norm):
        s, e = m.start(), m.end()
        k = _key(m.group())
        canon = g.lookup.get(k)
        if canon is None:
            continue
        # Search the whole text up to the name (bounded window) so lookbehinds see the real left edge.
        lo = max(0, s - 24)
        left = norm[lo:s]
        mk = g.marker_before.search(norm, lo, s)
        if mk:
            s = mk.start()
        else:
            if k in g.needs_context or g.sub_place_before.search(norm, lo, s):
                continue
            if not _capitalised(m.group(), g.written.get(k, m.group())) or _followed_by_name(norm, e):
                continue
            prev = re.search(r"(\w+)\s+$", left)
            if prev and prev.group(1) in g.person_words:
                continue
        start, end = to_orig(s), to_orig(e)
        out.append(ProvinceMention(name=canon, start=start, end=end, surface=text[start:end]))
    return out


def province_at(norm: str, pos: int, *, after_marker: bool) -> tuple[str, int] | None:
    """A province named at exactly `pos` of a normalised text: (canonical name, end offset).

    `after_marker`: the caller has seen tỉnh / thành phố / TP, so context-only names count; otherwise
    the standalone guards of `find_provinces` apply (capitals, not part of a longer name).
    """
    g = _gaz()
    m = g.surfaces.match(norm, pos)
    if not m:
        return None
    k = _key(m.group())
    canon = g.lookup.get(k)
    if canon is None:
        return None
    if not after_marker and (
        k in g.needs_context
        or not _capitalised(m.group(), g.written.get(k, m.group()))
        or _followed_by_name(norm, m.end())
    ):
        return None
    return canon, m.end()


def person_name_words() -> frozenset[str]:
    """Surnames and middle names that mark a capitalised run as a person's name (rules/provinces.toml)."""
    return _gaz().person_words
