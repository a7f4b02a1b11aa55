"""The grants published as open data, read in four statements whatever their number.

Only named columns are selected: bank data (``clabe``, ``bank_reference``), notes, people and
street addresses are never read, so no builder can leak them. Amounts stay ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from portal.applications.models import Application
from portal.awards.amendments.constants import AmendmentStatus
from portal.awards.amendments.document_models import AmendmentDocument, AmendmentSignature
from portal.awards.amendments.models import Amendment
from portal.awards.models import Agreement, Award, Milestone, Signature
from portal.calls.models import Call, Programme
from portal.finance.models import Disbursement
from portal.organisations.mexican_states import BY_INEGI, State
from portal.organisations.models import Organisation
from portal.reporting.filters import ReportFilter, award_scope

ZERO = Decimal("0")


class Publisher:
    """The scope of the command-line publication: every active award (no user)."""

    id = None
    is_authenticated = True

    def has_role(self, *roles) -> bool:
        return True


@dataclass(frozen=True)
class Recipient:
    """The grantee as it may be published.

    A 13-character RFC belongs to a natural person (persona física): it is personal data, and
    so is the person's name. Such a grantee is published without identifier or name, and
    without municipality. Generic RFCs (foreign residents, general public) identify nobody and
    are never published; a "general public" grantee is treated as a person.
    """

    org_id: int
    kind: str
    legal_name: str
    rfc: str
    tax_residence: str
    state_code: str
    municipality: str

    @property
    def is_person(self) -> bool:
        if self.tax_residence == "general_public":
            return True
        return self.tax_residence == "mexico" and len(self.rfc) == 13

    @property
    def org_ref(self) -> str | None:
        """``MX-RFC-<RFC>`` for a Mexican company or organisation (12-character RFC)."""
        if self.tax_residence == "mexico" and len(self.rfc) == 12:
            return f"MX-RFC-{self.rfc}"
        return None

    @property
    def public_name(self) -> str | None:
        return None if self.is_person else self.legal_name

    @property
    def public_municipality(self) -> str | None:
        return None if self.is_person else (self.municipality or None)

    @property
    def state(self) -> State | None:
        return BY_INEGI.get(self.state_code or "")


@dataclass(frozen=True)
class Payment:
    """A ledger entry in the award's currency: payments and advances positive, reversals
    negative (the ledger is append-only, so are the published transactions)."""

    id: int
    kind: str
    paid_on: date
    value: Decimal
    currency: str


@dataclass(frozen=True)
class AmountChange:
    """An amendment in effect that changed the award amount: ``old`` → ``new`` (the
    amendment's ``changes["amount"]``), taking effect on ``effective_on`` (the date of the
    grants manager's countersignature; the approval date if no signature is recorded)."""

    number: int
    effective_on: date
    old: Decimal
    new: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new - self.old


@dataclass
class Grant:
    award_id: int
    reference: str
    title: str
    amount: Decimal
    currency: str
    instrument: str
    applied: Decimal | None
    start_date: date | None
    end_date: date | None
    decided_on: date
    committed_on: date
    updated_dt: datetime
    call_code: str
    call_title_es: str
    call_title_en: str
    programme_es: str
    programme_en: str
    donor: str
    recipient: Recipient
    payments: list[Payment] = field(default_factory=list)
    milestones: list[tuple[date, Decimal]] = field(default_factory=list)
    # Amendments in effect that changed the amount, in the order they took effect.
    amount_changes: list[AmountChange] = field(default_factory=list)
    # The end date as awarded, when an amendment in effect moved it.
    original_end_date: date | None = None
    # Closeout complete (issue 16): the activity is closed.
    closed: bool = False

    @property
    def original_amount(self) -> Decimal:
        """The amount as awarded, before the first amendment that changed it."""
        return self.amount_changes[0].old if self.amount_changes else self.amount

    @property
    def disbursed(self) -> Decimal:
        """Net paid (reversals included), in the award's currency."""
        return sum((p.value for p in self.payments), ZERO)

    @property
    def first_paid_on(self) -> date | None:
        dates = [p.paid_on for p in self.payments if p.value > 0]
        return min(dates) if dates else None


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "America/Mexico_City")
    return moment.astimezone(ZoneInfo(zone)).date()


