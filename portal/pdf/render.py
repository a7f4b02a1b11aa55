"""Render a Jinja template from ``pdf_templates/`` to PDF bytes.

The templates get their own sandboxed, always-autoescaping Jinja environment (applicant text
is data, never markup), the portal's ``_()`` and formatting filters, and are rendered with
``base_url`` at ``pdf_templates/`` so ``<link rel="stylesheet" href="base.css">`` works
through the restricted fetcher. Dates are written long and in the programme's zone
(``longdate``, ``longdatetime``: see ``portal.pdf.dates``); ``page_counter_css(box)`` puts
"Página 1 de 3" in a page-margin box, in the document's language.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from portal.pdf.fetcher import ALLOWED_DIRECTORIES, make_fetcher

TEMPLATES = ALLOWED_DIRECTORIES[1]


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    from flask_babel import gettext, ngettext

    from portal.core.i18n import format_day, format_dt, format_money, format_number, localized
    from portal.pdf.dates import long_date, long_datetime

    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(
        money=format_money,
        datetime=format_dt,
        date=format_day,
        number=format_number,
        longdate=long_date,
        longdatetime=long_datetime,
    )
    env.globals.update(localized=localized, page_counter_css=page_counter_css)
    return env


MARGIN_BOXES = frozenset(
    f"{edge}-{where}" for edge in ("top", "bottom") for where in ("left", "center", "right")
)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (safe inside a ``<style>`` element)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&' or ord(ch) < 32 else ch for ch in text)
    return f'"{escaped}"'


def page_counter_css(box: str = "bottom-right") -> Markup:
    """A ``@page`` rule writing "Página 3 de 7" ("Page 3 of 7") in the margin ``box``, kept on
    one line. The wording is the catalogue's, with the page counters in place of the numbers."""
    from flask_babel import gettext

    if box not in MARGIN_BOXES:
        raise ValueError(f"unknown page-margin box {box!r}")
    page, pages = "\x00page\x00", "\x00pages\x00"
    text = gettext("Page %(n)s of %(total)s", n=page, total=pages)
    parts = []
    for i, piece in enumerate(text.split("\x00")):
        if i % 2:
            parts.append("counter(pages)" if piece == "pages" else "counter(page)")
        elif piece:
            parts.append(_css_string(piece))
    content = " ".join(parts)
    return Markup(f"@page {{ @{box} {{ content: {content}; white-space: nowrap; }} }}")  # noqa: S704


def render_html(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str, fetcher=None) -> bytes:
    """PDF bytes of ``html`` (resources only through the restricted fetcher)."""
    from weasyprint import HTML

    fetcher = fetcher or make_fetcher()
    return HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render_html(template, **context))
