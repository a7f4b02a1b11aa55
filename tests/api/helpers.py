"""Builders for the API tests: a world of two organisations' grants with a ledger (payments,
a reversal, a payment in USD) and co-finance in every state, and token helpers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.api import operations as token_ops
from portal.core.db import db
from portal.finance import cofinance
from portal.finance import operations as finance_ops
from tests.awards import helpers as award_helpers
from tests.calls.helpers import make_call, make_programme
from tests.finance import helpers as finance_helpers

D = Decimal


def make_token(user, *, days: int = 90, name: str = "Accounting system"):
    """A committed token of ``user``; returns ``(token, secret)``."""
    token, secret = token_ops.create_token(user, name=name, days=days)
    db.session.commit()
    return token, secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def build_world(app, personas) -> dict:
    """Call CONV-2026-01 (programme managed by ``grants_manager``), an active grant of org A
    with a ledger and co-finance, an active grant of org B, and an approved (not yet active)
    award of org A. Net disbursed on A: 100,000 − 100,000 + 87,500 + 62,500 = 150,000."""
    officer, manager = personas["finance_officer"], personas["grants_manager"]
    programme = make_programme(app, managers=[manager])
    call = make_call(
        app, programme, code="CONV-2026-01", status="published", actor=personas["admin"]
    )
    draft = make_call(app, programme, code="CONV-2026-09", status="draft")
    award_a = finance_helpers.active_award(
        call, personas["org_a"], personas["applicant"], manager, title="Mediación en Apodaca"
    )
    award_b = finance_helpers.active_award(
        call, personas["org_b"], personas["other_applicant"], manager, title="Justicia B"
    )
    request = finance_helpers.approved_request(award_a, personas["applicant"], manager, officer)
    p1, _ = finance_ops.pay_request(request, officer, finance_helpers.entry("100000.00", "api-p1"))
    r1, _ = finance_ops.reverse(
        p1,
        officer,
        paid_on=date(2027, 3, 6),
        bank_reference="SPEI DEV",
        note="Cuenta equivocada",
        key="api-r1",
    )
    p2, _ = finance_ops.pay_request(
        request,
        officer,
        finance_helpers.entry(
            "5000.00", "api-p2", currency="USD", rate="17.500000", source="banxico_fix"
        ),
    )
    p3, _ = finance_ops.pay_request(request, officer, finance_helpers.entry("62500.00", "api-p3"))
    db.session.commit()

    c1 = _contribution(award_a, personas["applicant"], 0, "in_kind", "cost_share", "40000.00")
    c2 = _contribution(award_a, personas["applicant"], 1, "cash", "leverage", "20000.00")
    c3 = _contribution(award_a, personas["applicant"], None, "cash", "cost_share", "5000.00")
    cofinance.verify(c1, officer, decision="verify", reason="")
    cofinance.verify(c3, officer, decision="reject", reason="Sin comprobante")
    db.session.commit()

    request_b = finance_helpers.approved_request(
        award_b, personas["other_applicant"], manager, officer, amount="50000.00"
    )
    b1, _ = finance_ops.pay_request(request_b, officer, finance_helpers.entry("50000.00", "api-b1"))
    cb = _contribution(award_b, personas["other_applicant"], 0, "in_kind", "cost_share", "1000.00")
    db.session.commit()
    _results(award_a, personas["applicant"], manager)

    pending = award_helpers.ready_award(
        award_helpers.recommended_application(
            call, personas["org_a"], personas["applicant"], title="Segundo proyecto"
        ),
        manager,
        amount="200000.00",
    )
    return {
        "call": call,
        "draft": draft,
        "award_a": award_a,
        "award_b": award_b,
        "pending": pending,
        "ledger_a": [p1, r1, p2, p3],
        "ledger_b": [b1],
        "contributions_a": [c1, c2, c3],
        "contributions_b": [cb],
    }


def _contribution(award, user, commitment_index, nature, counts_as, amount):
    commitment = award.commitments[commitment_index] if commitment_index is not None else None
    row = cofinance.report(
        award,
        user,
        commitment_id=commitment.id if commitment else None,
        contributor_name="" if commitment else "Donante X",
        nature=nature,
        counts_as=counts_as,
        amount=D(amount),
        valuation_basis="Renta de salones" if nature == "in_kind" else "",
        contributed_on=date(2027, 3, 1),
    )
    db.session.commit()
    return row


def _results(award, grantee, manager) -> None:
    """Two results indicators of grant A with a target, one with its value reported."""
    from datetime import date

    from portal.reports.models import GrantReport
    from portal.results import actuals
    from portal.results import operations as results

    report = GrantReport(
        award_id=award.id,
        kind="progress",
        period_start=date(2027, 2, 1),
        period_end=date(2027, 4, 30),
        due_on=date(2027, 5, 30),
    )
    db.session.add(report)
    programme = award.application.call.programme
    base = {
        "definition_es": "Definición",
        "definition_en": "Definition",
        "direction": "increase",
        "level": "output",
    }
    count = results.create_indicator(
        programme,
        manager,
        {
            **base,
            "code": "API-1",
            "name_es": "Personas",
            "name_en": "People",
            "measure": "count",
            "disaggregations": ["sex"],
        },
    )
    share = results.create_indicator(
        programme,
        manager,
        {
            **base,
            "code": "API-2",
            "name_es": "Porcentaje",
            "name_en": "Percentage",
            "measure": "percentage",
            "disaggregations": [],
        },
    )
    db.session.flush()
    item = results.add_award_indicator(
        award,
        manager,
        count.id,
        {"baseline_value": "5", "baseline_year": 2026, "targets": {report.id: "40"}},
    )
    results.add_award_indicator(award, manager, share.id, {"targets": {report.id: "80"}})
    actuals.record_actual(report, item, grantee, {"value": "12", "b-sex-women": "12"})
    db.session.commit()
