"""Content of the local test sites: one small union site per template of the real site rules.

Each site serves the seed page from corpus/html/ plus generated articles in the same template (the body
and title swapped for generated Vietnamese text with numbers), plain paginated listing pages, a sitemap
index pointing to a gzipped sitemap, an RSS feed and a robots.txt with a disallowed section (which also
matches the article URL pattern, so only robots.txt keeps the crawler out) and an optional Crawl-delay.
Articles can be edited or deleted while the server runs.
"""

from __future__ import annotations

import gzip
import hashlib
import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import tomllib
from bs4 import BeautifulSoup

from pipeline.tomlout import to_toml  # the TOML writer the tools use for site files

ROOT = Path(__file__).resolve().parents[2]
SEED_HTML = ROOT / "corpus" / "html"
SITE_RULES = ROOT / "rules" / "sites"


@dataclass(frozen=True)
class SiteSpec:
    """How one real site lays out its URLs (matching its article_url_pattern)."""

    name: str
    seed: str  # corpus/html file name prefix
    listing: str  # path of the first listing page
    pagination: str  # listing_pagination
    article: Callable[[str, int], str]  # (slug, id) → path
    private_prefix: str  # Disallow: in robots.txt; URLs under it match the article pattern
    seed_path: str  # path of the seed article


SPECS: dict[str, SiteSpec] = {
    "ldld-caobang": SiteSpec(
        "ldld-caobang", "000_", "/news/", "page-{n}",
        lambda slug, i: f"/news/tin-hoat-dong/{slug}-{i}.html", "/news/noi-bo/",
        "/news/tin-hoat-dong/lien-doan-lao-dong-tinh-cao-bang-danh-gia-ket-qua-buoc-dau-1873.html",
    ),
    "laodongthudo": SiteSpec(
        "laodongthudo", "001_", "/cong-doan", "?page={n}",
        lambda slug, i: f"/{slug}-{i}.html", "/noi-bo-",
        "/cong-doan-ha-noi-cham-lo-doan-vien-101.html",
    ),
    "congdoan-vinhphuc": SiteSpec(
        "congdoan-vinhphuc", "003_", "/hoat-dong-cong-doan.html", "?page={n}",
        lambda slug, i: f"/hoat-dong-cong-doan/{slug}-{i}.html", "/noi-bo/",
        "/hoat-dong-cong-doan/cong-doan-vinh-phuc-ket-qua-nam-2020-303.html",
    ),
    "ldld-bentre": SiteSpec(
        "ldld-bentre", "004_", "/tin-tuc/hoat-dong-cong-doan.html", "?page={n}",
        lambda slug, i: f"/tin-tuc/hoat-dong-cong-doan/{slug}-{i}.html", "/tin-tuc/noi-bo/",
        "/tin-tuc/hoat-dong-cong-doan/ldld-ben-tre-cham-lo-nguoi-lao-dong.html",
    ),
}

ABOUT_PATH = "/gioi-thieu.html"  # a static page linked from the homepage menu: neither listing nor article
PROVINCES = {"ldld-caobang": "Cao Bằng", "laodongthudo": "Hà Nội", "congdoan-vinhphuc": "Vĩnh Phúc",
             "ldld-bentre": "Bến Tre"}


@dataclass
class Doc:
    """One served document."""

    path: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    published: str = "2024-01-01"
    title: str = ""

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


