"""Screening decisions, rubrics, panels, assignments, reviews, consensus and committee order.

One rubric and one panel per call. A reviewer's assignment to an application carries their
conflict-of-interest declaration (``conflict`` is NULL until declared); a recused assignment is
kept, so automatic assignment never picks that reviewer for that application again. A review
belongs to one assignment; once submitted it stores ``points`` = Σ(weight × score), exact, so
the ranking aggregates in SQL without recomputing each review (the rubric is locked from the
first submitted review on). Invariants are named CHECK constraints.
"""

from portal.reviews.models.columns import Points, Score, Weight
from portal.reviews.models.decisions import CommitteeOrder, ScreeningDecision
from portal.reviews.models.panel import Assignment, Panel, PanelMember
from portal.reviews.models.review import Consensus, ConsensusScore, Review, ReviewScore
from portal.reviews.models.rubric import Criterion, Rubric
from portal.reviews.models.summary import ScoreSummary

__all__ = [
    "Assignment",
    "CommitteeOrder",
    "Consensus",
    "ConsensusScore",
    "Criterion",
    "Panel",
    "PanelMember",
    "Points",
    "Review",
    "ReviewScore",
    "Rubric",
    "Score",
    "ScoreSummary",
    "ScreeningDecision",
    "Weight",
]
