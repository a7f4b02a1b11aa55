"""Business logic of amendments: draft, edit, submit, withdraw and decide.

Operations validate (``InputError`` with translated messages per form field), change the
status only through ``portal.awards.states.AMENDMENT`` (whose moves write the audit entries),
queue e-mails and flush; they never commit. Approval produces the amendment document
(``document.issue``); both parties sign it (``signing``) and only the countersignature applies
the change (``effects.apply_changes``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.audit.operations import diff, record
from portal.awards.amendments import (
    acknowledgement,
    kinds,
    notifications,
    permissions,
    second_approval,
)
from portal.awards.amendments.constants import AWAITING_SIGNATURES, OPEN_STATUSES
from portal.awards.amendments.models import Amendment
from portal.awards.closure import refuse_if_closed
from portal.awards.constants import AwardStatus
from portal.awards.states import AMENDMENT
from portal.core.db import db, now_utc
from portal.core.errors import InputError

# Decision → the status it leads to.
DECISIONS = {"approve": "approved", "request_changes": "changes_requested", "reject": "rejected"}


# Queries ------------------------------------------------------------------------------------
def amendments_of(award) -> list[Amendment]:
    return list(
        db.session.scalars(
            select(Amendment).where(Amendment.award_id == award.id).order_by(Amendment.number)
        )
    )


def open_amendment(award) -> Amendment | None:
    return db.session.scalar(
        select(Amendment).where(Amendment.award_id == award.id, Amendment.status.in_(OPEN_STATUSES))
    )


# Validation ---------------------------------------------------------------------------------
def _changes(award, kinds_requested, data: dict) -> tuple[list[str], dict]:
    """The kinds (in their canonical order) and the [old, new] changes, or ``InputError``."""
    errors: dict[str, list[str]] = {}
    requested = set(kinds_requested or ())
    chosen = [k for k in kinds.ENABLED_KINDS if k in requested]
    if not chosen or requested - set(kinds.ENABLED_KINDS):
        errors["kinds"] = [_("Choose at least one kind of change.")]
    changes = kinds.validate(award, chosen, data, errors)
    if errors:
        raise InputError(errors)
    return chosen, changes


def _check_again(amendment) -> None:
    """The grant may have changed since the draft was written."""
    _changes(amendment.award, amendment.kinds, kinds.requested(amendment))


def _justification(text: str | None) -> str:
    if not (text or "").strip():
        raise InputError({"justification": [_("Explain why the grant needs this change.")]})
    return text.strip()


def _require_active(award) -> None:
    refuse_if_closed(award)
    if award.status != AwardStatus.ACTIVE:
        raise InputError({"": [_("Only an active grant can be amended.")]})


def _open_refusal(existing: Amendment) -> InputError:
    return InputError(
        {
            "": [
                _(
                    "This grant already has an open amendment (number %(number)s): finish, "
                    "withdraw or wait for the decision on it first.",
                    number=existing.number,
                )
            ]
        }
    )


# Drafting -----------------------------------------------------------------------------------
def create_draft(award, user, *, kinds, justification: str = "", **data) -> Amendment:
    """``data``: the values of the kinds' form fields (e.g. ``new_end_date``, ``scope``)."""
    _require_active(award)
    if not permissions.can_draft(award, user):
        raise InputError({"": [_("You cannot request an amendment of this grant.")]})
    if existing := open_amendment(award):
        raise _open_refusal(existing)
    kinds, changes = _changes(award, kinds, data)
    text = _justification(justification)
    number = (
        db.session.scalar(select(func.max(Amendment.number)).where(Amendment.award_id == award.id))
        or 0
    ) + 1
    amendment = Amendment(
        award_id=award.id,
        number=number,
        status="draft",
        kinds=kinds,
        changes=changes,
        justification=text,
        started_by_staff=not permissions.can_request(award, user),
        requested_by_id=user.id,
        requested_dt=now_utc(),
    )
    try:
        with db.session.begin_nested():  # two requests at once: one wins the unique index
            db.session.add(amendment)
            db.session.flush()
    except IntegrityError:
        raise _open_refusal(open_amendment(award) or amendment) from None
    record(
        "amendment.created",
        amendment,
        changes=amendment.audit_fields(),
        organisation_id=award.organisation_id,
    )
    return amendment


def update_draft(amendment: Amendment, user, *, kinds, justification="", **data) -> Amendment:
    _require_editable(amendment, user)
    before = amendment.audit_fields()
    kinds, changes = _changes(amendment.award, kinds, data)
    amendment.kinds = kinds
    amendment.changes = changes
    amendment.justification = _justification(justification)
    db.session.flush()
    changed = diff(before, amendment.audit_fields())
    if changed:
        record(
            "amendment.updated",
            amendment,
            changes=changed,
            organisation_id=amendment.award.organisation_id,
        )
    return amendment


