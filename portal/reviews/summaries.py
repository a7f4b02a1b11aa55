"""Keeping ``application_score_summaries`` equal to the reference computation.

Every flush that adds, changes or deletes a review, a review score, a consensus or its scores
rewrites the summaries of the applications concerned; a change to a rubric or a criterion
rewrites those of the whole call. It happens in the same transaction, right after the flush
(``after_flush_postexec``), with ``portal.reviews.ranking.scored_rows`` (the very function
the reference ranking uses), so whatever writes through the ORM (operations, the demo seed,
the tests' builders) keeps the summaries right. Bulk Core inserts (a migration, the
benchmark) call ``refresh_call`` themselves.

The applications' rows are locked first (``FOR UPDATE``, PostgreSQL): two reviewers submitting
on the same application at once are serialised, and the second recomputation sees the first
review (read committed reads what was committed before each statement).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from portal.applications.models import Application
from portal.reviews.models import (
    Consensus,
    ConsensusScore,
    Criterion,
    Review,
    ReviewScore,
    Rubric,
    ScoreSummary,
)
from portal.reviews.ranking import Row, scored_rows

RANKED, FAILING, UNSCORED = 0, 1, 2
_PENDING = "reviews.summaries.pending"


# The stored form of a row ------------------------------------------------------------------------
def _text(value) -> str | None:
    return None if value is None else str(value)


def group_of(row: Row) -> int:
    if row.score is None:
        return UNSCORED
    return FAILING if row.failed else RANKED


def stored(row: Row, call_id: int, tie) -> dict:
    """The summary row of one computed ``Row`` (decimals as exact strings in ``detail``)."""
    from portal.reviews.scoring import rounded

    return {
        "application_id": row.id,
        "call_id": call_id,
        "grp": group_of(row),
        "score": row.score,
        "tie_score": rounded(row.basis_scores.get(tie.id)) if tie is not None else None,
        "detail": {
            "received": row.received,
            "has_consensus": row.has_consensus,
            "consensus_total": _text(row.consensus_total),
            "consensus_scores": {str(k): _text(v) for k, v in row.consensus_scores.items()},
            "means": {str(k): _text(v) for k, v in row.means.items()},
            "spreads": {str(k): [_text(v.low), _text(v.high)] for k, v in row.spreads.items()},
            "totals": None
            if row.totals is None
            else [_text(row.totals.low), _text(row.totals.high)],
            "mean_total": _text(row.mean_total),
            "failures": row.failures,
            "fails_overall": row.fails_overall,
            "disagreement": row.disagreement,
        },
    }


# Recomputing -------------------------------------------------------------------------------------
def rubric_view(conn, call_id: int):
    """The call's rubric read with Core (usable inside a flush and in a migration): what
    ``scored_rows`` needs — criteria in order, overall threshold, tie-break criterion."""
    rubric = conn.execute(
        select(Rubric.id, Rubric.overall_threshold).where(Rubric.call_id == call_id)
    ).first()
    if rubric is None:
        return None
    criteria = [
        SimpleNamespace(**c._mapping)
        for c in conn.execute(
            select(
                Criterion.id,
                Criterion.weight,
                Criterion.max_score,
                Criterion.min_score,
                Criterion.is_tie_breaker,
            )
            .where(Criterion.rubric_id == rubric.id)
            .order_by(Criterion.position, Criterion.id)
        )
    ]
    return SimpleNamespace(
        criteria=criteria,
        overall_threshold=rubric.overall_threshold,
        tie_criterion=next((c for c in criteria if c.is_tie_breaker), None),
    )


def refresh(conn, call_id: int, ids: Iterable[int] | None = None) -> int:
    """Recompute and store the summaries of ``ids`` (None: every application of the call).
    Returns the number of rows written."""
    ids = None if ids is None else sorted(set(ids))
    if ids == []:
        return 0
    lock = select(Application.id).where(Application.call_id == call_id)
    if ids is not None:
        lock = lock.where(Application.id.in_(ids))
    conn.execute(lock.order_by(Application.id).with_for_update()).all()
    rubric = rubric_view(conn, call_id)
    rows, _ = scored_rows(conn, call_id, rubric, normalise=False, ids=ids, statuses=None)
    gone = delete(ScoreSummary).where(ScoreSummary.call_id == call_id)
    if ids is not None:
        gone = gone.where(ScoreSummary.application_id.in_(ids))
    conn.execute(gone)
    tie = rubric.tie_criterion if rubric is not None else None
    # An application with no submitted review and no consensus needs no row: read back
    # without one, it is "not scored yet" with nothing received, as computed.
    values = [
        stored(row, call_id, tie)
        for row in rows.values()
        if row.received or row.has_consensus or row.consensus_scores
    ]
    if values:
        conn.execute(insert(ScoreSummary), values)
    return len(values)


def refresh_call(conn, call_id: int) -> int:
    return refresh(conn, call_id, None)


# Keeping them up to date -------------------------------------------------------------------------
def _pending(session: Session) -> dict[str, set]:
    return session.info.setdefault(
        _PENDING,
        {"apps": set(), "reviews": set(), "consensus": set(), "calls": set(), "rubrics": set()},
    )


def _note(session: Session, flush_context) -> None:
    """After a flush: which applications (or whole calls) have changed scoring inputs. Ids
    read here are those the flush just wrote (deleted objects keep theirs)."""
    pending = _pending(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Review | Consensus):
            pending["apps"].add((obj.call_id, obj.application_id))
        elif isinstance(obj, ReviewScore):
            pending["reviews"].add(obj.review_id)
        elif isinstance(obj, ConsensusScore):
            pending["consensus"].add(obj.consensus_id)
        elif isinstance(obj, Rubric):
            pending["calls"].add(obj.call_id)
        elif isinstance(obj, Criterion):
            pending["rubrics"].add(obj.rubric_id)


def _apply(session: Session, flush_context) -> None:
    """After the flush, in its transaction: rewrite the summaries noted by ``_note``."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    conn = session.connection()
    pairs = set(pending["apps"])
    reviews = pending["reviews"] - {None}
    if reviews:
        pairs |= set(
            conn.execute(
                select(Review.call_id, Review.application_id).where(Review.id.in_(reviews))
            )
        )
    agreed = pending["consensus"] - {None}
    if agreed:
        pairs |= set(
            conn.execute(
                select(Consensus.call_id, Consensus.application_id).where(Consensus.id.in_(agreed))
            )
        )
    calls = pending["calls"] - {None}
    rubrics = pending["rubrics"] - {None}
    if rubrics:
        calls |= set(conn.scalars(select(Rubric.call_id).where(Rubric.id.in_(rubrics))))
    apps: dict[int, set[int]] = {}
    for call_id, application_id in pairs:
        if call_id is not None and application_id is not None and call_id not in calls:
            apps.setdefault(call_id, set()).add(application_id)
    for call_id in sorted(calls):
        refresh_call(conn, call_id)
    for call_id, ids in sorted(apps.items()):
        refresh(conn, call_id, ids)


def _forget(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)


def install(session_class: type[Session]) -> None:
    if event.contains(session_class, "after_flush_postexec", _apply):
        return
    event.listen(session_class, "after_flush", _note)
    event.listen(session_class, "after_flush_postexec", _apply)
    event.listen(session_class, "after_soft_rollback", _forget)
