"""`unionclaims sites check [NAME]`: each site's templates against its archived fixture pages
(`tests/data/sites/<name>/*.html`), as Scrapy's `check`/`parse`: what each selector caught, and a failure
when no template reads a fixture any more (docs/sites.md).

A fixture passes when a template reads it the way the cleaner would: its body selector matches and leaves
at least MIN_SITE_BODY_CHARS of text after the drop selectors, and its title selector (when set) matches.
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .rules import rules_dir
from .sites import SiteRules, Template, load_sites

MIN_BODY_CHARS = 80  # as pipeline.clean.cleaner.MIN_SITE_BODY_CHARS
FIELDS = ("title", "published", "author", "lead", "body")


def fixtures_root() -> Path:
    return rules_dir().parent / "tests" / "data" / "sites"


@dataclass
class Caught:
    selector: str
    matches: int
    text: str  # the first match's text, shortened


@dataclass
class TemplateResult:
    template: str
    fields: dict[str, Caught] = field(default_factory=dict)
    drops: list[Caught] = field(default_factory=list)
    body_chars: int = 0
    problem: str | None = None  # why it does not read the page

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class FixtureResult:
    path: Path
    templates: list[TemplateResult]

    @property
    def used(self) -> TemplateResult | None:
        """The template the cleaner would use: the first one that reads the page."""
        return next((t for t in self.templates if t.ok), None)


def _short(text: str | None, n: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _load(path: Path):
    from .clean.dom import parse_html, strip_invisible
    from .clean.inputs import decode_page

    root = parse_html(decode_page(path.read_bytes(), []), [])
    strip_invisible(root)
    return root


def run_template(root, template: Template) -> TemplateResult:
    """What each selector of one template catches on a parsed page (the page is not changed)."""
    from .clean.dom import element_text, paragraphs, remove, select

    root = copy.deepcopy(root)
    res = TemplateResult(template.name or "?")
    for key in FIELDS:
        sel = getattr(template, key)
        if sel:
            found = select(root, sel)
            res.fields[key] = Caught(sel, len(found), _short(element_text(found[0]) if found else ""))
    for sel in template.drop:
        found = select(root, sel)
        res.drops.append(Caught(sel, len(found), _short(element_text(found[0]) if found else "")))
        for el in found:
            remove(el)
    body = select(root, template.body)
    res.body_chars = sum(len(p) for p in paragraphs(body[0])) if body else 0
    if not body:
        res.problem = f"body selector {template.body!r} matches nothing"
    elif res.body_chars < MIN_BODY_CHARS:
        res.problem = f"body has {res.body_chars} characters after the drops (< {MIN_BODY_CHARS})"
    elif template.title and not res.fields["title"].matches:
        res.problem = f"title selector {template.title!r} matches nothing"
    return res


def check_site(site: SiteRules, folder: Path) -> list[FixtureResult]:
    out = []
    for path in sorted(folder.glob("*.htm*")):
        root = _load(path)
        out.append(FixtureResult(path, [run_template(root, t) for t in site.templates]))
    return out


def print_site(site: SiteRules, results: list[FixtureResult], file=None) -> bool:
    """Print what each selector caught; True when every fixture is read by some template."""
    file = file or sys.stdout
    if not site.templates:
        print(f"{site.name}: no templates (read by the generic extractor): nothing to check", file=file)
        return True
    if not results:
        print(f"{site.name}: FAIL: no fixture pages (add one with `unionclaims sites new URL`)", file=file)
        return False
    ok = True
    for fx in results:
        used = fx.used
        verdict = f"ok, read by template {used.template}" if used else "FAIL: no template reads it"
        print(f"{site.name}: {fx.path.name}: {verdict}", file=file)
        for t in fx.templates:
            mark = "*" if t is used else " "
            print(f"  {mark} template {t.template}: " + ("reads the page" if t.ok else t.problem), file=file)
            if t is not used and used is not None:
                continue
            for key, c in t.fields.items():
                print(f"      {key:9} {c.matches:>2}× {c.selector}  {c.text!r}", file=file)
            if t.drops:
                hit = [d for d in t.drops if d.matches]
                print(f"      drop      {len(hit)} of {len(t.drops)} selectors matched: "
                      + ", ".join(f"{d.selector} ({d.matches})" for d in hit), file=file)
            print(f"      body text {t.body_chars} characters after drops", file=file)
        ok = ok and used is not None
    return ok


def check_command(args: argparse.Namespace) -> int:
    from .cli import CliError

    sites = load_sites([Path(p) for p in args.sites] if args.sites else None)
    if args.names:
        unknown = set(args.names) - {s.name for s in sites}
        if unknown:
            raise CliError(f"unknown site(s) {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in sites)}")
        sites = [s for s in sites if s.name in args.names]
    root = Path(args.fixtures) if args.fixtures else fixtures_root()
    failed = [s.name for s in sites if not print_site(s, check_site(s, root / s.name))]
    print(f"{len(sites) - len(failed)} of {len(sites)} site(s) pass" + (f"; failing: {', '.join(failed)}"
                                                                       if failed else ""))
    return 1 if failed else 0


def scaffold_command(args: argparse.Namespace) -> int:
    from .scaffold import scaffold_command as run

    return run(args)
