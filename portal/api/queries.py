"""What a user may read through the API, as SQL, and the list queries built on it.

The scopes are the SQL form of the per-object permission functions the pages use, so a list
costs a fixed number of statements whatever its length:

- ``call_scope``: ``Call.can_view`` (published, closed and archived calls; drafts for grants
  managers and administrators).
- ``award_scope``: ``portal.awards.permissions.can_view`` (finance officers and administrators
  every award; grants managers their programmes' awards; members of the grantee organisation
  their awards once approved).
- ``finance_scope``: ``portal.finance.permissions.can_view`` (the same people, active grants
  only): disbursements and co-finance contributions.

tests/api/test_scopes.py checks each scope against its Python function, award by award.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from sqlalchemy import Select, and_, false, func, inspect, or_, select, true
from sqlalchemy.orm import joinedload, raiseload, selectinload

from portal.accounts.roles import Role
from portal.applications.models import Application
from portal.awards.amendments.models import Amendment
from portal.awards.constants import MONEY_STATUSES
from portal.awards.models import Award, CofinanceCommitment, Milestone
from portal.awards.permissions import HIDDEN_FROM_GRANTEE
from portal.calls.constants import PUBLIC_STATUSES
from portal.calls.models import Call, programme_managers
from portal.core.db import db
from portal.core.pagination import Page
from portal.finance.models import CofinanceContribution, Disbursement
from portal.organisations.models import Membership, Organisation


# Scopes ---------------------------------------------------------------------------------------
def call_scope(user):
    if user.has_role(Role.GRANTS_MANAGER, Role.ADMIN):
        return true()
    return Call.status.in_([s.value for s in PUBLIC_STATUSES])


def _member_of(user):
    return Application.organisation_id.in_(
        select(Membership.organisation_id).where(Membership.user_id == user.id)
    )


def award_scope(user):
    """Needs ``Award`` joined to ``Application`` and ``Call`` (see ``scoped_awards``)."""
    if not user.is_active:
        return false()
    if user.has_role(Role.ADMIN, Role.FINANCE_OFFICER):
        return true()
    conditions = [and_(_member_of(user), Award.status.not_in(HIDDEN_FROM_GRANTEE))]
    if user.has_role(Role.GRANTS_MANAGER):
        managed = select(programme_managers.c.programme_id).where(
            programme_managers.c.user_id == user.id
        )
        conditions.append(Call.programme_id.in_(managed))
    return or_(*conditions)


def finance_scope(user):
    return and_(award_scope(user), Award.status.in_(MONEY_STATUSES))


def _joined(stmt: Select) -> Select:
    return stmt.join(Application, Application.id == Award.application_id).join(
        Call, Call.id == Application.call_id
    )


# Pages ----------------------------------------------------------------------------------------
def page_of(stmt: Select, count_stmt: Select, number: int, per_page: int) -> Page:
    """Two statements (plus the eager loads of ``stmt``); a page past the end is empty."""
    total = db.session.scalar(count_stmt)
    rows = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=rows, number=number, per_page=per_page, total=total)


def _count(stmt: Select) -> Select:
    return select(func.count()).select_from(stmt.order_by(None).subquery())


def _columns(entity) -> list:
    """Every column attribute of ``entity``, labelled with its attribute name: a Core row then
    reads like the object (``row.paid_on``) without the cost of building ORM objects."""
    return [getattr(entity, column.key) for column in inspect(entity).column_attrs]


# Calls ----------------------------------------------------------------------------------------
def calls(user, number: int, per_page: int) -> Page:
    stmt = (
        select(Call)
        .where(call_scope(user))
        .options(joinedload(Call.programme).raiseload("*"), raiseload("*"))
        .order_by(Call.id)
    )
    return page_of(stmt, _count(select(Call.id).where(call_scope(user))), number, per_page)


def call(user, call_id: int) -> Call | None:
    found = db.session.get(Call, call_id)
    return found if found is not None and found.can_view(user) else None


# Awards ---------------------------------------------------------------------------------------
AWARD_COLUMNS = (
    Application.reference,
    Application.title,
    Call.id.label("call_id"),
    Call.code.label("call_code"),
    Organisation.id.label("organisation_id"),
    Organisation.legal_name.label("organisation_name"),
    Organisation.rfc.label("organisation_rfc"),
    Organisation.state_code.label("organisation_state"),
)


def awards(user, number: int, per_page: int, status: str | None = None) -> Page:
    """A page of awards as Core rows read like the objects (``row.amount``, with the list
    columns of ``AWARD_COLUMNS`` and ``row.milestones``, ``row.commitments``): four statements."""
    where = [award_scope(user)]
    if status:
        where.append(Award.status == status)
    stmt = (
        _joined(select(*_columns(Award), *AWARD_COLUMNS))
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(*where)
        .order_by(Award.id)
    )
    count = _joined(select(Award.id)).where(*where)
    page = page_of(stmt, _count(count), number, per_page)
    ids = [row.id for row in page.items]
    milestones = _children(Milestone, ids, Milestone.position, Milestone.due_date, Milestone.id)
    commitments = _children(
        CofinanceCommitment, ids, CofinanceCommitment.position, CofinanceCommitment.id
    )
    items = [
        SimpleNamespace(
            **row._mapping,
            milestones=milestones.get(row.id, []),
            commitments=commitments.get(row.id, []),
        )
        for row in page.items
    ]
    return replace(page, items=items)


def _children(entity, award_ids: list[int], *order) -> dict[int, list]:
    """Rows of ``entity`` (milestones, commitments) by award, in the relationship's order."""
    found: dict[int, list] = {}
    if not award_ids:
        return found
    rows = db.session.execute(
        select(*_columns(entity)).where(entity.award_id.in_(award_ids)).order_by(*order)
    )
    for row in rows:
        found.setdefault(row.award_id, []).append(row)
    return found


