"""The API's SQL scopes say the same as the pages' permission functions, award by award and
persona by persona, in every award status (the lists could otherwise drift from the pages)."""

from __future__ import annotations

from sqlalchemy import select

from portal.api import queries
from portal.applications.models import Application
from portal.awards import permissions as award_permissions
from portal.awards.constants import AwardStatus
from portal.awards.models import Award
from portal.calls.models import Call
from portal.core.db import db
from portal.finance import permissions as finance_permissions
from tests.support.factories import make_user
from tests.support.matrix import PERSONAS


def _sql(scope, user) -> set[int]:
    stmt = (
        select(Award.id)
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(scope(user))
    )
    return set(db.session.scalars(stmt))


def test_award_and_finance_scopes_match_the_permission_functions(world, personas):
    users = [personas[p] for p in PERSONAS if p != "anonymous"]
    users.append(make_user(roles=("grants_manager",)))  # manages no programme
    users.append(make_user(roles=("reviewer", "finance_officer")))
    awards = [world["award_a"], world["award_b"], world["pending"]]
    for status in AwardStatus:
        for award in awards:
            award.status = status.value
        db.session.flush()
        for user in users:
            can_view = {a.id for a in awards if award_permissions.can_view(a, user)}
            can_read_money = {a.id for a in awards if finance_permissions.can_view(a, user)}
            assert _sql(queries.award_scope, user) == can_view, (status, user.roles)
            assert _sql(queries.finance_scope, user) == can_read_money, (status, user.roles)


def test_call_scope_matches_call_can_view(world, personas):
    calls = [world["call"], world["draft"]]
    for persona in PERSONAS[1:]:
        user = personas[persona]
        visible = set(db.session.scalars(select(Call.id).where(queries.call_scope(user))))
        assert visible == {c.id for c in calls if c.can_view(user)}, persona
