"""Posting real forms: fetch the page, read its CSRF token, post like a browser."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/") -> str:
    page = client.get(url)
    match = _TOKEN.search(page.get_data(as_text=True))
    if not match and (url == "/" or page.status_code >= 400):
        # A visitor's home page and error pages carry no form (no session opened just to show
        # them): any page with a form gives this browser's token.
        page = client.get("/login")
        match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no csrf_token on {url} (status {page.status_code})"
    return match.group(1)


def post_form(
    client,
    url: str,
    data: dict | None = None,
    *,
    form_url: str | None = None,
    follow_redirects: bool = False,
    **kwargs,
):
    """POST ``data`` to ``url`` with a CSRF token taken from ``form_url`` (default: ``url``)."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, form_url or "/"))
    return client.post(url, data=payload, follow_redirects=follow_redirects, **kwargs)
