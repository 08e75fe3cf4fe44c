"""`unionclaims report`: one self-contained HTML file over the outputs of `run` and `audit`.

Offline by construction: the CSS is inline (allowed by its sha256 in a strict Content-Security-Policy),
the charts are matplotlib PNGs as data: URIs, and the page loads nothing and runs no script at all
(`script-src 'none'`). Article text is hostile input: every string goes through html.escape, and the
sentences are highlighted with displaCy (manual mode), which escapes the text and the entity text
itself but *not* the label, the title or knowledge-base links — so labels are fixed indicator names
(checked against a pattern), and no title or KB link is ever passed to it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import os
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

from .audit import (
    AUDIT_COLUMNS,
    audit_tables,
    default_quantity_finder,
    fmt_vi,
    indicator_label,
    load_outputs,
)
from .charts import charts
from .dataset import build_facts, build_panel, claim_records, clean, to_bool
from .io import OutputsError
from .quantities import load_quantities
from .records import Quantity

log = logging.getLogger(__name__)

_LABEL_OK = re.compile(r"^[a-z_]+$")
# displaCy's fixed wrapper; its inline style would need 'unsafe-inline', so it is swapped for a class.
_DISPLACY_WRAPPER = re.compile(r'^<div class="entities" style="line-height: 2\.5; direction: ltr">')
_ENT_TEMPLATE = '<mark class="entity ent-{label}">{text}<span class="ent-label">{label}</span></mark>'

CSS = """
:root{--fg:#1d232a;--muted:#5d6975;--line:#d8dee4;--bg:#fff;--soft:#f5f7f9}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--fg);
background:var(--bg);margin:0 auto;max-width:1180px;padding:1.2rem 1.5rem 4rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2.2rem 0 .6rem;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
.en{color:var(--muted)}.muted{color:var(--muted);font-size:.9em}
nav a{margin-right:1rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92rem}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft)}
td.num{text-align:right;white-space:nowrap}
.counts{display:flex;gap:1rem;flex-wrap:wrap;margin:.8rem 0}
.count{background:var(--soft);border:1px solid var(--line);border-radius:.4rem;padding:.4rem .8rem}
.count b{font-size:1.3rem;display:block}
.sev{font-weight:600;border-radius:.3rem;padding:0 .35rem;white-space:nowrap}
.sev-error{background:#f8d7da;color:#842029}.sev-warning{background:#fff3cd;color:#664d03}
.sev-info{background:#cfe2ff;color:#084298}
.target{font-style:italic;color:#6f42c1}
figure.chart{margin:1rem 0}figure.chart img{max-width:100%;height:auto;border:1px solid var(--line)}
article.doc{border-top:1px solid var(--line);padding-top:.6rem;margin-top:1.2rem}
.meta{font-size:.88rem;color:var(--muted)}
.flag{background:#f8d7da;color:#842029;border-radius:.3rem;padding:0 .3rem;margin-right:.3rem;font-size:.85rem}
.claim{margin:.7rem 0 .9rem;padding:.5rem .7rem;background:var(--soft);border-left:4px solid var(--line)}
.claim.is-target{border-left-color:#6f42c1}
.claim .facts{font-size:.88rem;color:var(--muted);margin-top:.2rem}
.entities{line-height:2.1;direction:ltr}
mark.entity{padding:.15em .4em;margin:0 .15em;border-radius:.35em;background:#ffe08a}
.ent-label{font-size:.72em;font-weight:700;margin-left:.4rem;vertical-align:middle;text-transform:uppercase}
""".strip()


def page_css(rs: Any = None) -> str:
    """CSS plus one highlight colour per indicator (`color` in its rule file), grouped by colour."""
    from .extract.indicators import default_ruleset

    by_color: dict[str, list[str]] = {}
    for ind in (rs or default_ruleset()).indicators:
        if _LABEL_OK.match(ind.name):
            by_color.setdefault(ind.color, []).append(f"mark.ent-{ind.name}")
    return "\n".join([CSS, *(f"{','.join(sel)}{{background:{color}}}" for color, sel in by_color.items())])


def e(v: Any) -> str:
    """Escape anything for HTML text or a double-quoted attribute."""
    v = clean(v)
    return "" if v is None else html.escape(str(v), quote=True)


def csp(css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; img-src data:; style-src 'sha256-{digest}'; script-src 'none'; "
            f"base-uri 'none'; form-action 'none'")


def safe_href(url: Any) -> str | None:
    """http(s) links only: a `javascript:` or `data:` URL from a page is never made clickable."""
    url = clean(url)
    if not url:
        return None
    try:
        scheme = urlsplit(str(url)).scheme.lower()
    except ValueError:
        return None
    return str(url) if scheme in ("http", "https") else None


def archive_link(source: Any, out_dir: Path) -> tuple[str | None, str | None, str | None]:
    """(relative href to the archived file, its path as shown, WARC record id) from Article.source."""
    source = clean(source)
    if not source:
        return None, None, None
    path, _, record = str(source).partition("#")
    p = Path(path)
    try:
        rel = os.path.relpath(p.resolve(), out_dir.resolve())
    except ValueError:  # another drive on Windows
        rel = str(p.resolve())
    href = quote(Path(rel).as_posix(), safe="/._-~")
    return href, path, record or None


# --------------------------------------------------------------------------- highlighting


def highlight_span(sentence: str, rel_start: int, rel_end: int, value: float | None,
                   find_quantities=None) -> tuple[int, int]:
    """The number inside the claim span: the quantity there whose value is the claim's, without its
    hedge word ("gần "); the whole claim span when the grammar does not find it."""
    if find_quantities is not None and value is not None:
        for q in find_quantities(sentence):
            if not (q.start < rel_end and rel_start < q.end):
                continue
            s = q.number_start if 0 <= q.number_start < q.end else q.start
            if q.kind == "fraction" and "/" in sentence[s:q.end]:
                # "76/50 … đạt 150%": the result is the numerator, the target the denominator
                slash = sentence.index("/", s, q.end)
                if value == q.value:
                    return s, slash
                if value == q.denominator:
                    return slash + 1, q.number_end if q.number_end > slash else q.end
                continue
            if value in (q.value, q.value_min):
                return s, q.end
    return rel_start, rel_end


def stored_number_span(c: dict, sentence: str) -> tuple[int, int] | None:
    """The number's offsets in its sentence from the claim's own `number_start`/`number_end` (written by
    `run`), so the report does not parse the sentence again; None for outputs without them."""
    ns, ne, ss = c.get("number_start"), c.get("number_end"), c.get("sentence_start")
    if any(v is None or v != v for v in (ns, ne, ss)) or int(ns) < 0:
        return None
    a, b = int(ns) - int(ss), int(ne) - int(ss)
    if not 0 <= a < b <= len(sentence):
        return None
    if "/" in sentence[a:b]:  # "76/50 … đạt 150%": the result left of the slash, the target right of it
        slash = sentence.index("/", a, b)
        return (slash + 1, b) if c.get("is_target") else (a, slash)
    return a, b


def claim_sentence(c: dict, text: str) -> tuple[str, int, int]:
    """The claim's sentence and the claim's offsets in it (-1, -1 when it cannot be placed)."""
    s, t, start, end = c.get("sentence_start"), c.get("sentence_end"), c.get("start"), c.get("end")
    if text and None not in (s, t, start, end):
        s, t, start, end = int(s), int(t), int(start), int(end)
        if 0 <= s <= start < end <= t <= len(text):
            return text[s:t], start - s, end - s
    quote_ = c.get("quote") or ""
    if text and start is not None and end is not None and 0 <= int(start) < int(end) <= len(text):
        span = text[int(start):int(end)]
        i = quote_.find(span)
        if i >= 0:
            return quote_, i, i + len(span)
    return quote_, -1, -1


@lru_cache(maxsize=1)
def _entity_renderer():
    """displaCy's entity renderer, made once: making it looks up spaCy's registered colours in the package
    entry points, which cost a millisecond for every claim when `displacy.render` was called per sentence."""
    from spacy.displacy.render import EntityRenderer

    return EntityRenderer(options={"template": _ENT_TEMPLATE})


def render_sentence(sentence: str, start: int, end: int, label: str) -> str:
    """displaCy (manual) markup of one sentence with [start, end) marked as `label`."""
    if not _LABEL_OK.match(label):
        raise ValueError(f"indicator name {label!r} is not a plain identifier")
    ents = [{"start": start, "end": end, "label": label}] if 0 <= start < end <= len(sentence) else []
    markup = _entity_renderer().render([{"text": sentence, "ents": ents}], page=False).strip()
    markup, n = _DISPLACY_WRAPPER.subn('<div class="entities">', markup.strip(), count=1)
    if n != 1:  # a spaCy release changed the wrapper: fail loudly rather than ship an inline style
        raise RuntimeError("unexpected displaCy markup; update pipeline/report.py")
    return markup


# --------------------------------------------------------------------------- page parts


def _value_text(r: dict) -> str:
    unit = clean(r.get("unit"))
    q = {"at_least": "trên ", "approx_below": "gần ", "approx": "khoảng "}.get(clean(r.get("qualifier")) or "", "")
    if clean(r.get("value")) is not None:
        return q + fmt_vi(float(r["value"]), unit)
    return f"{q}{fmt_vi(clean(r.get('value_min')), unit)}–{fmt_vi(clean(r.get('value_max')), unit)}"


def summary_table(panel: pd.DataFrame) -> str:
    if panel.empty:
        return '<p class="muted">Chưa có số liệu. <span class="en">No figures yet.</span></p>'
    indicators = sorted(panel["indicator"].unique())
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    provinces: list[str] = []
    for r in panel.sort_values(["period_end"], na_position="first").to_dict("records"):
        prov = clean(r["province"]) or "Toàn quốc / không rõ"
        if prov not in provinces:
            provinces.append(prov)
        period = clean(r.get("period_label")) or "không rõ kỳ"
        tgt = to_bool(r.get("is_target"))
        item = (f'<div class="{"target" if tgt else "achievement"}">{"KH: " if tgt else ""}{e(_value_text(r))} '
                f'<span class="muted">({e(period)})</span></div>')
        cells[(prov, r["indicator"])].append(item)
    head = "".join(f"<th>{e(indicator_label(i))}<br><span class=\"en\">{e(indicator_label(i, 'en'))}</span></th>"
                   for i in indicators)
    body = "".join(
        f"<tr><th>{e(p)}</th>" + "".join(f"<td>{''.join(cells.get((p, i), []))}</td>" for i in indicators) + "</tr>"
        for p in sorted(provinces)
    )
    return (f'<table class="summary"><thead><tr><th>Tỉnh / Province</th>{head}</tr></thead><tbody>{body}</tbody></table>'
            '<p class="muted">KH = chỉ tiêu, kế hoạch (target). Mỗi ô là con số của LĐLĐ tỉnh/thành phố khi có, không '
            'cộng dồn các đơn vị; số liệu không rõ kỳ chỉ có ở phần bài viết. <span class="en">Each cell is the province '
            'federation\'s own figure where there is one; bodies are never added up; figures without a period are '
            'listed with their articles only.</span></p>')


def findings_table(audit: pd.DataFrame, doc_anchor: dict[str, str]) -> str:
    if audit.empty:
        return '<p class="muted">Không có phát hiện nào. <span class="en">No findings.</span></p>'
    rows = []
    for r in audit.to_dict("records"):
        docs = [d for d in str(clean(r.get("doc_ids")) or "").split(";") if d]
        links = " ".join(f'<a href="#{e(doc_anchor[d])}">{e(d[:8])}</a>' for d in docs if d in doc_anchor)
        claims = [c for c in str(clean(r.get("claim_ids")) or "").split(";") if c]
        claim_links = " ".join(f'<a href="#claim-{e(c)}">{e(c[:8])}</a>' for c in claims)
        sev = clean(r.get("severity")) or "info"
        rows.append(
            f'<tr class="finding" data-check="{e(r.get("check"))}" data-finding-id="{e(r.get("finding_id"))}">'
            f'<td><span class="sev sev-{e(sev)}">{e(sev)}</span></td><td><code>{e(r.get("check"))}</code></td>'
            f'<td>{e(r.get("message_vi"))}<br><span class="en">{e(r.get("message_en"))}</span></td>'
            f"<td>{links}<br>{claim_links}</td></tr>"
        )
    return ('<table class="findings"><thead><tr><th>Mức / Severity</th><th>Kiểm tra / Check</th>'
            "<th>Giải thích / Explanation</th><th>Bài, số liệu / Articles, claims</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def stored_quantities_finder(c: dict, text: str, quantities: list[Quantity]):
    """A stand-in for `find_quantities` over the claim's sentence: the article's stored quantities
    (table `quantities`) that lie in the sentence, with offsets relative to it; None when the sentence is
    not placed in the text (then the claim span is highlighted)."""
    s, t = c.get("sentence_start"), c.get("sentence_end")
    if s is None or t is None or not 0 <= int(s) <= int(t) <= len(text):
        return None
    s, t = int(s), int(t)

    def shifted(_sentence: str) -> list[Quantity]:
        return [replace(q, start=q.start - s, end=q.end - s,
                        number_start=q.number_start - s if q.number_start >= 0 else -1,
                        number_end=q.number_end - s if q.number_end >= 0 else -1)
                for q in quantities if s <= q.start and q.end <= t]
    return shifted


def _claim_block(c: dict, text: str, find_quantities, quantities: list[Quantity] | None = None) -> str:
    sentence, rs, re_ = claim_sentence(c, text)
    stored = stored_number_span(c, sentence) if rs >= 0 else None
    if stored is None and rs >= 0 and quantities is not None:  # numbers stored by `run`: no parsing here
        find_quantities = stored_quantities_finder(c, text, quantities)
    hs, he = stored or (highlight_span(sentence, rs, re_, clean(c.get("value")) if c.get("value") is not None
                                       else clean(c.get("value_min")), find_quantities) if rs >= 0 else (-1, -1))
    markup = render_sentence(sentence, hs, he, c["indicator"])
    tgt = c["is_target"]
    kind = "Chỉ tiêu / target" if tgt else "Kết quả / result"
    period = (f"{c['period_start']} → {c['period_end']}" if c.get("period_start") and c.get("period_end")
              else "không rõ kỳ / no period")
    facts = [
        f"<b>{e(indicator_label(c['indicator']))}</b> <span class=\"en\">({e(indicator_label(c['indicator'], 'en'))})</span>",
        f"{e(_value_text(c))}", e(kind),
        f"kỳ / period: {e(c.get('period_text') or '')} {e(period)}",
        " · ".join(e(x) for x in (c.get("org"), c.get("province")) if x),
        f"rule {e(c.get('rule'))}, confidence {float(c.get('confidence') or 0):.2f}",
        f"id {e(c['claim_id'])}",
    ]
    return (f'<div class="claim{" is-target" if tgt else ""}" id="claim-{e(c["claim_id"])}" '
            f'data-claim-id="{e(c["claim_id"])}" data-indicator="{e(c["indicator"])}">{markup}'
            f'<div class="facts">{" · ".join(f for f in facts if f.strip())}</div></div>')


def article_block(a: dict, claims: list[dict], text: str, out_dir: Path, find_quantities,
                  quantities: list[Quantity] | None = None) -> str:
    """One article with its claims (`quantities`: the article's stored numbers, None to parse them)."""
    cs = sorted(claims, key=lambda c: int(c.get("start") or 0))
    href = safe_href(a.get("url"))
    arch_href, arch_path, record = archive_link(a.get("source"), out_dir)
    links = []
    if href:
        links.append(f'<a class="source" href="{e(href)}" rel="noreferrer noopener">trang gốc / source page</a>')
    elif a.get("url"):
        links.append(f"<span>{e(a.get('url'))}</span>")
    if arch_href:
        label = "bản lưu WARC / archived copy" if record else "tệp lưu / archived file"
        links.append(f'<a class="archive" href="{e(arch_href)}">{label}</a> <code>{e(arch_path)}</code>'
                     + (f" record <code>{e(record)}</code>" if record else ""))
    flags = "".join(f'<span class="flag">{e(f)}</span>' for f in a.get("flags") or [])
    meta = " · ".join(x for x in (e(a.get("site")), e(a.get("published")) or "không rõ ngày",
                                  e(a.get("author"))) if x)
    body = "".join(_claim_block(c, text, find_quantities, quantities) for c in cs) or \
        '<p class="muted">Không có số liệu nào được trích. <span class="en">No claims extracted.</span></p>'
    return (
        f'<article class="doc" id="doc-{e(a["doc_id"])}" data-doc-id="{e(a["doc_id"])}">'
        f"<h3>{e(a.get('title') or a.get('url') or a['doc_id'])}</h3>"
        f'<div class="meta">{meta} {flags}<br>{" · ".join(links)}</div>{body}</article>'
    )


def _claims_by_doc(claims: list[dict]) -> dict[str, list[dict]]:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_doc[c["doc_id"]].append(c)
    return by_doc


def article_blocks(articles: list[dict], claims: list[dict], out_dir: Path, find_quantities,
                   quantities: Mapping[str, list[Quantity]] | None = None) -> str:
    by_doc = _claims_by_doc(claims)
    return "".join(
        article_block(a, by_doc.get(a["doc_id"], []), a.get("text") or "", out_dir, find_quantities,
                      None if quantities is None else quantities.get(a["doc_id"], []))
        for a in articles)


def _order_key(a: dict) -> tuple[str, str, str]:
    """The order of the articles on the page: by site, then date, then doc_id."""
    return (a.get("site") or "", a.get("published") or "", a["doc_id"])


# --------------------------------------------------------------------------- the page


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for rec in df.to_dict("records"):
        r = {}
        for k, v in rec.items():
            r[k] = v if isinstance(v, (list, tuple)) or hasattr(v, "tolist") and not isinstance(v, str) else clean(v)
        flags = r.get("flags")
        if hasattr(flags, "tolist"):
            flags = flags.tolist()
        r["flags"] = [str(f) for f in flags] if isinstance(flags, (list, tuple)) else []
        out.append(r)
    return out


def build_report(claims: pd.DataFrame, articles: pd.DataFrame, panel: pd.DataFrame, audit: pd.DataFrame,
                 out_dir: Path, *, find_quantities=None, quantities: Mapping[str, list[Quantity]] | None = None,
                 generated: date | None = None) -> str:
    """The whole page as one string (pure: no file is read or written). Numbers a claim does not carry
    are looked up in `quantities` (doc_id → the quantities `run` stored) when given, else found with
    `find_quantities`. write_report writes the same page from the files without holding it."""
    cl = claim_records(claims)
    arts = sorted(_records(articles), key=_order_key)
    head = page_head(len(arts), len(cl), [a["doc_id"] for a in arts], panel, audit, out_dir, generated)
    return head + article_blocks(arts, cl, out_dir, find_quantities, quantities) + PAGE_TAIL


PAGE_TAIL = """</section>
</body>
</html>
"""


def page_head(n_articles: int, n_claims: int, doc_ids: list[str], panel: pd.DataFrame, audit: pd.DataFrame,
              out_dir: Path, generated: date | None = None) -> str:
    """The page up to the article blocks: counts, summary, charts and findings (`doc_ids`: the articles
    the findings may link to)."""
    doc_anchor = {d: f"doc-{d}" for d in doc_ids}
    sev_counts = audit["severity"].value_counts().to_dict() if len(audit) else {}
    counts = [("bài / articles", n_articles), ("số liệu / claims", n_claims),
              ("sự kiện / facts", int(clean(panel.attrs.get("n_facts")) or 0) if panel.attrs else None),
              ("lỗi / errors", sev_counts.get("error", 0)), ("cảnh báo / warnings", sev_counts.get("warning", 0)),
              ("ghi chú / info", sev_counts.get("info", 0))]
    count_html = "".join(f'<div class="count"><b>{n}</b>{e(label)}</div>' for label, n in counts if n is not None)
    chart_html = "".join(
        f'<figure class="chart" data-indicator="{e(ind)}"><img class="chart" alt="{e(indicator_label(ind))}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"></figure>'
        for ind, png in charts(panel)
    ) or '<p class="muted">Không có số liệu có kỳ báo cáo để vẽ. <span class="en">No dated figures to chart.</span></p>'
    when = (generated or date.today()).isoformat()
    style = page_css()
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp(style)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>unionclaims — báo cáo số liệu công đoàn</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>unionclaims — báo cáo số liệu công đoàn <span class="en">/ union figures report</span></h1>
<p class="muted">Tạo ngày {e(when)} từ <code>{e(out_dir)}</code>. Mọi con số dẫn về câu gốc và trang nguồn.
<span class="en">Every number links back to its sentence and its source page.</span></p>
<div class="counts">{count_html}</div>
<nav><a href="#summary">Tổng hợp</a><a href="#charts">Biểu đồ</a><a href="#audit">Kiểm tra</a><a href="#articles">Bài viết</a></nav>
</header>
<section id="summary"><h2>Tổng hợp theo tỉnh và chỉ số <span class="en">/ by province and indicator</span></h2>
{summary_table(panel)}</section>
<section id="charts"><h2>Diễn biến theo thời gian <span class="en">/ over time</span></h2>
<p class="muted">Mỗi đoạn ngang là một con số trải trên kỳ báo cáo của nó; nét đứt là chỉ tiêu.
<span class="en">Each bar is one figure spread over the period it covers; dashed bars are targets.</span></p>
{chart_html}</section>
<section id="audit"><h2>Kết quả kiểm tra <span class="en">/ audit findings</span></h2>
{findings_table(audit, doc_anchor)}</section>
<section id="articles"><h2>Bài viết và số liệu <span class="en">/ articles and claims</span></h2>
"""


def load_report_inputs(out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """claims, articles, panel (facts count in attrs) and audit findings from DIR; the panel and the
    findings are computed in memory when `run`/`audit` have not written them."""
    return _load_report_inputs(out_dir)[:4]


def _load_report_inputs(out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                                Mapping[str, list[Quantity]] | None]:
    """load_report_inputs, and the quantities `run` stored (None for an output set without them)."""
    claims, articles, versions = load_outputs(out_dir)
    quantities = load_quantities(out_dir, articles)
    panel = _stored_panel(out_dir)
    if panel is None:
        panel = _built_panel(claims, articles)
    audit = _stored_audit(out_dir)
    if audit is None:
        audit = audit_tables(claims, articles, versions, quantities=quantities,
                             find_quantities=default_quantity_finder() if quantities is None else None)
    return claims, articles, panel, audit, quantities


def _built_panel(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """The panel of an output set without facts/panel files, with the number of facts in its attrs."""
    facts = build_facts(claims, articles)
    panel = build_panel(facts)
    panel.attrs["n_facts"] = len(facts)
    return panel


def write_report(out_dir: Path, *, generated: date | None = None) -> Path:
    """DIR/report.html from the outputs in DIR, the page build_report makes, written as a stream: the
    tables are read a row group at a time, each article's block is made as its text is read (in table
    order) and kept in a temporary SQLite file, and the blocks are copied out in page order. Memory holds
    the claims and a small record per article, never the texts or the page."""
    import sqlite3
    import tempfile

    from .audit.run import audit_outputs, load_audit_tables
    from .io import atomic_path

    out_dir = Path(out_dir)
    tables = load_audit_tables(out_dir, article_records=_records)
    quantities = load_quantities(out_dir, digest=tables.digest)
    find_quantities = default_quantity_finder() if quantities is None else None
    panel = _stored_panel(out_dir)
    if panel is None:  # an output set without facts/panel files: build them from the tables, in memory
        claims, articles, _versions = load_outputs(out_dir)
        panel = _built_panel(claims, articles)
        del claims, articles
    audit = _stored_audit(out_dir)
    if audit is None:
        audit = audit_outputs(out_dir)
    by_doc = _claims_by_doc(tables.claims)
    order = sorted(range(len(tables.articles)), key=lambda i: _order_key(tables.articles[i]))
    head = page_head(len(tables.articles), len(tables.claims), [tables.articles[i]["doc_id"] for i in order],
                     panel, audit, out_dir, generated)
    target = out_dir / "report.html"
    # In the output folder (not a tmpfs /tmp), named .tmp so that a run never carries a stale one over.
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".report-", suffix=".tmp") as spool_dir:
        con = sqlite3.connect(Path(spool_dir) / "blocks.sqlite", isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("CREATE TABLE blocks (place INTEGER PRIMARY KEY, html TEXT)")
            place = {i: n for n, i in enumerate(order)}
            con.execute("BEGIN")
            for i, a in enumerate(tables.articles):  # table order: texts and numbers are read once, in turn
                doc = a["doc_id"]
                html_block = article_block(a, by_doc.get(doc, []), tables.texts.get(doc) or "", out_dir,
                                           find_quantities, None if quantities is None else quantities.get(doc, []))
                con.execute("INSERT INTO blocks VALUES (?, ?)", (place[i], html_block))
            con.execute("COMMIT")
            with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8") as page:
                page.write(head)
                for (html_block,) in con.execute("SELECT html FROM blocks ORDER BY place"):
                    page.write(html_block)
                page.write(PAGE_TAIL)
        finally:
            con.close()
    return target


def _stored_panel(out_dir: Path) -> pd.DataFrame | None:
    """The panel `run` wrote, with the number of facts in its attrs; None when a file is missing."""
    facts_path, panel_path = out_dir / "facts.parquet", out_dir / "panel.parquet"
    if not (facts_path.exists() and panel_path.exists()):
        return None
    try:
        import pyarrow.parquet as pq

        n_facts = pq.read_metadata(facts_path).num_rows
        panel = pd.read_parquet(panel_path)
    except Exception as exc:  # noqa: BLE001 - a damaged file becomes one line
        raise OutputsError(f"{out_dir}: facts/panel Parquet not readable ({exc.__class__.__name__})") from exc
    panel.attrs["n_facts"] = n_facts
    return panel


def _stored_audit(out_dir: Path) -> pd.DataFrame | None:
    """The findings `audit` wrote; None when it has not run (the caller computes them)."""
    audit_csv = out_dir / "audit.csv"
    if not audit_csv.exists():
        log.warning("%s missing: findings computed in memory (run `unionclaims audit` to keep them)", audit_csv)
        return None
    try:
        audit = pd.read_csv(audit_csv, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001
        raise OutputsError(f"{audit_csv}: not a readable CSV file ({exc.__class__.__name__})") from exc
    missing = [c for c in AUDIT_COLUMNS if c not in audit.columns]
    if missing:
        raise OutputsError(f"{audit_csv}: lacks column(s) {', '.join(missing)}")
    return audit
