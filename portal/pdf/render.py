"""Render a Jinja template from ``pdf_templates/`` to PDF bytes.

The templates get their own sandboxed, always-autoescaping Jinja environment (applicant text
is data, never markup), the portal's ``_()`` and formatting filters, and are rendered with
``base_url`` at ``pdf_templates/`` so ``<link rel="stylesheet" href="base.css">`` works
through the restricted fetcher.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from portal.pdf.fetcher import ALLOWED_DIRECTORIES, make_fetcher

TEMPLATES = ALLOWED_DIRECTORIES[1]


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    from flask_babel import gettext, ngettext

    from portal.core.i18n import format_day, format_dt, format_money, format_number, localized

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
        money=format_money, datetime=format_dt, date=format_day, number=format_number
    )
    env.globals.update(localized=localized)
    return env


def render_html(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str, fetcher=None) -> bytes:
    """PDF bytes of ``html`` (resources only through the restricted fetcher)."""
    from weasyprint import HTML

    fetcher = fetcher or make_fetcher()
    return HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render_html(template, **context))
