"""Scoring maths: pure ``Decimal`` functions, no database, no floats.

Definitions (see the domain notes):

- weighted total on 100 = Σ(weight × score) ÷ Σ(weight × max) × 100; ``points`` is the
  numerator Σ(weight × score), exact (weights have two places, scores one);
- a per-criterion threshold applies to the raw score on that criterion (a review's score, or
  an application's mean or consensus score); the overall threshold to the total on 100;
- an application's mean is taken over its submitted reviews: per criterion, and for the total
  (which equals the total of the per-criterion means, as every submitted review scores every
  criterion);
- normalisation (optional, shown beside the raw score): each review total t of reviewer r
  becomes μ_pool + (t − μ_r) ÷ σ_r × σ_pool, where μ/σ are the mean and population standard
  deviation of the totals of the reviewer (r) and of every review of the panel (pool). Only for
  reviewers with at least ``MIN_REVIEWS_TO_NORMALISE`` reviews; if σ_r = 0 the mean is only
  shifted (t − μ_r + μ_pool);
- disagreement: on any criterion the range across reviewers is ≥ 2 points on a 0–5 scale
  (range × 5 ÷ max), or the reviewers straddle a threshold (some below, some at or above).

Scores shown and compared in the ranking are rounded half-up to two places (``rounded``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

HUNDRED = Decimal(100)
FIVE = Decimal(5)
DISAGREEMENT_RANGE = Decimal(2)  # on a 0–5 scale
MIN_REVIEWS_TO_NORMALISE = 5
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: Decimal
    max_score: Decimal
    min_score: Decimal | None = None


def rounded(value: Decimal | None, places: Decimal = CENT) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


# One review --------------------------------------------------------------------------------------
def max_points(criteria: Sequence[CriterionSpec]) -> Decimal:
    return sum((c.weight * c.max_score for c in criteria), Decimal(0))


def weighted_points(criteria: Sequence[CriterionSpec], scores: Mapping[int, Decimal]) -> Decimal:
    """Σ(weight × score) over the criteria (every criterion must be scored)."""
    return sum((c.weight * Decimal(scores[c.id]) for c in criteria), Decimal(0))


def total_on_100(points: Decimal, maximum: Decimal) -> Decimal:
    if not maximum:
        return Decimal(0)
    return Decimal(points) * HUNDRED / maximum


def weighted_total(criteria: Sequence[CriterionSpec], scores: Mapping[int, Decimal]) -> Decimal:
    return total_on_100(weighted_points(criteria, scores), max_points(criteria))


def below_threshold(criteria: Sequence[CriterionSpec], scores: Mapping[int, Decimal]) -> list[int]:
    """Ids of the criteria whose (raw) score is under the criterion's minimum."""
    return [
        c.id
        for c in criteria
        if c.min_score is not None
        and scores.get(c.id) is not None
        and Decimal(scores[c.id]) < c.min_score
    ]


def passes_overall(total: Decimal | None, threshold: Decimal | None) -> bool:
    return threshold is None or (total is not None and total >= threshold)


def score_problems(value: Decimal, maximum: Decimal, half_points: bool) -> str | None:
    """Why ``value`` is not a valid score ('range' or 'step'), or None."""
    if value < 0 or value > maximum:
        return "range"
    step = Decimal("0.5") if half_points else Decimal(1)
    if value % step != 0:
        return "step"
    return None


# One application ---------------------------------------------------------------------------------
def mean(values: Iterable[Decimal]) -> Decimal | None:
    values = [Decimal(v) for v in values]
    return sum(values, Decimal(0)) / len(values) if values else None


def total_of_means(criteria: Sequence[CriterionSpec], means: Mapping[int, Decimal]) -> Decimal:
    """The total on 100 of per-criterion (mean or consensus) scores."""
    return total_on_100(weighted_points(criteria, means), max_points(criteria))


def scaled_range(low: Decimal, high: Decimal, maximum: Decimal) -> Decimal:
    """The spread of scores on a criterion, expressed on a 0–5 scale."""
    return (Decimal(high) - Decimal(low)) * FIVE / Decimal(maximum)


def straddles(low: Decimal, high: Decimal, threshold: Decimal | None) -> bool:
    return threshold is not None and Decimal(low) < threshold <= Decimal(high)


@dataclass(frozen=True)
class Spread:
    """Lowest and highest score of the submitted reviews on one criterion."""

    low: Decimal
    high: Decimal


def disagreement(
    criteria: Sequence[CriterionSpec],
    spreads: Mapping[int, Spread],
    totals: Spread | None,
    overall_threshold: Decimal | None,
) -> list[str]:
    """Why the reviews of one application disagree (empty: they do not).

    ``spreads``: per criterion id; ``totals``: lowest and highest review total on 100.
    Reasons: ``range:<id>``, ``threshold:<id>``, ``overall``."""
    reasons = []
    for c in criteria:
        spread = spreads.get(c.id)
        if spread is None:
            continue
        if scaled_range(spread.low, spread.high, c.max_score) >= DISAGREEMENT_RANGE:
            reasons.append(f"range:{c.id}")
        if straddles(spread.low, spread.high, c.min_score):
            reasons.append(f"threshold:{c.id}")
    if totals is not None and straddles(totals.low, totals.high, overall_threshold):
        reasons.append("overall")
    return reasons


@dataclass
class ApplicationScores:
    """Aggregated scores of one application from its submitted reviews (pure version)."""

    reviews: int
    means: dict[int, Decimal]
    mean_total: Decimal | None
    failures: list[int]
    passes_overall: bool
    disagreement: list[str] = field(default_factory=list)