def _rules(name: str) -> dict:
    with open(SITE_RULES / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def article_paragraphs(site: str, i: int, recruited: int) -> list[str]:
    """Generated article text with numbers the extractor knows (deterministic in site, i)."""
    prov = PROVINCES[site]
    unions = 3 + i % 7
    gifts = 100 + 17 * i
    money = 150 + 25 * i
    return [
        f"Sáng ngày {1 + i % 27}/3/2024, Liên đoàn Lao động tỉnh {prov} tổ chức hội nghị sơ kết công tác "
        f"công đoàn quý I năm 2024 (bài số {i}).",
        f"Trong quý I năm 2024, các cấp công đoàn trong tỉnh đã kết nạp {recruited} đoàn viên công đoàn, "
        f"thành lập {unions} công đoàn cơ sở.",
        f"Nhân dịp Tết Nguyên đán, công đoàn các cấp đã trao {gifts} suất quà cho đoàn viên, người lao động "
        f"có hoàn cảnh khó khăn với tổng số tiền {money} triệu đồng.",
        "Hội nghị đề ra nhiệm vụ trọng tâm trong thời gian tới, tiếp tục đổi mới nội dung, phương thức "
        "hoạt động công đoàn, hướng mạnh về cơ sở, lấy đoàn viên, người lao động làm trung tâm.",
        "Các cấp công đoàn tiếp tục phối hợp với chuyên môn đồng cấp tổ chức tốt các phong trào thi đua yêu "
        "nước, chăm lo đời sống vật chất, tinh thần cho đoàn viên, người lao động; đẩy mạnh công tác tuyên "
        "truyền, giáo dục chính trị, tư tưởng, nâng cao nhận thức pháp luật cho công nhân lao động.",
        "Phát biểu chỉ đạo hội nghị, đồng chí Chủ tịch Liên đoàn Lao động tỉnh ghi nhận, biểu dương những kết "
        "quả đạt được, đồng thời đề nghị các cấp công đoàn khắc phục hạn chế, quan tâm hơn nữa đến việc phát "
        "triển đoàn viên, thành lập công đoàn cơ sở tại các doanh nghiệp ngoài nhà nước.",
    ]


class UnionSite:
    """One union site's documents, generated from its seed page and rules."""

    def __init__(self, name: str, base_url: str, n_articles: int = 12, per_page: int = 5,
                 crawl_delay: float | None = None) -> None:
        self.name = name
        self.spec = SPECS[name]
        self.base_url = base_url.rstrip("/") + "/"
        self.rules = _rules(name)
        self.per_page = per_page
        self.crawl_delay = crawl_delay
        seed_file = next(SEED_HTML.glob(self.spec.seed + "*.html"))
        self.seed_html = seed_file.read_text(encoding="utf-8")
        self.articles: dict[str, Doc] = {}  # newest first in listings (insertion order reversed)
        self.recruited: dict[str, int] = {}
        self.extra: dict[str, Doc] = {}  # fault pages and such, linked from the first listing page
        self.seed_doc = Doc(self.spec.seed_path, self.seed_html.encode("utf-8"), published="2022-08-27",
                            title="seed")
        self.articles[self.seed_doc.path] = self.seed_doc
        for i in range(1, n_articles):
            self.add_article(i)
        prefix = self.spec.private_prefix
        self.private_path = prefix + ("tai-lieu-noi-bo-999.html" if prefix.endswith("/") else "tai-lieu-999.html")
        self.extra[self.private_path] = Doc(self.private_path, b"<html><body><p>noi bo</p></body></html>")

    # ------------------------------------------------------------------ articles

    def article_path(self, i: int) -> str:
        return self.spec.article(f"hoi-nghi-so-ket-cong-doan-quy-i-bai-{i}", 1000 + i)

    def add_article(self, i: int, recruited: int | None = None) -> str:
        path = self.article_path(i)
        n = recruited if recruited is not None else 40 + 13 * i
        self.recruited[path] = n
        title = f"Liên đoàn Lao động tỉnh {PROVINCES[self.name]} sơ kết công đoàn quý I, bài {i}"
        published = f"2024-03-{1 + i % 27:02d}"
        body = self.render(title, article_paragraphs(self.name, i, n), published)
        self.articles[path] = Doc(path, body, published=published, title=title)
        return path

    def edit(self, path: str, recruited: int) -> None:
        """Change the number of members recruited in one article (a silent edit)."""
        i = int(path.rsplit("-", 1)[1].split(".")[0]) - 1000
        self.add_article(i, recruited)

    def delete(self, path: str, status: int = 404) -> None:
        self.articles[path].status = status

    def render(self, title: str, paragraphs: list[str], published: str = "2024-03-01") -> bytes:
        template = self.rules["templates"][0]
        soup = BeautifulSoup(self.seed_html, "lxml")
        y, m, d = published.split("-")
        for meta in soup.select('meta[property="article:published_time"], meta[property="article:modified_time"]'):
            meta["content"] = f"{published}T08:00:00+07:00"
        if template.get("published"):
            for el in soup.select(template["published"]):
                el.string = f"Ngày đăng: {d}/{m}/{y} 08:00"
        body = soup.select_one(template["body"])
        body.clear()
        for text in paragraphs:
            p = soup.new_tag("p")
            p.string = text
            body.append(p)
        if template.get("title"):
            t = soup.select_one(template["title"])
            if t is not None:
                t.clear()
                t.append(title)
        if soup.title is not None:
            soup.title.string = title
        return str(soup).encode("utf-8")

    # ------------------------------------------------------------------ discovery documents

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def listing_pages(self) -> dict[str, Doc]:
        live = [d for d in reversed(list(self.articles.values()))]
        pages: dict[str, Doc] = {}
        chunks = [live[i:i + self.per_page] for i in range(0, len(live), self.per_page)]
        for n, chunk in enumerate(chunks, start=1):
            links = [f'<li><a href="{d.path}?utm_source=home#top">{html.escape(d.title)}</a></li>' for d in chunk]
            if n == 1:
                links += [f'<li><a href="{p}">{p}</a></li>' for p in self.extra]
            nav = f'<a class="next" href="{self._listing_path(n + 1)}">Trang sau</a>' if n < len(chunks) else ""
            doc = (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Tin tức - trang {n}"
                   f"</title></head><body><ul>{''.join(links)}</ul>{nav}</body></html>")
            pages[self._listing_path(n)] = Doc(self._listing_path(n), doc.encode("utf-8"))
        return pages

    def _listing_path(self, n: int) -> str:
        first = self.spec.listing
        if n == 1:
            return first
        pat = self.spec.pagination.replace("{n}", str(n))
        if pat.startswith("?"):
            return first + pat
        return first.rstrip("/") + "/" + pat

    def robots(self) -> bytes:
        lines = ["User-agent: *", f"Disallow: {self.spec.private_prefix}"]
        if self.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.crawl_delay}")
        lines.append(f"Sitemap: {self.url('/sitemap.xml')}")
        return ("\n".join(lines) + "\n").encode()

    def sitemap_index(self) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{self.url('/sitemap-articles.xml.gz')}</loc></sitemap>"
            "</sitemapindex>"
        ).encode()

    def sitemap_gz(self) -> bytes:
        items = [*self.articles.values(), *self.extra.values()]
        urls = "".join(f"<url><loc>{html.escape(self.url(d.path))}</loc><lastmod>{d.published}</lastmod></url>"
                       for d in items)
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"{urls}</urlset>")
        return gzip.compress(xml.encode(), mtime=0)

    def rss(self) -> bytes:
        latest = list(reversed(list(self.articles.values())))[:5]
        stamp = format_datetime(datetime(2024, 3, 28, tzinfo=timezone.utc))
        items = "".join(
            f"<item><title>{html.escape(d.title)}</title><link>{html.escape(self.url(d.path))}</link>"
            f"<pubDate>{stamp}</pubDate></item>" for d in latest
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{self.name}</title>'
                f"{items}</channel></rss>").encode()

    def homepage(self) -> bytes:
        """The front page, as crawl --url finds it: a menu (listing, an about page), the latest articles
        with their titles as link text, and the RSS feed in a <link rel=alternate>."""
        latest = [d for d in reversed(list(self.articles.values())) if d.status == 200][:5]
        items = "".join(f'<li><a href="{d.path}">{html.escape(d.title)}</a></li>' for d in latest)
        return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{PROVINCES[self.name]}</title>"
                '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml"></head><body>'
                f'<nav><a href="/">Trang chủ</a> <a href="{self.spec.listing}">Tin tức</a> '
                f'<a href="{ABOUT_PATH}">Giới thiệu</a></nav><h2>Tin mới</h2><ul>{items}</ul></body></html>'
                ).encode()

    def documents(self) -> dict[str, Doc]:
        docs = {**self.articles, **self.extra, **self.listing_pages()}
        docs["/"] = Doc("/", self.homepage())
        docs[ABOUT_PATH] = Doc(ABOUT_PATH, "<html lang='vi'><body><h1>Giới thiệu</h1><p>Liên đoàn Lao động tỉnh"
                               "</p></body></html>".encode())
        docs["/robots.txt"] = Doc("/robots.txt", self.robots(), "text/plain; charset=utf-8")
        docs["/sitemap.xml"] = Doc("/sitemap.xml", self.sitemap_index(), "application/xml")
        docs["/sitemap-articles.xml.gz"] = Doc("/sitemap-articles.xml.gz", self.sitemap_gz(), "application/x-gzip")
        docs["/rss.xml"] = Doc("/rss.xml", self.rss(), "application/rss+xml")
        return docs

    # ------------------------------------------------------------------ site rules for the crawler

    def rules_toml(self, delay: float = 0.0, **extra: object) -> str:
        """The real site's rules with URLs moved to this server (same selectors and patterns)."""
        data = dict(self.rules)
        data.update(
            base_url=self.base_url,
            hosts=[],
            start_urls=[self.url(self.spec.listing)],
            listing_pagination=self.spec.pagination,
            feeds=[self.url("/rss.xml")],
            sitemaps=[self.url("/sitemap.xml")],
            delay_seconds=delay,
            allow_private_addresses=False,
            allowed_networks=["127.0.0.0/8"],
        )
        data.update(extra)
        return to_toml(data)
