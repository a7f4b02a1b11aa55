"""Issue 18: the per-award summaries (``portal.finance.summaries``) always equal a recomputation
from the ledger, over random sequences of payments, advances, reversals, refunds, co-finance
contributions (reported, verified, rejected) and commitment changes (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import itertools
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from portal.awards.models import CofinanceCommitment
from portal.core.db import db
from portal.core.errors import InputError
from portal.finance import cofinance, ledger, operations, summaries
from portal.finance.models import CofinanceContribution, Disbursement
from tests.finance.helpers import entry

D = Decimal
KEYS = itertools.count()

amounts = st.integers(min_value=1, max_value=400_000).map(lambda cents: D(cents).scaleb(-2))
steps = st.lists(
    st.tuples(
        st.sampled_from(
            (
                "pay",
                "pay",
                "advance",
                "reverse",
                "refund",
                "refund_advance",
                "contribute",
                "contribute",
                "verify",
                "reject",
                "commit",
                "recommit",
            )
        ),
        amounts,
        st.integers(min_value=0, max_value=1000),
    ),
    min_size=1,
    max_size=12,
)


def _apply(award, personas, step: str, amount: Decimal, pick: int) -> None:
    officer, applicant = personas["finance_officer"], personas["applicant"]
    key = f"s{next(KEYS)}"
    rows = list(
        db.session.scalars(
            select(Disbursement).where(Disbursement.award_id == award.id).order_by(Disbursement.id)
        )
    )
    if step == "pay":
        ledger.record(award.id, entry(amount, key), officer)
    elif step == "advance":
        operations.record_advance(award, officer, entry(amount, key))
    elif step == "reverse" and rows:
        original = rows[pick % len(rows)]
        ledger.reverse(
            original, officer, paid_on=date(2027, 3, 6), bank_reference="", note="Error", key=key
        )
    elif step == "refund":
        ledger.refund(award.id, entry(amount, key), officer)
    elif step == "refund_advance":
        advances = ledger.live_advances(award.id)
        if advances:
            advance = advances[pick % len(advances)]
            ledger.refund(award.id, entry(amount, key), officer, advance_id=advance.id)
    elif step == "contribute":
        commitment = award.commitments[pick % len(award.commitments)]
        cofinance.report(
            award,
            applicant,
            commitment_id=commitment.id,
            contributor_name="",
            nature="cash",
            counts_as=("cost_share", "leverage")[pick % 2],
            amount=amount,
            valuation_basis="",
            contributed_on=date(2027, 3, 1),
        )
    elif step in ("verify", "reject"):
        waiting = list(
            db.session.scalars(
                select(CofinanceContribution).where(
                    CofinanceContribution.award_id == award.id,
                    CofinanceContribution.status == "reported",
                )
            )
        )
        if waiting:
            cofinance.verify(
                waiting[pick % len(waiting)],
                officer,
                decision=step,
                reason="Sin evidencia" if step == "reject" else "",
            )
    elif step == "commit":
        award.commitments.append(
            CofinanceCommitment(
                contributor_name="Municipio",
                contributor_type="state_institution",
                nature="cash",
                counts_as=("cost_share", "leverage")[pick % 2],
                amount=amount,
                position=len(award.commitments),
            )
        )
    elif step == "recommit":
        commitment = award.commitments[pick % len(award.commitments)]
        commitment.amount = amount
        if pick % 3 == 0:
            commitment.counts_as = (
                "leverage" if commitment.counts_as == "cost_share" else "cost_share"
            )
    db.session.flush()


def _kept(totals: dict) -> dict:
    """Summaries without all-zero rows: a row whose commitments were all removed equals no row
    at all (the recomputation leaves out awards with nothing)."""
    return {award: values for award, values in totals.items() if any(values.values())}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps)
def test_summaries_equal_a_recomputation(award, personas, sequence):
    award.advance_limit = D("150000.00")
    db.session.flush()
    for step, amount, pick in sequence:
        # A refused operation must leave the summaries as they were.
        with contextlib.suppress(ledger.LedgerError, InputError):
            _apply(award, personas, step, amount, pick)
        assert _kept(summaries.stored(db.session)) == _kept(summaries.recompute(db.session)), step
    db.session.commit()
    assert _kept(summaries.stored(db.session)) == _kept(summaries.recompute(db.session))


def test_rolled_back_entry_leaves_no_trace_and_rebuild_restores(award, personas):
    officer = personas["finance_officer"]
    ledger.record(award.id, entry("1000.00", "kept"), officer)
    db.session.commit()
    before = summaries.stored(db.session)
    ledger.record(award.id, entry("500.00", "dropped"), officer)
    db.session.rollback()
    assert _kept(summaries.stored(db.session)) == _kept(before)
    assert before[award.id]["disbursed"] == D("1000.00")
    assert before[award.id]["committed_cost_share"] > 0
    db.session.execute(update(summaries.AwardFinanceSummary).values(disbursed=D("1.00")))
    assert summaries.rebuild(db.session.connection()) >= 1
    assert (
        _kept(summaries.stored(db.session))
        == _kept(summaries.recompute(db.session))
        == _kept(before)
    )
