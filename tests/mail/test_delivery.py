"""E-mails go through the outbox to a real SMTP server, in each recipient's language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.mail.models import OutboxMessage
from portal.mail.operations import (
    MAX_ATTEMPTS,
    READY_KEY,
    deliver_pending,
    deliver_ready,
    email_user,
)
from tests.support.factories import make_user
from tests.support.forms import post_form
from tests.support.matrix import login
from tests.support.net import free_port

EXPIRES = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)


def _invite(user, inviter):
    return email_user(
        "staff_invitation",
        user,
        link="http://localhost/reset-password/abc",
        invited_by=inviter,
        expires_dt=EXPIRES,
    )


def _reload(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _audit(action: str, message_id: int) -> list[AuditEntry]:
    stmt = select(AuditEntry).filter_by(action=action, object_id=str(message_id))
    return db.session.scalars(stmt).all()


def _expected_date(locale: str) -> str:
    return format_datetime(EXPIRES, "medium", tzinfo=ZoneInfo("America/Mexico_City"), locale=locale)


def test_each_recipient_gets_the_message_in_their_language(smtp_server):
    inviter = make_user(name="Adela Admin", roles=("admin",))
    english = make_user("emma@example.org", name="Emma English", locale="en", roles=("reviewer",))
    spanish = make_user(
        "elena@example.org", name="Elena Española", locale="es", roles=("reviewer",)
    )
    queued = [_invite(english, inviter), _invite(spanish, inviter)]
    db.session.commit()

    assert deliver_ready() == 2  # what this transaction committed
    received = {m["To"]: m for m in smtp_server.messages}
    assert set(received) == {"emma@example.org", "elena@example.org"}

    en, es = received["emma@example.org"], received["elena@example.org"]
    assert en["Content-Language"] == "en"
    assert es["Content-Language"] == "es"
    assert en["Subject"] == "Your invitation to Cofinancia"
    assert es["Subject"] == _reload(queued[1].id).subject
    assert es["Subject"] != en["Subject"]  # the Spanish catalogue was used
    assert en["From"] == "Cofinancia <no-reply@cofinancia.local>"
    assert en["Message-ID"]
    # Rendered under force_locale: dates follow each recipient's language (CLDR).
    assert _expected_date("en") in en.get_content()
    assert _expected_date("es_MX") in es.get_content()
    assert _expected_date("en") not in es.get_content()
    assert "Elena Española" in es.get_content()  # UTF-8 survives the trip
    assert "http://localhost/reset-password/abc" in en.get_content()

    for message in queued:
        stored = _reload(message.id)
        assert stored.status == "sent"
        assert stored.attempts == 1
        assert stored.sent_dt is not None
        [entry] = _audit("mail.sent", message.id)
        assert entry.changes["to"] == stored.recipient


def test_invitation_from_the_admin_page_arrives(app, smtp_server, connection):
    admin = make_user(name="Adela Admin", roles=("admin",))
    client = app.test_client()
    login(client, admin.email)
    form = "/admin/users/invite"
    data = {"full_name": "Rosa", "email": "rosa@example.org", "roles": ["reviewer"]}
    data["locale"] = "en"
    assert post_form(client, form, data, form_url=form).status_code == 302
    [received] = [m for m in smtp_server.messages if m["To"] == "rosa@example.org"]
    assert "/reset-password/" in received.get_content()
    assert received["Content-Language"] == "en"
    message = db.session.scalar(select(OutboxMessage).filter_by(recipient="rosa@example.org"))
    assert message.status == "sent"


def test_failures_are_retried_then_marked_failed(mail_config):
    mail_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    user = make_user(locale="en", roles=("reviewer",))
    message = _invite(user, user)
    db.session.commit()
    db.session.info.pop(READY_KEY, None)

    for attempt in range(1, MAX_ATTEMPTS):
        assert deliver_pending() == 1
        stored = _reload(message.id)
        assert (stored.status, stored.attempts) == ("pending", attempt)
        assert stored.last_error
        assert _audit("mail.failed", message.id) == []

    assert deliver_pending() == 1
    stored = _reload(message.id)
    assert (stored.status, stored.attempts) == ("failed", MAX_ATTEMPTS)
    [entry] = _audit("mail.failed", message.id)
    assert entry.changes["error"] == stored.last_error
    assert deliver_pending() == 0  # failed messages are left alone


def test_a_failed_attempt_can_succeed_later(mail_config, smtp_server):
    user = make_user("late@example.org", locale="en", roles=("reviewer",))
    real_port = current_app.config["MAIL_PORT"]
    mail_config(MAIL_PORT=free_port())
    message = _invite(user, user)
    db.session.commit()
    assert deliver_ready() == 1
    assert _reload(message.id).status == "pending"
    mail_config(MAIL_PORT=real_port)
    assert deliver_pending() == 1
    stored = _reload(message.id)
    assert (stored.status, stored.attempts) == ("sent", 2)
    assert [m["To"] for m in smtp_server.messages] == ["late@example.org"]


def test_without_mail_server_messages_are_logged(mail_config, caplog):
    mail_config(MAIL_SERVER="")
    user = make_user(locale="en", roles=("reviewer",))
    message = _invite(user, user)
    db.session.commit()
    caplog.set_level("INFO", logger="portal.mail")
    assert deliver_ready() == 1
    stored = _reload(message.id)
    assert stored.status == "logged"
    assert stored.sent_dt is not None
    assert "Your invitation to Cofinancia" in caplog.text
    assert _audit("mail.sent", message.id) == []


def test_rolled_back_messages_are_never_sent(smtp_server):
    user = make_user(locale="en", roles=("reviewer",))
    _invite(user, user)
    db.session.flush()
    db.session.rollback()
    assert deliver_ready() == 0
    assert smtp_server.messages == []


def test_mail_send_command(app, smtp_server):
    users = [make_user(f"cli{n}@example.org", locale="en", roles=("reviewer",)) for n in (1, 2)]
    queued = [_invite(u, u) for u in users]
    db.session.commit()
    ids = [m.id for m in queued]
    db.session.info.pop(READY_KEY, None)  # as if committed by another process

    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "2 message(s) processed." in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == ["cli1@example.org", "cli2@example.org"]
    assert {_reload(i).status for i in ids} == {"sent"}

    again = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "0 message(s) processed." in again.output
    assert len(smtp_server.messages) == 2
