"""Two reviewers submitting on the same application at the same moment (PostgreSQL): the
summary counts both reviews. Each refresh locks the application's row first, so the second
waits for the first to commit and then reads its review. Committed for real (threads use
their own connections) and removed at the end."""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import now_utc
from portal.reviews import summaries
from portal.reviews.models import (
    Assignment,
    Criterion,
    Review,
    ReviewScore,
    Rubric,
    ScoreSummary,
)
from tests.support.committed import committed_call, remove_committed_call


def _world(engine) -> dict:
    world = committed_call(
        engine, code="CONC-2026-09", budget="1000.00", envelope="5000.00", applications=1
    )
    application = world["applications"][0]
    with engine.begin() as conn:
        users = [
            conn.execute(
                insert(User)
                .values(email=f"conc-rev-{i}@example.org", full_name=f"R{i}", locale="es")
                .returning(User.id)
            ).scalar_one()
            for i in range(2)
        ]
        rubric = conn.execute(
            insert(Rubric).values(call_id=world["call"]).returning(Rubric.id)
        ).scalar_one()
        criterion = conn.execute(
            insert(Criterion)
            .values(rubric_id=rubric, title_es="C", title_en="C", weight=1, max_score=5)
            .returning(Criterion.id)
        ).scalar_one()
        reviews = []
        for user in users:
            assignment = conn.execute(
                insert(Assignment)
                .values(
                    call_id=world["call"],
                    application_id=application,
                    reviewer_id=user,
                    conflict=False,
                    declared_dt=now_utc(),
                )
                .returning(Assignment.id)
            ).scalar_one()
            review = conn.execute(
                insert(Review)
                .values(
                    assignment_id=assignment,
                    call_id=world["call"],
                    application_id=application,
                    reviewer_id=user,
                    status="draft",
                )
                .returning(Review.id)
            ).scalar_one()
            conn.execute(
                insert(ReviewScore).values(review_id=review, criterion_id=criterion, score=4)
            )
            reviews.append(review)
    return {**world, "reviewers": users, "reviews": reviews, "rubric": rubric}


def _submit(engine, world, review_id, barrier, errors):
    try:
        with engine.begin() as conn:
            barrier.wait()
            conn.execute(
                update(Review)
                .where(Review.id == review_id)
                .values(status="submitted", points=Decimal(4), submitted_dt=now_utc())
            )
            summaries.refresh(conn, world["call"], world["applications"])
    except Exception as error:
        errors.append(error)


def test_concurrent_submissions_are_both_counted(app, engine, postgres_only):
    world = _world(engine)
    try:
        barrier = threading.Barrier(2)
        errors: list[Exception] = []
        threads = [
            threading.Thread(target=_submit, args=(engine, world, r, barrier, errors))
            for r in world["reviews"]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        with Session(engine) as s:
            detail = s.scalar(
                select(ScoreSummary.detail).where(
                    ScoreSummary.application_id == world["applications"][0]
                )
            )
        assert detail["received"] == 2
    finally:
        remove_committed_call(
            engine,
            world,
            delete(ScoreSummary).where(ScoreSummary.call_id == world["call"]),
            delete(ReviewScore).where(ReviewScore.review_id.in_(world["reviews"])),
            delete(Review).where(Review.call_id == world["call"]),
            delete(Assignment).where(Assignment.call_id == world["call"]),
            delete(Criterion).where(Criterion.rubric_id == world["rubric"]),
            delete(Rubric).where(Rubric.id == world["rubric"]),
        )
        with engine.begin() as conn:
            conn.execute(delete(User).where(User.id.in_(world["reviewers"])))
