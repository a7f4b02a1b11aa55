"""Rubric and panel operations: validate, change, audit, flush; never commit.

The rubric's scoring structure (criteria, weights, maxima, half points) is locked from the
first submitted review or recorded consensus on, because submitted reviews store their points;
thresholds and the tie-break cascade stay editable (every change is audited with before/after).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.operations import diff, record
from portal.calls.rules import utc_to_local
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.i18n import format_day
from portal.reviews.models import (
    Assignment,
    Consensus,
    Criterion,
    Panel,
    PanelMember,
    Review,
    Rubric,
)

MAX_WEIGHT = Decimal("9999.99")
MAX_CRITERIA = 20


# Loading -----------------------------------------------------------------------------------------
def rubric_of(call) -> Rubric | None:
    return db.session.scalar(select(Rubric).where(Rubric.call_id == call.id))


def panel_of(call) -> Panel | None:
    return db.session.scalar(select(Panel).where(Panel.call_id == call.id))


def ensure_rubric(call) -> Rubric:
    rubric = rubric_of(call)
    if rubric is None:
        rubric = Rubric(call_id=call.id)
        db.session.add(rubric)
        db.session.flush()
    return rubric


def ensure_panel(call) -> Panel:
    panel = panel_of(call)
    if panel is None:
        panel = Panel(call_id=call.id)
        db.session.add(panel)
        db.session.flush()
    return panel


def rubric_locked(call_id: int) -> bool:
    """True once a review was submitted or a consensus recorded for the call."""
    submitted = exists().where(Review.call_id == call_id, Review.status == "submitted")
    agreed = exists().where(Consensus.call_id == call_id)
    return bool(db.session.scalar(select(submitted | agreed)))


def _refuse_if_locked(call_id: int) -> None:
    if rubric_locked(call_id):
        raise InputError(
            {
                "": [
                    _(
                        "Reviews have already been submitted: the criteria, weights and "
                        "maximum scores can no longer change."
                    )
                ]
            }
        )


# Rubric ------------------------------------------------------------------------------------------
def update_rubric(
    call, actor, *, half_points, overall_threshold, tie_criterion_id, tie_use_cofinance
):
    rubric = ensure_rubric(call)
    errors: dict[str, list[str]] = {}
    if half_points != rubric.half_points and rubric_locked(call.id):
        errors["half_points"] = [_("Reviews have already been submitted with the current scale.")]
    if overall_threshold is not None and not (0 <= overall_threshold <= 100):
        errors["overall_threshold"] = [_("Enter a threshold between 0 and 100.")]
    ids = {c.id for c in rubric.criteria}
    if tie_criterion_id and tie_criterion_id not in ids:
        errors["tie_criterion_id"] = [_("Choose one of the rubric's criteria.")]
    if not half_points and any(_has_half(c.min_score) for c in rubric.criteria):
        errors["half_points"] = [_("Some criterion thresholds use half points.")]
    if errors:
        raise InputError(errors)
    before = {**rubric.audit_fields(), "tie_criterion": _tie_id(rubric)}
    rubric.half_points = bool(half_points)
    rubric.overall_threshold = overall_threshold
    rubric.tie_use_cofinance = bool(tie_use_cofinance)
    for criterion in rubric.criteria:
        criterion.is_tie_breaker = criterion.id == tie_criterion_id
    rubric.updated_dt = now_utc()
    db.session.flush()
    after = {**rubric.audit_fields(), "tie_criterion": _tie_id(rubric)}
    changes = diff(before, after)
    if changes:
        record("review.rubric_updated", rubric, changes={"call": call.code, **changes})
    return rubric


def _tie_id(rubric: Rubric) -> int | None:
    found = rubric.tie_criterion
    return found.id if found else None


def _has_half(value) -> bool:
    return value is not None and Decimal(value) % 1 != 0


CRITERION_FIELDS = (
    "title_es",
    "title_en",
    "guidance_es",
    "guidance_en",
    "weight",
    "max_score",
    "min_score",
    "comments_required",
    "position",
)


def _criterion_errors(rubric: Rubric, data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    weight, maximum, minimum = data["weight"], data["max_score"], data.get("min_score")
    if weight is None or not (0 < weight <= MAX_WEIGHT):
        errors["weight"] = [_("Enter a weight greater than 0 (at most 9999.99).")]
    elif weight.as_tuple().exponent < -2:
        errors["weight"] = [_("Use at most two decimal places.")]
    if maximum is None or not (1 <= maximum <= 100) or maximum % 1 != 0:
        errors["max_score"] = [_("Enter a whole number from 1 to 100.")]
    elif minimum is not None:
        if not (0 <= minimum <= maximum):
            errors["min_score"] = [_("The threshold must be between 0 and the maximum score.")]
        elif minimum % rubric.step != 0:
            errors["min_score"] = [
                _("Use whole points (or half points if the rubric allows them).")
            ]
    return errors


def _structure_changed(criterion: Criterion, data: dict) -> bool:
    return (
        Decimal(criterion.weight) != data["weight"]
        or Decimal(criterion.max_score) != data["max_score"]
    )


def save_criterion(call, actor, data: dict, criterion: Criterion | None = None) -> Criterion:
    """Add a criterion (``criterion`` None) or change one."""
    rubric = ensure_rubric(call)
    if criterion is None or _structure_changed(criterion, data):
        _refuse_if_locked(call.id)
    if criterion is None and len(rubric.criteria) >= MAX_CRITERIA:
        raise InputError({"": [_("A rubric has at most %(n)s criteria.", n=MAX_CRITERIA)]})
    errors = _criterion_errors(rubric, data)
    if errors:
        raise InputError(errors)
    before = criterion.audit_fields() if criterion is not None else {}
    if criterion is None:
        if data.get("position") is None:
            data["position"] = max((c.position for c in rubric.criteria), default=-1) + 1
        criterion = Criterion(rubric=rubric)
        db.session.add(criterion)
    for name in CRITERION_FIELDS:
        if name == "position" and data.get("position") is None:
            continue
        if name in data:
            setattr(criterion, name, data[name])
    rubric.updated_dt = now_utc()
    db.session.flush()
    action = "review.criterion_updated" if before else "review.criterion_added"
    changes = diff(before, criterion.audit_fields())
    if changes:
        record(action, criterion, changes={"call": call.code, **changes})
    return criterion


def remove_criterion(call, actor, criterion: Criterion) -> None:
    _refuse_if_locked(call.id)
    rubric = criterion.rubric
    record(
        "review.criterion_removed",
        criterion,
        changes={"call": call.code, **diff(criterion.audit_fields(), {})},
    )
    rubric.criteria.remove(criterion)
    rubric.updated_dt = now_utc()
    db.session.flush()


# Panel -------------------------------------------------------------------------------------------
def update_panel(
    call,
    actor,
    *,
    reviewers_per_application,
    blind,
    show_scores_after_submit,
    chair_id,
    reviews_due=None,
):
    panel = ensure_panel(call)
    errors: dict[str, list[str]] = {}
    if not (1 <= (reviewers_per_application or 0) <= 10):
        errors["reviewers_per_application"] = [_("Enter a number from 1 to 10.")]
    if chair_id and chair_id not in panel.member_ids():
        errors["chair_id"] = [_("The chair must be a member of the panel.")]
    closes = call_closing_day(call)
    if reviews_due and closes and reviews_due < closes:
        errors["reviews_due"] = [
            _("Reviews cannot be due before the call closes (%(day)s).", day=format_day(closes))
        ]
    if errors:
        raise InputError(errors)
    before = panel.audit_fields()
    panel.reviewers_per_application = reviewers_per_application
    panel.blind = bool(blind)
    panel.show_scores_after_submit = bool(show_scores_after_submit)
    panel.chair_id = chair_id or None
    panel.reviews_due = reviews_due
    panel.updated_dt = now_utc()
    db.session.flush()
    changes = diff(before, panel.audit_fields())
    if changes:
        record("review.panel_updated", panel, changes={"call": call.code, **changes})
    return panel


def call_closing_day(call):
    """The calendar day, in the call's zone, on which applications close (None: no deadline)."""
    return utc_to_local(call.closes_dt, call.timezone).date() if call.closes_dt else None


