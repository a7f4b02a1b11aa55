"""The disbursement and co-finance ledgers as CSV and XLSX files, with their totals.

Rows are the flows of the grants in a report filter's scope (``filters.award_scope``) dated in
its period, so a file holds exactly what the finance dashboard adds up for the same filter:

- disbursements: one row per ledger entry (``paid_on`` in the period), in ledger order; the
  net total per award currency is ``SUM(award_amount)`` (reversals are negative);
- co-finance: one row per contribution (``contributed_on`` in the period); totals
  ``SUM(amount)`` per currency and status, reported and verified (rejected contributions are
  listed but never added up).

Bank data: the CLABE never leaves in full; only its last four digits are read from the
database. The bank reference (the transfer's tracking key, which finance needs to reconcile
with the bank statement) is given to finance officers and administrators; grants managers get
its last four characters. Each file is counted with one statement (the audit entry's number of
rows) and read with one more whatever its size, in batches while the file is sent (constant
memory: ``portal.core.spreadsheets``); the totals are added up on the way.

Headers and labels follow the user's language; amounts are numbers (XLSX cells with a
two-decimal format, CSV ``1234.50``), dates ISO. Text a spreadsheet would run as a formula is
neutralised with ``safe_cell`` (the file formats: ``portal.reporting.export_files``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.applications.constants import ContributorType, CountsAs, Nature
from portal.applications.models import Application
from portal.awards.models import Award, CofinanceCommitment, Milestone
from portal.calls.models import Call, Programme
from portal.core.i18n import current_language
from portal.core.spreadsheets import batched, count_rows
from portal.finance.constants import RATE_SOURCES, ContributionStatus, Kind
from portal.finance.models import CofinanceContribution, Disbursement
from portal.finance.reminders import milestone_numbers
from portal.organisations.mexican_states import BY_INEGI
from portal.organisations.models import Organisation
from portal.reporting.export_files import (  # noqa: F401 - re-exported: the files' formats
    FORMATS,
    MONEY,
    RATE,
    TEXT,
    XLSX_MIME,
    Column,
    Ledger,
    csv_body,
    filename,
    filter_lines,
    response,
    xlsx_body,
)
from portal.reporting.filters import ReportFilter, award_scope, in_period, sees_everything

MASK = "•"
DELIVERABLE_CHARS = 60


# Shared pieces --------------------------------------------------------------------------------
def _grant_columns():
    """The columns naming a row's grant (joined by ``_join_grant``, shown by ``_grant_values``)."""
    return (
        Application.reference,
        Application.title,
        Organisation.legal_name,
        Organisation.state_code,
        Programme.name_es,
        Programme.name_en,
        Call.code,
    )


def _join_grant(query, award_id_column):
    return (
        query.join(Award, Award.id == award_id_column)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Programme, Programme.id == Award.programme_id)
        .join(Call, Call.id == Award.call_id)
    )


def _grant_values(row) -> list:
    state = BY_INEGI.get(row.state_code)
    if current_language() == "en":
        programme = row.name_en or row.name_es
    else:
        programme = row.name_es or row.name_en
    return [
        row.reference or "",
        row.title or "",
        row.legal_name,
        state.name if state else "",
        programme,
        row.code,
    ]


def _grant_headers() -> tuple[Column, ...]:
    return (
        Column(_l("Grant reference"), width=20),
        Column(_l("Grant title"), width=40),
        Column(_l("Grantee organisation"), width=36),
        Column(_l("State"), width=18),
        Column(_l("Programme"), width=30),
        Column(_l("Call"), width=16),
    )


def masked_clabe(last4: str | None) -> str:
    """As the grant page shows it: 14 mask characters and the last 4 digits."""
    return MASK * 14 + last4 if last4 else ""


def masked_reference(reference: str | None) -> str:
    """The last four characters of a bank reference (all masked when it is that short)."""
    if not reference:
        return ""
    return MASK * 4 + (reference[-4:] if len(reference) > 4 else "")


def _local_date(value: datetime | None) -> date | None:
    if value is None:
        return None
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "America/Mexico_City")
    return value.astimezone(ZoneInfo(zone)).date()


# Disbursements --------------------------------------------------------------------------------
AWARD_AMOUNT = Column(_l("Amount in award currency"), MONEY, 18)
AWARD_CURRENCY = Column(_l("Award currency"), width=10)
DISBURSEMENT_COLUMNS = (
    Column(_l("Entry"), width=8),
    Column(_l("Date paid"), width=12),
    *_grant_headers(),
    Column(_l("Milestone"), width=40),
    Column(_l("Kind"), width=12),
    Column(_l("Amount paid"), MONEY, 16),
    Column(_l("Currency paid"), width=10),
    Column(_l("Exchange rate"), RATE, 12),
    Column(_l("Rate source"), width=24),
    AWARD_AMOUNT,
    AWARD_CURRENCY,
    Column(_l("Reverses entry"), width=10),
    Column(_l("Bank reference"), width=24),
    Column(_l("CLABE (last 4 digits)"), width=22),
)


