"""The step-up clock of a test client's session (issue 17): the ``factor_dt`` of the server-side
session row its cookie names, read and moved as if time had passed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts import sessions
from portal.accounts.session_models import UserSession
from portal.core.db import db, now_utc


def session_row(client) -> UserSession:
    with client.session_transaction() as sess:
        _, _, key = sess["_user_id"].partition(":")
    row = db.session.scalar(select(UserSession).filter_by(key_hash=sessions.hash_key(key)))
    assert row is not None, "the client is not signed in"
    db.session.refresh(row)
    return row


def set_proof(client, seconds_ago: float | None) -> None:
    """The session's last proof of identity ``seconds_ago`` (None: never proven)."""
    row = session_row(client)
    row.factor_dt = None if seconds_ago is None else now_utc() - timedelta(seconds=seconds_ago)
    db.session.commit()


def proof_at(client) -> datetime | None:
    return session_row(client).factor_dt


def proof_age(client) -> float:
    return (now_utc() - proof_at(client)).total_seconds()
