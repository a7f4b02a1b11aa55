"""Queue e-mails in the outbox and deliver them after the request's commit.

``queue_email`` renders ``templates/email/<name>.txt`` in the recipient's language (the first
line is the subject) and adds it to the session. Once the unit of work commits (an ``on_commit``
callback, see portal/core/unit_of_work.py), ``deliver_ready`` sends pending messages over SMTP
when ``MAIL_SERVER`` is set, or marks them as logged (development: administrators read them under
Admin → Outbox).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event, exists, select
from sqlalchemy.orm import Session

from portal.core.db import db, now_utc, savepoint_of
from portal.core.i18n import locale_for
from portal.core.requests import current_request_id
from portal.core.unit_of_work import on_commit
from portal.mail.models import OutboxMessage
from portal.mail.states import OUTBOX

log = logging.getLogger("portal.mail")
READY_KEY = "outbox_ready"
_SCHEDULED = "outbox_delivery_scheduled"
MAX_ATTEMPTS = 5


def queue_email(
    template: str, *, to: str, locale: str = "es", user=None, **context
) -> OutboxMessage:
    language = locale if locale in ("es", "en") else "es"
    with force_locale(locale_for(language)):
        rendered = render_template(f"email/{template}.txt", recipient=user, **context)
    subject, _, body = rendered.strip().partition("\n")
    message = OutboxMessage(
        recipient=to,
        recipient_user_id=getattr(user, "id", None),
        locale=language,
        template=template,
        subject=subject.strip()[:300],
        body_text=body.strip() + "\n",
        request_id=current_request_id(),
    )
    db.session.add(message)
    return message


def email_user(template: str, user, **context) -> OutboxMessage:
    return queue_email(template, to=user.email, locale=user.locale, user=user, **context)


# --- post-commit delivery --------------------------------------------------------------


def _promote(session: Session) -> None:
    session.info.pop(_SCHEDULED, None)
    flushed = session.info.pop("outbox_flushed", None)
    if flushed:
        session.info.setdefault(READY_KEY, []).extend(flushed)


def _forget(session: Session, previous_transaction) -> None:
    if savepoint_of(previous_transaction) is not None:  # the outer transaction's stand
        return
    session.info.pop("outbox_flushed", None)
    session.info.pop(_SCHEDULED, None)


def install(session_class: type[Session]) -> None:
    if event.contains(session_class, "after_commit", _promote):
        return
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "after_commit", _promote)
    event.listen(session_class, "after_soft_rollback", _forget)


def _after_flush(session: Session, flush_context) -> None:
    ids = [o.id for o in session.new if isinstance(o, OutboxMessage)]
    if ids:
        session.info.setdefault("outbox_flushed", []).extend(ids)
        if not session.info.get(_SCHEDULED):
            session.info[_SCHEDULED] = True
            on_commit(_deliver_after_commit)


def _deliver_after_commit() -> None:
    try:
        deliver_ready()
    except Exception:  # delivery problems never break the page; the outbox retries
        log.exception("e-mail delivery failed")


def deliver_ready() -> int:
    """Deliver the messages committed during this request (or enqueue them on RQ)."""
    session = db.session()
    ready = session.info.pop(READY_KEY, None)
    if not ready:
        return 0
    from portal.jobs import enqueue

    enqueue("portal.mail.operations:deliver", ready)
    return len(ready)


def deliver(message_ids: list[int]) -> int:
    """Send (or log) the given pending messages, committing after each one.

    Each message is claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) so two workers never
    send the same message, and committed on its own so a crash part-way through a batch does
    not make already-sent messages go out again.
    """
    processed = 0
    for message_id in message_ids:
        message = _claim(message_id)
        if message is None:
            continue
        _deliver_one(message)
        db.session.commit()
        processed += 1
    return processed


def _claim(message_id: int) -> OutboxMessage | None:
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


def deliver_pending(limit: int = 200) -> int:
    """Retry every pending message (CLI: ``flask --app wsgi mail send``)."""
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending")
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return deliver(list(ids)) if ids else 0


def retry_job() -> str:
    """Scheduled job: another attempt at every pending message."""
    return f"{deliver_pending()} message(s) processed."


def has_pending() -> bool:
    """Whether any message waits for (another) delivery attempt: the scheduler retries only
    then."""
    return bool(db.session.scalar(select(exists().where(OutboxMessage.status == "pending"))))


def _deliver_one(message: OutboxMessage) -> None:

    config = current_app.config
    message.attempts += 1
    if not config.get("MAIL_SERVER"):
        log.info(
            "e-mail (not sent, MAIL_SERVER unset) to=%s subject=%s\n%s",
            message.recipient,
            message.subject,
            message.body_text,
        )
        OUTBOX.move(message, "log")
        message.sent_dt = now_utc()
        return
    try:
        _smtp_send(message)
    except Exception as exc:  # any failure counts as an attempt; the outbox retries
        message.last_error = str(exc)[:500]
        if message.attempts >= MAX_ATTEMPTS:
            OUTBOX.move(message, "give_up", changes={"error": message.last_error})
        log.warning("e-mail %s failed: %s", message.id, exc)
        return
    message.sent_dt = now_utc()
    OUTBOX.move(message, "send", changes={"to": message.recipient, "template": message.template})


def _smtp_send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="cofinancia")
    if message.request_id:  # follow a message back to the request that wrote it
        email["X-Request-ID"] = message.request_id
    email.set_content(message.body_text)
    # After set_content, which clears every Content-* header set before it.
    email["Content-Language"] = message.locale
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
