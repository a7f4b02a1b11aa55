"""The ranking of a call, aggregated in SQL with a fixed number of statements.

Whatever the number of applications, ``build`` runs six statements, each a single pass over
base tables (no aggregated subqueries joined to each other, which PostgreSQL plans badly on
freshly loaded tables):

1. the ranked applications with their organisation, consensus total and committee position;
2. per application and criterion: Σ, count, min and max of the submitted scores (GROUP BY);
3. per reviewer: count, Σ points and Σ points² of their submitted reviews (normalisation);
4. per application: count, min and max of review points and the normalised mean (GROUP BY,
   each reviewer's linear transform passed in as a CASE);
5. the consensus scores per criterion;
6. per application: the number of active (not recused) assignments.

Python then combines these few aggregated rows per application with the exact ``Decimal``
functions of ``scoring`` (sums of half points come back exact even as SQLite floats).

This is the reference computation (``compute``). Pages do not run it: ``portal.reviews.
summaries`` runs it for the applications whose scores changed, in the same transaction, and
stores the result; ``portal.reviews.ranking_read`` reads those summaries back (``build``, the
whole ranking for the exports; ``page``, one page of it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Numeric, case, func, literal, select

from portal.applications.models import Application
from portal.core.db import db
from portal.organisations.models import Organisation
from portal.reviews import scoring
from portal.reviews.constants import RANKED_STATUSES, ReviewStatus
from portal.reviews.models import (
    Assignment,
    CommitteeOrder,
    Consensus,
    ConsensusScore,
    Review,
    ReviewScore,
)
from portal.reviews.review_operations import specs

SUBMITTED = ReviewStatus.SUBMITTED.value


def dec(value) -> Decimal | None:
    """A SQL aggregate as Decimal (SQLite returns floats; their repr is the exact value for
    the one- to three-place numbers summed here)."""
    if value is None:
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _connection():
    """Core execution on the session's connection: plain rows, no ORM loading overhead."""
    return db.session.connection()


def _only(stmt, column, ids):
    """``stmt`` restricted to the applications ``ids`` (None: every application)."""
    return stmt if ids is None else stmt.where(column.in_(sorted(ids)))


def _of(call_column, call_id: int, column, ids):
    """The rows of the call, or of the applications ``ids`` (of that call) through the index
    on ``column`` (filtering on the call too would let SQLite pick the call's index)."""
    return call_column == call_id if ids is None else column.in_(sorted(ids))


@dataclass
class Row:
    id: int
    reference: str
    title: str
    organisation: str
    status: str
    cofinance_pct: Decimal
    committee_position: int | None = None
    committee_note: str | None = None
    has_consensus: bool = False
    consensus_total: Decimal | None = None
    consensus_scores: dict[int, Decimal] = field(default_factory=dict)
    received: int = 0
    expected: int = 0
    means: dict[int, Decimal] = field(default_factory=dict)
    spreads: dict[int, scoring.Spread] = field(default_factory=dict)
    totals: scoring.Spread | None = None
    mean_total: Decimal | None = None
    normalised_total: Decimal | None = None
    score: Decimal | None = None  # what ranks: consensus if recorded, else the mean (2 places)
    failures: list[int] = field(default_factory=list)
    fails_overall: bool = False
    disagreement: list[str] = field(default_factory=list)
    rank: int = 0
    tie_broken_by: str | None = None
    tied_with: list[int] = field(default_factory=list)

    @property
    def basis(self) -> str | None:
        if self.has_consensus:
            return "consensus"
        return "mean" if self.received else None

    @property
    def basis_scores(self) -> dict[int, Decimal]:
        return self.consensus_scores if self.has_consensus else self.means

    @property
    def failed(self) -> bool:
        return bool(self.failures) or self.fails_overall


@dataclass
class Ranking:
    criteria: list
    ranked: list[Row]
    failing: list[Row]
    unscored: list[Row]
    normalised: bool  # some reviewer has enough reviews for normalisation
    overall_threshold: Decimal | None
    tie_criterion: object | None
    tie_use_cofinance: bool

    @property
    def rows(self) -> list[Row]:
        return [*self.ranked, *self.failing, *self.unscored]


# Statements --------------------------------------------------------------------------------------
def _applications(conn, call_id: int, ids=None, statuses=RANKED_STATUSES) -> dict[int, Row]:
    stmt = (
        select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.cofinance_pct,
            Organisation.legal_name,
            CommitteeOrder.position,
            CommitteeOrder.note,
            Consensus.points,
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(CommitteeOrder, CommitteeOrder.application_id == Application.id)
        .outerjoin(Consensus, Consensus.application_id == Application.id)
        .where(Application.call_id == call_id)
        .order_by(Application.number, Application.id)
    )
    if statuses is not None:
        stmt = stmt.where(Application.status.in_(statuses))
    rows = {}
    for r in conn.execute(_only(stmt, Application.id, ids)):  # the primary key: no index to pick
        rows[r.id] = Row(
            id=r.id,
            reference=r.reference or "",
            title=r.title,
            organisation=r.legal_name,
            status=r.status,
            cofinance_pct=dec(r.cofinance_pct) or Decimal(0),
            committee_position=r.position,
            committee_note=r.note,
            has_consensus=r.points is not None,
            consensus_total=dec(r.points),
        )
    return rows


