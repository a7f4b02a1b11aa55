"""The staff list of a call's applications: filters, search, sorting, pagination, exports,
and a fixed number of SQL statements whatever the number of rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from openpyxl import load_workbook

from portal.applications.models import Application
from portal.calls.models import Call
from portal.calls.rules import form_snapshot
from portal.core.db import db, now_utc
from tests.applications import helpers
from tests.support.factories import make_organisation


def text(response) -> str:
    return response.get_data(as_text=True)


def make_rows(app, call, personas, n: int, **overrides) -> list[int]:
    """``n`` submitted applications written directly (the list only reads columns)."""
    with helpers.request_context(app):
        live = db.session.get(Call, call.id)
        snapshot = form_snapshot(live)
        start = 1 + (db.session.query(Application).filter_by(call_id=call.id).count())
        ids = []
        for i in range(start, start + n):
            values = {
                "title": f"Proyecto {i:03d}",
                "organisation_id": personas["org_a"].id,
                "status": "submitted",
                "requested_total": Decimal(100000 + i * 1000),
                "cost_share_total": Decimal(30000),
                "cofinance_pct": Decimal(20 + i % 10),
                "answers": {"project_title": f"Proyecto {i:03d}", "themes": ["mediation"]},
            }
            values.update(overrides)
            application = Application(
                call_id=live.id,
                created_by_id=personas["applicant"].id,
                currency="MXN",
                number=i,
                reference=f"{live.code}-{i:04d}",
                form_snapshot=snapshot,
                form_version=1,
                submitted_dt=now_utc() - timedelta(minutes=100 - i),
                **values,
            )
            db.session.add(application)
            db.session.flush()
            ids.append(application.id)
        db.session.commit()
    return ids


def listed(response) -> list[str]:
    import re

    return re.findall(r">(CONV-2026-05-\d{4})</a>", text(response))


def test_filters_search_and_sort(app, as_user, personas, call):
    company = make_organisation(
        personas["other_applicant"], legal_name="Empresa Sonorense", kind="company", state_code="26"
    )
    make_rows(app, call, personas, 5)
    make_rows(
        app,
        call,
        personas,
        2,
        organisation_id=company.id,
        status="withdrawn",
        title="Taller de mediación",
        cofinance_pct=Decimal("45.00"),
        withdrawn_dt=now_utc(),
    )
    helpers.start(app, call, personas["org_a"], personas["applicant"])  # drafts never listed
    client = as_user(personas["grants_manager"])
    base = f"/calls/{call.code}/applications"

    assert len(listed(client.get(base))) == 7
    assert listed(client.get(base + "?status=withdrawn")) == [
        "CONV-2026-05-0006",
        "CONV-2026-05-0007",
    ]
    assert len(listed(client.get(base + "?state=26"))) == 2
    assert len(listed(client.get(base + "?kind=cso"))) == 5
    assert len(listed(client.get(base + "?pct_min=40"))) == 2
    assert listed(client.get(base + "?requested_min=103000&requested_max=104000")) == [
        "CONV-2026-05-0003",
        "CONV-2026-05-0004",
    ]
    assert len(listed(client.get(base + "?q=sonorense"))) == 2
    assert len(listed(client.get(base + "?q=taller"))) == 2
    assert listed(client.get(base + "?q=100%25")) == []  # % is matched literally
    by_requested = listed(client.get(base + "?sort=requested&direction=desc"))
    assert by_requested[0] == "CONV-2026-05-0007" and by_requested[-1] == "CONV-2026-05-0001"
    page = text(client.get(base + "?pct_min=abc"))  # a bad filter is ignored and explained
    assert "Not a valid integer value." in page


def test_pagination(app, as_user, personas, call):
    make_rows(app, call, personas, 30)
    client = as_user(personas["admin"])
    first = client.get(f"/calls/{call.code}/applications?sort=reference")
    assert len(listed(first)) == 25 and "Page 1 of 2" in text(first)
    second = client.get(f"/calls/{call.code}/applications?sort=reference&page=2")
    assert listed(second) == [f"CONV-2026-05-{i:04d}" for i in range(26, 31)]


def test_the_page_runs_a_fixed_number_of_statements(app, as_user, personas, call, count_queries):
    client = as_user(personas["grants_manager"])
    url = f"/calls/{call.code}/applications?sort=cofinance&direction=desc"
    make_rows(app, call, personas, 3)
    client.get(url)  # warm-up: the login's first-request work is not counted
    with count_queries() as few:
        assert client.get(url).status_code == 200
    make_rows(app, call, personas, 27)
    with count_queries() as many:
        response = client.get(url)
    assert len(listed(response)) == 25
    assert many.count == few.count, (few.statements, many.statements)
    with count_queries() as export_few:  # the file is streamed: read it inside the count
        assert client.get(f"/calls/{call.code}/applications.csv").data.count(b"\n") == 31
    make_rows(app, call, personas, 10)
    with count_queries() as export_many:
        assert client.get(f"/calls/{call.code}/applications.csv").data.count(b"\n") == 41
    assert export_many.count == export_few.count, (export_few.statements, export_many.statements)


def test_csv_export_has_stable_columns_and_no_formulas(app, as_user, personas, call):
    make_rows(app, call, personas, 2)
    make_rows(app, call, personas, 1, title='=HYPERLINK("http://x")')
    response = as_user(personas["grants_manager"]).get(
        f"/calls/{call.code}/applications.csv?sort=reference"
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    assert header[:4] == ["reference", "title", "organisation", "rfc"]
    assert "answer:project_title" in header and "answer:themes" in header
    assert "answer:workplan_doc" not in header  # documents are not answers
    assert rows[1][0] == "CONV-2026-05-0001"
    assert rows[1][header.index("answer:themes")] == "Mediation"
    assert rows[1][header.index("requested_total")] == "101000.00"
    assert rows[3][1] == '\'=HYPERLINK("http://x")'


def test_xlsx_export(app, as_user, personas, call):
    make_rows(app, call, personas, 3)
    response = as_user(personas["admin"]).get(
        f"/calls/{call.code}/applications.xlsx?status=submitted&sort=reference"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][0] == "reference" and len(values) == 4
    assert values[1][0] == "CONV-2026-05-0001"
    assert values[1][values[0].index("requested_total")] == 101000


def test_answers_to_removed_questions_come_last_and_the_export_is_audited(
    app, as_user, personas, call
):
    """The answer columns are found in a first pass over the answers (the rows are streamed
    afterwards): keys no longer in the form follow the form's, sorted; the audit entry counts
    the rows."""
    from sqlalchemy import select

    from portal.audit.models import AuditEntry

    make_rows(app, call, personas, 2)
    make_rows(app, call, personas, 1, answers={"zeta_old": "=1+1", "alpha_old": ["a", "b"]})
    response = as_user(personas["grants_manager"]).get(
        f"/calls/{call.code}/applications.csv?sort=reference"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(text(response).lstrip("\ufeff"))))
    header = rows[0]
    assert header[-2:] == ["answer:alpha_old", "answer:zeta_old"]
    assert header.index("answer:themes") < header.index("answer:alpha_old")
    assert rows[3][-2:] == ["a; b", "'=1+1"]
    assert rows[1][-2:] == ["", ""]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "application.exported")
    ).one()
    assert entry.changes == {"format": "csv", "rows": 3}
