"""Accessibility and layout crawl (issue 14): every demo persona, in Spanish and in English.

Each persona (anonymous; the demo applicant who owns and signs for Justicia Cercana; the
other organisation's owner; both reviewers; the grants manager; the finance officer; the
administrator: see README.md) gets one browser context, logs in once and walks the portal
breadth-first from the home page and the dashboard over same-origin links: GET only (the
log-out and the language switch are forms or ``?lang=`` links, both left alone), no downloads
(PDF, CSV, XLSX, JSON and XML endpoints are never requested). Pages are deduplicated by their
*shape*, the endpoint plus the names of its query parameters: a persona audits at most
``PER_SHAPE`` pages of a shape, ``PER_ENDPOINT`` of an endpoint and ``PAGES`` pages in all,
and all personas together ``SHARED_SHAPE`` pages of a shape (the home page and the dashboard
excepted), so the crawl stays bounded however much data the demo grows. The shared bound makes
the staff, crawled last, go deeper instead of auditing the same pages again.

On every page, once in Spanish and once in English:

- axe-core (vendored in ``tests/browser/vendor/``, see its README) runs the WCAG 2 A and AA
  rules, and no serious or critical violation is allowed. The context bypasses the CSP so the
  script can run. It is registered once as an init script of the context (sending its 650 kB
  through ``page.add_script_tag`` on every page cost 0.2 s a page), and
  ``page.add_script_tag`` injects it on any page where it is missing;
- the page is laid out at 375, 1024, 1280 and 1366 px and must not be wider than the window
  (``document.documentElement.scrollWidth > window.innerWidth``); the elements that stick out
  are named in the failure. Tables that scroll sideways inside their ``.table-responsive`` box
  at 1280 px or more are listed in the summary, not failed.

What was crawled, every violation and overflow found and the time spent are written to
``test-artifacts/crawl/`` (``summary.md``, and ``<persona>.json`` with the details). The whole
crawl takes about two minutes on two cores.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.exceptions import HTTPException

from config import ROOT
from tests.support.browser import TIMEOUT_MS, log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "crawl"
WIDTHS = (375, 1024, 1280, 1366)
AXE_WIDTH = 1280
CLIP_WIDTH = 1280  # from here on, tables scrolling inside their box are listed (not failed)
LANGUAGES = ("es", "en")
PAGES = 50  # pages audited per persona and language
PER_SHAPE = 2  # pages of one endpoint + query-parameter names, per persona...
PER_ENDPOINT = 3  # ...and of one endpoint whatever its query (filters, pages of a list)...
SHARED_SHAPE = 3  # ...and for all personas together (the home page and dashboard excepted)
SEEDS = ("/", "/dashboard")

# (name, e-mail): anonymous first, then every demo account of the README.
PERSONAS = (
    ("anonymous", None),
    ("applicant-owner-signatory", "direccion@justiciacercana.example"),
    ("other-applicant", "direccion@mediasonora.example"),
    ("reviewer-chair", "revisora1@cofinancia.example"),
    ("reviewer", "revisor2@cofinancia.example"),
    ("grants-manager", "gestor@cofinancia.example"),
    ("finance-officer", "finanzas@cofinancia.example"),
    ("admin", "admin@cofinancia.example"),
)

# Endpoints that answer a file (PDF, CSV, XLSX, JSON, XML) or a download, never a page.
DOWNLOADS = frozenset(
    {
        "applications.acknowledgement",
        "applications.call_applications_export",
        "awards.agreement_pdf",
        "awards.amendment_pdf",
        "awards.decline_letter",
        "documents.download",
        "exports.cofinance",
        "exports.disbursements",
        "opendata.giving360",
        "opendata.iati",
        "reviews.document",
        "reviews.ranking_export",
    }
)
IGNORED_PARAMS = frozenset({"lang"})  # the language switch: the same page in the other language

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({
        target: n.target.join(' '),
        html: n.html.slice(0, 200),
        summary: (n.failureSummary || '').slice(0, 300),
      })),
      count: v.nodes.length,
    }));
}"""

# How wide the page is; the outermost elements that stick out past the window (not counting
# what scrolls inside its own box); and the tables that scroll sideways inside their
# .table-responsive box (columns hidden until scrolled).
MEASURE = """() => {
  const width = window.innerWidth;
  const doc = document.documentElement;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + Array.from(el.classList).slice(0, 3).join('.');
    return name;
  };
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const culprits = [];
  if (doc.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || scrolls(el)) continue;
      const parent = el.parentElement;
      const outer = parent && parent !== document.body ? parent.getBoundingClientRect() : null;
      if (box.right > width + 1 && !(outer && outer.right > width + 1)) {
        culprits.push(`${describe(el)} (right ${Math.round(box.right)})`);
      } else if (
        box.right <= width + 1 && box.left + el.scrollWidth > width + 1
        && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'
        && !Array.from(el.children).some((child) => child.scrollWidth > child.clientWidth + 1)
      ) {  // its text runs out of its box (white-space: nowrap, a long word)
        culprits.push(`${describe(el)} (text to ${Math.round(box.left + el.scrollWidth)})`);
      }
      if (culprits.length >= 5) break;
    }
  }
  const clipped = [];
  for (const box of document.querySelectorAll('.table-responsive')) {
    if (box.clientWidth && box.scrollWidth > box.clientWidth + 1) {
      const table = box.querySelector('table');
      clipped.push(`${describe(table || box)} (${box.scrollWidth} px in ${box.clientWidth})`);
    }
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: width, culprits, clipped};
}"""

