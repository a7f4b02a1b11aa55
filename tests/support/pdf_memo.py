"""Render each distinct HTML document to PDF once per test process.

The demo seed (``portal.demo.seed.seed_all``) renders a dozen agreements and amendments with
WeasyPrint, ~70 % of its time, and a dozen tests across the suite seed the demo (plus the fuzz
world and the statement-count crawl). WeasyPrint's output is a pure function of the HTML, the
base URL and the fetcher (same input, same bytes: no dates or random identifiers in the file),
so the suite keeps the bytes of each HTML it rendered and returns them for the same HTML again.
Every distinct document is still rendered for real, through the restricted fetcher, the first
time a process meets it.

Only the default pipeline is memoised: a call with its own ``fetcher``, or made while a test
has replaced ``make_fetcher``, WeasyPrint's ``HTML`` or ``HTML.write_pdf`` (a spy, a failure),
renders as before.
"""

from __future__ import annotations

import hashlib

import portal.pdf.render as render

_ORIGINAL = render.html_to_pdf
_ORIGINAL_FETCHER = render.make_fetcher
_CACHE: dict[bytes, bytes] = {}
STATS = {"hits": 0, "misses": 0}


def memoised_html_to_pdf(html: str, *args, **kwargs) -> bytes:
    """``render.html_to_pdf``, answered from the cache for an HTML already rendered."""
    if args or kwargs or render.make_fetcher is not _ORIGINAL_FETCHER or _weasyprint_replaced():
        return _ORIGINAL(html, *args, **kwargs)
    key = hashlib.sha256(html.encode("utf-8")).digest()
    if key in _CACHE:
        STATS["hits"] += 1
        return _CACHE[key]
    STATS["misses"] += 1
    pdf = _CACHE[key] = _ORIGINAL(html)
    return pdf


_WEASYPRINT: list = []


def _weasyprint_replaced() -> bool:
    """True while a test has replaced WeasyPrint's ``HTML`` or its ``write_pdf`` (a spy)."""
    import weasyprint

    if not _WEASYPRINT:
        _WEASYPRINT.extend((weasyprint.HTML, weasyprint.HTML.write_pdf))
    return (weasyprint.HTML, weasyprint.HTML.write_pdf) != tuple(_WEASYPRINT)
