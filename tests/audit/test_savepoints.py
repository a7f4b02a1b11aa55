"""A savepoint rolled back inside an operation (a lost race on a unique key) drops only its own
audit entries; a full rollback drops them all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.audit.operations import record
from portal.core.db import db
from tests.support.factories import make_user


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_failed_flush_in_a_savepoint_keeps_the_entries_before_it(connection):
    user = make_user()
    before = _count()
    record("user.login", user, user=user)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        record("user.logout", user, user=user)
        db.session.add(User(email=user.email, full_name="Twin", locale="en"))
        db.session.flush()  # the unique address: the savepoint's flush fails
    record("user.logout_everywhere", user, user=user)
    db.session.commit()
    assert _actions()[before:] == ["user.login", "user.logout_everywhere"]


def test_a_full_rollback_drops_every_pending_entry(connection):
    user = make_user()
    before = _count()
    record("user.login", user, user=user)
    with db.session.begin_nested():
        record("user.logout", user, user=user)
    db.session.rollback()
    db.session.commit()
    assert _count() == before
