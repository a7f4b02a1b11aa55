"""Programmes: create and edit them, with their managers and envelope."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.audit.operations import diff, record
from portal.calls.models import Call, Programme
from portal.core.db import db
from portal.core.errors import InputError, raise_if
from portal.core.i18n import format_money

PROGRAMME_FIELDS = ("name_es", "name_en", "donor", "currency", "envelope", "bilingual_agreement")


def grants_managers() -> list[User]:
    """Active users holding the grants-manager role (candidates to manage a programme)."""
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.GRANTS_MANAGER.value, User.is_active.is_(True))
        .order_by(User.full_name)
    )
    return list(db.session.scalars(stmt).unique())


def _resolve_managers(ids, actor) -> list[User]:
    wanted = {int(i) for i in ids or ()}
    managers = [u for u in grants_managers() if u.id in wanted]
    if actor is not None and not actor.has_role(Role.ADMIN) and actor.id not in wanted:
        raise InputError({"manager_ids": [_("You cannot remove yourself as a manager.")]})
    return managers


def create_programme(data: dict, actor) -> Programme:
    """A grants manager who creates a programme becomes one of its managers."""
    ids = set(data.get("manager_ids") or ())
    if not actor.has_role(Role.ADMIN):
        ids.add(actor.id)
    _check_programme(data)
    programme = Programme(**{f: data[f] for f in PROGRAMME_FIELDS}, created_by_id=actor.id)
    programme.managers = _resolve_managers(ids, actor)
    db.session.add(programme)
    db.session.flush()
    record("programme.created", programme, changes=diff({}, programme.audit_fields()), user=actor)
    return programme


def update_programme(programme: Programme, data: dict, actor) -> Programme:
    _check_programme(data)
    before = programme.audit_fields()
    errors: dict[str, list[str]] = {}
    if data["currency"] != programme.currency and _call_count(programme) > 0:
        errors["currency"] = [_("The currency cannot change once the programme has calls.")]
    committed = _calls_budget(programme)
    if data["envelope"] < committed:
        errors["envelope"] = [
            _(
                "The calls of this programme already budget %(amount)s; the envelope cannot be "
                "smaller.",
                amount=format_money(committed, programme.currency),
            )
        ]
    raise_if(errors)
    managers = _resolve_managers(data.get("manager_ids"), actor)
    for name in PROGRAMME_FIELDS:
        setattr(programme, name, data[name])
    programme.managers = managers
    db.session.flush()
    changes = diff(before, programme.audit_fields())
    if changes:
        record("programme.updated", programme, changes=changes, user=actor)
    return programme


def _check_programme(data: dict) -> None:
    errors: dict[str, list[str]] = {}
    if data["currency"] not in ("MXN", "USD"):
        errors["currency"] = [_("Choose MXN or USD.")]
    if data["envelope"] is None or data["envelope"] < 0:
        errors["envelope"] = [_("The envelope cannot be negative.")]
    raise_if(errors)


def _call_count(programme: Programme) -> int:
    return db.session.scalar(select(func.count(Call.id)).where(Call.programme_id == programme.id))


def _calls_budget(programme: Programme, exclude_call_id: int | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(Call.budget), 0)).where(Call.programme_id == programme.id)
    if exclude_call_id is not None:
        stmt = stmt.where(Call.id != exclude_call_id)
    return Decimal(str(db.session.scalar(stmt))).quantize(Decimal("0.01"))
