"""Issue 18: a list page runs the same statements whatever the number of rows it lists.

The world is seeded twice, each time in a transaction rolled back at the end, with the bulk
inserts of the benchmarks (``bench.ranking``: a call's applications under review, three
reviews each; ``bench.finance_dashboard``: active grants with milestones, commitments,
disbursements and co-finance), once small and once with ten times the rows, plus as many extra
user accounts and audit entries. Each list page is then counted (the second of two requests)
as the person who reads it; a count that differs between the two worlds is an N+1 (or a query
per row). The exact count of every page is pinned by test_statement_counts.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from bench import finance_dashboard, ranking
from bench._harness import sign_in
from portal.accounts.models import User
from portal.audit.operations import record
from portal.core.db import db
from tests.support import factories
from tests.support.context import twin_of
from tests.support.queries import count_statements

SMALL, LARGE = 3, 30
CALL = ranking.CODE
GRANTS_CALL = "BENCH-FIN-00"  # bench.finance_dashboard spreads its grants over ten calls

# (label, reader, url): readers are "manager" (of the evaluated call), "fin_manager" (of the
# grants' programme), "officer" (finance), "admin" and "token" (the officer's API token).
PAGES = (
    ("staff applications list", "manager", f"/calls/{CALL}/applications"),
    ("screening list", "manager", f"/calls/{CALL}/screening"),
    ("review progress", "manager", f"/calls/{CALL}/progress"),
    ("review assignments", "manager", f"/calls/{CALL}/assignments"),
    ("award decisions of a call", "fin_manager", f"/awards/calls/{GRANTS_CALL}"),
    ("home page (grants manager)", "fin_manager", "/dashboard"),
    ("home page (finance officer)", "officer", "/dashboard"),
    ("finance index", "officer", "/finance/"),
    ("finance index (grants manager)", "fin_manager", "/finance/"),
    ("public calls list", "anonymous", "/calls/"),
    ("users list", "admin", "/admin/users"),
    ("audit trail", "admin", "/audit/"),
    ("organisations list", "admin", "/organisations/all"),
    ("API awards", "token", "/api/v1/awards"),
    ("API disbursements", "token", "/api/v1/disbursements"),
    ("API co-finance", "token", "/api/v1/cofinance"),
)


def _counts(app, engine, size: int) -> dict[str, int]:
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        with twin_of(app).test_request_context("/?lang=en"):
            # Rows that take their ids from sequences first: the bulk seeds below insert
            # explicit ids past them, which PostgreSQL's sequences do not see.
            _more_users(connection, size)
            admin = factories.make_user(roles=("admin",))
            for _ in range(size):  # audit entries, each by a user the trail names
                record("application.exported", admin, changes={"rows": size}, user=admin)
            db.session.commit()
            evaluation = ranking.seed(connection, size)
            money = finance_dashboard.seed(connection, size, 2 * size, size)
            readers = {
                "manager": evaluation["manager"]["id"],
                "officer": money["officer"]["id"],
                # finance_dashboard.seed makes its officer, then its programme's manager
                "fin_manager": money["officer"]["id"] + 1,
                "admin": admin.id,
            }
            cookies = {who: sign_in(user_id) for who, user_id in readers.items()}
            token = _token(money["officer"]["id"])
            db.session.commit()
        db.session.remove()
        counts = {}
        for label, who, url in PAGES:
            client = app.test_client()
            headers = {"Authorization": f"Bearer {token}"} if who == "token" else {}
            if who in cookies:
                with client.session_transaction() as session:
                    session["_user_id"] = cookies[who]
                    session["_fresh"] = True
            client.get(url, headers=headers)
            with count_statements(engine) as counter:
                response = client.get(url, headers=headers)
            assert response.status_code == 200, (label, url, response.status_code)
            counts[label] = counter.count
        return counts
    finally:
        db.session.remove()
        db.session.configure(bind=None)
        outer.rollback()
        connection.close()


def _more_users(connection, size: int) -> None:
    rows = [
        {
            "email": f"scaling-{size}-{n}@example.org",
            "full_name": f"Scaling {n}",
            "password_hash": None,
            "locale": "en",
        }
        for n in range(size)
    ]
    connection.execute(insert(User.__table__), rows)


def _token(user_id: int) -> str:
    from portal.api.operations import create_token

    _, secret = create_token(db.session.get(User, user_id), name="scaling", days=30)
    return secret


@pytest.fixture(scope="module")
def counts(app, engine):
    return {size: _counts(app, engine, size) for size in (SMALL, LARGE)}


def test_list_pages_do_not_grow_with_rows(counts):
    grew = [
        f"{label}: {counts[SMALL][label]} statements with {SMALL} rows,"
        f" {counts[LARGE][label]} with {LARGE}"
        for label, _, _ in PAGES
        if counts[SMALL][label] != counts[LARGE][label]
    ]
    assert not grew, "list pages whose statements grow with their rows:\n  " + "\n  ".join(grew)
