"""The report's charts: one matplotlib PNG per indicator, each figure a bar over the period it covers."""

from __future__ import annotations

import io

import pandas as pd

from .audit import indicator_label
from .dataset import clean, parse_date, to_bool
from .records import VND

PALETTE = ("#e6a100", "#2a7fba", "#3a9d5d", "#c0504d", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f",
           "#b5a642", "#d46a9f")


def _value_axis(ax, unit: str | None) -> str:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if unit == VND:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v / 1e9:g}"))
        return "tỷ đồng / billion VND"
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no "3,5 CĐCS" ticks
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}".replace(",", ".")))
    return {"person": "người / people", "organization": "đơn vị / organisations"}.get(unit or "", unit or "")


NO_PROVINCE = "Toàn quốc / không rõ"


def chart_png(rows: pd.DataFrame, indicator: str) -> bytes:
    """Time series of one indicator: each reported figure is a horizontal bar over the period it
    covers (a 5-year total is not a point), one colour per province; targets dashed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(9, 3.4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    # Python values, not Series.map: pandas turns the None of a missing province back into NaN.
    provinces = sorted({clean(p) or NO_PROVINCE for p in rows["province"].tolist()})
    color = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(provinces)}
    unit = None
    for r in rows.to_dict("records"):
        s, t = parse_date(r["period_start"]), parse_date(r["period_end"])
        v = clean(r.get("value"))
        if v is None:
            lo, hi = clean(r.get("value_min")), clean(r.get("value_max"))
            v = (lo + hi) / 2 if lo is not None and hi is not None else None
        if s is None or t is None or v is None:
            continue
        unit = clean(r.get("unit"))
        c = color[clean(r["province"]) or NO_PROVINCE]
        tgt = to_bool(r.get("is_target"))
        ax.plot([date2num(s), date2num(t)], [v, v], color=c, linewidth=3, linestyle="--" if tgt else "-",
                marker="o", markersize=5, markerfacecolor="white" if tgt else c, solid_capstyle="butt")
    ax.xaxis_date()
    ax.set_ylabel(_value_axis(ax, unit))
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.set_title(f"{indicator_label(indicator)} / {indicator_label(indicator, 'en')}", fontsize=11)
    handles = [Line2D([0], [0], color=color[p], linewidth=3, label=p) for p in provinces]
    handles += [Line2D([0], [0], color="#555", linewidth=2, linestyle="--", marker="o", markerfacecolor="white",
                       label="chỉ tiêu / target")]
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def charts(panel: pd.DataFrame) -> list[tuple[str, bytes]]:
    if panel.empty:
        return []
    dated = panel[panel["period_start"].map(clean).notna() & panel["period_end"].map(clean).notna()]
    return [(ind, chart_png(rows, ind)) for ind, rows in sorted(dated.groupby("indicator"), key=lambda kv: kv[0])]