def aggregate(
    criteria: Sequence[CriterionSpec],
    reviews: Sequence[Mapping[int, Decimal]],
    overall_threshold: Decimal | None = None,
) -> ApplicationScores:
    """Means, thresholds and disagreement for one application's submitted reviews."""
    if not reviews:
        return ApplicationScores(0, {}, None, [], False)
    means = {c.id: mean(r[c.id] for r in reviews) for c in criteria}
    spreads = {
        c.id: Spread(min(r[c.id] for r in reviews), max(r[c.id] for r in reviews)) for c in criteria
    }
    review_totals = [weighted_total(criteria, r) for r in reviews]
    total = total_of_means(criteria, means)
    return ApplicationScores(
        reviews=len(reviews),
        means=means,
        mean_total=total,
        failures=below_threshold(criteria, means),
        passes_overall=passes_overall(total, overall_threshold),
        disagreement=disagreement(
            criteria, spreads, Spread(min(review_totals), max(review_totals)), overall_threshold
        ),
    )


# Normalisation -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stats:
    n: int
    mean: Decimal
    sd: Decimal  # population standard deviation


def stats_from_sums(n: int, total: Decimal, total_of_squares: Decimal) -> Stats:
    """Mean and population standard deviation from Σx and Σx² (what SQL aggregates give)."""
    if n <= 0:
        return Stats(0, Decimal(0), Decimal(0))
    with localcontext() as ctx:
        ctx.prec = 34
        m = Decimal(total) / n
        variance = Decimal(total_of_squares) / n - m * m
        sd = variance.sqrt() if variance > 0 else Decimal(0)
    return Stats(n, m, sd)


def stats_of(values: Sequence[Decimal]) -> Stats:
    values = [Decimal(v) for v in values]
    return stats_from_sums(
        len(values), sum(values, Decimal(0)), sum((v * v for v in values), Decimal(0))
    )


@dataclass(frozen=True)
class Transform:
    """normalised = scale × t + shift (identity for reviewers with too few reviews)."""

    scale: Decimal = Decimal(1)
    shift: Decimal = Decimal(0)

    @property
    def is_identity(self) -> bool:
        return self.scale == 1 and self.shift == 0

    def apply(self, value: Decimal) -> Decimal:
        return self.scale * Decimal(value) + self.shift


def transform(reviewer: Stats, pool: Stats) -> Transform:
    if reviewer.n < MIN_REVIEWS_TO_NORMALISE:
        return Transform()
    if reviewer.sd == 0:
        return Transform(Decimal(1), pool.mean - reviewer.mean)
    scale = pool.sd / reviewer.sd
    return Transform(scale, pool.mean - reviewer.mean * scale)


def normalise(reviews: Sequence[tuple[int, int, Decimal]]) -> dict[int, Decimal]:
    """Normalised mean total per application from (reviewer id, application id, total) rows."""
    pool = stats_of([t for _, _, t in reviews])
    by_reviewer: dict[int, list[Decimal]] = {}
    for reviewer_id, _, total in reviews:
        by_reviewer.setdefault(reviewer_id, []).append(Decimal(total))
    transforms = {r: transform(stats_of(v), pool) for r, v in by_reviewer.items()}
    per_application: dict[int, list[Decimal]] = {}
    for reviewer_id, application_id, total in reviews:
        per_application.setdefault(application_id, []).append(transforms[reviewer_id].apply(total))
    return {a: mean(v) for a, v in per_application.items()}


# Ranking and ties --------------------------------------------------------------------------------
@dataclass
class Rankable:
    """What the tie-break cascade looks at, per application."""

    id: int
    score: Decimal  # consensus or mean total, rounded to two places
    tie_criterion: Decimal | None = None  # the named criterion's (consensus or mean) score
    cofinance_pct: Decimal | None = None
    committee_position: int | None = None
    reference: str = ""
    rank: int = 0
    tie_broken_by: str | None = None  # "criterion" | "cofinance" | "committee" | "unresolved"
    tied_with: list[int] = field(default_factory=list)


def _key(item: Rankable, use_criterion: bool, use_cofinance: bool) -> tuple:
    crit = item.tie_criterion if use_criterion and item.tie_criterion is not None else Decimal(-1)
    cof = item.cofinance_pct if use_cofinance and item.cofinance_pct is not None else Decimal(-1)
    committee = item.committee_position if item.committee_position is not None else 10**9
    return (-item.score, -crit, -cof, committee, item.reference, item.id)


def rank(items: list[Rankable], use_criterion: bool, use_cofinance: bool) -> list[Rankable]:
    """Order by score, breaking ties by the cascade; note on each tied item what decided it.

    Within a group of equal scores, ``tie_broken_by`` names the first step of the cascade
    that separates the item from its neighbours: the named criterion, then the co-finance
    percentage, then the committee's recorded position; ``unresolved`` when none does (they
    are then listed by reference until the committee records an order).
    """
    ordered = sorted(items, key=lambda i: _key(i, use_criterion, use_cofinance))
    steps = [("committee", lambda i: i.committee_position)]
    if use_cofinance:
        steps.insert(0, ("cofinance", lambda i: i.cofinance_pct))
    if use_criterion:
        steps.insert(0, ("criterion", lambda i: i.tie_criterion))
    by_score: dict[Decimal, list[Rankable]] = {}
    for item in ordered:
        by_score.setdefault(item.score, []).append(item)
    for position, item in enumerate(ordered, start=1):
        item.rank = position
        group = [o for o in by_score[item.score] if o is not item]
        item.tied_with = [o.id for o in group]
        item.tie_broken_by = _breaker(item, group, steps) if group else None
    return ordered


def _breaker(item: Rankable, group: list[Rankable], steps) -> str:
    """The first step at which ``item`` differs from every other item of its tie group."""
    remaining = group
    for name, value in steps:
        remaining = [o for o in remaining if value(o) == value(item)]
        if not remaining:
            return name
    return "unresolved"
