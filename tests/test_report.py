"""The HTML report: escaping and structure as text, then the real page in headless Chromium.

The browser test runs the real pipeline (`run` → `audit` → `report`) on the bundled corpus plus one
planted hostile article, opens report.html in Debian's chromium driven over the DevTools protocol
(--remote-debugging-pipe: no extra Python package, no network), checks the DOM — every claim present,
the highlight around the right number, the charts decoded — checks that the planted <script> and
<img onerror> never ran, and saves a screenshot beside the report. Also: `unionclaims serve` against
a real Datasette on 127.0.0.1.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from pipeline.numbers import find_quantities, parse_number
from pipeline.records import ARTICLE_FIELDS, CLAIM_FIELDS, Article, Claim
from pipeline.report import build_report, csp, page_css, render_sentence, safe_href

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD_TEXT = ('<script>document.title="PWNED"</script> <img src=x '
                "onerror=\"document.body.setAttribute('data-pwned','1')\">")
PLANTED = (
    'LĐLĐ tỉnh Cao Bằng: phát triển đoàn viên năm 2023 <script>document.title="PWNED-TITLE"</script>\n\n'
    f"Năm 2023, LĐLĐ tỉnh Cao Bằng đã kết nạp 1.234 đoàn viên mới {PAYLOAD_TEXT} trong các doanh nghiệp "
    "ngoài nhà nước, thành lập 15 công đoàn cơ sở.\n\n"
    "Ngày đăng: 05/01/2024\n"
)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--mute-audio"]


# --------------------------------------------------------------------------- as text (no browser)


def _hostile_fixture() -> tuple[pd.DataFrame, pd.DataFrame]:
    text = f"Năm 2022, LĐLĐ tỉnh Cao Bằng kết nạp 856 đoàn viên {PAYLOAD_TEXT} và vận động được gần 1,6 tỷ đồng."
    art = Article(doc_id="d1", url="javascript:alert(1)", site="ldld-caobang", title='<img src=x onerror="alert(2)">',
                  published="2022-08-27", text=text, source="corpus/html/x.warc.gz#<urn:uuid:1>",
                  flags=["spam_injected"], province="Cao Bằng", org="LĐLĐ tỉnh Cao Bằng")
    s856 = text.index("kết nạp 856")
    s16 = text.index("gần 1,6 tỷ đồng")
    claims = [
        Claim(claim_id="c856", doc_id="d1", indicator="members_recruited", value=856, value_min=None, value_max=None,
              unit="person", qualifier="exact", is_target=False, quote=text, start=s856, end=s856 + 21,
              period_text="Năm 2022", period_start="2022-01-01", period_end="2022-12-31", org="LĐLĐ tỉnh Cao Bằng",
              province="Cao Bằng", sentence_start=0, sentence_end=len(text), rule="t", confidence=0.9),
        Claim(claim_id="c16", doc_id="d1", indicator="funds_raised", value=1.6e9, value_min=None, value_max=None,
              unit="VND", qualifier="approx_below", is_target=False, quote=text, start=s16, end=s16 + 15,
              period_text="Năm 2022", period_start="2022-01-01", period_end="2022-12-31", org="LĐLĐ tỉnh Cao Bằng",
              province="Cao Bằng", sentence_start=0, sentence_end=len(text), rule="t", confidence=0.9),
    ]
    return (pd.DataFrame([c.to_dict() for c in claims], columns=list(CLAIM_FIELDS)),
            pd.DataFrame([art.to_dict()], columns=list(ARTICLE_FIELDS)))


def test_report_escapes_hostile_text_and_has_a_strict_policy(tmp_path: Path) -> None:
    from pipeline.audit import audit_tables
    from pipeline.dataset import build_facts, build_panel

    claims, articles = _hostile_fixture()
    page = build_report(claims, articles, build_panel(build_facts(claims)), audit_tables(claims, articles),
                        tmp_path, find_quantities=find_quantities)
    assert "<script" not in page.lower()
    assert page.count("<img") == page.count('<img class="chart"')  # the planted <img> is text, not a tag
    assert " onerror=\"" not in page  # "onerror=" appears only as escaped text (onerror=&quot;)
    assert "&lt;script&gt;document.title=&quot;PWNED&quot;&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert f'content="{csp(page_css())}"' in page and "script-src 'none'" in page
    assert "style=" not in page  # no inline style attribute: the CSP allows only the hashed <style>
    assert 'src="data:image/png;base64,' in page  # the chart
    for cid, number in (("c856", "856"), ("c16", "1,6 tỷ đồng")):
        block = page[page.index(f'id="claim-{cid}"'):]
        mark = block[block.index('<mark class="entity'):block.index("</mark>")]
        assert number in mark and "gần" not in mark


def test_displacy_label_is_never_free_text() -> None:
    # displaCy escapes the text but not the label: only plain indicator names are accepted.
    with pytest.raises(ValueError):
        render_sentence("kết nạp 856 đoàn viên", 8, 11, '<img src=x onerror="alert(1)">')
    assert "&lt;b&gt;" in render_sentence("<b>kết nạp 856</b>", 11, 14, "members_recruited")


def test_only_web_links_are_clickable() -> None:
    assert safe_href("https://ldld.caobang.gov.vn/news/a-1873.html")
    for bad in ("javascript:alert(1)", "data:text/html,<script>", " JAVASCRIPT:alert(1)", None, ""):
        assert safe_href(bad) is None


def test_report_command_on_missing_outputs_says_so(tmp_path: Path, capsys) -> None:
    from pipeline.cli import main

    assert main(["report", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "claims.parquet: missing" in err[0]


# --------------------------------------------------------------------------- real outputs


def test_the_streamed_page_equals_the_page_built_in_memory(tmp_path: Path, monkeypatch) -> None:
    """write_report reads the tables a row group at a time and writes the article blocks through a spool in
    page order; the page must be byte for byte what build_report makes from the tables held whole, with
    the findings computed (no audit.csv yet) and then read from audit.csv."""
    from datetime import date

    from manygroups import many_group_outputs

    from pipeline.audit import run_audit
    from pipeline.report import load_report_inputs, write_report

    out = many_group_outputs(tmp_path, monkeypatch)
    for audited in (False, True):
        if audited:
            run_audit(out)
        claims, articles, panel, audit = load_report_inputs(out)
        from pipeline.quantities import load_quantities

        in_memory = build_report(claims, articles, panel, audit, out, generated=date(2026, 1, 2),
                                 quantities=load_quantities(out, articles))
        page = write_report(out, generated=date(2026, 1, 2)).read_text(encoding="utf-8")
        assert page == in_memory
        assert page.count('<article class="doc"') == len(articles) > 150
        assert "1.856" in page and "ratio_mismatch" in page and "silent_edit" in page
    assert not [p for p in out.iterdir() if p.name.startswith(".report-")]  # the spool is gone


@pytest.fixture(scope="module")
def real_out(tmp_path_factory) -> Path:
    """`run` → `audit` → `report` on the bundled corpus plus one planted hostile article."""
    from pipeline.audit import run_audit
    from pipeline.report import write_report
    from pipeline.runner import run_corpus

    base = tmp_path_factory.mktemp("report")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "planted").mkdir()
    (corpus / "planted" / "hostile.txt").write_text(PLANTED, encoding="utf-8")
    out = base / "out"
    summary = run_corpus(corpus, out)
    assert summary.articles >= 6 and not summary.errors
    run_audit(out)
    write_report(out)
    return out


def test_report_from_real_outputs_is_self_contained(real_out: Path) -> None:
    page = (real_out / "report.html").read_text(encoding="utf-8")
    # Nothing is fetched from anywhere: no external src/href for resources, no <link>, no script.
    assert "<link" not in page and "<script" not in page.lower() and "@import" not in page
    assert "src=\"http" not in page and "url(" not in page
    claims = pd.read_parquet(real_out / "claims.parquet")
    for cid in claims.claim_id:
        assert f'data-claim-id="{cid}"' in page


# --------------------------------------------------------------------------- headless Chromium


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """Chromium driven over --remote-debugging-pipe (fd 3: commands in, fd 4: replies out, NUL-separated
    JSON). Waits are bounded so a broken browser fails the test instead of hanging it."""

    def __init__(self, exe: str, profile: Path, wait: float = 60.0) -> None:
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()

        def wire() -> None:  # in the child: put the two pipe ends on fds 3 and 4
            a, b = os.dup(cmd_r), os.dup(res_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(cmd_r)
        os.close(res_w)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.inbox: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        self.wait = wait
        self.next_id = 0
        threading.Thread(target=self._read, args=(res_r,), daemon=True).start()

    def _read(self, fd: int) -> None:
        buf = b""
        with os.fdopen(fd, "rb", buffering=0) as f:
            while chunk := f.read(65536):
                buf += chunk
                while b"\0" in buf:
                    msg, buf = buf.split(b"\0", 1)
                    self.inbox.put(json.loads(msg))
        self.inbox.put(None)

    def _next(self, deadline: float) -> dict:
        try:
            msg = self.inbox.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError("chromium did not answer over the DevTools pipe") from None
        if msg is None:
            raise AssertionError("chromium closed the DevTools pipe")
        return msg

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        msg: dict = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.out.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.wait
        while True:
            reply = self._next(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> dict:
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        deadline = time.monotonic() + self.wait
        while True:
            ev = self._next(deadline)
            self.events.append(ev)
            if ev.get("method") == method:
                return ev

    def close(self) -> None:
        with contextlib.suppress(AssertionError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out.close()


@pytest.fixture(scope="module")
def browser_page(real_out: Path, tmp_path_factory):
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium is not installed (Debian: apt-get install -y chromium); CI installs it")
    tools = DevTools(exe, tmp_path_factory.mktemp("chromium-profile"))
    try:
        target = next((t for t in tools.send("Target.getTargets")["targetInfos"] if t["type"] == "page"), None)
        target_id = target["targetId"] if target else tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target_id, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            tools.send(f"{domain}.enable", session=session)
        tools.send("Emulation.setDeviceMetricsOverride",
                   {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
        tools.send("Page.navigate", {"url": (real_out / "report.html").as_uri()}, session)
        tools.wait_event("Page.loadEventFired")

        def js(expr: str):
            res = tools.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
            assert "exceptionDetails" not in res, res
            return res["result"].get("value")

        shot = tools.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session)
        (real_out / "report.png").write_bytes(base64.b64decode(shot["data"]))
        yield js, tools.events
    finally:
        tools.close()


@pytest.mark.slow
def test_every_claim_is_in_the_page_with_its_number_highlighted(browser_page, real_out: Path) -> None:
    js, _events = browser_page
    claims = pd.read_parquet(real_out / "claims.parquet")
    articles = pd.read_parquet(real_out / "articles.parquet").set_index("doc_id")
    marks = js("""JSON.stringify(Array.from(document.querySelectorAll('[data-claim-id]')).map(el => {
        const m = el.querySelector('mark.entity');
        return [el.dataset.claimId, m ? m.firstChild.textContent.trim() : null,
                el.querySelector('.entities').textContent];
    }))""")
    found = {cid: (mark, sentence) for cid, mark, sentence in json.loads(marks)}
    assert set(found) == set(claims.claim_id)
    for c in claims.itertuples():
        mark, sentence = found[c.claim_id]
        assert mark, f"claim {c.claim_id} has no highlight"
        span = articles.loc[c.doc_id, "text"][c.start:c.end]
        assert mark in span, f"highlight {mark!r} is not inside the claim {span!r}"
        expected = c.value if pd.notna(c.value) else c.value_min
        qs = find_quantities(mark)  # the grammar reads "30 triệu động" (sic) as the page's own typo for đồng
        got = qs[0].value if len(qs) == 1 and qs[0].value is not None else parse_number(mark)
        assert got == expected, f"highlight {mark!r} is not the number {expected}"
    planted = claims[claims.value == 1234]
    assert len(planted) == 1 and found[planted.iloc[0].claim_id][0] == "1.234"


@pytest.mark.slow
def test_charts_are_rendered(browser_page) -> None:
    js, _events = browser_page
    charts = json.loads(js("""JSON.stringify(Array.from(document.querySelectorAll('img.chart')).map(
        i => [i.complete, i.naturalWidth, i.naturalHeight, i.src.slice(0, 22)]))"""))
    assert charts, "no chart in the page"
    for complete, w, h, src in charts:
        assert complete and w > 300 and h > 150 and src == "data:image/png;base64,"


@pytest.mark.slow
def test_planted_script_never_runs(browser_page, real_out: Path) -> None:
    js, events = browser_page
    assert js("document.title") == "unionclaims — báo cáo số liệu công đoàn"
    assert js("document.body.hasAttribute('data-pwned')") is False
    assert js("document.scripts.length") == 0
    assert js("document.querySelectorAll('[onerror], [onload], [onmouseover]').length") == 0
    # The payload is on the page as text, inside the planted claim's sentence and the article title.
    assert js("Array.from(document.querySelectorAll('.claim .entities')).some("
              "e => e.textContent.includes('<script>document.title=\"PWNED\"</script>'))")
    assert js("Array.from(document.querySelectorAll('article.doc h3')).some("
              "h => h.textContent.includes('PWNED-TITLE'))")
    # The strict policy blocked nothing of ours (the CSS hash matches) and had nothing else to block.
    refused = [ev for ev in events if ev.get("method") == "Log.entryAdded"
               and "Content Security Policy" in ev["params"]["entry"].get("text", "")]
    assert refused == []
    assert js("getComputedStyle(document.querySelector('mark.entity')).borderRadius") != "0px"  # CSS applied
    assert (real_out / "report.png").stat().st_size > 10_000


@pytest.mark.slow
def test_findings_and_summary_are_in_the_page(browser_page, real_out: Path) -> None:
    js, _events = browser_page
    audit = pd.read_csv(real_out / "audit.csv")
    rows = json.loads(js("JSON.stringify(Array.from(document.querySelectorAll('tr.finding')).map(r => r.dataset.findingId))"))
    assert sorted(rows) == sorted(audit.finding_id)
    assert "spam_injected" in set(audit.check)  # seed 004
    assert js("document.querySelectorAll('table.summary tbody tr').length") >= 1


# --------------------------------------------------------------------------- serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_opens_the_database_read_only(real_out: Path) -> None:
    pytest.importorskip("datasette", reason="datasette not installed (pip install -e .[serve])")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--out", str(real_out), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/unionclaims/audit.json?_shape=array"
        body = None
        for _ in range(120):  # bounded: up to ~60 s for datasette to start
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    body = json.loads(resp.read())
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert body is not None, proc.stdout.read().decode() if proc.poll() is not None else "datasette did not start"
        assert {r["check"] for r in body} >= {"spam_injected"}
        # Immutable: a write through the SQL endpoint is refused.
        write = f"http://127.0.0.1:{port}/unionclaims.json?sql=delete+from+audit"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(write, timeout=5)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_serve_without_outputs_says_so(tmp_path: Path, capsys) -> None:
    from pipeline.cli import main

    assert main(["serve", "--out", str(tmp_path)]) == 2
    assert "unionclaims.sqlite: missing" in capsys.readouterr().err




def test_report_on_bodies_with_and_without_a_province(tmp_path: Path) -> None:
    """A national union, a province federation and a bare 'LĐLĐ tỉnh' in one indicator: no crash."""
    from pipeline.cli import main

    corpus = tmp_path / "mixed"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Công đoàn Ngân hàng Việt Nam kết nạp 3.200 đoàn viên\n\n"
        "Năm 2023, Công đoàn Ngân hàng Việt Nam đã kết nạp 3.200 đoàn viên mới.\n", encoding="utf-8")
    (corpus / "b.txt").write_text(
        "Nghệ An: kết nạp 5.210 đoàn viên\n\n"
        "Năm 2023, LĐLĐ tỉnh Nghệ An đã kết nạp 5.210 đoàn viên, thành lập 37 CĐCS.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    claims = pd.read_parquet(out / "claims.parquet")
    recruited = claims[claims["indicator"] == "members_recruited"]
    assert recruited["province"].isna().any() and recruited["province"].notna().any()
    assert main(["audit", "--out", str(out)]) == 0
    assert main(["report", "--out", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "5.210" in page and "3.200" in page and "data:image/png;base64," in page


def _served_values(port: int) -> list[float] | None:
    url = f"http://127.0.0.1:{port}/unionclaims/claims.json?_shape=array&_col=value&indicator=members_recruited"
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return sorted(r["value"] for r in json.loads(resp.read()))
    except OSError:
        return None


def test_serve_shows_a_new_run_without_a_restart(tmp_path: Path) -> None:
    pytest.importorskip("datasette", reason="datasette not installed (pip install -e .[serve])")
    from pipeline.cli import main

    corpus, out = tmp_path / "c", tmp_path / "out"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Nghệ An\n\nNăm 2023, LĐLĐ tỉnh Nghệ An đã kết nạp 5.210 đoàn viên.\n",
                                  encoding="utf-8")
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--out", str(out), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _served_values(port) != [5210.0]:
            assert time.monotonic() < deadline and proc.poll() is None, "datasette did not serve the first run"
            time.sleep(0.5)
        (corpus / "a.txt").write_text("Nghệ An\n\nNăm 2024, LĐLĐ tỉnh Nghệ An đã kết nạp 6.100 đoàn viên.\n",
                                      encoding="utf-8")
        assert main(["run", "--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
        deadline = time.monotonic() + 60
        while _served_values(port) != [6100.0]:
            assert time.monotonic() < deadline and proc.poll() is None, "serve still shows the old run"
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # SIGTERM to serve stops Datasette too: nothing answers on the port any more.
    deadline = time.monotonic() + 20
    while _served_values(port) is not None:
        assert time.monotonic() < deadline, "Datasette outlived serve"
        time.sleep(0.5)
