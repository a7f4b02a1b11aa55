"""Assigning reviewers: by hand, or automatically and balanced.

``plan`` is pure and deterministic (applications by number, reviewers by id): each
application gets reviewers up to the panel's number, always the least-loaded eligible
reviewer first (load = active assignments in the call, so re-running fills only the gaps and
keeps the spread even). A reviewer is never eligible for an application they are already
assigned to (a recused assignment counts: the conflict stays on record) or whose applicant
organisation they belong to.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application
from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.organisations.models import Membership
from portal.reviews.models import Assignment, Panel


@dataclass(frozen=True)
class Existing:
    application_id: int
    reviewer_id: int
    active: bool


@dataclass
class Plan:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (application id, reviewer id)
    gaps: dict[int, int] = field(default_factory=dict)  # application id -> reviewers missing


def plan(
    applications: Sequence[tuple[int, int]],
    reviewers: Sequence[int],
    existing: Sequence[Existing],
    member_orgs: dict[int, set[int]],
    per_application: int,
) -> Plan:
    """``applications``: (id, organisation id) in assignment order; ``reviewers``: user ids."""
    load = Counter({r: 0 for r in reviewers})
    taken: dict[int, set[int]] = defaultdict(set)
    active: Counter = Counter()
    for e in existing:
        taken[e.application_id].add(e.reviewer_id)
        if e.active:
            active[e.application_id] += 1
            if e.reviewer_id in load:
                load[e.reviewer_id] += 1
    order = {r: i for i, r in enumerate(reviewers)}
    result = Plan()
    for application_id, organisation_id in applications:
        need = per_application - active[application_id]
        if need <= 0:
            continue
        eligible = [
            r
            for r in reviewers
            if r not in taken[application_id] and organisation_id not in member_orgs.get(r, ())
        ]
        eligible.sort(key=lambda r: (load[r], order[r]))
        for reviewer_id in eligible[:need]:
            result.pairs.append((application_id, reviewer_id))
            load[reviewer_id] += 1
            taken[application_id].add(reviewer_id)
        if len(eligible) < need:
            result.gaps[application_id] = need - len(eligible)
    return result


# Loading -----------------------------------------------------------------------------------------
def reviewable_query(call):
    """Applications of the call that passed screening and are under review, by number."""
    return (
        select(Application)
        .where(
            Application.call_id == call.id,
            Application.status == ApplicationStatus.UNDER_REVIEW.value,
        )
        .order_by(Application.number, Application.id)
    )


def reviewable(call) -> list[Application]:
    return list(db.session.scalars(reviewable_query(call)))


def existing_assignments(call) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.call_id == call.id)
            .order_by(Assignment.application_id, Assignment.id)
        )
    )


def organisations_of(user_ids: Sequence[int]) -> dict[int, set[int]]:
    """Reviewer id → ids of the organisations they belong to (one query)."""
    found: dict[int, set[int]] = defaultdict(set)
    if user_ids:
        rows = db.session.execute(
            select(Membership.user_id, Membership.organisation_id).where(
                Membership.user_id.in_(list(user_ids))
            )
        )
        for user_id, organisation_id in rows:
            found[user_id].add(organisation_id)
    return found


# Operations --------------------------------------------------------------------------------------
def auto_assign(call, panel: Panel, actor) -> Plan:
    """Fill every under-review application up to the panel's number of reviewers."""
    reviewers = sorted(m.user_id for m in panel.members if m.user.is_active)
    applications = reviewable(call)
    existing = [
        Existing(a.application_id, a.reviewer_id, a.is_active) for a in existing_assignments(call)
    ]
    result = plan(
        [(a.id, a.organisation_id) for a in applications],
        reviewers,
        existing,
        organisations_of(reviewers),
        panel.reviewers_per_application,
    )
    now = now_utc()
    for application_id, reviewer_id in result.pairs:
        db.session.add(
            Assignment(
                call_id=call.id,
                application_id=application_id,
                reviewer_id=reviewer_id,
                automatic=True,
                assigned_dt=now,
                assigned_by_id=getattr(actor, "id", None),
            )
        )
    db.session.flush()
    record(
        "review.auto_assigned",
        panel,
        changes={
            "call": call.code,
            "created": [list(p) for p in result.pairs],
            "gaps": {str(k): v for k, v in result.gaps.items()},
        },
    )
    if result.pairs:
        from portal.reviews.notifications import notify_assigned

        notify_assigned(call, Counter(r for _a, r in result.pairs))
    return result


def assign(call, panel: Panel, application: Application, reviewer_id: int, actor) -> Assignment:
    """Assign one reviewer by hand (same eligibility rules as the automatic assignment)."""
    if reviewer_id not in panel.member_ids():
        raise InputError({"reviewer_id": [_("Choose a member of the panel.")]})
    if application.call_id != call.id or application.status != ApplicationStatus.UNDER_REVIEW:
        raise InputError({"": [_("Only applications under review can be assigned.")]})
    already = db.session.scalar(
        select(Assignment).where(
            Assignment.application_id == application.id, Assignment.reviewer_id == reviewer_id
        )
    )
    if already is not None:
        message = (
            _("This reviewer declared a conflict of interest on this application.")
            if already.conflict
            else _("This reviewer is already assigned to this application.")
        )
        raise InputError({"reviewer_id": [message]})
    if application.organisation_id in organisations_of([reviewer_id]).get(reviewer_id, set()):
        raise InputError(
            {"reviewer_id": [_("This reviewer belongs to the applicant organisation.")]}
        )
    assignment = Assignment(
        call_id=call.id,
        application_id=application.id,
        reviewer_id=reviewer_id,
        automatic=False,
        assigned_by_id=getattr(actor, "id", None),
    )
    db.session.add(assignment)
    db.session.flush()
    record(
        "review.assigned",
        assignment,
        changes={
            "call": call.code,
            "application": application.reference,
            "reviewer_id": reviewer_id,
        },
    )
    from portal.reviews.notifications import notify_assigned

    notify_assigned(call, Counter({reviewer_id: 1}))
    return assignment


def unassign(call, assignment: Assignment, actor) -> None:
    """Remove an assignment (and its draft). A submitted review or a recusal stays on record."""
    from portal.reviews.models import Review

    review = db.session.scalar(select(Review).where(Review.assignment_id == assignment.id))
    if review is not None and review.is_submitted:
        raise InputError({"": [_("The review was submitted: it cannot be removed.")]})
    if assignment.conflict:
        raise InputError(
            {"": [_("The reviewer recused themselves; the declaration stays on record.")]}
        )
    record(
        "review.unassigned",
        assignment,
        changes={
            "call": call.code,
            "application_id": assignment.application_id,
            "reviewer_id": assignment.reviewer_id,
            "had_draft": review is not None,
        },
    )
    if review is not None:
        db.session.delete(review)
    db.session.delete(assignment)
    db.session.flush()
