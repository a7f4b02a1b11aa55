"""The maintained score summaries always give the ranking the reference computation gives.

Over random sequences of what changes an application's scores (saving a draft, submitting,
reopening, recording a consensus, changing the overall threshold), ``ranking.build`` (read back
from the summaries) and every page of ``ranking_read.page`` equal ``ranking.compute`` (the
ranking computed from the reviews, as before summaries existed): order, ranks, ties, every
figure. Each example runs in a savepoint rolled back at its end."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from math import ceil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from portal.core.db import db
from portal.core.errors import InputError
from portal.reviews import ranking, ranking_read, summaries
from portal.reviews.consensus import record_consensus
from portal.reviews.models import Panel, Rubric, ScoreSummary
from portal.reviews.review_operations import reopen, review_of, save_review
from tests.reviews import helpers

D = Decimal
APPS, REVIEWERS = 7, 2
CRITERIA = [("C1", "2", "5", "2"), ("C2", "1", "5", None)]

score = st.integers(0, 5)
scores = st.tuples(score, score)
app = st.integers(0, APPS - 1)
reviewer = st.integers(0, REVIEWERS - 1)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("save"), app, reviewer, scores, st.booleans()),
        st.tuples(st.just("submit"), app, reviewer, scores, st.just(True)),
        st.tuples(st.just("reopen"), app, reviewer),
        st.tuples(st.just("consensus"), app, scores),
        st.tuples(st.just("threshold"), st.sampled_from([None, "30", "50", "70"])),
    ),
    max_size=25,
)


@pytest.fixture
def world(ctx, call, personas, second_reviewer):
    reviewers = [personas["reviewer"], second_reviewer]
    rubric = helpers.make_rubric(call, CRITERIA, overall_threshold="40", tie_index=0)
    panel = helpers.make_panel(call, reviewers)
    apps, assignments = [], {}
    for n in range(APPS):
        application = helpers.make_application(
            call,
            personas["org_a"],
            personas["applicant"],
            title=f"P{n}",
            cofinance_pct=("20.00", "30.00")[n % 2],
        )
        apps.append(application)
        for r, user in enumerate(reviewers):
            assignments[n, r] = helpers.assign(application, user, conflict=False)
    return {
        "call": call,
        "rubric_id": rubric.id,
        "panel_id": panel.id,
        "apps": apps,
        "assignments": assignments,
        "reviewers": reviewers,
        "manager": personas["grants_manager"],
    }


def _act(world, action) -> None:
    rubric = db.session.get(Rubric, world["rubric_id"])
    kind = action[0]
    try:
        if kind in ("save", "submit"):
            _, a, r, values, submit = action
            entries = {c.id: (D(v), "") for c, v in zip(rubric.criteria, values, strict=True)}
            save_review(
                world["assignments"][a, r],
                rubric,
                world["reviewers"][r],
                entries=entries,
                overall_comment="",
                submit=submit,
            )
        elif kind == "reopen":
            review = review_of(world["assignments"][action[1], action[2]])
            if review is not None:
                reopen(review, world["manager"], "Revisar")
        elif kind == "consensus":
            values = {c.id: D(v) for c, v in zip(rubric.criteria, action[2], strict=True)}
            record_consensus(
                world["apps"][action[1]],
                rubric,
                world["manager"],
                scores=values,
                summary="Acuerdo",
                minority_views="",
            )
        else:
            rubric.overall_threshold = None if action[1] is None else D(action[1])
            db.session.flush()
    except InputError:
        pass  # refused (a submitted review, no submitted review yet): nothing changed


def _rows(rows) -> list[dict]:
    return [asdict(r) for r in rows]


def assert_same_ranking(call, rubric_id: int, panel_id: int, per_pages=(3, 4)) -> None:
    rubric, panel = db.session.get(Rubric, rubric_id), db.session.get(Panel, panel_id)
    want = ranking.compute(call, rubric, panel)
    got = ranking.build(call, rubric, panel)
    for name in ("ranked", "failing", "unscored"):
        assert _rows(getattr(got, name)) == _rows(getattr(want, name)), name
    assert got.normalised == want.normalised
    # The awards' decisions page reads ranks of a page of applications with ``positions``.
    ranks = {r.id: r.rank for r in want.ranked}
    assert ranking_read.positions(call, rubric) == ranks
    some = [r.id for r in (*want.ranked, *want.failing, *want.unscored)][::2]
    assert ranking_read.positions(call, rubric, some) == {i: ranks[i] for i in some if i in ranks}
    flat = [
        *(("ranked", r) for r in want.ranked),
        *(("failing", r) for r in want.failing),
        *(("unscored", r) for r in want.unscored),
    ]
    for per_page in per_pages:
        for number in range(1, max(1, ceil(len(flat) / per_page)) + 1):
            page = ranking_read.page(call, rubric, panel, number, per_page)
            expected = flat[(number - 1) * per_page : number * per_page]
            assert [(g, asdict(r)) for g, r in page.page.items] == [
                (g, asdict(r)) for g, r in expected
            ], (per_page, number)
            assert page.normalised == want.normalised
            on_page = {r.id for g, r in expected if g == "ranked"}
            groups = [
                [r.id for r in group]
                for group in ranking.committee_groups(want)
                if any(r.id in on_page for r in group)
            ]
            assert [[r.id for r in group] for group in page.committee_groups] == groups
            assert page.counts == {
                "ranked": len(want.ranked),
                "failing": len(want.failing),
                "unscored": len(want.unscored),
            }


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=actions)
def test_summaries_equal_a_recomputation_after_any_sequence(world, sequence):
    savepoint = db.session.begin_nested()
    try:
        for action in sequence:
            _act(world, action)
            assert_same_ranking(world["call"], world["rubric_id"], world["panel_id"], (4,))
        assert_same_ranking(world["call"], world["rubric_id"], world["panel_id"], (1, 3, 200))
    finally:
        savepoint.rollback()


def test_normalised_and_committee_groups_on_pages(world):
    """Five reviews each (normalisation on), a committee order, equal scores across pages."""
    rubric = db.session.get(Rubric, world["rubric_id"])
    for n in range(6):
        for r in range(REVIEWERS):
            _act(world, ("submit", n, r, (4, (n + r) % 3 + 3), True))
    _act(world, ("consensus", 6, (3, 3)))  # no submitted review: refused
    _act(world, ("submit", 6, 0, (5, 5), True))
    _act(world, ("consensus", 6, (4, 4)))
    assert ranking.compute(
        world["call"], rubric, db.session.get(Panel, world["panel_id"])
    ).normalised
    assert_same_ranking(world["call"], world["rubric_id"], world["panel_id"], (1, 2, 3, 5))


def test_refresh_call_rebuilds_what_bulk_inserts_bypass(world):
    """The migration's backfill and the benchmark: rows written with Core, then refreshed."""
    for n in range(4):
        _act(world, ("submit", n, 0, (n, 5 - n), True))
    call = world["call"]
    db.session.execute(delete(ScoreSummary).where(ScoreSummary.call_id == call.id))
    assert summaries.refresh_call(db.session.connection(), call.id) == 4  # the scored ones
    assert db.session.scalar(
        select(ScoreSummary.grp).where(ScoreSummary.application_id == world["apps"][0].id)
    ) in (summaries.RANKED, summaries.FAILING)
    assert_same_ranking(call, world["rubric_id"], world["panel_id"])


def test_a_criterion_change_refreshes_the_whole_call(world):
    _act(world, ("submit", 0, 0, (1, 5), True))
    _act(world, ("submit", 1, 0, (3, 3), True))
    rubric = db.session.get(Rubric, world["rubric_id"])
    rubric.criteria[0].min_score = D(0)  # F fails C1's minimum no more
    rubric.criteria[1].is_tie_breaker = True
    rubric.criteria[0].is_tie_breaker = False
    db.session.flush()
    assert_same_ranking(world["call"], world["rubric_id"], world["panel_id"])
