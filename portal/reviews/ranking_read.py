"""The ranking read back from the maintained score summaries (``portal.reviews.summaries``).

``build`` returns the whole ``Ranking`` (the exports, the panel's list, the awards page), equal
to ``ranking.compute``; ``page`` returns one page of it in a fixed number of statements,
whatever the number of applications:

1. the number of applications in each group (ranked, below a threshold, not scored);
2. the page's rows, ordered in SQL by the same key as ``scoring.rank`` (LIMIT/OFFSET);
3. the rows tied on score with a row of the page (tie-break notes, committee groups);
4. per reviewer: count, Σ points, Σ points² (normalisation, read live: it moves with every
   review of the panel);
5. the normalised mean of the page's applications;
6. the page's active (not recused) assignments.

Titles, organisations, statuses, co-finance and the committee's order are joined live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from math import ceil

from sqlalchemy import and_, case, false, func, literal_column, or_, select

from portal.applications.models import Application
from portal.core.db import db
from portal.core.pagination import Page
from portal.organisations.models import Organisation
from portal.reviews import scoring
from portal.reviews.constants import RANKED_STATUSES, ReviewStatus
from portal.reviews.models import CommitteeOrder, Review, ScoreSummary
from portal.reviews.ranking import (
    Ranking,
    Row,
    active_assignments,
    dec,
    normalised_expression,
    reviewer_stats,
    split,
    transforms,
)
from portal.reviews.review_operations import specs
from portal.reviews.summaries import FAILING, RANKED, UNSCORED

GROUPS = ("ranked", "failing", "unscored")
NO_COMMITTEE = 10**9  # as scoring._key: no recorded position sorts last


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _group():
    """The row's group; no summary: not scored. A literal, not a bound parameter, so that
    PostgreSQL sees the same expression in SELECT and GROUP BY."""
    return func.coalesce(ScoreSummary.grp, literal_column(str(UNSCORED)))


def _select(call_id: int):
    return (
        select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.cofinance_pct,
            Organisation.legal_name,
            CommitteeOrder.position,
            CommitteeOrder.note,
            _group().label("grp"),
            ScoreSummary.score,
            ScoreSummary.detail,
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(CommitteeOrder, CommitteeOrder.application_id == Application.id)
        .outerjoin(ScoreSummary, ScoreSummary.application_id == Application.id)
        .where(Application.call_id == call_id, Application.status.in_(RANKED_STATUSES))
    )


def _row(r) -> Row:
    d = r.detail or {}
    row = Row(
        id=r.id,
        reference=r.reference or "",
        title=r.title,
        organisation=r.legal_name,
        status=r.status,
        cofinance_pct=dec(r.cofinance_pct) or Decimal(0),
        committee_position=r.position,
        committee_note=r.note,
        has_consensus=bool(d.get("has_consensus")),
        consensus_total=_dec(d.get("consensus_total")),
        consensus_scores={int(k): _dec(v) for k, v in d.get("consensus_scores", {}).items()},
        received=d.get("received", 0),
        means={int(k): _dec(v) for k, v in d.get("means", {}).items()},
        spreads={
            int(k): scoring.Spread(_dec(lo), _dec(hi))
            for k, (lo, hi) in d.get("spreads", {}).items()
        },
        totals=scoring.Spread(*map(_dec, d["totals"])) if d.get("totals") else None,
        mean_total=_dec(d.get("mean_total")),
        score=scoring.rounded(r.score),
        failures=list(d.get("failures", [])),
        fails_overall=bool(d.get("fails_overall")),
        disagreement=list(d.get("disagreement", [])),
    )
    return row


def _order(conn, tie, use_cofinance: bool) -> list:
    """The ranking's order: groups, then unscored by number as listed; scored ones by the key
    of ``scoring._key`` (score, named criterion, co-finance, committee, reference, id)."""
    grp = _group()
    reference = func.coalesce(Application.reference, "")
    if conn.dialect.name == "postgresql":
        reference = reference.collate("C")  # Python compares strings by code point
    keys = [
        grp,
        case((grp == UNSCORED, Application.number)),
        case((grp == UNSCORED, Application.id)),
        ScoreSummary.score.desc(),
    ]
    if tie is not None:
        keys.append(func.coalesce(ScoreSummary.tie_score, -1).desc())
    if use_cofinance:
        keys.append(func.coalesce(Application.cofinance_pct, 0).desc())
    keys += [func.coalesce(CommitteeOrder.position, NO_COMMITTEE), reference, Application.id]
    return keys


def _normalise(conn, call_id: int, rubric, rows: dict[int, Row], ids=None) -> bool:
    """Fill ``normalised_total`` of ``rows`` (``ids``: only those); whether any reviewer is
    normalised. Two statements whenever the rubric has criteria."""
    maximum = scoring.max_points(specs(rubric)) if rubric is not None else Decimal(0)
    if not maximum:
        return False
    found = transforms(reviewer_stats(conn, call_id), maximum)
    normalised = any(not t.is_identity for t in found.values())
    expression = normalised_expression(found, maximum) if normalised else Review.points
    scope = Review.call_id == call_id if ids is None else Review.application_id.in_(sorted(ids))
    stmt = (
        select(Review.application_id, func.avg(expression))
        .where(scope, Review.status == ReviewStatus.SUBMITTED.value)
        .group_by(Review.application_id)
    )
    for application_id, value in conn.execute(stmt):
        if normalised and application_id in rows:
            rows[application_id].normalised_total = scoring.rounded(dec(value))
    return normalised


def _expected(conn, call_id: int, panel, rows: dict[int, Row], ids=None) -> None:
    per_application = panel.reviewers_per_application if panel is not None else 0
    for application_id, count in active_assignments(conn, call_id, ids):
        if application_id in rows:
            rows[application_id].expected = count
    for row in rows.values():
        row.expected = max(row.expected, per_application)


def build(call, rubric, panel) -> Ranking:
    """The whole ranking, equal to ``ranking.compute(call, rubric, panel)``."""
    conn = db.session.connection()
    stmt = _select(call.id).order_by(Application.number, Application.id)
    rows = {r.id: _row(r) for r in conn.execute(stmt)}
    normalised = _normalise(conn, call.id, rubric, rows)
    _expected(conn, call.id, panel, rows)
    criteria = list(rubric.criteria) if rubric is not None else []
    threshold = rubric.overall_threshold if rubric is not None else None
    return split(rows.values(), criteria, rubric, normalised, threshold)


@dataclass
class RankingPage:
    """One page of a call's ranking: ``shown`` rows per group (global ranks), how many
    there are in each group, and the committee's tie groups that touch the page."""

    criteria: list
    normalised: bool
    overall_threshold: Decimal | None
    tie_criterion: object | None
    tie_use_cofinance: bool
    page: Page
    counts: dict[str, int]
    shown: dict[str, list[Row]] = field(default_factory=dict)
    committee_groups: list[list[Row]] = field(default_factory=list)


