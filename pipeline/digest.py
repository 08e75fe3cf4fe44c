"""The daily digest (`unionclaims digest`): what changed since the last digest, from the crawl state and the
audit — new articles, silent edits, pages gone, sites quiet or failing, new audit findings — as Markdown
(`digest.md`) and JSON (`digest.json`, which also remembers how far the last digest read). docs/digest.md.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from .crawl.health import QUIET_DAYS, site_health
from .crawl.state import _read_only
from .io import write_text_atomic
from .schema import is_missing

EVENTS = ("new", "changed", "gone", "failed", "spam")
MAX_LISTED = 50  # URLs listed per site and kind in the Markdown (the JSON has all)


@dataclass
class Digest:
    generated: str
    period: str
    runs: list[int]
    events: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # site → event → [{url, detail, at}]
    sites: list[dict] = field(default_factory=list)  # quiet or failing sites
    findings: list[dict] = field(default_factory=list)  # audit findings not in an earlier digest
    through_run: int | None = None
    findings_seen: list[str] = field(default_factory=list)
    claims: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # province → new/changed → claims

    def count(self, event: str) -> int:
        return sum(len(by.get(event, [])) for by in self.events.values())

    @property
    def attention(self) -> bool:
        """Something a person should look at: new findings, silent edits, spam, a failing site."""
        return bool(self.findings or self.count("changed") or self.count("spam")
                    or any(s["status"] == "failing" for s in self.sites))


def _previous(out: Path) -> dict:
    path = out / "digest.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def _events(state: Path, since: date | None, after_run: int | None) -> tuple[list[int], dict]:
    db = _read_only(state)
    try:
        runs = [r[0] for r in db.execute("SELECT run_id FROM runs ORDER BY run_id")]
        if since is not None:
            rows = db.execute(f"SELECT * FROM events WHERE at >= ? AND event IN ({','.join('?' * len(EVENTS))}) "
                              "ORDER BY rowid", (since.isoformat(), *EVENTS)).fetchall()
            chosen = sorted({r["run_id"] for r in rows})
        else:
            chosen = [r for r in runs if after_run is None or r > after_run]
            if after_run is None:
                chosen = chosen[-1:]  # the first digest covers the last crawl run
            marks = ",".join("?" * len(chosen)) or "NULL"
            rows = db.execute(f"SELECT * FROM events WHERE run_id IN ({marks}) AND event IN "
                              f"({','.join('?' * len(EVENTS))}) ORDER BY rowid", (*chosen, *EVENTS)).fetchall()
        out: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        seen: set[tuple[str, str]] = set()
        for r in rows:
            if (r["url"], r["event"]) in seen:  # one line per page and kind of change
                continue
            seen.add((r["url"], r["event"]))
            out[r["site"]][r["event"]].append({"url": r["url"], "detail": r["detail"], "at": r["at"]})
        return chosen or runs[-1:], {s: dict(e) for s, e in out.items()}
    finally:
        db.close()


def _findings(audit_csv: Path | None, seen: set[str]) -> tuple[list[dict], list[str]]:
    if audit_csv is None or not audit_csv.exists():
        return [], sorted(seen)
    import pandas as pd

    df = pd.read_csv(audit_csv, keep_default_na=False, dtype=str)
    rows = df.to_dict("records")
    new = [r for r in rows if r["finding_id"] not in seen]
    return new, sorted(seen | {r["finding_id"] for r in rows})


NO_PROVINCE = "(national or unknown)"


def _present(v: object) -> object:
    return None if is_missing(v) else v


def claim_changes(before: list[dict], after: list[dict]) -> dict[str, dict[str, list[dict]]]:
    """Claims of `after` (this run) that `before` (the previous run) did not have, per province: `new` for a
    figure of an article and indicator that had none, `changed` where the same article gave another value."""
    def key(c: dict) -> tuple:
        return (c.get("url") or c["doc_id"], c["indicator"], bool(c["is_target"]))

    def value(c: dict) -> tuple:
        return tuple(_present(c.get(k)) for k in ("value", "value_min", "value_max", "qualifier"))

    old: dict[tuple, set] = defaultdict(set)
    for c in before:
        old[key(c)].add(value(c))
    out: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for c in after:
        k = key(c)
        if value(c) in old.get(k, set()):
            continue
        kind = "changed" if k in old else "new"
        out[c.get("province") or NO_PROVINCE][kind].append({
            "indicator": c["indicator"], "value": _present(c.get("value")), "value_min": _present(c.get("value_min")),
            "value_max": _present(c.get("value_max")), "qualifier": c.get("qualifier"), "is_target": bool(c["is_target"]),
            "org": c.get("org"), "url": c.get("url"), "quote": (c.get("quote") or "")[:200],
            "was": sorted(_number(v[0]) if v[0] is not None else f"{_number(v[1])}–{_number(v[2])}"
                          for v in old.get(k, ())),
        })
    return {p: dict(kinds) for p, kinds in sorted(out.items())}


def build_digest(state: Path, out: Path, *, since: date | None = None, audit_csv: Path | None = None,
                 quiet_days: float = QUIET_DAYS, claims: dict[str, dict[str, list[dict]]] | None = None) -> Digest:
    prev = _previous(out)
    runs, events = _events(state, since, None if since else prev.get("through_run"))
    findings, seen = _findings(audit_csv, set(prev.get("findings_seen", [])))
    health = site_health(state)
    sites = [{"site": h.site, "status": h.status(quiet_days), "articles": h.articles, "days_quiet": h.days_quiet,
              "last_new_article_at": h.last_new_article_at, "last_error": h.last_error}
             for h in sorted(health.values(), key=lambda h: h.site) if h.status(quiet_days) in ("quiet", "failing")]
    period = f"since {since.isoformat()}" if since else (
        f"crawl run{'s' if len(runs) > 1 else ''} {', '.join(map(str, runs))}" if runs else "no crawl run yet")
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    through = max(runs) if runs else prev.get("through_run")
    return Digest(now, period, runs, events, sites, findings, through, seen, claims or {})


def _lines_for(title: str, event: str, d: Digest, fmt) -> list[str]:
    sites = [(s, by[event]) for s, by in sorted(d.events.items()) if by.get(event)]
    if not sites:
        return []
    lines = [f"## {title} ({d.count(event)})", ""]
    for site, items in sites:
        lines.append(f"**{site}** ({len(items)})")
        lines.append("")
        lines += [f"- {fmt(item)}" for item in items[:MAX_LISTED]]
        if len(items) > MAX_LISTED:
            lines.append(f"- … and {len(items) - MAX_LISTED} more (digest.json lists all)")
        lines.append("")
    return lines


def to_markdown(d: Digest) -> str:
    lines = [f"# unionclaims digest — {d.generated[:10]}", "", f"Covers {d.period}. Generated {d.generated}.", ""]
    summary = ", ".join(f"{d.count(e)} {label}" for e, label in (("new", "new articles"), ("changed", "edited"),
                                                                 ("gone", "gone"), ("failed", "failed"),
                                                                 ("spam", "spam")))
    lines += [f"**{summary}; {len(d.sites)} site(s) quiet or failing; {len(d.findings)} new finding(s).**", ""]
    if d.events:
        lines += ["| site | new | edited | gone | failed | spam |", "|---|---:|---:|---:|---:|---:|"]
        for site, by in sorted(d.events.items()):
            lines.append(f"| {site} | " + " | ".join(str(len(by.get(e, []))) for e in EVENTS) + " |")
        lines.append("")
    lines += _lines_for("New articles", "new", d, lambda i: i["url"])
    lines += _lines_for("Edited since first seen (silent edits)", "changed", d,
                        lambda i: f"{i['url']} — {i['detail'] or 'text changed'}, {i['at'][:16]}")
    lines += _lines_for("Gone", "gone", d, lambda i: f"{i['url']} — {i['detail'] or ''}")
    lines += _lines_for("Failed", "failed", d, lambda i: f"{i['url']} — {i['detail'] or ''}")
    lines += _lines_for("Injected spam", "spam", d, lambda i: i["url"])
    if d.sites:
        lines += [f"## Sites quiet or failing ({len(d.sites)})", ""]
        for s in d.sites:
            quiet = "never a new article" if s["days_quiet"] is None else f"{s['days_quiet']:.0f} days without a new article"
            why = f" — {s['last_error']}" if s["status"] == "failing" and s["last_error"] else ""
            lines.append(f"- **{s['site']}**: {s['status']} ({quiet}, {s['articles']} articles){why}")
        lines.append("")
    lines += _claim_lines(d)
    if d.findings:
        lines += [f"## New audit findings ({len(d.findings)})", ""]
        for f in d.findings:
            urls = ", ".join(u for u in f.get("urls", "").split(";") if u)
            lines.append(f"- **{f['severity']}** `{f['check']}`: {f['message_en']}" + (f" ({urls})" if urls else ""))
        lines.append("")
    if not (d.events or d.sites or d.findings or d.claims):
        lines += ["Nothing changed.", ""]
    return "\n".join(lines)


def _number(v: object) -> str:
    """A value as Vietnamese news writes it: 1.250, 1.600.000.000."""
    if isinstance(v, (int, float)) and float(v).is_integer():
        return f"{int(v):,}".replace(",", ".")
    return str(v)


def _claim_lines(d: Digest) -> list[str]:
    if not d.claims:
        return []
    n = sum(len(items) for kinds in d.claims.values() for items in kinds.values())
    lines = [f"## New and changed claims, per province ({n})", ""]
    for province, kinds in d.claims.items():
        lines += [f"**{province}**", ""]
        for kind in ("changed", "new"):
            for c in kinds.get(kind, [])[:MAX_LISTED]:
                value = _number(c["value"]) if c["value"] is not None else \
                    f"{_number(c['value_min'])}–{_number(c['value_max'])}"
                was = f" (was {', '.join(c['was'])})" if kind == "changed" else ""
                target = ", target" if c["is_target"] else ""
                lines.append(f"- {kind}: {c['indicator']} {value}{was}{target} — {c['org'] or 'body not known'}, "
                             f"{c['url'] or ''}")
        lines.append("")
    return lines


def write_digest(d: Digest, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "digest.md", out / "digest.json"
    write_text_atomic(md, to_markdown(d))
    write_text_atomic(js, json.dumps(asdict(d), ensure_ascii=False, indent=1))
    return md, js
