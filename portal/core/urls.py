"""Absolute links for e-mails and PDFs."""

from __future__ import annotations

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute link on ``BASE_URL`` (the portal's public origin).

    Never built from the request's Host header, which an attacker controls: a forged host in a
    password-reset link would send the token to them. Works outside requests (background jobs).
    """
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path