LINKS = """() => Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"""


@dataclass
class Audit:
    url: str
    language: str
    status: int | None
    violations: list[dict] = field(default_factory=list)
    overflows: list[dict] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)  # tables scrolling in their box, >= 1280 px


@dataclass
class PersonaReport:
    persona: str
    email: str | None
    seconds: float = 0.0
    audits: list[Audit] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # links not followed, with the reason
    errors: list[str] = field(default_factory=list)  # JavaScript errors, failed loads
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent per step

    def timed(self, step: str, since: float) -> float:
        now = time.monotonic()
        self.timings[step] = round(self.timings.get(step, 0.0) + now - since, 2)
        return now

    def failures(self) -> list[str]:
        lines = []
        for audit in self.audits:
            for v in audit.violations:
                targets = "; ".join(n["target"] for n in v["nodes"])
                lines.append(
                    f"[{audit.language}] {audit.url}: axe {v['impact']} {v['id']} "
                    f"({v['count']} nodes: {targets})"
                )
            for o in audit.overflows:
                lines.append(
                    f"[{audit.language}] {audit.url}: {o['scrollWidth']} px wide at "
                    f"{o['innerWidth']} px ({', '.join(o['culprits'])})"
                )
        return lines + self.errors


@dataclass
class CrawlRun:
    reports: list[PersonaReport] = field(default_factory=list)
    shapes: dict[tuple, int] = field(default_factory=dict)  # pages audited per shape, everyone
    started: float = field(default_factory=time.monotonic)