def page(call, rubric, panel, number: int, per_page: int) -> RankingPage:
    conn = db.session.connection()
    tie = rubric.tie_criterion if rubric is not None else None
    use_cofinance = bool(rubric.tie_use_cofinance) if rubric is not None else False
    counted = (
        select(_group(), func.count(Application.id))
        .outerjoin(ScoreSummary, ScoreSummary.application_id == Application.id)
        .where(Application.call_id == call.id, Application.status.in_(RANKED_STATUSES))
        .group_by(_group())
    )
    counts = dict.fromkeys(GROUPS, 0)
    for grp, count in conn.execute(counted):
        counts[GROUPS[grp]] = count
    total = sum(counts.values())
    number = min(number, max(1, ceil(total / per_page)))
    offset = (number - 1) * per_page
    keys = _order(conn, tie, use_cofinance)
    stmt = _select(call.id).order_by(*keys)
    # The page's ids first (a narrow sort of the call's rows), then only their details.
    ids = (
        select(Application.id)
        .outerjoin(CommitteeOrder, CommitteeOrder.application_id == Application.id)
        .outerjoin(ScoreSummary, ScoreSummary.application_id == Application.id)
        .where(Application.call_id == call.id, Application.status.in_(RANKED_STATUSES))
        .order_by(*keys)
        .limit(per_page)
        .offset(offset)
        .subquery()
    )
    fetched = conn.execute(stmt.join(ids, ids.c.id == Application.id)).all()
    rows = {r.id: _row(r) for r in fetched}
    starts = {RANKED: 0, FAILING: counts["ranked"], UNSCORED: counts["ranked"] + counts["failing"]}
    shown: dict[str, list[Row]] = {name: [] for name in GROUPS}
    for position, r in enumerate(fetched, start=offset):
        row = rows[r.id]
        if r.grp != UNSCORED:
            row.rank = position - starts[r.grp] + 1
        shown[GROUPS[r.grp]].append(row)
    groups = _ties(conn, call.id, stmt, rows, fetched, tie, use_cofinance)
    normalised = _normalise(conn, call.id, rubric, rows, ids=rows)
    _expected(conn, call.id, panel, rows, ids=rows)
    return RankingPage(
        criteria=list(rubric.criteria) if rubric is not None else [],
        normalised=normalised,
        overall_threshold=rubric.overall_threshold if rubric is not None else None,
        tie_criterion=tie,
        tie_use_cofinance=use_cofinance,
        page=Page(
            items=[(GROUPS[r.grp], rows[r.id]) for r in fetched],
            number=number,
            per_page=per_page,
            total=total,
        ),
        counts=counts,
        shown=shown,
        committee_groups=groups,
    )


