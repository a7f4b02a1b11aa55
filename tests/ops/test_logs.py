"""Structured logs (issue 19): one JSON line per request with its id, and no secret in any line."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta

import pytest

from portal import create_app
from portal.core.db import db
from portal.ops import logs
from tests.support import factories
from tests.support.forms import csrf_token, post_form
from tests.support.matrix import login

CLABE = "032180000118359719"
PASSWORD = "Hunter2-Very-Secret-Pass"
API_TOKEN = "cfp_" + "S3cr3tT0k3n" * 4


@pytest.fixture
def json_app(app, connection):
    """An app logging JSON at INFO into a buffer, on the suite's database; the suite's own
    logging comes back afterwards."""
    web = create_app(
        "testing",
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "STORAGE_LOCAL_ROOT": app.config["STORAGE_LOCAL_ROOT"],
            "RATELIMIT_ENABLED": False,
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
        },
    )
    handler = _handler()
    buffer = io.StringIO()
    handler.setStream(buffer)
    web.log_buffer = buffer
    try:
        yield web
    finally:
        handler.setStream(None)
        logs.configure(app)  # back to the suite's settings


def _handler() -> logging.Handler:
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == logs.HANDLER_NAME]
    return handler


def lines(web) -> list[dict]:
    return [json.loads(line) for line in web.log_buffer.getvalue().splitlines() if line]


def request_lines(web) -> list[dict]:
    return [line for line in lines(web) if line["logger"] == "portal.requests"]


def test_one_json_line_per_request_with_its_id(json_app):
    web = json_app.test_client()
    response = web.get("/calls/?page=2", headers={"X-Request-ID": "edge-42.a_b"})
    assert response.headers["X-Request-ID"] == "edge-42.a_b"
    [line] = request_lines(json_app)
    assert line["request_id"] == "edge-42.a_b"
    assert line["endpoint"] == "calls.index"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/calls/", 200)
    assert line["user_id"] is None and line["remote_addr"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO"
    moment = datetime.fromisoformat(line["time"])  # ISO 8601, UTC, milliseconds
    assert moment.utcoffset() == timedelta(0) and len(line["time"]) == 29


@pytest.mark.parametrize("header", ["", "a" * 65, "bad id", "évian", "x;rm", "id/2"])
def test_an_unusable_request_id_is_replaced(json_app, header):
    response = json_app.test_client().get("/healthz", headers={"X-Request-ID": header})
    given = response.headers["X-Request-ID"]
    assert given != header and len(given) == 32
    [line] = request_lines(json_app)
    assert line["request_id"] == given


def test_the_signed_in_user_is_named(json_app, connection):
    user = factories.make_user(name="Luisa Logs")
    db.session.commit()
    web = json_app.test_client()
    login(web, user.email)
    json_app.log_buffer.truncate(0)
    json_app.log_buffer.seek(0)
    web.get("/dashboard")
    line = request_lines(json_app)[-1]
    assert line["user_id"] == user.id and line["endpoint"] == "dashboard.dashboard"


def test_no_password_token_or_clabe_reaches_the_log(json_app, connection):
    """A sign-in, a password-reset request (its e-mail is written to the log when no mail server
    is set) and the reset link itself: none of the secrets appears in any line."""
    user = factories.make_user(name="Sara Secreta")
    db.session.commit()
    web = json_app.test_client()
    web.post(
        "/login?token=" + API_TOKEN,
        data={
            "email": user.email,
            "password": PASSWORD,
            "clabe": CLABE,
            "csrf_token": csrf_token(web, "/login"),
        },
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    post_form(web, "/forgot-password", {"email": user.email})
    text = json_app.log_buffer.getvalue()
    assert "e-mail (not sent" in text  # the reset e-mail was logged...
    reset_line = next(line for line in lines(json_app) if line["logger"] == "portal.mail")
    assert "/reset-password/[redacted]" in reset_line["message"]  # ...without its link's token
    link_token = "an.invalid-but-secret.reset-token"
    web.get(f"/reset-password/{link_token}")
    text = json_app.log_buffer.getvalue()
    for secret in (PASSWORD, CLABE, API_TOKEN, link_token, "S3cr3tT0k3n"):
        assert secret not in text
    assert request_lines(json_app)[-1]["path"] == "/reset-password/[redacted]"


def test_the_filter_scrubs_messages_fields_and_tracebacks(json_app):
    log = logging.getLogger("portal.tests")
    try:
        raise RuntimeError(f"transfer to CLABE {CLABE} refused")
    except RuntimeError:
        log.exception(
            "payment failed: password=%s Authorization: Bearer %s",
            PASSWORD,
            API_TOKEN,
            extra={"form": {"clabe": CLABE, "name": "Ana"}, "token": "abc", "note": CLABE},
        )
    text = json_app.log_buffer.getvalue()
    for secret in (PASSWORD, CLABE, API_TOKEN, '"abc"'):
        assert secret not in text
    [line] = [line for line in lines(json_app) if line["logger"] == "portal.tests"]
    assert line["form"] == {"clabe": "[redacted]", "name": "Ana"}
    assert line["token"] == "[redacted]" and line["note"] == "[redacted]"
    assert "RuntimeError: transfer to CLABE [redacted] refused" in line["exc_info"]


def test_building_the_app_again_adds_no_second_handler(app):
    before = len(logging.getLogger().handlers)
    for fmt in ("json", "text"):
        create_app("testing", {"LOG_FORMAT": fmt})
    logs.configure(app)
    assert len(logging.getLogger().handlers) == before
    assert len([h for h in logging.getLogger().handlers if h.get_name() == "portal"]) == 1


def test_text_format_is_one_readable_line(app):
    handler = _handler()
    record = logging.makeLogRecord(
        {"name": "portal.x", "levelname": "INFO", "levelno": 20, "msg": "hello %s", "args": ("w",)}
    )
    for each in handler.filters:
        each.filter(record)
    assert handler.formatter.format(record).endswith("INFO portal.x [-] hello w")
