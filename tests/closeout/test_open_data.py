"""Refunds and closed grants in the published files (issue 16): a refund is a negative
disbursement (IATI transaction type 3) on the day it was received, described as a refund, so
the disbursements add up to the net paid; a closed grant is activity-status 4 and stays
published; the API's ledger lists the refund with the advance it settles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from portal.core.db import db
from portal.finance import operations
from portal.opendata import validation
from tests.closeout import helpers
from tests.finance.helpers import approved_request
from tests.support.matrix import login

D = Decimal
NS = {"xml": "http://www.w3.org/XML/1998/namespace"}


def _iati(app, user) -> etree._Element:
    client = app.test_client()
    login(client, user.email)
    response = client.get("/reports/open-data/iati.xml")
    assert response.status_code == 200
    assert validation.iati_errors(response.data) == []
    return etree.fromstring(response.data)


def test_a_refund_is_a_negative_disbursement_and_a_closed_grant_is_closed(app, award, personas):
    officer = personas["finance_officer"]
    request = approved_request(
        award, personas["applicant"], personas["grants_manager"], officer, amount="150000.00"
    )
    operations.pay_request(request, officer, helpers.entry("150000.00", "pay"))
    operations.record_refund(
        award, officer, helpers.entry("12345.67", "ref", paid_on=date(2028, 2, 10))
    )
    helpers.ready_to_close(award, personas)
    from portal.closeout import operations as closeout_operations

    closeout_operations.close(award, personas["grants_manager"])
    db.session.commit()
    root = _iati(app, officer)
    (activity,) = root.findall("iati-activity")
    assert activity.find("activity-status").get("code") == "4"  # closed, though not fully paid
    disbursements = [
        t for t in activity.findall("transaction") if t.find("transaction-type").get("code") == "3"
    ]
    values = [
        (t.find("transaction-date").get("iso-date"), t.findtext("value")) for t in disbursements
    ]
    assert values == [("2027-03-05", "150000.00"), ("2028-02-10", "-12345.67")]
    described = disbursements[1].find("description")
    texts = {n.get(f"{{{NS['xml']}}}lang"): n.text for n in described.findall("narrative")}
    assert "Refund of unspent funds by the grantee" in texts.values()
    assert "Reembolso de fondos no ejercidos por la organización beneficiaria" in texts.values()


def test_the_api_lists_the_refund(app, award, personas):
    officer = personas["finance_officer"]
    award.advance_limit = D("50000")
    advance, _ = operations.record_advance(award, officer, helpers.entry("20000", "adv"))
    operations.record_refund(award, officer, helpers.entry("5000", "ref"), advance_id=advance.id)
    db.session.commit()
    from portal.api.operations import create_token

    _, token = create_token(officer, name="t", days=30)
    db.session.commit()
    rows = (
        app.test_client()
        .get(
            f"/api/v1/awards/{award.id}/disbursements",
            headers={"Authorization": f"Bearer {token}"},
        )
        .get_json()["data"]
    )
    refund = next(r for r in rows if r["kind"] == "refund")
    assert refund["amount"] == "-5000.00" and refund["advance_id"] == advance.id


def test_the_ledger_export_lists_the_refund(app, award, personas):
    from flask_babel import force_locale

    from portal.reporting import exports
    from portal.reporting.filters import ReportFilter

    officer = personas["finance_officer"]
    request = approved_request(
        award, personas["applicant"], personas["grants_manager"], officer, amount="1000.00"
    )
    operations.pay_request(request, officer, helpers.entry("1000.00", "pay"))
    operations.record_refund(award, officer, helpers.entry("250.00", "ref"))
    with app.test_request_context(), force_locale("en"):
        ledger = exports.disbursement_ledger(ReportFilter(), officer)
        texts = [[str(v) for v in row] for row in ledger.rows]  # streamed: read in the request
    refund = next(r for r in texts if "Refund" in r)
    assert "-250.00" in refund
    assert [str(v) for v in ledger.totals[0]].count("750.00") == 1  # the net total
