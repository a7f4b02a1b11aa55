"""Per-award money summaries (issue 18): what the finance dashboard and the shortfall watch list
read instead of aggregating the whole ledger on every view.

One row per award that has money movements or co-finance commitments
(``award_finance_summaries``), kept equal to a recomputation from the ledger:

- ``disbursed``: SUM(disbursements.award_amount) (signed: net of reversals and refunds);
  ``refunded``: the refunds, positive;
- ``committed_cost_share`` / ``committed_leverage``: the agreement's co-finance commitments;
- ``cost_share_*`` / ``leverage_*``: contributions by status (reported, verified, rejected).

They are updated in the same transaction as the rows they sum, by ORM events on every insert,
update and delete of those rows (``after_insert`` … run inside the flush): one
``INSERT … ON CONFLICT (award_id) DO UPDATE SET x = x + :delta`` per change, so two concurrent
transactions never lose each other's delta (no read-modify-write in Python). Rows written with
Core bulk inserts (the benchmarks, imports) bypass the events: call ``rebuild`` afterwards.
``tests/finance/test_summaries.py`` checks, property-based, that the summaries always equal
``recompute()`` over random sequences of ledger operations.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, case, delete, event, func, insert, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.awards.models import CofinanceCommitment
from portal.core.db import Base, Money
from portal.finance.models import CofinanceContribution, Disbursement

ZERO = Decimal("0")
STATUSES = ("reported", "verified", "rejected")
KINDS = ("cost_share", "leverage")
AMOUNTS = (
    "disbursed",
    "refunded",
    "committed_cost_share",
    "committed_leverage",
    *(f"{kind}_{status}" for kind in KINDS for status in STATUSES),
)


def _money():
    return mapped_column(Money(), default=ZERO, server_default="0")


class AwardFinanceSummary(Base):
    """Running totals of one award's ledger and co-finance (see the module docstring)."""

    __tablename__ = "award_finance_summaries"

    award_id: Mapped[int] = mapped_column(
        ForeignKey("awards.id", ondelete="CASCADE"), primary_key=True
    )
    disbursed: Mapped[Decimal] = _money()
    refunded: Mapped[Decimal] = _money()
    committed_cost_share: Mapped[Decimal] = _money()
    committed_leverage: Mapped[Decimal] = _money()
    cost_share_reported: Mapped[Decimal] = _money()
    cost_share_verified: Mapped[Decimal] = _money()
    cost_share_rejected: Mapped[Decimal] = _money()
    leverage_reported: Mapped[Decimal] = _money()
    leverage_verified: Mapped[Decimal] = _money()
    leverage_rejected: Mapped[Decimal] = _money()

    @property
    def counted_cost_share(self) -> Decimal:
        """Cost share reported or verified (everything not rejected)."""
        return self.cost_share_reported + self.cost_share_verified


# Maintenance ----------------------------------------------------------------------------------
def _upsert(connection, award_id: int, deltas: dict[str, Decimal]) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    table = AwardFinanceSummary.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(table).values(award_id=award_id, **deltas)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.award_id],
        set_={k: table.c[k] + statement.excluded[k] for k in deltas},
    )
    connection.execute(statement)


def _disbursement_deltas(row: Disbursement, sign: int = 1) -> dict[str, Decimal]:
    amount = Decimal(row.award_amount) * sign
    return {"disbursed": amount, "refunded": -amount if row.kind == "refund" else ZERO}


def _contribution_column(counts_as: str | None, status: str | None) -> str | None:
    if counts_as in KINDS and status in STATUSES:
        return f"{counts_as}_{status}"
    return None


def _commitment_column(counts_as: str | None) -> str | None:
    return f"committed_{counts_as}" if counts_as in KINDS else None


def _old(target, name: str):
    """The value an attribute had before this flush (the current one when unchanged)."""
    history = inspect(target).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(target, name)


def _move(connection, target, column_of, fields: tuple[str, ...], sign_new: int, sign_old: int):
    """Add the row's new contribution (``sign_new``) and take back its old one (``sign_old``),
    per award (an update may move a row to another column or, in theory, another award)."""
    deltas: dict[tuple[int, str], Decimal] = {}
    if sign_new:
        column = column_of(*(getattr(target, f) for f in fields))
        if column is not None and target.amount is not None:
            key = (target.award_id, column)
            deltas[key] = deltas.get(key, ZERO) + Decimal(target.amount)
    if sign_old:
        column = column_of(*(_old(target, f) for f in fields))
        amount = _old(target, "amount")
        if column is not None and amount is not None:
            key = (_old(target, "award_id"), column)
            deltas[key] = deltas.get(key, ZERO) - Decimal(amount)
    by_award: dict[int, dict[str, Decimal]] = {}
    for (award_id, column), value in deltas.items():
        by_award.setdefault(award_id, {})[column] = value
    for award_id, values in by_award.items():
        _upsert(connection, award_id, values)


