"""Issue 18: a grant's finance page runs a fixed number of statements (at most 15), whatever
the number of its ledger entries, advances, refunds, contributions and payment requests; its
figures are those of ``figures.grant_figures`` (the SQL aggregation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.core.db import db
from portal.core.i18n import format_money
from portal.finance import cofinance, figures, ledger, operations
from tests.finance import helpers
from tests.finance.helpers import entry

D = Decimal
LIMIT = 15


def grow(award, personas, n: int, tag: str) -> None:
    """``n`` payments (one in four reversed), two advances (one partly refunded), a refund,
    co-finance reported, verified and rejected, and an approved payment request."""
    officer, applicant = personas["finance_officer"], personas["applicant"]
    award.advance_limit = D("60000.00")
    db.session.commit()
    for i in range(2):
        operations.record_advance(award, officer, entry("1000.00", f"adv-{tag}-{i}"))
    first = ledger.live_advances(award.id)[-1]
    operations.record_refund(award, officer, entry("100.00", f"ref-{tag}"), advance_id=first.id)
    for i in range(n):
        row, _ = ledger.record(award.id, entry("100.00", f"pay-{tag}-{i}"), officer)
        if i % 4 == 3:
            ledger.reverse(
                row,
                officer,
                paid_on=date(2027, 3, 6),
                bank_reference="",
                note="Error",
                key=f"rev-{tag}-{i}",
            )
    for i in range(max(3, n // 4)):
        contribution = cofinance.report(
            award,
            applicant,
            commitment_id=award.commitments[i % 2].id,
            contributor_name="",
            nature="cash",
            counts_as=("cost_share", "leverage")[i % 2],
            amount=D("10.00"),
            valuation_basis="",
            contributed_on=date(2027, 3, 1),
        )
        if i % 3 == 1:
            cofinance.verify(contribution, officer, decision="verify", reason="")
        elif i % 3 == 2:
            cofinance.verify(contribution, officer, decision="reject", reason="Sin evidencia")
    helpers.approved_request(award, applicant, personas["grants_manager"], officer, amount="500.00")
    db.session.commit()


def _statements(client, award_id, count_queries) -> tuple[int, str]:
    client.get(f"/finance/grants/{award_id}")  # warm caches (translations, templates)
    with count_queries() as counter:
        response = client.get(f"/finance/grants/{award_id}")
    assert response.status_code == 200
    return counter.count, response.get_data(as_text=True)


@pytest.mark.parametrize("persona", ["finance_officer", "applicant", "grants_manager"])
def test_grant_page_statements_are_fixed(persona, award, personas, as_user, count_queries):
    client = as_user(personas[persona])
    grow(award, personas, 2, "a")
    few, _ = _statements(client, award.id, count_queries)
    grow(award, personas, 40, "b")
    many, html = _statements(client, award.id, count_queries)
    assert few == many <= LIMIT, (few, many)
    expected = figures.grant_figures([award.id])[award.id]
    assert f'data-figure="disbursed">{format_money(expected.disbursed, "MXN", "es_MX")}' in html
    assert f'data-figure="remaining">{format_money(expected.remaining, "MXN", "es_MX")}' in html


def test_page_advances_match_the_ledger_functions(award, personas, as_user):
    """The advance figures computed from the page's rows equal the ledger's own queries."""
    from portal.finance import grant_page

    grow(award, personas, 6, "c")
    book = grant_page.load_ledger(award.id)
    assert book.outstanding_advance == operations.outstanding_advance(award.id)
    assert book.advanced_total == operations.advanced_total(award.id)
    assert book.refunded == ledger.refunded_on_award(award.id)
    assert [(a.id, b) for a, b in book.refundable_advances] == [
        (a.id, b) for a, b in operations.refundable_advances(award)
    ]
    contributions = grant_page.load_contributions(award.id)
    assert (
        grant_page.figures_of(award, book, contributions)
        == figures.grant_figures([award.id])[award.id]
    )


def test_finance_index_statements_are_fixed(call, award, personas, as_user, count_queries):
    """The finance index: the same statements with one grant or four, each with a request
    waiting on staff."""
    officer = personas["finance_officer"]
    client = as_user(officer)

    def waiting(grant) -> None:
        from portal.finance import operations as ops

        request = ops.create_request(
            grant,
            personas["applicant"],
            milestone_id=grant.milestones[0].id,
            narrative="Plan entregado",
            amount=D("1000.00"),
        )
        ops.submit_request(
            request,
            personas["applicant"],
            certified=True,
            typed_name=personas["applicant"].full_name,
        )
        db.session.commit()

    def statements() -> tuple[int, str]:
        client.get("/finance/")
        with count_queries() as counter:
            response = client.get("/finance/")
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    waiting(award)
    one, _ = statements()
    for i in range(3):
        grant = helpers.active_award(
            call,
            personas["org_a"],
            personas["applicant"],
            personas["grants_manager"],
            amount="100000.00",
            title=f"Otra {i}",
        )
        waiting(grant)
    four, html = statements()
    # Two lists paged: a count and a page each.
    assert one == four <= 7, (one, four)
    assert html.count('href="/finance/requests/') == 4