def load(report_filter: ReportFilter, user, session) -> list[Grant]:
    """The active awards in ``award_scope(report_filter, user)``, with their ledger, milestone
    schedule and amount amendments in effect: four statements (awards, ledger, milestones,
    amendments)."""
    scope = award_scope(report_filter, user)
    signed = (
        select(func.max(Signature.signed_dt))
        .join(Agreement, Agreement.id == Signature.agreement_id)
        .where(Agreement.award_id == Award.id, Agreement.status == "active")
        .correlate(Award)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Award.id,
            Award.amount,
            Award.currency,
            Award.instrument,
            Award.start_date,
            Award.end_date,
            Award.proposed_dt,
            Award.approved_dt,
            Award.updated_dt,
            Award.status,
            Application.reference,
            Application.title,
            Application.requested_total,
            Application.currency.label("applied_currency"),
            Call.code,
            Call.title_es,
            Call.title_en,
            Programme.name_es,
            Programme.name_en,
            Programme.donor,
            Organisation.id.label("org_id"),
            Organisation.kind,
            Organisation.legal_name,
            Organisation.rfc,
            Organisation.tax_residence,
            Organisation.state_code,
            Organisation.municipality,
            signed.label("signed_dt"),
        )
        .join(Application, Application.id == Award.application_id)
        .join(Call, Call.id == Award.call_id)
        .join(Programme, Programme.id == Award.programme_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(Award.id.in_(scope))
        .order_by(Application.reference, Award.id)
    ).all()
    grants = {row.id: _grant(row) for row in rows}
    if not grants:
        return []
    ledger = session.execute(
        select(
            Disbursement.award_id,
            Disbursement.id,
            Disbursement.kind,
            Disbursement.paid_on,
            Disbursement.award_amount,
            Disbursement.award_currency,
        )
        .where(Disbursement.award_id.in_(scope))
        .order_by(Disbursement.award_id, Disbursement.paid_on, Disbursement.id)
    )
    for award_id, entry_id, kind, paid_on, value, currency in ledger:
        grants[award_id].payments.append(Payment(entry_id, kind, paid_on, value, currency))
    schedule = session.execute(
        select(Milestone.award_id, Milestone.due_date, Milestone.amount)
        .where(Milestone.award_id.in_(scope))
        .order_by(Milestone.award_id, Milestone.due_date, Milestone.id)
    )
    for award_id, due_date, amount in schedule:
        grants[award_id].milestones.append((due_date, amount))
    _amount_changes(grants, scope, session)
    return list(grants.values())


def _amount_changes(grants: dict[int, Grant], scope, session) -> None:
    """The amendments in effect of the grants in ``scope`` that changed the amount, each with
    its effect date: the countersignature (the grants manager's signature, which puts it in
    effect), else the decision (amendments recorded in effect without a signed document).
    Numbers follow the order of effect: an amendment is drafted only when none is open and
    approved only when none waits for signatures. The first one that moved the end date gives
    the end date as awarded."""
    countersigned = session.execute(
        select(
            Amendment.award_id,
            Amendment.number,
            Amendment.changes,
            Amendment.decided_dt,
            AmendmentSignature.signed_dt,
        )
        .select_from(Amendment)
        .outerjoin(AmendmentDocument, AmendmentDocument.amendment_id == Amendment.id)
        .outerjoin(
            AmendmentSignature,
            (AmendmentSignature.version_id == AmendmentDocument.id)
            & (AmendmentSignature.role == "programme"),
        )
        .where(
            Amendment.award_id.in_(scope),
            Amendment.status == AmendmentStatus.IN_EFFECT.value,
        )
        .order_by(Amendment.award_id, Amendment.number)
    )
    for award_id, number, changes, decided_dt, signed_dt in countersigned:
        grant = grants.get(award_id)
        if grant is None:
            continue
        moved = (changes or {}).get("end_date")
        if moved and moved[0] and grant.original_end_date is None:
            grant.original_end_date = date.fromisoformat(moved[0])
        pair = (changes or {}).get("amount")
        if not pair or pair[0] is None or pair[1] is None:
            continue
        grant.amount_changes.append(
            AmountChange(
                number, _local_date(signed_dt or decided_dt), Decimal(pair[0]), Decimal(pair[1])
            )
        )


def _grant(row) -> Grant:
    decided_on = _local_date(row.approved_dt or row.proposed_dt)
    return Grant(
        award_id=row.id,
        reference=row.reference or f"AWARD-{row.id}",
        title=row.title or row.reference or "",
        amount=row.amount,
        currency=row.currency,
        instrument=row.instrument,
        applied=row.requested_total if row.applied_currency == row.currency else None,
        start_date=row.start_date,
        end_date=row.end_date,
        decided_on=decided_on,
        committed_on=_local_date(row.signed_dt) or decided_on,
        updated_dt=row.updated_dt,
        closed=row.status == "closed",
        call_code=row.code,
        call_title_es=row.title_es,
        call_title_en=row.title_en,
        programme_es=row.name_es,
        programme_en=row.name_en,
        donor=row.donor,
        recipient=Recipient(
            org_id=row.org_id,
            kind=row.kind,
            legal_name=row.legal_name,
            rfc=(row.rfc or "").strip().upper(),
            tax_residence=row.tax_residence,
            state_code=row.state_code,
            municipality=row.municipality,
        ),
    )
