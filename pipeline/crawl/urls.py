"""URL canonicalisation, so one article is fetched and counted once whatever link form led to it.

Two levels:
- `clean_url` gives the URL we fetch: safe, meaning-preserving rewrites only (lower-case scheme and
  host, IDNA, default port dropped, fragment and tracking parameters removed, percent-escapes
  normalised). Trailing slashes are kept: `/news/` and `/news` can be different resources.
- `url_key` gives the identity used for dedup: additionally ignores http/https, a leading `www.`,
  a trailing slash and the order of query parameters.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|zarsrc)$", re.I
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
# RFC 3986 unreserved characters: an escape of one of these means the same as the character itself.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class BadURL(ValueError):
    """Not an http(s) URL we can fetch."""


def _normalise_escapes(part: str, safe: str) -> str:
    """Upper-case percent-escapes, decode escaped unreserved characters, escape raw non-ASCII/spaces."""

    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + m.group(1).upper()

    part = _PCT.sub(fix, part)
    # Escape what must be escaped (non-ASCII, spaces) without touching existing escapes.
    return quote(part, safe=safe + "%")


def _host(hostname: str) -> str:
    hostname = hostname.rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(hostname.strip("[]")))
    except ValueError:
        pass
    try:
        return hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise BadURL(f"invalid host name {hostname!r}") from exc


def clean_url(url: str, base: str | None = None) -> str:
    """Absolute, normalised http(s) URL (see module docstring). Raises BadURL."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"unparsable URL {url!r} ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadURL(f"not an http(s) URL: {url!r}")
    if not parts.hostname:
        raise BadURL(f"URL without host: {url!r}")
    host = _host(parts.hostname)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalise_escapes(parts.path or "/", safe="/:@!$&'()*+,;=")
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    query = urlencode(query_pairs, quote_via=quote, safe="/:@!$'()*,;") if query_pairs else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> str:
    """Identity of a URL for dedup: scheme, `www.`, trailing slash and parameter order ignored."""
    parts = urlsplit(clean_url(url))
    host = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    path = parts.path.rstrip("/") or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return f"{host}{path}" + (f"?{query}" if query else "")


def bare_host(url_or_host: str) -> str:
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def netloc(url: str) -> str:
    """host[:port] — the unit of politeness (one server)."""
    return urlsplit(url).netloc.lower()


def prefer_site_form(url: str, base_url: str) -> str:
    """Rewrite a same-site URL to the site's own scheme and host spelling (http→https, www variants)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if bare_host(parts.hostname or "") != bare_host(base.hostname or "") or parts.port != base.port:
        return url
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def unquote_path(url: str) -> str:
    return unquote(urlsplit(url).path)


def safe_host(url: str | None) -> str:
    """The bare host of a URL taken from a page (lower case, no `www.`), or "" when it has none.

    Never raises: pages carry every kind of broken link (`http://[ccpa-preferences]`, bad ports,
    stray brackets), and one bad href must not cost the whole page.
    """
    if not url:
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # "Invalid IPv6 URL", a bracketed non-address, …
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