def reviewer_candidates(panel: Panel | None) -> list[User]:
    """Active users with the reviewer role who are not on the panel yet."""
    from portal.accounts.models import UserRole

    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.REVIEWER.value, User.is_active.is_(True))
        .order_by(User.full_name, User.id)
    )
    if panel is not None and panel.members:
        stmt = stmt.where(User.id.not_in(panel.member_ids()))
    return list(db.session.scalars(stmt))


def add_member(call, actor, user: User, notify: bool = True) -> PanelMember:
    panel = ensure_panel(call)
    if user is None or not user.is_active or not user.has_role(Role.REVIEWER):
        raise InputError({"user_id": [_("Choose an active user with the reviewer role.")]})
    if panel.is_member(user):
        raise InputError({"user_id": [_("%(name)s is already on the panel.", name=user.full_name)]})
    member = PanelMember(panel=panel, user_id=user.id, added_by_id=getattr(actor, "id", None))
    db.session.add(member)
    db.session.flush()
    record(
        "review.panel_member_added",
        panel,
        changes={"call": call.code, "user_id": user.id, "email": user.email},
    )
    if notify:
        from portal.reviews.notifications import notify_panel_member

        notify_panel_member(call, panel, user)
    return member


def invite_expert(call, actor, *, full_name: str, email: str, locale: str) -> PanelMember:
    """An external expert: the account is created as administrators invite staff (a "set your
    password" e-mail); an existing account gets the reviewer role added. Then the panel."""
    from portal.admin.operations import invite_user

    result = invite_user(
        full_name=full_name, email=email, roles=[Role.REVIEWER], locale=locale, invited_by=actor
    )
    user = result.user
    if not user.is_active:
        raise InputError({"email": [_("This account is deactivated.")]})
    return add_member(call, actor, user)


def remove_member(call, actor, member: PanelMember) -> None:
    """Refused while the reviewer has assignments in this call that are not recused (their
    recused assignments stay: they record the conflict)."""
    panel = member.panel
    busy = db.session.scalar(
        select(func.count(Assignment.id)).where(
            Assignment.call_id == call.id,
            Assignment.reviewer_id == member.user_id,
            Assignment.conflict.is_not(True),
        )
    )
    if busy:
        raise InputError(
            {
                "": [
                    _(
                        "%(name)s still has %(n)s assignment(s) in this call: remove them first.",
                        name=member.user.full_name,
                        n=busy,
                    )
                ]
            }
        )
    if panel.chair_id == member.user_id:
        panel.chair_id = None
    record(
        "review.panel_member_removed",
        panel,
        changes={"call": call.code, "user_id": member.user_id, "email": member.user.email},
    )
    panel.members.remove(member)
    db.session.flush()