@event.listens_for(Disbursement, "after_insert")
def _disbursement_inserted(mapper, connection, target) -> None:
    _upsert(connection, target.award_id, _disbursement_deltas(target))


@event.listens_for(Disbursement, "after_delete")
def _disbursement_deleted(mapper, connection, target) -> None:
    # The ledger is append-only (a trigger refuses deletes on PostgreSQL); kept for tests
    # and SQLite, where a test may delete its own rows.
    _upsert(connection, target.award_id, _disbursement_deltas(target, -1))


_CONTRIBUTION_FIELDS = ("counts_as", "status")


@event.listens_for(CofinanceContribution, "after_insert")
def _contribution_inserted(mapper, connection, target) -> None:
    _move(connection, target, _contribution_column, _CONTRIBUTION_FIELDS, 1, 0)


@event.listens_for(CofinanceContribution, "after_update")
def _contribution_updated(mapper, connection, target) -> None:
    state = inspect(target)
    if any(
        state.attrs[f].history.has_changes() for f in ("amount", "award_id", "counts_as", "status")
    ):
        _move(connection, target, _contribution_column, _CONTRIBUTION_FIELDS, 1, 1)


@event.listens_for(CofinanceContribution, "after_delete")
def _contribution_deleted(mapper, connection, target) -> None:
    _move(connection, target, _contribution_column, _CONTRIBUTION_FIELDS, 0, 1)


@event.listens_for(CofinanceCommitment, "after_insert")
def _commitment_inserted(mapper, connection, target) -> None:
    _move(connection, target, _commitment_column, ("counts_as",), 1, 0)


@event.listens_for(CofinanceCommitment, "after_update")
def _commitment_updated(mapper, connection, target) -> None:
    state = inspect(target)
    if any(state.attrs[f].history.has_changes() for f in ("amount", "award_id", "counts_as")):
        _move(connection, target, _commitment_column, ("counts_as",), 1, 1)


@event.listens_for(CofinanceCommitment, "after_delete")
def _commitment_deleted(mapper, connection, target) -> None:
    _move(connection, target, _commitment_column, ("counts_as",), 0, 1)


# Recomputation --------------------------------------------------------------------------------
def _sum_if(column, condition):
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def recompute_queries() -> list:
    """Per-award totals straight from the ledger: (award_id, {column: value}) queries."""
    d, c, k = Disbursement, CofinanceContribution, CofinanceCommitment
    ledger = select(
        d.award_id,
        func.coalesce(func.sum(d.award_amount), 0).label("disbursed"),
        (-_sum_if(d.award_amount, d.kind == "refund")).label("refunded"),
    ).group_by(d.award_id)
    commitments = select(
        k.award_id,
        *(_sum_if(k.amount, k.counts_as == kind).label(f"committed_{kind}") for kind in KINDS),
    ).group_by(k.award_id)
    contributions = select(
        c.award_id,
        *(
            _sum_if(c.amount, (c.counts_as == kind) & (c.status == status)).label(
                f"{kind}_{status}"
            )
            for kind in KINDS
            for status in STATUSES
        ),
    ).group_by(c.award_id)
    return [ledger, commitments, contributions]


def recompute(session) -> dict[int, dict[str, Decimal]]:
    """Every award's summary recomputed from the ledger (awards with nothing are left out)."""
    totals: dict[int, dict[str, Decimal]] = {}
    for query in recompute_queries():
        for row in session.execute(query).mappings():
            values = totals.setdefault(row["award_id"], dict.fromkeys(AMOUNTS, ZERO))
            for key, value in row.items():
                if key != "award_id":
                    values[key] = Decimal(value or 0)
    return totals


def stored(session) -> dict[int, dict[str, Decimal]]:
    """The summaries as stored, in the shape of ``recompute``."""
    table = AwardFinanceSummary.__table__
    return {
        row["award_id"]: {k: Decimal(row[k] or 0) for k in AMOUNTS}
        for row in session.execute(select(table)).mappings()
    }


def rebuild(connection) -> int:
    """Replace every summary by a recomputation (after bulk loads that bypass the events).
    Returns the number of summary rows written."""
    table = AwardFinanceSummary.__table__
    connection.execute(delete(table))
    rows = [{"award_id": award_id, **values} for award_id, values in recompute(connection).items()]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(table), rows[start : start + 5000])
    return len(rows)
