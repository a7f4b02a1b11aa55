"""``flask --app wsgi audit verify``, the append-only trigger, chaining and redaction."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.chain import add_pending, entry_hash
from portal.audit.models import GENESIS_HASH, AuditEntry
from portal.audit.operations import REDACTED, record
from portal.core.db import _AppSession, db, now_utc
from tests.audit.helpers import add_entry


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@contextmanager
def trigger_disabled(connection):
    """PostgreSQL refuses changes to the log: lift the guard inside the test transaction."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
    try:
        yield
    finally:
        if postgres:
            connection.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))


def _three(connection) -> list[AuditEntry]:
    return [add_entry(object_id=n, changes={"n": [n, n + 1]}) for n in range(3)]


def test_intact_chain_passes(app, connection):
    _three(connection)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "Audit chain intact" in result.output


def test_altered_row_fails_naming_it(app, connection):
    entries = _three(connection)
    middle = entries[1]
    with trigger_disabled(connection):
        connection.execute(
            text("UPDATE audit_entries SET changes = :c WHERE id = :id"),
            {"c": json.dumps({"n": [1, 999]}), "id": middle.id},
        )
    try:
        result = verify(app)
        assert result.exit_code == 1
        assert f"entry {middle.id}:" in result.output
        assert "content does not match its hash" in result.output
    finally:  # leave the shared test database as it was, whatever the outer rollback does
        with trigger_disabled(connection):
            connection.execute(
                text("UPDATE audit_entries SET changes = :c WHERE id = :id"),
                {"c": json.dumps({"n": [1, 2]}), "id": middle.id},
            )
    assert verify(app).exit_code == 0


def test_altered_actor_fails(app, connection, personas):
    entries = _three(connection)
    with trigger_disabled(connection):
        connection.execute(
            text("UPDATE audit_entries SET user_id = :u WHERE id = :id"),
            {"u": personas["admin"].id, "id": entries[0].id},
        )
    try:
        result = verify(app)
        assert result.exit_code == 1
        assert f"entry {entries[0].id}:" in result.output
    finally:
        with trigger_disabled(connection):
            connection.execute(
                text("UPDATE audit_entries SET user_id = NULL WHERE id = :id"),
                {"id": entries[0].id},
            )


def test_deleted_middle_row_is_detected(app, connection):
    entries = _three(connection)
    middle, after = entries[1], entries[2]
    row = (
        connection.execute(select(AuditEntry.__table__).where(AuditEntry.id == middle.id))
        .mappings()
        .one()
    )
    with trigger_disabled(connection):
        connection.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": middle.id})
    try:
        result = verify(app)
        assert result.exit_code == 1
        assert f"entry {after.id}:" in result.output
        assert "previous hash does not match" in result.output
    finally:
        connection.execute(AuditEntry.__table__.insert().values(**row))
    assert verify(app).exit_code == 0


def test_postgres_trigger_refuses_update_delete_and_truncate(connection, postgres_only):
    entry = add_entry()
    for statement in (
        "UPDATE audit_entries SET action = 'user.login' WHERE id = :id",
        "DELETE FROM audit_entries WHERE id = :id",
        "TRUNCATE audit_entries",
    ):
        with pytest.raises(DBAPIError, match="append-only"), connection.begin_nested():
            connection.execute(text(statement), {"id": entry.id})
    assert (
        connection.execute(
            text("SELECT action FROM audit_entries WHERE id = :id"), {"id": entry.id}
        ).scalar()
        == entry.action
    )


def _entry(n: int) -> AuditEntry:
    return AuditEntry(
        created_dt=now_utc(),
        action="user.profile_updated",
        object_type="user",
        object_id=str(n),
        changes={"n": n},
    )


def test_interleaved_commits_keep_the_chain_linked(app, connection):
    """Entries are chained in commit order, whichever transaction recorded them first."""
    first = _AppSession(bind=connection, join_transaction_mode="create_savepoint")
    second = _AppSession(bind=connection, join_transaction_mode="create_savepoint")
    try:
        add_pending(first, _entry(1))  # recorded first...
        add_pending(second, _entry(2))
        add_pending(second, _entry(3))
        second.commit()  # ...but committed last but one
        add_pending(first, _entry(4))
        first.commit()
        record("user.profile_updated", object_type="user", object_id=5)
        db.session.commit()
    finally:
        first.close()
        second.close()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.object_id for e in entries[-5:]] == ["2", "3", "1", "4", "5"]
    previous = GENESIS_HASH
    for entry in entries:
        assert entry.prev_hash == previous
        assert entry.hash == entry_hash(entry)
        previous = entry.hash
    assert verify(app).exit_code == 0


def test_rolled_back_entries_leave_no_trace(app, connection):
    before = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    record("user.profile_updated", object_type="user", object_id=1)
    db.session.rollback()
    add_entry(object_id=2)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > (before or 0))).all()
    assert [e.object_id for e in entries] == ["2"]
    assert verify(app).exit_code == 0


def test_secrets_are_redacted(connection, personas):
    user = personas["reviewer"]
    entry = add_entry(
        "user.password_changed",
        object_id=user.id,
        changes={
            "password_hash": ["$argon2id$old", "$argon2id$new"],
            "session_token": ["old-token", "new-token"],
            "token": "signed-token",
            "email": [user.email, user.email],
        },
    )
    db.session.expire_all()
    stored = db.session.get(AuditEntry, entry.id).changes
    assert stored["password_hash"] == REDACTED
    assert stored["session_token"] == REDACTED
    assert stored["token"] == REDACTED
    assert stored["email"] == [user.email, user.email]
    assert "argon2id" not in json.dumps(stored)
