"""Closeout operations (validate, change state, audit, flush; never commit): the grantee's
final co-finance certification, staff's documents confirmation, closing the grant (the closeout
letter, the records-retention date, every record read-only) and reopening it (administrators,
with a reason, e-mailed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.audit.operations import record
from portal.awards.amendments.operations import open_amendment
from portal.awards.closure import refuse_if_closed
from portal.awards.constants import AwardStatus
from portal.awards.states import AWARD
from portal.closeout import checklist as checklist_mod
from portal.closeout import permissions
from portal.closeout.models import Closeout
from portal.core.db import db, now_utc
from portal.core.errors import InputError

COFINANCE_CERTIFICATION = _l(
    "I certify, on behalf of the organisation, that the co-finance contributions reported for "
    "this grant are final, true, complete and accurate, that they were not counted on another "
    "donor-funded award, and that the records supporting them are kept for inspection."
)


def closeout_of(award, *, create: bool = False) -> Closeout | None:
    found = db.session.scalar(select(Closeout).where(Closeout.award_id == award.id))
    if found is None and create:
        found = Closeout(award_id=award.id, award=award)
        db.session.add(found)
        db.session.flush()
    return found


def _require_active(award) -> None:
    refuse_if_closed(award)
    if award.status != AwardStatus.ACTIVE.value:
        raise InputError({"": [_l("Only a grant in force goes through closeout.")]})


def _lock(award) -> None:
    """``SELECT ... FOR UPDATE`` on the award (as the ledger does), then its current status."""
    from portal.finance.ledger import lock_award

    lock_award(award.id)
    db.session.refresh(award, ["status"])


def _normal(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def certify_cofinance(award, actor, *, certified: bool, typed_name: str) -> Closeout:
    """The grantee's signatory certifies the final co-finance (once; typed name = theirs)."""
    _require_active(award)
    if not permissions.can_certify(award, actor):
        raise InputError({"": [_l("Only the organisation's designated signatory certifies.")]})
    closeout = closeout_of(award, create=True)
    if closeout.cofinance_certified_dt is not None:
        raise InputError({"": [_l("The final co-finance was already certified.")]})
    errors: dict = {}
    if not certified:
        errors["certified"] = [_l("Tick the box to certify.")]
    if not (typed_name or "").strip() or _normal(typed_name) != _normal(actor.full_name):
        errors["typed_name"] = [_l("Type your full name exactly as in your profile.")]
    if errors:
        raise InputError(errors)
    closeout.cofinance_certification = str(COFINANCE_CERTIFICATION)
    closeout.cofinance_certified_name = " ".join(typed_name.split())
    closeout.cofinance_certified_by_id = actor.id
    closeout.cofinance_certified_dt = now_utc()
    db.session.flush()
    record(
        "closeout.cofinance_certified",
        closeout,
        changes={"certified_name": closeout.cofinance_certified_name},
        organisation_id=award.organisation_id,
    )
    return closeout


def confirm_documents(award, actor) -> Closeout:
    _require_active(award)
    if not permissions.can_manage_closeout(award, actor):
        raise InputError({"": [_l("Only the programme's grants managers confirm this.")]})
    closeout = closeout_of(award, create=True)
    if closeout.documents_confirmed_dt is not None:
        raise InputError({"": [_l("The documents were already confirmed complete.")]})
    closeout.documents_confirmed_by_id = actor.id
    closeout.documents_confirmed_dt = now_utc()
    db.session.flush()
    db.session.expire(closeout, ["documents_confirmed_by"])
    record(
        "closeout.documents_confirmed",
        closeout,
        changes={"documents_complete": True},
        organisation_id=award.organisation_id,
    )
    return closeout


def close_problems(award, closeout) -> list:
    found = checklist_mod.checklist(award, closeout)
    problems = [
        _l("Not done yet: %(item)s.", item=item.label) for item in found.items if not item.done
    ]
    if open_amendment(award) is not None:
        problems.append(_l("An amendment is still open: finish or withdraw it first."))
    if not problems and checklist_mod.retention_until(award) is None:
        problems.append(_l("The final financial report has no submission date."))
    return problems


def close(award, actor) -> Closeout:
    """Close the grant: refused while any checklist item is open. Sets the records-retention
    date, moves the award to ``closed`` and produces the closeout letter."""
    _require_active(award)
    if not permissions.can_manage_closeout(award, actor):
        raise InputError({"": [_l("Only the programme's grants managers close a grant.")]})
    closeout = closeout_of(award, create=True)
    problems = close_problems(award, closeout)
    if problems:
        raise InputError({"": problems})
    retention = checklist_mod.retention_until(award)
    closeout.closed_by_id = actor.id
    closeout.closed_dt = now_utc()
    closeout.records_retention_until = retention
    AWARD.move(
        award,
        "close",
        changes={"status": ["active", "closed"], "records_retention_until": retention},
        organisation_id=award.organisation_id,
    )
    award.updated_dt = now_utc()
    db.session.flush()
    db.session.expire(closeout, ["closed_by"])
    from portal.closeout import letter, notifications

    document = letter.generate(closeout, actor)
    closeout.letter_document_id = document.id
    db.session.flush()
    notifications.closed(award, closeout)
    return closeout


def reopen(award, actor, *, reason: str) -> Closeout:
    """An administrator reopens a closed grant (a reason is required); audited and e-mailed."""
    if not permissions.can_reopen(actor):
        raise InputError({"": [_l("Only an administrator reopens a closed grant.")]})
    _lock(award)
    if award.status != AwardStatus.CLOSED.value:
        raise InputError({"": [_l("This grant is not closed.")]})
    reason = (reason or "").strip()
    if not reason:
        raise InputError({"reason": [_l("Give the reason for reopening the grant.")]})
    closeout = closeout_of(award, create=True)
    AWARD.move(
        award,
        "reopen",
        changes={"status": ["closed", "active"], "reason": reason},
        organisation_id=award.organisation_id,
    )
    award.updated_dt = now_utc()
    closeout.closed_by_id = None
    closeout.closed_dt = None
    closeout.letter_document_id = None
    closeout.reopen_count += 1
    closeout.reopen_reason = reason
    closeout.reopened_by_id = actor.id
    closeout.reopened_dt = now_utc()
    db.session.flush()
    db.session.expire(closeout, ["closed_by"])
    from portal.closeout import notifications

    notifications.reopened(award, closeout)
    return closeout
