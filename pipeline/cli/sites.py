"""`unionclaims sites list | new | check`: the site registry with crawl health, scaffolding a site file from
an archived page, and running each site's templates against its fixture pages (docs/sites.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..registry import Registry, load_registry


def add_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sites", help="the site registry, site files and their fixtures (docs/sites.md)")
    ssub = p.add_subparsers(dest="sites_command", metavar="ACTION", required=True)
    ls = ssub.add_parser("list", help="the registry, with last-crawl health when --state is given")
    ls.add_argument("--registry", metavar="PATH", help="registry file (default: rules/registry.toml)")
    ls.add_argument("--state", metavar="FILE", help="crawl state: articles, last new article, days quiet")
    ls.add_argument("--level", choices=("province", "sector", "national", "press"), help="only this level")
    ls.add_argument("--quiet-days", type=float, default=14.0, metavar="N",
                    help="a site with no new article for N days is 'quiet' (default 14)")
    ls.set_defaults(func=_cmd_list)
    new = ssub.add_parser("new", help="scaffold a site file from an archived page")
    new.add_argument("url", help="the article's URL (its archived copy is read from --corpus or --html)")
    new.add_argument("--html", metavar="FILE", help="the saved page (default: the newest copy in --corpus)")
    new.add_argument("--corpus", default="corpus", help="corpus with WARC files (default: corpus/)")
    new.add_argument("--name", help="site name (default: from the host)")
    new.add_argument("--out", metavar="DIR", default=None, help="folder for NAME.toml (default: rules/sites/)")
    new.add_argument("--fixtures", metavar="DIR", default=None,
                     help="folder for the fixture copy (default: tests/data/sites/NAME/)")
    new.add_argument("--force", action="store_true", help="overwrite an existing site file")
    new.set_defaults(func=_cmd_new)
    chk = ssub.add_parser("check", help="run each site's templates against its fixture pages")
    chk.add_argument("names", nargs="*", metavar="NAME", help="only these sites (default: all)")
    chk.add_argument("--sites", nargs="+", metavar="PATH", help="site files or folders (default: rules/sites/)")
    chk.add_argument("--fixtures", metavar="DIR", default=None,
                     help="fixture folder with one sub-folder per site (default: tests/data/sites/)")
    chk.set_defaults(func=_cmd_check)


def _cmd_list(args: argparse.Namespace) -> int:
    from ..sites import load_sites

    reg = load_registry(Path(args.registry) if args.registry else None)
    health = None
    if args.state:
        from ..crawl.health import site_health
        from ..crawl.state import StoreError
        from . import CliError

        try:
            health = site_health(Path(args.state))
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    ruled = {s.host: s.name for s in load_sites()}
    print_registry(reg, health, ruled, args.level, args.quiet_days)
    return 0


def print_registry(reg: Registry, health, ruled: dict[str, str], level: str | None, quiet_days: float,
                   file=None) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..crawl.health import health_by_host

    by_host = health_by_host(health) if health else {}
    table = Table(title=f"site registry ({reg.path})")
    cols = ["name", "level", "province", "host", "cms", "verified", "rules"]
    if health is not None:
        cols += ["articles", "last new article", "days quiet", "status"]
    for c in cols:
        table.add_column(c, justify="right" if c in ("articles", "days quiet") else "left")
    shown = 0
    for e in reg.sites:
        if level and e.level != level:
            continue
        shown += 1
        row = [e.name, e.level, e.province or "", e.host, e.cms or "", "yes" if e.verified else "no",
               ruled.get(e.host, "")]
        if health is not None:
            h = health.get(e.name) or health.get(ruled.get(e.host, "")) or by_host.get(e.host)
            row += _health_cells(h, quiet_days)
        table.add_row(*row)
    known = {e.host for e in reg.sites}
    for h in (health or {}).values():  # crawled sites the registry does not list (tests, new sites)
        if h.host not in known and not level:
            table.add_row(h.site, "", "", h.host, "", "", "", *_health_cells(h, quiet_days), style="dim")
    console = Console(file=file or sys.stdout, width=160)
    console.print(table)
    print(f"{shown} site(s); {sum(e.verified for e in reg.sites)} of {len(reg.sites)} verified; "
          f"{len(reg.provinces_covered())} provinces", file=file or sys.stdout)


def _health_cells(h, quiet_days: float) -> list[str]:
    if h is None:
        return ["", "", "", "never"]
    quiet = "" if h.days_quiet is None else f"{h.days_quiet:.1f}"
    return [str(h.articles), (h.last_new_article_at or "")[:10], quiet, h.status(quiet_days)]


def _cmd_new(args: argparse.Namespace) -> int:
    from ..sitecheck import scaffold_command

    return scaffold_command(args)


def _cmd_check(args: argparse.Namespace) -> int:
    from ..sitecheck import check_command

    return check_command(args)
