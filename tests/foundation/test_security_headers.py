"""Security headers on every kind of response, and error pages in the visitor's language."""

from __future__ import annotations

import re

import pytest
from flask import abort
from flask_babel import gettext

from portal import create_app

PAGES = ["/", "/?lang=en", "/no-such-page", "/static/css/portal.css"]


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in csp.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("url", PAGES)
def test_content_security_policy_forbids_inline_code_and_framing(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    directives = _directives(csp)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'self'" in directives["default-src"]


@pytest.mark.parametrize("url", PAGES)
def test_nosniff_and_referrer_policy(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/", "/?lang=en", "/no-such-page"])
def test_pages_contain_no_inline_script_or_style(client, url):
    """The CSP would block them in the browser, so they must not be there at all."""
    html = client.get(url).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle\s*=", html, re.I), "inline style attribute"
    assert not re.search(r"<style\b", html, re.I), "inline <style> element"
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), "inline event handler"


# Error pages ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def error_app(tmp_path_factory):
    """A bare app with routes that fail on purpose (no database needed)."""
    app = create_app(
        "testing",
        {"DATABASE_URL": "sqlite://", "RATELIMIT_ENABLED": False, "PROPAGATE_EXCEPTIONS": False},
    )
    app.add_url_rule("/_test/forbidden", "forbidden", lambda: abort(403))
    app.add_url_rule("/_test/missing", "missing", lambda: abort(404))
    app.add_url_rule("/_test/crash", "crash", _crash)
    return app


def _crash():
    raise RuntimeError("boom")


def _spanish(app, msgid: str) -> str:
    """The Spanish catalogue's translation of ``msgid`` (the msgid itself when missing)."""
    with app.test_request_context("/?lang=es"):
        return gettext(msgid)


@pytest.mark.parametrize(
    ("url", "code", "title"),
    [
        ("/_test/forbidden", 403, "Access denied"),
        ("/_test/missing", 404, "Page not found"),
        ("/no-such-page", 404, "Page not found"),
        ("/_test/crash", 500, "Something went wrong"),
    ],
)
def test_error_pages_are_spanish_by_default_and_english_on_request(error_app, url, code, title):
    client = error_app.test_client()
    spanish = client.get(url)
    assert spanish.status_code == code
    html_es = spanish.get_data(as_text=True)
    assert '<html lang="es">' in html_es
    translated = _spanish(error_app, title)
    assert translated != title, f"{title!r} has no Spanish translation"
    assert translated in html_es

    english = client.get(url + "?lang=en")
    assert english.status_code == code
    html_en = english.get_data(as_text=True)
    assert "boom" not in html_en, "no internals on error pages"
    assert '<html lang="en">' in html_en
    assert title in html_en
    assert translated not in html_en


def test_error_pages_carry_the_security_headers(error_app):
    response = error_app.test_client().get("/_test/forbidden")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
