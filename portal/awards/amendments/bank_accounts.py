"""The bank account a grant's payments go to, set by an approved bank account change.

One row per award (``award_bank_accounts``), created or replaced when a bank account change
takes effect (state machine ``portal.awards.states.BANK_ACCOUNT``): the new account is
**held** — the ledger (``portal.finance.ledger``) refuses every payment on the grant — until a
finance officer **verifies** it. Once verified, payments must go to that CLABE. A grant without
a row pays as before (the officer types the CLABE of each transfer).

The full CLABE stays in this table and in the amendment; audit entries redact it (the key
``clabe``) and carry its last four digits; e-mails show it masked.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.operations import record
from portal.awards.models import Award
from portal.awards.notifications import grantee_recipients
from portal.awards.states import BANK_ACCOUNT
from portal.core.clabe import normalise
from portal.core.db import Base, db, now_utc
from portal.core.errors import InputError
from portal.core.urls import external_url
from portal.mail.operations import email_user

MASK = "•"


def mask(clabe: str | None) -> str:
    """All but the last four digits hidden: ``••••••••••••••1234``."""
    clabe = normalise(clabe or "")
    return MASK * 14 + clabe[-4:] if clabe else "—"


class GrantBankAccount(Base):
    __tablename__ = "award_bank_accounts"
    __table_args__ = (
        CheckConstraint("status IN ('held', 'verified')", name="status_known"),
        CheckConstraint(
            "status != 'verified' OR (verified_by_id IS NOT NULL AND verified_dt IS NOT NULL)",
            name="verification_recorded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), unique=True)
    clabe: Mapped[str] = mapped_column(String(18))
    holder_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="held", index=True)
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendments.id", ondelete="SET NULL")
    )
    changed_dt: Mapped[datetime] = mapped_column(default=now_utc)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_dt: Mapped[datetime | None]

    award: Mapped[Award] = relationship(lazy="joined", innerjoin=True)
    verified_by: Mapped[User | None] = relationship(lazy="joined")

    audit_type = "bank_account"

    @property
    def is_held(self) -> bool:
        return self.status == "held"

    @property
    def masked_clabe(self) -> str:
        return mask(self.clabe)


# Queries ------------------------------------------------------------------------------------
def account_of(award_id: int, s=None) -> GrantBankAccount | None:
    return (s or db.session).scalar(select(GrantBankAccount).filter_by(award_id=award_id))


def payment_refusal(award_id: int, clabe: str, s=None) -> dict | None:
    """Why a payment on the grant must not be recorded now (form errors), or None. Called by
    the ledger with the award row locked."""
    account = account_of(award_id, s)
    if account is None:
        return None
    if account.is_held:
        return {
            "": [
                _(
                    "Payments on this grant are held: its bank account was changed and a "
                    "finance officer must verify the new account (CLABE ending %(last4)s) "
                    "before any payment.",
                    last4=account.clabe[-4:],
                )
            ]
        }
    if normalise(clabe) != account.clabe:
        return {
            "clabe": [
                _(
                    "Payments on this grant go to its verified account, the CLABE ending "
                    "%(last4)s.",
                    last4=account.clabe[-4:],
                )
            ]
        }
    return None


# Permissions --------------------------------------------------------------------------------
def can_verify(account: GrantBankAccount | None, user) -> bool:
    return bool(
        account is not None
        and account.is_held
        and user.is_authenticated
        and user.has_role(Role.FINANCE_OFFICER)
    )


# Operations ---------------------------------------------------------------------------------
def change(award, amendment, *, clabe: str, holder_name: str) -> GrantBankAccount:
    """The amendment's account becomes the grant's, held until verified (audited, e-mailed)."""
    account = account_of(award.id)
    org = award.organisation_id
    old_last4 = account.clabe[-4:] if account else None
    details = {
        "clabe_last4": [old_last4, clabe[-4:]],
        "holder_name": [account.holder_name if account else None, holder_name],
        "amendment": amendment.number,
    }
    if account is None:
        account = GrantBankAccount(award_id=award.id, status="held", clabe=clabe)
        account.holder_name, account.amendment_id = holder_name, amendment.id
        db.session.add(account)
        db.session.flush()
        record("bank_account.changed", account, changes=details, organisation_id=org)
    else:
        account.clabe, account.holder_name = clabe, holder_name
        account.amendment_id, account.changed_dt = amendment.id, now_utc()
        account.verified_by_id = account.verified_dt = None
        BANK_ACCOUNT.move(account, "change", changes=details, organisation_id=org)
        db.session.flush()
    notify_owners(amendment, "bank_account_changed", clabe)
    return account


def verify(account: GrantBankAccount, user) -> None:
    """A finance officer checked the new account with the bank: payments resume."""
    if not can_verify(account, user):
        raise InputError({"": [_("This bank account is not waiting for verification.")]})
    account.verified_by_id = user.id
    account.verified_dt = now_utc()
    award = account.award
    BANK_ACCOUNT.move(
        account,
        "verify",
        changes={"clabe_last4": account.clabe[-4:], "holder_name": account.holder_name},
        organisation_id=award.organisation_id,
    )
    db.session.flush()


def notify_owners(amendment, template: str, clabe: str) -> None:
    """The organisation's owners and signatory: a change of bank account is a classic fraud
    path, so they hear of it when it is requested and when it takes effect."""
    award = amendment.award
    for user in grantee_recipients(award.application):
        email_user(
            template,
            user,
            amendment=amendment,
            award=award,
            masked_clabe=mask(clabe),
            url=external_url("awards.amendment", amendment_id=amendment.id),
        )