def _ties(conn, call_id, stmt, rows, fetched, tie, use_cofinance) -> list[list[Row]]:
    """Tie-break notes of the page's scored rows (``tie_broken_by``, ``tied_with``), from every
    row of the call sharing a score with one of them; returns the committee's groups (still
    tied after the criterion and co-finance steps) that have a row on the page."""
    scores = {grp: {r.score for r in fetched if r.grp == grp} for grp in (RANKED, FAILING)}
    wanted = [
        and_(func.coalesce(ScoreSummary.grp, UNSCORED) == grp, ScoreSummary.score.in_(values))
        for grp, values in scores.items()
        if values
    ]
    stmt = stmt.with_only_columns(
        Application.id,
        _group().label("grp"),
        ScoreSummary.score,
        ScoreSummary.tie_score,
        Application.cofinance_pct,
        CommitteeOrder.position,
        Application.reference,
    ).where(or_(*wanted) if wanted else false())
    found: dict[int, list] = {RANKED: [], FAILING: []}
    for r in conn.execute(stmt):
        found[r.grp].append(
            scoring.Rankable(
                id=r.id,
                score=scoring.rounded(r.score),
                tie_criterion=scoring.rounded(r.tie_score),
                cofinance_pct=dec(r.cofinance_pct) or Decimal(0),
                committee_position=r.position,
                reference=r.reference or "",
            )
        )
    tied = {}
    for grp, items in found.items():
        # ``rank`` on whole score groups notes exactly what it notes on the whole ranking.
        tied[grp] = scoring.rank(items, use_criterion=tie is not None, use_cofinance=use_cofinance)
        for item in tied[grp]:
            if item.id in rows:
                rows[item.id].tie_broken_by = item.tie_broken_by
                rows[item.id].tied_with = item.tied_with
    return _committee_groups(tied[RANKED], rows, tie, use_cofinance)


def _committee_groups(items, rows, tie, use_cofinance) -> list[list[Row]]:
    """As ``ranking.committee_groups``, restricted to groups with a row on the page."""
    groups: dict[tuple, list] = {}
    for item in items:  # in ranking order (``rank`` sorted them)
        key = (
            item.score,
            item.tie_criterion if tie is not None else None,
            item.cofinance_pct if use_cofinance else None,
        )
        groups.setdefault(key, []).append(item)
    result = []
    for group in groups.values():
        if len(group) > 1 and any(item.id in rows for item in group):
            result.append([rows.get(item.id) or _light(item) for item in group])
    return result


def _light(item: scoring.Rankable) -> Row:
    """A row off the page, with what the committee's form needs."""
    return Row(
        id=item.id,
        reference=item.reference,
        title="",
        organisation="",
        status="",
        cofinance_pct=item.cofinance_pct,
        committee_position=item.committee_position,
        score=item.score,
    )


def positions(call, rubric, ids=None) -> dict[int, int]:
    """Rank in the call's ranking (the ranked group only, as ``build(...).ranked``) of the
    applications ``ids``, in one statement: a window over the ranked rows' order, so a page
    of a list (the awards' decisions) shows ranks without building the whole ranking.
    ``ids`` None: every ranked application."""
    conn = db.session.connection()
    tie = rubric.tie_criterion if rubric is not None else None
    use_cofinance = bool(rubric.tie_use_cofinance) if rubric is not None else False
    ranked = (
        select(
            Application.id,
            func.row_number().over(order_by=_order(conn, tie, use_cofinance)).label("rank"),
        )
        .outerjoin(CommitteeOrder, CommitteeOrder.application_id == Application.id)
        .join(ScoreSummary, ScoreSummary.application_id == Application.id)
        .where(
            Application.call_id == call.id,
            Application.status.in_(RANKED_STATUSES),
            ScoreSummary.grp == RANKED,
        )
        .subquery()
    )
    wanted = select(ranked.c.id, ranked.c.rank)
    if ids is not None:
        wanted = wanted.where(ranked.c.id.in_(sorted(ids)))
    return {application_id: rank for application_id, rank in conn.execute(wanted)}
