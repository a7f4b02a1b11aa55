"""Ledger exports (CSV and XLSX): hand-computed totals with a reversal, a second currency and
a rejected contribution; period, state and call filters; grants managers' scope; no full CLABE
anywhere; access matrix; a fixed number of SQL statements (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext, pgettext
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.finance import cofinance, ledger, operations
from portal.mail.operations import deliver_ready
from portal.reporting import dashboard, exports
from portal.reporting.filters import build_form, parse
from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers
from tests.finance.helpers import CLABE
from tests.support.matrix import login

D = Decimal
ALLOWED = {"grants_manager", "finance_officer", "admin"}
URLS = (
    "/reports/exports/disbursements.csv",
    "/reports/exports/disbursements.xlsx",
    "/reports/exports/cofinance.csv",
    "/reports/exports/cofinance.xlsx",
)


@dataclass
class World:
    a: object  # MXN award of organisation A (Nuevo León), programme managed by the manager
    b: object  # MXN award of organisation B (Sonora), same call
    u: object  # USD award of organisation A, another programme (not the manager's)
    d1: object
    d2: object
    d3: object  # reversal of d2
    d4: object
    d5: object
    c1: object
    c2: object
    c3: object  # rejected
    c4: object
    c5: object


def pay(award, officer, amount, key, on, *, currency=None, rate=None, milestone=None, ref=None):
    entry = ledger.Entry(
        paid_on=on,
        amount=D(amount),
        currency=currency or award.currency,
        bank_reference=ref or f"SPEI {key}",
        clabe=CLABE,
        idempotency_key=key,
        exchange_rate=D(rate) if rate else None,
        rate_source="banxico_fix" if rate else None,
    )
    row, _ = ledger.record(award.id, entry, officer, milestone_id=milestone)
    return row


def contribute(award, user, amount, on, *, commitment=None, nature="cash", counts="cost_share"):
    return cofinance.report(
        award,
        user,
        commitment_id=commitment.id if commitment else None,
        contributor_name="" if commitment else "=Donante directo",
        nature=nature,
        counts_as=counts,
        amount=D(amount),
        valuation_basis="Renta de salones" if nature == "in_kind" else "",
        contributed_on=on,
    )


@pytest.fixture
def world(app, ctx, personas) -> World:
    manager, officer = personas["grants_manager"], personas["finance_officer"]
    applicant, other = personas["applicant"], personas["other_applicant"]
    personas["org_b"].state_code = "26"  # Sonora; organisation A is in Nuevo León (19)
    db.session.commit()
    programme = make_programme(app, managers=[manager])
    call = make_call(
        app, programme, code="CONV-2026-01", status="published", actor=personas["admin"]
    )
    usd_programme = make_programme(app, name_es="Fondo USD", name_en="USD Fund", currency="USD")
    usd_call = make_call(
        app,
        usd_programme,
        code="CONV-2026-09",
        status="published",
        actor=personas["admin"],
        min_award=D("10000.00"),
        max_award=D("100000.00"),
    )
    a = helpers.active_award(call, personas["org_a"], applicant, manager)
    b = helpers.active_award(call, personas["org_b"], other, manager, title="Mediación Sonora")
    u = helpers.active_award(usd_call, personas["org_a"], applicant, manager, amount="50000.00")

    d1 = pay(a, officer, "100000.00", "d1", date(2027, 3, 5), milestone=a.milestones[0].id)
    d2 = pay(a, officer, "1000.00", "d2", date(2027, 4, 10), currency="USD", rate="17.25")
    d3, _ = ledger.reverse(
        d2, officer, paid_on=date(2027, 4, 20), bank_reference="", note="Error", key="d3"
    )
    d4 = pay(b, officer, "50000.00", "d4", date(2027, 5, 2), ref="=1+1")
    d5 = pay(u, officer, "20000.00", "d5", date(2027, 3, 15))

    c1 = contribute(
        a, applicant, "30000.00", date(2027, 3, 10), commitment=a.commitments[0], nature="in_kind"
    )
    c2 = contribute(
        a, applicant, "20000.00", date(2027, 4, 5), commitment=a.commitments[1], counts="leverage"
    )
    c3 = contribute(a, applicant, "5000.00", date(2027, 4, 6))
    c4 = contribute(b, other, "12000.00", date(2027, 5, 1), commitment=b.commitments[1])
    c5 = contribute(u, applicant, "3000.00", date(2027, 3, 20))
    cofinance.verify(c1, officer, decision="verify", reason="")
    cofinance.verify(c3, officer, decision="reject", reason="Sin comprobante")
    cofinance.verify(c4, officer, decision="verify", reason="")
    db.session.commit()
    return World(a, b, u, d1, d2, d3, d4, d5, c1, c2, c3, c4, c5)


@pytest.fixture
def as_user(app, connection):
    def _client(user):
        client = app.test_client()
        login(client, user.email)
        return client

    return _client


def read_csv(response) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """(header, data rows, total rows) of a ledger CSV (totals follow an empty row)."""
    assert response.status_code == 200, response.status_code
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8").lstrip("\ufeff"))))
    blank = rows.index([]) if [] in rows else len(rows)
    return rows[0], rows[1:blank], rows[blank + 1 :]


def read_xlsx(response):
    assert response.status_code == 200, response.status_code
    book = load_workbook(io.BytesIO(response.data))
    values = list(book.worksheets[0].iter_rows(values_only=True))
    blank = next((n for n, r in enumerate(values) if all(v is None for v in r)), len(values))
    return book, values[0], values[1:blank], values[blank + 1 :]


def col(header, name: str) -> int:
    return list(header).index(name)


def totals_by(header, totals, amount: str, *keys: str) -> dict:
    return {tuple(t[col(header, k)] for k in keys): D(str(t[col(header, amount)])) for t in totals}


# Disbursements --------------------------------------------------------------------------------
def test_disbursement_csv(world, as_user, personas):
    response = as_user(personas["finance_officer"]).get("/reports/exports/disbursements.csv")
    header, rows, totals = read_csv(response)
    assert header[:3] == ["Entry", "Date paid", "Grant reference"]
    ids = [int(r[0]) for r in rows]
    w = world
    assert ids == [w.d1.id, w.d2.id, w.d3.id, w.d4.id, w.d5.id]  # ledger order
    by_id = {int(r[0]): r for r in rows}

    first = by_id[w.d1.id]
    assert first[col(header, "Date paid")] == "2027-03-05"
    assert first[col(header, "Grant reference")] == w.a.application.reference
    assert first[col(header, "Grantee organisation")] == "Org A A.C."
    assert first[col(header, "State")] == "Nuevo León"
    assert first[col(header, "Programme")] == "Community Justice Fund"
    assert first[col(header, "Call")] == "CONV-2026-01"
    assert first[col(header, "Milestone")] == "1. Plan de trabajo aprobado"
    assert first[col(header, "Kind")] == "Payment"
    assert first[col(header, "Amount paid")] == "100000.00"
    assert first[col(header, "Bank reference")] == "SPEI d1"  # finance officers reconcile
    assert first[col(header, "CLABE (last 4 digits)")] == "•" * 14 + "9719"

    usd = by_id[w.d2.id]
    assert usd[col(header, "Amount paid")] == "1000.00"
    assert usd[col(header, "Currency paid")] == "USD"
    assert usd[col(header, "Exchange rate")] == "17.250000"
    assert usd[col(header, "Rate source")] == "Banco de México FIX rate"
    assert usd[col(header, "Amount in award currency")] == "17250.00"
    assert usd[col(header, "Award currency")] == "MXN"
    assert usd[col(header, "Milestone")] == ""

    reversal = by_id[w.d3.id]
    assert reversal[col(header, "Kind")] == "Reversal"
    assert reversal[col(header, "Reverses entry")] == str(w.d2.id)
    assert reversal[col(header, "Amount in award currency")] == "-17250.00"  # no apostrophe
    assert by_id[w.d4.id][col(header, "Bank reference")] == "'=1+1"  # formula neutralised

    # 100,000 + 17,250 − 17,250 + 50,000 MXN; 20,000 USD (its own programme's currency).
    net = totals_by(header, totals, "Amount in award currency", "Award currency")
    assert net == {("MXN",): D("150000.00"), ("USD",): D("20000.00")}
    assert {t[0] for t in totals} == {"Net total disbursed"}
    assert CLABE not in response.data.decode("utf-8")


def test_disbursement_xlsx(world, as_user, personas):
    response = as_user(personas["admin"]).get("/reports/exports/disbursements.xlsx")
    assert response.mimetype == exports.XLSX_MIME
    book, header, rows, totals = read_xlsx(response)
    assert len(rows) == 5
    sheet = book.worksheets[0]
    amount = sheet.cell(row=2, column=col(header, "Amount paid") + 1)
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert amount.value == 100000
    paid = sheet.cell(row=2, column=col(header, "Date paid") + 1)
    assert paid.is_date and paid.value == datetime(2027, 3, 5)
    rate = next(r for r in rows if r[0] == world.d2.id)[col(header, "Exchange rate")]
    assert D(str(rate)) == D("17.25")
    net = totals_by(header, totals, "Amount in award currency", "Award currency")
    assert net == {("MXN",): D("150000.00"), ("USD",): D("20000.00")}
    # The second sheet says which filter made the file.
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["Programme"] == "All" and "Generated on" in about
    assert not _contains_clabe(book)


def _contains_clabe(book) -> bool:
    return any(
        CLABE in str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_period_and_state_filters(world, as_user, personas):
    client = as_user(personas["finance_officer"])
    w = world
    response = client.get(
        "/reports/exports/disbursements.csv?date_from=2027-03-01&date_to=2027-04-15"
    )
    header, rows, totals = read_csv(response)
    assert [int(r[0]) for r in rows] == [w.d1.id, w.d2.id, w.d5.id]  # the reversal is later
    net = totals_by(header, totals, "Amount in award currency", "Award currency")
    assert net == {("MXN",): D("117250.00"), ("USD",): D("20000.00")}
    assert "from-2027-03-01-to-2027-04-15" in response.headers["Content-Disposition"]

    # Organisation B's state only: nothing of organisation A leaks.
    response = client.get("/reports/exports/disbursements.xlsx?state=26")
    _book, header, rows, totals = read_xlsx(response)
    assert [r[0] for r in rows] == [w.d4.id]
    assert totals_by(header, totals, "Amount in award currency", "Award currency") == {
        ("MXN",): D("50000.00")
    }
    text = " ".join(str(v) for r in rows for v in r)
    assert "Org A" not in text and w.a.application.reference not in text
    assert "MX-SON" in response.headers["Content-Disposition"]

    response = client.get(f"/reports/exports/cofinance.csv?state=26&call={w.b.call_id}")
    header, rows, totals = read_csv(response)
    assert [int(r[0]) for r in rows] == [w.c4.id]
    assert "Org A" not in response.data.decode("utf-8")
    assert "call-CONV-2026-01" in response.headers["Content-Disposition"]


def test_managers_see_their_programmes_with_masked_references(world, as_user, personas):
    client = as_user(personas["grants_manager"])
    header, rows, totals = read_csv(client.get("/reports/exports/disbursements.csv"))
    w = world
    assert [int(r[0]) for r in rows] == [w.d1.id, w.d2.id, w.d3.id, w.d4.id]  # no USD grant
    assert rows[0][col(header, "Bank reference")] == "••••I d1"
    net = totals_by(header, totals, "Amount in award currency", "Award currency")
    assert net == {("MXN",): D("150000.00")}
    # Another programme's id is not a choice for them: refused, nothing exported.
    response = client.get(f"/reports/exports/cofinance.csv?programme={w.u.programme_id}")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


# Co-finance -----------------------------------------------------------------------------------
def test_cofinance_csv_and_xlsx(world, as_user, personas):
    client = as_user(personas["finance_officer"])
    w = world
    header, rows, totals = read_csv(client.get("/reports/exports/cofinance.csv"))
    assert [int(r[0]) for r in rows] == [w.c1.id, w.c2.id, w.c3.id, w.c4.id, w.c5.id]
    by_id = {int(r[0]): r for r in rows}
    first = by_id[w.c1.id]
    assert first[col(header, "Date")] == "2027-03-10"
    assert first[col(header, "Co-financier")] == "Municipio de Monterrey"
    assert first[col(header, "Co-financier type")] == "State institution"
    assert first[col(header, "Nature")] == "In kind"
    assert first[col(header, "Counts as")] == "Cost share (inside the project budget)"
    assert first[col(header, "Amount")] == "30000.00"
    assert first[col(header, "Valuation basis")] == "Renta de salones"
    assert first[col(header, "Status")] == "Verified"
    assert first[col(header, "Verified or rejected on")]  # an ISO date
    date.fromisoformat(first[col(header, "Verified or rejected on")])
    rejected = by_id[w.c3.id]
    assert rejected[col(header, "Co-financier")] == "'=Donante directo"
    assert rejected[col(header, "Co-financier type")] == "Unassigned"
    assert rejected[col(header, "Status")] == "Rejected"
    assert rejected[col(header, "Rejection reason")] == "Sin comprobante"
    assert by_id[w.c2.id][col(header, "Status")] == "Reported, not verified yet"

    expected = {
        ("MXN", "Verified"): D("42000.00"),  # 30,000 + 12,000
        ("MXN", "Reported, not verified yet"): D("20000.00"),
        ("USD", "Reported, not verified yet"): D("3000.00"),
    }  # the rejected 5,000 is listed, never added
    assert totals_by(header, totals, "Amount", "Currency", "Status") == expected

    book, header, rows, totals = read_xlsx(client.get("/reports/exports/cofinance.xlsx"))
    assert totals_by(header, totals, "Amount", "Currency", "Status") == expected
    assert book.worksheets[0].cell(row=2, column=col(header, "Amount") + 1).data_type == "n"

    header, rows, totals = read_csv(
        client.get("/reports/exports/cofinance.csv?date_from=2027-03-01&date_to=2027-04-15")
    )
    assert [int(r[0]) for r in rows] == [w.c1.id, w.c2.id, w.c3.id, w.c5.id]
    assert totals_by(header, totals, "Amount", "Currency", "Status") == {
        ("MXN", "Verified"): D("30000.00"),
        ("MXN", "Reported, not verified yet"): D("20000.00"),
        ("USD", "Reported, not verified yet"): D("3000.00"),
    }


def test_headers_follow_the_users_language(world, as_user, personas):
    response = as_user(personas["finance_officer"]).get(
        "/reports/exports/disbursements.csv?lang=es"
    )
    header, rows, _totals = read_csv(response)
    with force_locale("es_MX"):
        expected = [str(c.label) for c in exports.DISBURSEMENT_COLUMNS]
        kind = str(exports.Kind.PAYMENT.label)
    assert header == expected
    assert rows[0][9] == kind


# Refusals, audit, files -----------------------------------------------------------------------
def test_bad_filter_and_format(world, as_user, personas):
    client = as_user(personas["finance_officer"])
    url = "/reports/exports/disbursements.csv"
    response = client.get(f"{url}?date_from=2027-05-01&date_to=2027-04-01")
    assert response.status_code == 400
    assert "The end of the period must not be before its start." in response.get_data(as_text=True)
    assert client.get("/reports/exports/disbursements.csv?date_from=yesterday").status_code == 400
    assert client.get("/reports/exports/disbursements.pdf").status_code == 404
    assert client.get("/reports/exports/cofinance.json").status_code == 404
    assert not db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "finance.ledger_exported")
    ).all()


def test_exports_are_audited_and_named(world, as_user, personas):
    response = as_user(personas["finance_officer"]).get(
        f"/reports/exports/cofinance.xlsx?programme={world.a.programme_id}"
    )
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="cofinance-')
    assert f"-programme-{world.a.programme_id}.xlsx" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "finance.ledger_exported")
    ).one()
    assert entry.object_id == "cofinance"
    assert entry.user_id == personas["finance_officer"].id
    assert entry.changes["rows"] == 4 and entry.changes["format"] == "xlsx"
    assert entry.changes["filter"] == {"programme": world.a.programme_id}


def test_access_matrix(world, matrix):
    for url in URLS:
        matrix.check(url, ALLOWED)


def test_fixed_number_of_statements(world, as_user, personas, count_queries, monkeypatch):
    monkeypatch.setattr(operations, "today", lambda: helpers.PAYMENTS_TODAY)
    client = as_user(personas["finance_officer"])
    deliver_ready()
    for url in URLS:
        client.get(url)  # warm-up
    before = {}
    for url in URLS:
        with count_queries() as counter:
            response = client.get(url)
            assert response.status_code == 200
            assert response.data  # the file is streamed: its rows are read while it is sent
        before[url] = counter.count
    officer = personas["finance_officer"]
    with_rows = helpers.approved_request(
        world.a,
        personas["applicant"],
        personas["grants_manager"],
        officer,
        amount="1000.00",
        milestone=world.a.milestones[1],
    )
    for n in range(6):
        operations.pay_request(with_rows, officer, helpers.entry("100.00", f"more-{n}"))
        contribute(world.b, personas["other_applicant"], "10.00", date(2027, 6, n + 1))
    db.session.commit()
    deliver_ready()  # the e-mails of the set-up are not the export's statements
    for url in URLS:
        with count_queries() as counter:
            assert len(client.get(url).data) > 0
        assert counter.count == before[url], (url, counter.statements)


@pytest.mark.parametrize(
    "args",
    ["", "?date_from=2027-03-01&date_to=2027-04-15", "?state=26", "?state=19&date_to=2027-04-12"],
)
def test_totals_equal_the_dashboards(world, as_user, personas, args):
    """The files add up to exactly the figures the finance dashboard shows for the filter."""
    officer = personas["finance_officer"]
    client = as_user(officer)
    header, _rows, totals = read_csv(client.get(f"/reports/exports/disbursements.csv{args}"))
    paid = totals_by(header, totals, "Amount in award currency", "Award currency")
    header, _rows, totals = read_csv(client.get(f"/reports/exports/cofinance.csv{args}"))
    cofinanced = totals_by(header, totals, "Amount", "Currency", "Status")

    query = MultiDict([p.split("=") for p in args.lstrip("?").split("&") if p])
    screen = dashboard.build(parse(build_form(query, officer, db.session)), officer)
    assert paid == {
        (c,): f.disbursed for c, f in screen.totals.items() if f.disbursed or (c,) in paid
    }
    expected = {}
    for currency, figures in screen.cofinance.items():
        if figures.verified:
            expected[(currency, "Verified")] = figures.verified
        if figures.reported:
            expected[(currency, "Reported, not verified yet")] = figures.reported
    assert cofinanced == expected


def test_the_filter_sheet_is_named_with_the_noun(world, as_user, personas):
    """The second sheet's name once shared its msgid with the dashboard's "Filter" button, so
    Spanish files called it "Filtrar" (the verb): it now has its own context."""
    response = as_user(personas["finance_officer"]).get("/reports/exports/cofinance.xlsx?lang=es")
    book = read_xlsx(response)[0]
    with force_locale("es_MX"):
        button = gettext("Filter")
        sheet = pgettext("spreadsheet sheet", "Filter")
    assert button == "Filtrar"
    assert book.sheetnames[1] == sheet != button
