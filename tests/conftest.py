"""Shared fixtures: one migrated database per run, a rolled-back transaction per test."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from portal import create_app
from portal.core.db import db
from tests.support import db_agnostic, factories, pdf_memo, route_coverage
from tests.support.context import twin_of, twins
from tests.support.database import is_postgres, migrate, test_database_url
from tests.support.matrix import AccessMatrix
from tests.support.queries import count_statements

# Playwright fixtures (live server, browser, page, screenshots) for every browser test.
pytest_plugins = ["tests.support.browser"]


def pytest_configure(config):
    route_coverage.reset(config)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    db_agnostic.mark(items)


def pytest_sessionfinish(session, exitstatus):
    route_coverage.save(session.config)
    if exitstatus == 0:
        route_coverage.enforce(session)


@pytest.fixture(autouse=True)
def _logging_as_it_was():
    """A test that builds an app with other log settings (production: JSON at INFO) leaves the
    process's logging as it found it: the portal's handler is shared by every app."""
    import logging

    from portal.ops.logs import HANDLER_NAME

    portal_logger = logging.getLogger("portal")
    level = portal_logger.level
    handlers = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    formatters = [h.formatter for h in handlers]
    yield
    portal_logger.setLevel(level)
    for handler, formatter in zip(handlers, formatters, strict=True):
        handler.setFormatter(formatter)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return test_database_url(tmp_path_factory.mktemp("db"))


class BufferedClient(FlaskClient):
    """A test client that reads every response whole and closes it, as a WSGI server does:
    a file download left open would otherwise be reported (a ResourceWarning, an error under
    ``filterwarnings = error``) in whichever test the garbage collector happens to run."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        "testing",
        {
            "DATABASE_URL": database_url,
            "STORAGE_LOCAL_ROOT": str(tmp_path_factory.mktemp("storage")),
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "",
            "REDIS_URL": "",
        },
    )
    app.test_client_class = BufferedClient
    with app.app_context():
        migrate(database_url)
        db.engine.dispose()
    yield app
    for each in (app, *twins()):  # no connection left for the interpreter to find at exit
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _pdf_rendered_once_per_html():
    """Each distinct HTML is rendered to PDF once per process (tests/support/pdf_memo.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("portal.pdf.render.html_to_pdf", pdf_memo.memoised_html_to_pdf)
        yield pdf_memo.STATS


@pytest.fixture(scope="session")
def engine(app):
    with app.app_context():
        return db.engine


@pytest.fixture
def connection(app, engine):
    """Every session in the test joins this connection's transaction, rolled back at the end."""
    conn = engine.connect()
    outer = conn.begin()
    db.session.remove()
    db.session.configure(bind=conn, join_transaction_mode="create_savepoint")
    try:
        yield conn
    finally:
        db.session.remove()
        db.session.configure(bind=None)
        outer.rollback()
        conn.close()


@pytest.fixture
def client(app, connection):
    return app.test_client()


@pytest.fixture
def ctx(app, connection):
    """A request context for calling operations directly. It belongs to a twin of ``app``, so
    ``g`` never leaks into the test client's requests (see tests/support/context.py).
    Messages come out in English, the source language."""
    with twin_of(app).test_request_context("/?lang=en"):
        yield


@pytest.fixture
def postgres_only(database_url):
    if not is_postgres(database_url):
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")


@pytest.fixture
def personas(connection):
    """The seven personas of the access matrix, with two separate organisations.

    They read pages in English, the source language of the messages, so assertions stay
    readable; Spanish is covered by the i18n, e-mail and browser tests."""
    users = {
        "applicant": factories.make_user(name="Ana Aplicante", roles=("applicant",)),
        "other_applicant": factories.make_user(name="Otto Otra", roles=("applicant",)),
        "reviewer": factories.make_user(name="Rita Revisora", roles=("reviewer",)),
        "grants_manager": factories.make_user(name="Gabriel Gestor", roles=("grants_manager",)),
        "finance_officer": factories.make_user(
            name="Fernanda Finanzas", roles=("finance_officer",)
        ),
        "admin": factories.make_user(name="Adela Admin", roles=("admin",)),
    }
    for user in users.values():
        user.locale = "en"
    db.session.commit()
    users["org_a"] = factories.make_organisation(users["applicant"], legal_name="Org A A.C.")
    users["org_b"] = factories.make_organisation(
        users["other_applicant"], legal_name="Org B S.A. de C.V.", kind="company"
    )
    return users


@pytest.fixture
def matrix(app, personas):
    return AccessMatrix(app, personas)


@pytest.fixture
def count_queries(engine):
    """``with count_queries() as counter: ...; counter.count``"""
    return lambda: count_statements(engine)


@pytest.fixture
def outbox(connection):
    """Messages written to the outbox during the test."""
    from sqlalchemy import select

    from portal.mail.models import OutboxMessage

    def _messages(to: str | None = None):
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            stmt = stmt.where(OutboxMessage.recipient == to)
        return db.session.scalars(stmt).all()

    return _messages
