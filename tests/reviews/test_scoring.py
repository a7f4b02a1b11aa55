"""The scoring maths against values computed by hand (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.reviews import scoring
from portal.reviews.scoring import CriterionSpec, Rankable, Spread

D = Decimal

# C1 weight 40, C2 35, C3 25, all out of 5; C1 needs at least 3. Σ(weight × max) = 500.
CRITERIA = [
    CriterionSpec(1, D(40), D(5), D(3)),
    CriterionSpec(2, D(35), D(5)),
    CriterionSpec(3, D(25), D(5)),
]


def scores(*values):
    return {i: D(v) for i, v in enumerate(values, start=1)}


def test_weighted_total_on_100():
    # 40×4 + 35×3 + 25×5 = 160 + 105 + 125 = 390; 390 / 500 × 100 = 78
    assert scoring.max_points(CRITERIA) == 500
    assert scoring.weighted_points(CRITERIA, scores(4, 3, 5)) == 390
    assert scoring.weighted_total(CRITERIA, scores(4, 3, 5)) == 78
    # 40×2 + 35×4 + 25×4 = 80 + 140 + 100 = 320 → 64
    assert scoring.weighted_total(CRITERIA, scores(2, 4, 4)) == 64
    # Half points: 40×3.5 + 35×2.5 + 25×0 = 140 + 87.5 = 227.5 → 45.5
    assert scoring.weighted_total(CRITERIA, scores("3.5", "2.5", 0)) == D("45.5")


def test_weighted_total_with_different_maxima():
    criteria = [CriterionSpec(1, D("1.5"), D(10)), CriterionSpec(2, D(1), D(5))]
    # (1.5×7 + 1×4) / (1.5×10 + 1×5) × 100 = 14.5 / 20 × 100 = 72.5
    assert scoring.weighted_total(criteria, {1: D(7), 2: D(4)}) == D("72.5")


def test_per_criterion_threshold_on_raw_scores():
    assert scoring.below_threshold(CRITERIA, scores(2, 5, 5)) == [1]
    assert scoring.below_threshold(CRITERIA, scores(3, 0, 0)) == []  # 3 is enough
    assert scoring.below_threshold(CRITERIA, scores("2.5", 5, 5)) == [1]


def test_overall_threshold():
    assert scoring.passes_overall(D(70), D(70))
    assert not scoring.passes_overall(D("69.99"), D(70))
    assert scoring.passes_overall(D(10), None)


@pytest.mark.parametrize(
    ("value", "half", "problem"),
    [
        ("3", False, None),
        ("3.5", False, "step"),
        ("3.5", True, None),
        ("3.25", True, "step"),
        ("-1", True, "range"),
        ("5.5", True, "range"),
        ("0", False, None),
        ("5", False, None),
    ],
)
def test_score_problems(value, half, problem):
    assert scoring.score_problems(D(value), D(5), half) == problem


def test_aggregate_means_thresholds_and_disagreement():
    # Reviews (4, 3, 5) = 78 and (2, 4, 4) = 64. Means: C1 3, C2 3.5, C3 4.5
    # → 40×3 + 35×3.5 + 25×4.5 = 120 + 122.5 + 112.5 = 355 → 71 (= mean of 78 and 64).
    result = scoring.aggregate(CRITERIA, [scores(4, 3, 5), scores(2, 4, 4)], D(70))
    assert result.reviews == 2
    assert result.means == {1: D(3), 2: D("3.5"), 3: D("4.5")}
    assert result.mean_total == 71
    assert result.failures == []  # the mean on C1 is exactly the minimum
    assert result.passes_overall
    # C1 ranges 2..4 (≥ 2 points), straddles its minimum 3, and totals 64/78 straddle 70.
    assert result.disagreement == ["range:1", "threshold:1", "overall"]


def test_no_disagreement_when_close():
    result = scoring.aggregate(CRITERIA, [scores(4, 3, 5), scores(3, 4, 4)], None)
    assert result.disagreement == []
    assert result.mean_total == scoring.total_of_means(CRITERIA, result.means)


def test_disagreement_range_is_scaled_to_five_points():
    criteria = [CriterionSpec(1, D(1), D(10))]
    # On 0–10, 3 vs 6 is 1.5 on a 0–5 scale; 3 vs 7 is 2.
    assert scoring.disagreement(criteria, {1: Spread(D(3), D(6))}, None, None) == []
    assert scoring.disagreement(criteria, {1: Spread(D(3), D(7))}, None, None) == ["range:1"]


def test_straddling_requires_one_below_and_one_at_or_above():
    assert scoring.straddles(D(2), D(3), D(3))
    assert not scoring.straddles(D(3), D(5), D(3))  # both pass
    assert not scoring.straddles(D(1), D("2.5"), D(3))  # both fail
    assert not scoring.straddles(D(1), D(5), None)


# Normalisation -----------------------------------------------------------------------------------
# Reviewer 1 totals 40 40 40 50 60: mean 46, σ 8. Reviewer 2: 40 40 40 60 80: mean 52, σ 16.
# Pool of the ten: mean 49, σ 13 (Σ(x−49)² = 6×81 + 1 + 2×121 + 961 = 1690; /10 = 169).
# R1: 13/8 × t + (49 − 46 × 13/8) = 1.625 t − 25.75; R2: 0.8125 t + 6.75.
R1 = [40, 40, 40, 50, 60]
R2 = [40, 40, 40, 60, 80]


def test_stats_and_transforms():
    assert scoring.stats_of([D(v) for v in R1]) == scoring.Stats(5, D(46), D(8))
    assert scoring.stats_of([D(v) for v in R2]) == scoring.Stats(5, D(52), D(16))
    pool = scoring.stats_of([D(v) for v in R1 + R2])
    assert (pool.mean, pool.sd) == (D(49), D(13))
    t1 = scoring.transform(scoring.stats_of([D(v) for v in R1]), pool)
    assert (t1.scale, t1.shift) == (D("1.625"), D("-25.75"))
    assert t1.apply(D(60)) == D("71.75")
    t2 = scoring.transform(scoring.stats_of([D(v) for v in R2]), pool)
    assert (t2.scale, t2.shift) == (D("0.8125"), D("6.75"))
    assert t2.apply(D(80)) == D("71.75")


def test_normalised_application_means():
    rows = [(1, app, D(t)) for app, t in enumerate(R1, start=1)]
    rows += [(2, app, D(t)) for app, t in enumerate(R2, start=1)]
    result = scoring.normalise(rows)
    # app 1: R1 40 → 39.25, R2 40 → 39.25; app 4: R1 50 → 55.5, R2 60 → 55.5; app 5: 71.75.
    assert result == {1: D("39.25"), 2: D("39.25"), 3: D("39.25"), 4: D("55.5"), 5: D("71.75")}


def test_fewer_than_five_reviews_are_not_normalised():
    pool = scoring.Stats(10, D(50), D(10))
    assert scoring.transform(scoring.Stats(4, D(80), D(2)), pool).is_identity


def test_zero_spread_only_shifts_the_mean():
    # Reviewer gives 50 five times; pool mean 51 → +1, scale untouched.
    pool = scoring.stats_of([D(v) for v in [50] * 5 + R2])
    assert pool.mean == 51
    t = scoring.transform(scoring.stats_of([D(50)] * 5), pool)
    assert (t.scale, t.shift) == (D(1), D(1))
    assert t.apply(D(50)) == 51


def test_stats_from_sums_matches_the_values():
    values = [D(v) for v in R2]
    got = scoring.stats_from_sums(5, sum(values), sum(v * v for v in values))
    assert got == scoring.Stats(5, D(52), D(16))


# Ranking and ties --------------------------------------------------------------------------------
def item(i, score, crit=None, cof=None, committee=None, ref=None):
    return Rankable(
        i,
        D(score),
        D(crit) if crit is not None else None,
        D(cof) if cof is not None else None,
        committee,
        ref or f"R-{i:02d}",
    )


def test_cascade_criterion_then_cofinance_then_committee():
    items = [
        item(1, 80, 4, 30),  # no committee position: after 3 and 4
        item(2, 80, 5, 20),  # best on the named criterion
        item(3, 80, 4, 30, committee=2),
        item(4, 80, 4, 30, committee=1),
        item(5, 75, 5, 90),
        item(6, 80, 4, 35),  # same criterion, higher co-finance
    ]
    ordered = scoring.rank(items, use_criterion=True, use_cofinance=True)
    assert [i.id for i in ordered] == [2, 6, 4, 3, 1, 5]
    by_id = {i.id: i for i in ordered}
    assert by_id[2].tie_broken_by == "criterion"
    assert by_id[6].tie_broken_by == "cofinance"
    assert by_id[4].tie_broken_by == "committee"
    assert by_id[5].tie_broken_by is None
    assert [i.rank for i in ordered] == [1, 2, 3, 4, 5, 6]
    assert sorted(by_id[2].tied_with) == [1, 3, 4, 6]


def test_cascade_without_the_optional_steps():
    items = [item(1, 80, 5, 10), item(2, 80, 4, 50)]
    # Neither the criterion nor co-finance configured: unresolved, listed by reference.
    ordered = scoring.rank(items, use_criterion=False, use_cofinance=False)
    assert [i.id for i in ordered] == [1, 2]
    assert {i.tie_broken_by for i in ordered} == {"unresolved"}
    # Co-finance only: 2 first.
    ordered = scoring.rank(items, use_criterion=False, use_cofinance=True)
    assert [i.id for i in ordered] == [2, 1]
    assert ordered[0].tie_broken_by == "cofinance"


def test_rounded_half_up():
    assert scoring.rounded(D("70.125")) == D("70.13")
    assert scoring.rounded(D("71.666666")) == D("71.67")
    assert scoring.rounded(None) is None