def disbursement_query(f: ReportFilter, user):
    d = Disbursement
    numbers = milestone_numbers()
    length = func.length(d.clabe)
    query = select(
        d.id,
        d.paid_on,
        *_grant_columns(),
        numbers.c.number,
        Milestone.deliverable,
        d.kind,
        d.amount,
        d.currency,
        d.exchange_rate,
        d.rate_source,
        d.award_amount,
        d.award_currency,
        d.reverses_id,
        # A CLABE typed into the reference by mistake is masked too.
        func.replace(d.bank_reference, d.clabe, MASK * 4).label("bank_reference"),
        # Only the last four digits of the account are ever read.
        func.substr(d.clabe, length - 3, 4).label("clabe_tail"),
    )
    return (
        _join_grant(query, d.award_id)
        .outerjoin(Milestone, Milestone.id == d.milestone_id)
        .outerjoin(numbers, numbers.c.id == d.milestone_id)
        .where(d.award_id.in_(award_scope(f, user)), in_period(d.paid_on, f))
        .order_by(d.id)
    )


def disbursement_ledger(f: ReportFilter, user) -> Ledger:
    query = disbursement_query(f, user)
    ledger = Ledger("disbursements", _l("Disbursements"), DISBURSEMENT_COLUMNS)
    ledger.count = count_rows(query)
    ledger.rows = _disbursement_rows(ledger, query, sees_everything(user))
    return ledger


def _disbursement_rows(ledger: Ledger, query, full_reference: bool):
    """The ledger's rows, read in batches; the net totals are added up on the way."""
    net: dict[str, Decimal] = defaultdict(Decimal)
    for row in batched(query):
        milestone = ""
        if row.number is not None:
            milestone = f"{row.number}. {_short(row.deliverable)}"
        reference = row.bank_reference or ""
        if not full_reference:
            reference = masked_reference(reference)
        yield [
            row.id,
            row.paid_on,
            *_grant_values(row),
            milestone,
            str(Kind(row.kind).label),
            row.amount,
            row.currency,
            row.exchange_rate,
            str(RATE_SOURCES.get(row.rate_source, row.rate_source or "")),
            row.award_amount,
            row.award_currency,
            row.reverses_id,
            reference,
            masked_clabe(row.clabe_tail),
        ]
        net[row.award_currency] += row.award_amount
    for currency in sorted(net):
        total = ledger.blank()
        total[0] = _("Net total disbursed")
        total[ledger.at(AWARD_AMOUNT)] = net[currency]
        total[ledger.at(AWARD_CURRENCY)] = currency
        ledger.totals.append(total)


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= DELIVERABLE_CHARS else text[: DELIVERABLE_CHARS - 1] + "…"


# Co-finance -----------------------------------------------------------------------------------
AMOUNT = Column(_l("Amount"), MONEY, 16)
CURRENCY = Column(_l("Currency"), width=10)
STATUS = Column(_l("Status"), width=22)
COFINANCE_COLUMNS = (
    Column(_l("Entry"), width=8),
    Column(_l("Date"), width=12),
    *_grant_headers(),
    Column(_l("Co-financier"), width=30),
    Column(_l("Co-financier type"), width=20),
    Column(_l("Nature"), width=12),
    Column(_l("Counts as"), width=30),
    AMOUNT,
    CURRENCY,
    Column(_l("Valuation basis"), width=30),
    STATUS,
    Column(_l("Rejection reason"), width=30),
    Column(_l("Verified or rejected on"), width=14),
)
TOTALLED = (ContributionStatus.VERIFIED, ContributionStatus.REPORTED)


def cofinance_query(f: ReportFilter, user):
    c, k = CofinanceContribution, CofinanceCommitment
    query = select(
        c.id,
        c.contributed_on,
        *_grant_columns(),
        c.contributor_name,
        k.contributor_type,
        c.nature,
        c.counts_as,
        c.amount,
        c.currency,
        c.valuation_basis,
        c.status,
        c.reason,
        c.verified_dt,
    )
    return (
        _join_grant(query, c.award_id)
        .outerjoin(k, k.id == c.commitment_id)
        .where(c.award_id.in_(award_scope(f, user)), in_period(c.contributed_on, f))
        .order_by(c.id)
    )


def cofinance_ledger(f: ReportFilter, user) -> Ledger:
    query = cofinance_query(f, user)
    ledger = Ledger("cofinance", _l("Co-finance"), COFINANCE_COLUMNS)
    ledger.count = count_rows(query)
    ledger.rows = _cofinance_rows(ledger, query)
    return ledger


def _cofinance_rows(ledger: Ledger, query):
    """The contributions, read in batches; the totals per currency and status on the way."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in batched(query):
        status = ContributionStatus(row.status)
        yield [
            row.id,
            row.contributed_on,
            *_grant_values(row),
            row.contributor_name,
            _contributor_type(row.contributor_type),
            str(Nature(row.nature).label),
            str(CountsAs(row.counts_as).label),
            row.amount,
            row.currency,
            row.valuation_basis or "",
            str(status.label),
            row.reason or "",
            _local_date(row.verified_dt),
        ]
        if status in TOTALLED:
            sums[(row.currency, status.value)] += row.amount
    for currency in sorted({currency for currency, _status in sums}):
        for status in TOTALLED:
            if (currency, status.value) not in sums:
                continue
            total = ledger.blank()
            total[0] = _("Total: %(status)s", status=status.label)
            total[ledger.at(AMOUNT)] = sums[(currency, status.value)]
            total[ledger.at(CURRENCY)] = currency
            total[ledger.at(STATUS)] = str(status.label)
            ledger.totals.append(total)


def _contributor_type(value: str | None) -> str:
    if not value:
        return _("Unassigned")
    try:
        return str(ContributorType(value).label)
    except ValueError:
        return value


LEDGERS = {"disbursements": disbursement_ledger, "cofinance": cofinance_ledger}