def _criterion_aggregates(conn, call_id: int, ids=None):
    stmt = (
        select(
            Review.application_id,
            ReviewScore.criterion_id,
            func.sum(ReviewScore.score),
            func.count(ReviewScore.score),
            func.min(ReviewScore.score),
            func.max(ReviewScore.score),
        )
        .join(Review, Review.id == ReviewScore.review_id)
        .where(_of(Review.call_id, call_id, Review.application_id, ids))
        .where(Review.status == SUBMITTED)
        .group_by(Review.application_id, ReviewScore.criterion_id)
    )
    return conn.execute(stmt).all()


def reviewer_stats(conn, call_id: int) -> dict[int, tuple[int, Decimal, Decimal]]:
    rows = conn.execute(
        select(
            Review.reviewer_id,
            func.count(Review.id),
            func.sum(Review.points),
            func.sum(Review.points * Review.points),
        )
        .where(Review.call_id == call_id, Review.status == SUBMITTED)
        .group_by(Review.reviewer_id)
    )
    return {r[0]: (r[1], dec(r[2]), dec(r[3])) for r in rows}


def transforms(
    stats: dict[int, tuple[int, Decimal, Decimal]], maximum: Decimal
) -> dict[int, scoring.Transform]:
    """Each reviewer's transform of review totals on 100 (identity below five reviews)."""
    factor = scoring.HUNDRED / maximum
    n = sum(s[0] for s in stats.values())
    pool = scoring.stats_from_sums(
        n,
        sum((s[1] for s in stats.values()), Decimal(0)) * factor,
        sum((s[2] for s in stats.values()), Decimal(0)) * factor * factor,
    )
    return {
        reviewer: scoring.transform(
            scoring.stats_from_sums(count, total * factor, squares * factor * factor), pool
        )
        for reviewer, (count, total, squares) in stats.items()
    }


def normalised_expression(found: dict[int, scoring.Transform], maximum: Decimal):
    """normalised total of one review = scale × points × 100 ÷ W + shift, per reviewer."""
    factor = scoring.HUNDRED / maximum
    kind = Numeric(30, 12)
    scales = {
        r: literal(t.scale * factor, kind) for r, t in sorted(found.items()) if not t.is_identity
    }
    shifts = {r: literal(t.shift, kind) for r, t in sorted(found.items()) if not t.is_identity}
    identity = literal(factor, kind)
    if not scales:
        return Review.points * identity
    # Two "simple" CASEs (the reviewer id is evaluated once per row, not once per branch).
    scale = case(scales, value=Review.reviewer_id, else_=identity)
    shift = case(shifts, value=Review.reviewer_id, else_=literal(0, kind))
    return Review.points * scale + shift


def _review_totals(conn, call_id: int, normalised_expr, ids=None):
    columns = [
        Review.application_id,
        func.count(Review.id),
        func.min(Review.points),
        func.max(Review.points),
    ]
    if normalised_expr is not None:
        columns.append(func.avg(normalised_expr))
    stmt = (
        select(*columns)
        .where(_of(Review.call_id, call_id, Review.application_id, ids))
        .where(Review.status == SUBMITTED)
        .group_by(Review.application_id)
    )
    return conn.execute(stmt).all()


def _consensus_scores(conn, call_id: int, ids=None):
    stmt = (
        select(Consensus.application_id, ConsensusScore.criterion_id, ConsensusScore.score)
        .join(Consensus, Consensus.id == ConsensusScore.consensus_id)
        .where(_of(Consensus.call_id, call_id, Consensus.application_id, ids))
    )
    return conn.execute(stmt).all()


def active_assignments(conn, call_id: int, ids=None):
    stmt = (
        select(Assignment.application_id, func.count(Assignment.id))
        .where(_of(Assignment.call_id, call_id, Assignment.application_id, ids))
        .where(Assignment.conflict.is_not(True))
        .group_by(Assignment.application_id)
    )
    return conn.execute(stmt).all()


# Building ----------------------------------------------------------------------------------------
def compute(call, rubric, panel) -> Ranking:
    """The whole ranking computed from the reviews (the reference ``build`` reads back)."""
    conn = _connection()
    rows, normalised = scored_rows(conn, call.id, rubric, normalise=True)
    per_application = panel.reviewers_per_application if panel is not None else 0
    for application_id, count in active_assignments(conn, call.id):
        if application_id in rows:
            rows[application_id].expected = count
    for row in rows.values():
        row.expected = max(row.expected, per_application)
    threshold = rubric.overall_threshold if rubric is not None else None
    criteria = list(rubric.criteria) if rubric is not None else []
    return split(rows.values(), criteria, rubric, normalised, threshold)


