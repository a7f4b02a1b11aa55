"""Database access: one engine per app, one scoped session per thread, typed declarative base.

Plain SQLAlchemy 2.x rather than Flask-SQLAlchemy: tests join each session to an outer
transaction that is rolled back (``join_transaction_mode="create_savepoint"``), which needs
control over the session's bind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask, current_app
from sqlalchemy import MetaData, Numeric, String, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import DateTime, TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY_PRECISION = 14
MONEY_SCALE = 2
CURRENCIES = ("MXN", "USD")


def now_utc() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def Money() -> Numeric:  # noqa: N802 - reads like a type
    """Column type for amounts: exact decimal with two places, always paired with a currency."""
    return Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True)


def Currency() -> String:  # noqa: N802
    return String(3)


def quantize_money(value: Decimal) -> Decimal:
    from decimal import ROUND_HALF_UP

    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Money()}


class _AppSession(Session):
    """Session that binds to the current app's engine unless bound explicitly (tests)."""

    def get_bind(self, mapper=None, clause=None, **kwargs):
        if self.bind is not None:
            return self.bind
        return db.engine


class Database:
    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            sessionmaker(class_=_AppSession, expire_on_commit=False)
        )

    def init_app(self, app: Flask) -> None:
        app.extensions["portal_db"] = {"engine": None}

        @app.teardown_appcontext
        def _remove_session(exc):
            self.session.remove()

    @property
    def engine(self) -> Engine:
        state = current_app.extensions["portal_db"]
        if state["engine"] is None:
            state["engine"] = make_engine(
                current_app.config["DATABASE_URL"], echo=current_app.config.get("SQL_ECHO")
            )
        return state["engine"]


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets foreign keys on and a busy timeout."""
    kwargs: dict = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_on_connect(dbapi_conn, _record):
    # pysqlite's own transaction handling breaks SAVEPOINTs (and so the per-test rollback):
    # turn it off and emit BEGIN ourselves, as SQLAlchemy's documentation recommends.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _sqlite_begin(conn):
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _writing_request() else "BEGIN")


def _writing_request() -> bool:
    """True inside a POST/PUT/PATCH/DELETE request. SQLite (WAL) lets a transaction that began
    by reading upgrade to writing only if no other connection wrote meanwhile; otherwise it
    fails at once ("database is locked", whatever the busy timeout), which concurrent sign-ins
    on the embedded default showed. Such requests take the write lock when they begin instead,
    so they queue behind each other (up to the busy timeout) and readers are not blocked."""
    from flask import has_request_context, request

    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


db = Database()


def savepoint_of(transaction):
    """The savepoint a rollback of ``transaction`` stops at (None: the outer transaction). A
    flush failing inside a savepoint rolls back the flush's own subtransaction, whose parent
    chain leads to the savepoint; ``transaction.nested`` alone is False there."""
    while transaction is not None:
        if transaction.nested:
            return transaction
        transaction = transaction.parent
    return None