def amendments_by_award(award_ids) -> dict[int, list]:
    """The submitted amendments of these awards, oldest first, in one statement (drafts and
    drafts withdrawn before submission are the drafter's business)."""
    found: dict[int, list] = {}
    rows = db.session.scalars(
        select(Amendment)
        .where(Amendment.award_id.in_(award_ids), Amendment.submitted_dt.is_not(None))
        .options(raiseload("*"))
        .order_by(Amendment.award_id, Amendment.number)
    )
    for amendment in rows:
        found.setdefault(amendment.award_id, []).append(amendment)
    return found


# Ledger and co-finance --------------------------------------------------------------------------
def disbursements(
    user,
    number: int,
    per_page: int,
    *,
    award_id: int | None = None,
    since=None,
    after_id: int | None = None,
) -> Page:
    where = [finance_scope(user)]
    if award_id is not None:
        where.append(Disbursement.award_id == award_id)
    if since is not None:
        where.append(Disbursement.paid_on >= since)
    if after_id is not None:
        where.append(Disbursement.id > after_id)
    base = _joined(select(Disbursement.id).join(Award, Award.id == Disbursement.award_id))
    stmt = (
        _joined(
            select(*_columns(Disbursement), Application.reference).join(
                Award, Award.id == Disbursement.award_id
            )
        )
        .where(*where)
        .order_by(Disbursement.id)
    )
    return page_of(stmt, _count(base.where(*where)), number, per_page)


def contributions(
    user, number: int, per_page: int, *, award_id: int | None = None, status: str | None = None
) -> Page:
    c = CofinanceContribution
    where = [finance_scope(user)]
    if award_id is not None:
        where.append(c.award_id == award_id)
    if status:
        where.append(c.status == status)
    base = _joined(select(c.id).join(Award, Award.id == c.award_id))
    stmt = (
        _joined(select(*_columns(c), Application.reference).join(Award, Award.id == c.award_id))
        .where(*where)
        .order_by(c.id)
    )
    return page_of(stmt, _count(base.where(*where)), number, per_page)


# Results indicators ---------------------------------------------------------------------------
def results(user, number: int, per_page: int, *, award_id: int | None = None) -> Page:
    """Award indicators of the active grants the user may see, with their indicator, targets
    and actuals (breakdown included) in a fixed number of statements."""
    from portal.results.models import AwardIndicator, Indicator, IndicatorActual, IndicatorTarget

    where = [finance_scope(user)]
    if award_id is not None:
        where.append(AwardIndicator.award_id == award_id)
    base = _joined(select(AwardIndicator.id).join(Award, Award.id == AwardIndicator.award_id))
    stmt = (
        _joined(
            select(AwardIndicator, Application.reference).join(
                Award, Award.id == AwardIndicator.award_id
            )
        )
        .join(Indicator, Indicator.id == AwardIndicator.indicator_id)
        .where(*where)
        .options(
            raiseload("*"),
            joinedload(AwardIndicator.indicator).raiseload("*"),
            selectinload(AwardIndicator.targets).options(
                joinedload(IndicatorTarget.report).raiseload("*"), raiseload("*")
            ),
            selectinload(AwardIndicator.actuals).options(
                joinedload(IndicatorActual.report).raiseload("*"),
                selectinload(IndicatorActual.breakdown).raiseload("*"),
                raiseload("*"),
            ),
        )
        .order_by(AwardIndicator.id)
    )
    return page_of(stmt, _count(base.where(*where)), number, per_page)


def memberships(user) -> list:
    return db.session.execute(
        select(Membership.role, Membership.is_signatory, Organisation.id, Organisation.legal_name)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.legal_name, Organisation.id)
    ).all()