def scored_rows(
    conn, call_id: int, rubric, *, normalise: bool, ids=None, statuses=RANKED_STATUSES
) -> tuple[dict[int, Row], bool]:
    """The rows of the applications (``ids``, or all the call's in ``statuses``) with every
    figure that depends on their own reviews and consensus; the normalised totals (which
    depend on the whole panel) only if ``normalise``. Also: whether some are normalised."""
    crit_specs = specs(rubric) if rubric is not None else []
    maximum = scoring.max_points(crit_specs)
    rows = _applications(conn, call_id, ids, statuses)
    normalised = False
    if maximum:
        _add_criterion_aggregates(rows, _criterion_aggregates(conn, call_id, ids))
        expression = None
        if normalise:
            found = transforms(reviewer_stats(conn, call_id), maximum)
            normalised = any(not t.is_identity for t in found.values())
            expression = normalised_expression(found, maximum) if normalised else None
        _add_review_totals(rows, _review_totals(conn, call_id, expression, ids), maximum)
        for application_id, criterion_id, score in _consensus_scores(conn, call_id, ids):
            if application_id in rows:
                rows[application_id].consensus_scores[criterion_id] = dec(score)
    threshold = rubric.overall_threshold if rubric is not None else None
    for row in rows.values():
        _finish(row, crit_specs, maximum, threshold)
    return rows, normalised


def _add_criterion_aggregates(rows: dict[int, Row], aggregates) -> None:
    for application_id, criterion_id, total, count, low, high in aggregates:
        row = rows.get(application_id)
        if row is None or not count:
            continue
        row.means[criterion_id] = dec(total) / count
        row.spreads[criterion_id] = scoring.Spread(dec(low), dec(high))


def _add_review_totals(rows: dict[int, Row], totals, maximum: Decimal) -> None:
    for application_id, count, low, high, *normalised in totals:
        row = rows.get(application_id)
        if row is None:
            continue
        row.received = count
        row.totals = scoring.Spread(
            scoring.total_on_100(dec(low), maximum), scoring.total_on_100(dec(high), maximum)
        )
        if normalised:
            row.normalised_total = scoring.rounded(dec(normalised[0]))


def _finish(row: Row, crit_specs, maximum: Decimal, threshold) -> None:
    if row.received and len(row.means) == len(crit_specs):
        row.mean_total = scoring.total_of_means(crit_specs, row.means)
        row.disagreement = scoring.disagreement(crit_specs, row.spreads, row.totals, threshold)
    if row.has_consensus:
        row.consensus_total = scoring.total_on_100(row.consensus_total, maximum)
    total = row.consensus_total if row.has_consensus else row.mean_total
    row.score = scoring.rounded(total)
    if total is not None:
        row.failures = scoring.below_threshold(crit_specs, row.basis_scores)
        row.fails_overall = not scoring.passes_overall(total, threshold)


def split(rows, criteria, rubric, normalised, threshold) -> Ranking:
    tie = rubric.tie_criterion if rubric is not None else None
    use_cofinance = bool(rubric.tie_use_cofinance) if rubric is not None else False
    scored = [r for r in rows if r.score is not None]
    ranking = Ranking(
        criteria=criteria,
        ranked=_ordered([r for r in scored if not r.failed], tie, use_cofinance),
        failing=_ordered([r for r in scored if r.failed], tie, use_cofinance),
        unscored=[r for r in rows if r.score is None],
        normalised=normalised,
        overall_threshold=threshold,
        tie_criterion=tie,
        tie_use_cofinance=use_cofinance,
    )
    return ranking


def _ordered(rows: list[Row], tie, use_cofinance: bool) -> list[Row]:
    by_id = {r.id: r for r in rows}
    items = [
        scoring.Rankable(
            id=r.id,
            score=r.score,
            tie_criterion=scoring.rounded(r.basis_scores.get(tie.id)) if tie else None,
            cofinance_pct=r.cofinance_pct,
            committee_position=r.committee_position,
            reference=r.reference,
        )
        for r in rows
    ]
    ordered = []
    for item in scoring.rank(items, use_criterion=tie is not None, use_cofinance=use_cofinance):
        row = by_id[item.id]
        row.rank, row.tie_broken_by, row.tied_with = item.rank, item.tie_broken_by, item.tied_with
        ordered.append(row)
    return ordered


def committee_groups(result: Ranking) -> list[list[Row]]:
    """Ranked applications still tied after the criterion and co-finance steps of the
    cascade (same score, same named-criterion score, same co-finance percentage): the
    committee orders these, in ranking order."""
    tie = result.tie_criterion

    def key(row: Row) -> tuple:
        criterion = scoring.rounded(row.basis_scores.get(tie.id)) if tie is not None else None
        cofinance = row.cofinance_pct if result.tie_use_cofinance else None
        return (row.score, criterion, cofinance)

    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row in result.ranked:
        groups[key(row)].append(row)
    return [g for g in groups.values() if len(g) > 1]


def build(call, rubric, panel) -> Ranking:
    """The ranking as pages and exports show it: read back from the maintained score
    summaries (``portal.reviews.ranking_read``), equal to ``compute``."""
    from portal.reviews import ranking_read

    return ranking_read.build(call, rubric, panel)