def _require_editable(amendment: Amendment, user) -> None:
    if not permissions.can_edit(amendment, user):
        raise InputError({"": [_("This amendment can no longer be changed.")]})


# Moves --------------------------------------------------------------------------------------
def submit(amendment: Amendment, user) -> None:
    _require_editable(amendment, user)
    _require_active(amendment.award)
    _check_again(amendment)
    kinds.submitted(amendment, user)  # each kind's own checks and follow-ups
    amendment.submitted_dt = now_utc()
    AMENDMENT.move(amendment, "submit", organisation_id=amendment.award.organisation_id)
    notifications.notify_submitted(amendment, user)


def withdraw(amendment: Amendment, user) -> None:
    _require_editable(amendment, user)
    AMENDMENT.move(amendment, "withdraw", organisation_id=amendment.award.organisation_id)


def decide(amendment: Amendment, user, *, decision: str, reason: str = "") -> None:
    """``decision``: approve, request_changes (comments required) or reject (reasons
    required). Approval produces the amendment document to sign (see the module docstring),
    unless the change needs a second approval (``second_approval``): the first approval then
    waits for another grants manager's."""
    if decision == acknowledgement.ACTION:
        return acknowledgement.acknowledge(amendment, user)
    if decision not in DECISIONS:
        raise InputError({"decision": [_("Choose a decision.")]})
    if decision == "approve":
        acknowledgement.refuse_approval(amendment)
    if permissions.is_first_approver(amendment, user):
        raise InputError({"": [_("Another grants manager must give the second approval.")]})
    if not permissions.can_decide(amendment, user):
        raise InputError({"": [_("This amendment is not waiting for your decision.")]})
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        message = (
            _("Say what must change before the amendment can be approved.")
            if decision == "request_changes"
            else _("Give the reasons for rejecting the amendment.")
        )
        raise InputError({"reason": [message]})
    if decision == "approve":
        _require_active(amendment.award)
        _require_chain_ready(amendment)
        _check_again(amendment)
    if decision == "approve" and second_approval.needed(amendment):
        second_approval.approve_first(amendment, user)
        return
    previous = amendment.status
    amendment.decision_reason = reason or None
    if decision != "request_changes":
        amendment.decided_by_id = user.id
        amendment.decided_dt = now_utc()
    transition = AMENDMENT.move(
        amendment,
        decision,
        changes={"status": [previous, DECISIONS[decision]], "reason": reason},
        organisation_id=amendment.award.organisation_id,
    )
    if decision == "approve":
        from portal.awards.amendments.document import issue

        issue(amendment, user)
    db.session.flush()
    notifications.notify_decided(amendment, transition.target)


def _require_chain_ready(amendment) -> None:
    """The document names the version it amends: the signed agreement, or the last amendment
    in effect; an earlier amendment still waiting for signatures comes first."""
    from portal.awards.amendments.document import signed_agreement

    if signed_agreement(amendment.award) is None:
        raise InputError({"": [_("The grant's agreement is not signed by both parties yet.")]})
    waiting = db.session.scalar(
        select(Amendment.number).where(
            Amendment.award_id == amendment.award_id,
            Amendment.status.in_(AWAITING_SIGNATURES),
        )
    )
    if waiting is not None:
        raise InputError(
            {
                "": [
                    _(
                        "Amendment %(number)s of this grant is waiting for signatures: it must "
                        "take effect before another amendment is approved.",
                        number=waiting,
                    )
                ]
            }
        )


def section(award, user) -> dict:
    """What the "Amendments" section of the award and finance pages shows ``user``."""
    from flask_babel import get_locale

    from portal.awards.amendments import bank_accounts
    from portal.awards.amendments.chain import chain_of
    from portal.awards.amendments.document import versions_of

    account = bank_accounts.account_of(award.id)
    amendments = amendments_of(award)
    language = "en" if str(get_locale() or "es").startswith("en") else "es"
    return {
        "amendments": amendments,
        "bank_account": account,
        "can_verify_bank_account": bank_accounts.can_verify(account, user),
        "can_request_amendment": permissions.can_request(award, user),
        "can_start_amendment": permissions.can_start(award, user),
        # The signed amendment documents and the grant's versions (agreement, amendments).
        "amendment_documents": versions_of(amendments),
        "grant_versions": chain_of(award, language) if amendments else [],
    }
