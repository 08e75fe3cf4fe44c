"""Site health: article flags (spam, stale rules, encodings) and sites that went quiet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..dataset import (
    parse_date,
)
from ..io import OutputsError
from ..settings import AuditSettings
from .findings import Finding, _finding_for_doc, _where

# --------------------------------------------------------------------------- site health

FLAG_CHECKS: dict[str, tuple[str, str, str]] = {
    # flag: (severity, Vietnamese, English)
    "spam_injected": ("warning",
                      "Trang có nội dung quảng cáo rác bị chèn vào (đã loại khỏi văn bản trước khi trích số liệu). "
                      "Trang web có thể đã bị tấn công; nên báo cho đơn vị quản trị.",
                      "The page carries injected spam (removed from the text before any number was taken). The "
                      "site may be compromised; its webmaster should be told."),
    "truncated": ("info", "Văn bản bài có thể bị cắt cụt; có thể thiếu số liệu ở phần cuối.",
                  "The article text may be cut short; numbers near its end may be missing."),
    "charset_mismatch": ("info", "Bảng mã khai báo của trang không khớp với nội dung; văn bản đã được giải mã lại.",
                         "The page's declared character set does not match its bytes; the text was decoded again."),
}


def check_article_flags(articles: list[dict]) -> list[Finding]:
    findings = []
    stale: dict[str, list[dict]] = defaultdict(list)
    for a in articles:
        flags = a.get("flags") or []
        for flag in flags:
            if flag == "rules_stale":
                stale[a.get("site") or "?"].append(a)
            elif flag in FLAG_CHECKS:
                sev, vi, en = FLAG_CHECKS[flag]
                wv, we = _where(a)
                findings.append(_finding_for_doc(flag, sev, a, [], [], f"{wv}: {vi}", f"{we}: {en}"))
    for site, arts in sorted(stale.items()):
        findings.append(Finding(
            check="rules_stale", severity="warning",
            message_vi=f"Trang {site}: bộ chọn trong rules/sites không còn khớp với {len(arts)} bài (giao diện trang "
                       f"có thể đã đổi); văn bản được lấy bằng phương án dự phòng. Cần cập nhật tệp quy tắc của trang.",
            message_en=f"Site {site}: the selectors in rules/sites no longer matched {len(arts)} article(s) (the "
                       f"template has probably changed); text was taken by the fallback. The site's rules file "
                       f"needs updating.",
            doc_ids=[a["doc_id"] for a in arts], urls=[a.get("url") for a in arts if a.get("url")],
            values=[str(len(arts))],
        ))
    return findings


@dataclass
class SiteActivity:
    """What the crawl knows about one site: when it last found a new article, and when it last looked."""

    site: str
    last_new_article: str | None  # ISO date/time of the newest article first seen (or published)
    last_checked: str | None  # ISO date/time of the last successful fetch from the site


def check_quiet_sites(activity: Sequence[SiteActivity], as_of: date | None,
                      quiet_days: int = AuditSettings.quiet_days) -> list[Finding]:
    """A site is quiet when the crawl kept reaching it but its newest article is more than `quiet_days`
    older than that crawl (or than `as_of`)."""
    if not activity:
        return []
    checked = [d for a in activity if (d := parse_date(a.last_checked))]
    latest_check = max(checked) if checked else None
    findings = []
    for a in sorted(activity, key=lambda a: a.site):
        last = parse_date(a.last_new_article)
        ref = as_of or parse_date(a.last_checked) or latest_check
        if last is None or ref is None:
            continue
        days = (ref - last).days
        if days <= quiet_days:
            continue
        findings.append(Finding(
            check="site_quiet", severity="info",
            message_vi=f"Trang {a.site} không có bài mới nào trong {days} ngày (bài mới nhất {last}, lần thu thập "
                       f"{ref}; ngưỡng {quiet_days} ngày). Trang có thể đã ngừng cập nhật, đổi địa chỉ, hoặc danh "
                       f"sách bài không còn khớp quy tắc thu thập.",
            message_en=f"Site {a.site} has had no new article for {days} days (newest {last}, crawled {ref}; limit "
                       f"{quiet_days} days). It may have stopped publishing, moved, or its listing no longer matches "
                       f"the crawl rules.",
            values=[str(days)],
        ))
    return findings


def activity_from_articles(articles: list[dict]) -> list[SiteActivity]:
    """Fallback when there is no crawl state: only crawled articles (with fetched_at) count, so the
    bundled files never make a site look quiet."""
    per: dict[str, list[dict]] = defaultdict(list)
    for a in articles:
        if a.get("site") and a.get("fetched_at"):
            per[a["site"]].append(a)
    out = []
    for site, arts in per.items():
        newest = max((a.get("published") or a["fetched_at"][:10] for a in arts), default=None)
        out.append(SiteActivity(site, newest, max(a["fetched_at"] for a in arts)))
    return out


def activity_from_crawl_state(path: Path) -> list[SiteActivity] | None:
    """Per-site activity from the crawler's state (pipeline.crawl.state.site_activity), if both exist. The
    newest article is its publication date when known: a first crawl finds every old article "new"."""
    if not path.exists():
        return None
    try:
        from ..crawl import state as store
    except ImportError:
        return None
    try:
        rows = store.site_activity(path)
    except Exception as exc:  # noqa: BLE001 - StoreError, sqlite3 errors: one line naming the file
        raise OutputsError(f"{path}: crawl state not readable ({exc})") from exc
    return [SiteActivity(str(r.get("site")), r.get("latest_published") or r.get("last_new_article_at"),
                         r.get("last_crawl_at")) for r in rows]
