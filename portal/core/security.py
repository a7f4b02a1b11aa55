"""Security headers and safe redirects."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response, current_app

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    config = current_app.config
    wanted = security_headers(
        config.get("CSP_CONNECT_EXTRA", ""), bool(config.get("SESSION_COOKIE_SECURE"))
    )
    for name, value in wanted:
        if name not in headers:  # a view's own choice stands
            headers.add(name, value)
    return response


@lru_cache(maxsize=8)
def security_headers(connect_extra: str, https_only: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response carries, built once per configuration (not per request)."""
    wanted = [
        ("Content-Security-Policy", _csp(connect_extra)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if https_only:
        wanted.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return tuple(wanted)


def _csp(extra: str) -> str:
    if extra:
        # Direct-to-S3 uploads need the bucket's origin in connect-src and form-action.
        return CSP.replace("connect-src 'self'", f"connect-src 'self' {extra}").replace(
            "form-action 'self'", f"form-action 'self' {extra}"
        )
    return CSP


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are allowed as ``next=`` targets."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_next(target) else default