@pytest.fixture(scope="module")
def crawl_run():
    """What the personas found; writes ``test-artifacts/crawl/summary.md`` at the end."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink()
    run = CrawlRun()
    yield run
    _write_summary(run)


@pytest.mark.parametrize(("persona", "email"), PERSONAS, ids=[p for p, _ in PERSONAS])
def test_crawl(persona, email, live_server, browser, crawl_run):
    report = PersonaReport(persona, email)
    crawl_run.reports.append(report)
    started = time.monotonic()
    # bypass_csp: axe is injected as a script the portal's CSP would refuse.
    context = browser.new_context(
        locale="es-MX",
        timezone_id="America/Mexico_City",
        base_url=live_server.url,
        viewport={"width": AXE_WIDTH, "height": 900},
        bypass_csp=True,
        accept_downloads=False,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.on("pageerror", lambda exc: report.errors.append(f"JavaScript error: {exc}"))
    errors_before = len(live_server.errors)
    try:
        if email:
            log_in(page, email)
        else:
            page.goto("/?lang=es")
        report.timed("log-in", started)
        pages = _crawl(page, live_server, report, crawl_run.shapes)
        page.goto("/?lang=en")
        for url in pages:
            _audit(page, url, report, "en")
    finally:
        context.close()
        report.seconds = round(time.monotonic() - started, 1)
        report.errors += live_server.errors[errors_before:]
        (ARTIFACTS / f"{persona}.json").write_text(
            json.dumps(asdict(report), indent=1, ensure_ascii=False), encoding="utf-8"
        )
    failures = report.failures()
    assert not failures, f"{persona}: {len(failures)} problems\n" + "\n".join(failures)


def _crawl(page, live_server, report: PersonaReport, shared: dict[tuple, int]) -> list[str]:
    """Breadth-first walk from the home page and the dashboard, in Spanish, auditing each page;
    returns the URLs audited (the English pass audits the same ones)."""
    adapter = live_server.app.url_map.bind("localhost")
    origin = urlsplit(live_server.url).netloc
    queue: deque[str] = deque(SEEDS)
    queued = set(queue)
    mine: dict[tuple, int] = {}
    audited: list[str] = []
    while queue and len(audited) < PAGES:
        url = queue.popleft()
        shape = _shape(adapter, url)
        if shape is None or mine.get(shape, 0) >= PER_SHAPE:
            continue
        if mine.get(("endpoint", shape[0]), 0) >= PER_ENDPOINT:
            continue
        if url not in SEEDS and shared.get(shape, 0) >= SHARED_SHAPE:
            continue
        if _audit(page, url, report, "es") is None:
            continue
        # A redirect (to the log-in page, say) also counts for the page it landed on.
        landed = _shape(adapter, _local(page.url, origin) or url) or shape
        for counts in (mine, shared):
            for seen in {shape, landed}:
                counts[seen] = counts.get(seen, 0) + 1
        for seen in {("endpoint", shape[0]), ("endpoint", landed[0])}:
            mine[seen] = mine.get(seen, 0) + 1
        audited.append(url)
        for href in page.evaluate(LINKS):
            link = _local(href, origin)
            if link is None or link in queued:
                continue
            queued.add(link)
            endpoint = (_shape(adapter, link) or ("?",))[0]
            if endpoint in DOWNLOADS or endpoint.startswith("api.") or endpoint == "static":
                report.skipped.append(f"{link} ({endpoint})")
                continue
            queue.append(link)
    return audited


def _audit(page, url: str, report: PersonaReport, language: str) -> Audit | None:
    started = time.monotonic()
    page.set_viewport_size({"width": AXE_WIDTH, "height": 900})
    try:
        response = page.goto(url)
    except PlaywrightError as exc:  # a failed load is reported, not fatal
        if "Download is starting" in str(exc):  # a file route not (yet) listed in DOWNLOADS
            report.skipped.append(f"{url} (a download)")
            return None
        report.errors.append(f"[{language}] {url}: {str(exc).splitlines()[0]}")
        return None
    if response is None or "html" not in (response.headers.get("content-type") or ""):
        report.skipped.append(f"{url} (not HTML)")
        return None
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != language:
        report.errors.append(f"[{language}] {url}: <html lang={lang!r}>")
    audit = Audit(url=url, language=language, status=response.status)
    started = report.timed("load", started)
    if not page.evaluate("() => typeof axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    started = report.timed("axe-inject", started)
    audit.violations = page.evaluate(AXE_RUN)
    started = report.timed("axe-run", started)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        measured = page.evaluate(MEASURE)
        if measured["scrollWidth"] > measured["innerWidth"]:
            audit.overflows.append(measured)
        if width >= CLIP_WIDTH:
            audit.clipped += [f"{width} px: {table}" for table in measured["clipped"]]
    report.timed("widths", started)
    report.audits.append(audit)
    return audit


def _local(href: str, origin: str) -> str | None:
    """``href`` as a same-origin path + query, without fragment and language switch."""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or parts.netloc != origin:
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k not in IGNORED_PARAMS]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def _shape(adapter, url: str) -> tuple | None:
    """(endpoint, query-parameter names) of a URL, or None when no GET rule matches it."""
    parts = urlsplit(url)
    try:
        endpoint, _ = adapter.match(parts.path, method="GET")
    except HTTPException:
        return None
    names = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return (endpoint, *names)


def _write_summary(run: CrawlRun) -> None:
    reports = run.reports
    lines = ["# Accessibility and layout crawl", ""]
    lines.append(
        f"Widths {', '.join(str(w) for w in WIDTHS)} px; axe-core WCAG 2 A + AA, "
        f"serious and critical only; languages {', '.join(LANGUAGES)}; at most {PAGES} pages "
        f"per persona and language, {PER_SHAPE} per endpoint shape (endpoint and query "
        f"parameter names) and {PER_ENDPOINT} per endpoint and persona, {SHARED_SHAPE} per shape "
        f"for all personas."
    )
    lines += [
        "",
        "| persona | pages (es + en) | axe violations | overflows | clipped tables | errors "
        "| seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    total = {"pages": 0, "violations": 0, "overflows": 0, "clipped": 0}
    for r in reports:
        counts = {
            "pages": len(r.audits),
            "violations": sum(len(a.violations) for a in r.audits),
            "overflows": sum(len(a.overflows) for a in r.audits),
            "clipped": sum(len(a.clipped) for a in r.audits),
        }
        for key, value in counts.items():
            total[key] += value
        lines.append(
            f"| {r.persona} | {counts['pages']} | {counts['violations']} | "
            f"{counts['overflows']} | {counts['clipped']} | {len(r.errors)} | {r.seconds} |"
        )
    lines += [
        "",
        f"Total: {total['pages']} pages, {total['violations']} violations, "
        f"{total['overflows']} overflows ({total['clipped']} clipped tables, not failed), "
        f"{round(time.monotonic() - run.started)} s.",
        "",
    ]
    for r in reports:
        failures = r.failures()
        if failures:
            lines += [f"## {r.persona}", "", *(f"- {f}" for f in failures), ""]
    clipped = sorted({f"{a.url}: {c}" for r in reports for a in r.audits for c in a.clipped})
    if clipped:
        lines += [
            f"## Tables scrolling inside their box at {CLIP_WIDTH} px or more (not failed)",
            "",
            *(f"- {c}" for c in clipped),
            "",
        ]
    (ARTIFACTS / "summary.md").write_text("\n".join(lines), encoding="utf-8")
