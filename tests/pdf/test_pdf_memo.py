"""The suite's PDF memo (tests/support/pdf_memo.py) returns what WeasyPrint would, and steps
aside whenever a test watches or replaces the rendering."""

from __future__ import annotations

import uuid

import portal.pdf.render as render
from portal.pdf.fetcher import make_fetcher
from tests.support import pdf_memo


def _html() -> str:
    return f"<h1>Convenio</h1><p>{uuid.uuid4()}</p>"  # never seen before by this process


def test_the_suite_renders_through_the_memo():
    assert render.html_to_pdf is pdf_memo.memoised_html_to_pdf


def test_a_second_render_is_answered_from_the_memo_with_the_same_bytes():
    html = _html()
    hits = pdf_memo.STATS["hits"]
    first = render.html_to_pdf(html)
    assert pdf_memo.STATS["hits"] == hits
    assert render.html_to_pdf(html) == first
    assert pdf_memo.STATS["hits"] == hits + 1


def test_weasyprint_gives_the_same_bytes_for_the_same_html():
    """The memo's premise: no date or random identifier in the file."""
    html = _html()
    assert pdf_memo._ORIGINAL(html) == pdf_memo._ORIGINAL(html)


def test_a_spy_on_the_fetcher_sees_every_render(monkeypatch):
    html = _html()
    render.html_to_pdf(html)
    made = []

    def spy():
        made.append(make_fetcher())
        return made[-1]

    monkeypatch.setattr(render, "make_fetcher", spy)
    render.html_to_pdf(html)
    assert len(made) == 1


def test_a_spy_on_weasyprint_sees_every_render(monkeypatch):
    import weasyprint

    html = _html()
    render.html_to_pdf(html)
    original, calls = weasyprint.HTML.write_pdf, []

    def spy(self, *args, **kwargs):
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    render.html_to_pdf(html)
    assert len(calls) == 1


def test_an_explicit_fetcher_is_never_memoised():
    html = _html()
    fetcher = make_fetcher()
    misses, hits = pdf_memo.STATS["misses"], pdf_memo.STATS["hits"]
    render.html_to_pdf(html, fetcher)
    render.html_to_pdf(html, fetcher)
    assert (pdf_memo.STATS["misses"], pdf_memo.STATS["hits"]) == (misses, hits)
