"""Calls: create one in a programme and edit its details (every change audited)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from portal.audit.operations import diff, record
from portal.calls.constants import (
    CALL_CODE_RE,
    CALL_CODE_RULE,
    TIMEZONE_NAMES,
    CallStatus,
    Instrument,
)
from portal.calls.models import Call, Programme
from portal.calls.operations.programmes import _calls_budget
from portal.core.db import db, now_utc
from portal.core.errors import InputError, raise_if
from portal.core.i18n import format_money
from portal.organisations.mexican_states import INEGI_CODES
from portal.organisations.models import OrgKind

CALL_FIELDS = (
    "code",
    "title_es",
    "title_en",
    "description_es",
    "description_en",
    "applicant_kinds",
    "all_states",
    "state_codes",
    "thematic_areas",
    "timezone",
    "opens_dt",
    "closes_dt",
    "budget",
    "min_award",
    "max_award",
    "cofinance_min_pct",
    "in_kind_counts",
)


def create_call(programme: Programme, data: dict, actor) -> Call:
    call = Call(programme=programme, currency=programme.currency, created_by_id=actor.id)
    _check_call(programme, data, call=None)
    _apply(call, data)
    db.session.add(call)
    db.session.flush()
    record("call.created", call, changes=diff({}, call.audit_fields()), user=actor)
    return call


def update_call(call: Call, data: dict, actor) -> Call:
    """Edit a draft or published call; every change is audited with before and after."""
    if not call.is_editable:
        raise InputError({"": [_("A closed or archived call can no longer be edited.")]})
    if data["code"] != call.code and call.status != CallStatus.DRAFT:
        raise InputError({"code": [_("The code cannot change once the call has been published.")]})
    _check_call(call.programme, data, call=call)
    before = call.audit_fields()
    _apply(call, data)
    changes = diff(before, call.audit_fields())
    if changes:
        call.updated_dt = now_utc()
        db.session.flush()
        record("call.updated", call, changes=changes, user=actor)
    return call


# Reporting defaults of the call's awards (issue 16); optional in ``data``.
REPORT_FREQUENCIES = ("quarterly", "half_yearly", "milestones")
FINAL_REPORT_DAYS_RANGE = (1, 365)


def _apply(call: Call, data: dict) -> None:
    for name in CALL_FIELDS:
        setattr(call, name, data[name])
    for name in ("report_frequency", "final_report_days"):
        if data.get(name) is not None:
            setattr(call, name, data[name])
    offered = set(data.get("instruments") or ())
    for instrument in Instrument:
        setattr(call, f"offers_{instrument.value}", instrument.value in offered)


def _check_call(programme: Programme, data: dict, call: Call | None) -> None:
    errors: dict[str, list[str]] = {}
    for name, messages in (
        ("code", _check_code(data["code"], call)),
        ("timezone", _check_timezone(data["timezone"])),
        ("closes_dt", _check_dates(data["opens_dt"], data["closes_dt"])),
        ("applicant_kinds", _check_kinds(data["applicant_kinds"])),
        ("state_codes", _check_states(data["all_states"], data["state_codes"])),
        ("cofinance_min_pct", _check_percentage(data["cofinance_min_pct"])),
        ("budget", _check_budget(programme, data["budget"], call)),
        ("min_award", _check_not_negative(data["min_award"])),
        ("max_award", _check_awards(data["min_award"], data["max_award"], data["budget"])),
        ("instruments", _check_instruments(data.get("instruments"), call)),
        ("report_frequency", _check_frequency(data.get("report_frequency"))),
        ("final_report_days", _check_final_days(data.get("final_report_days"))),
    ):
        if messages:
            errors[name] = messages
    if call is not None and call.status != CallStatus.DRAFT:
        for name, messages in _check_still_complete(data).items():
            errors.setdefault(name, messages)
    raise_if(errors)


def _check_frequency(value) -> list[str]:
    if value is None or value in REPORT_FREQUENCIES:
        return []
    return [_("Choose how often the grantees report.")]


def _check_final_days(value) -> list[str]:
    low, high = FINAL_REPORT_DAYS_RANGE
    if value is None or low <= value <= high:
        return []
    return [_("Enter a number of days between %(min)s and %(max)s.", min=low, max=high)]


def _check_still_complete(data: dict) -> dict[str, list[str]]:
    """A public call keeps what publishing required (the database insists too)."""
    needed = ("opens_dt", "closes_dt", "budget", "min_award", "max_award")
    errors = {
        name: [_("A published call needs this value.")] for name in needed if data[name] is None
    }
    if not data["applicant_kinds"]:
        errors["applicant_kinds"] = [_("A published call needs at least one applicant type.")]
    return errors


def _check_code(code: str, call: Call | None) -> list[str]:
    if not code or not CALL_CODE_RE.match(code) or len(code) > 30:
        return [str(CALL_CODE_RULE)]
    stmt = select(Call.id).where(Call.code == code)
    if call is not None and call.id is not None:
        stmt = stmt.where(Call.id != call.id)
    if db.session.scalar(stmt) is not None:
        return [_("Another call already uses the code %(code)s.", code=code)]
    return []


def _check_timezone(tz: str) -> list[str]:
    return [] if tz in TIMEZONE_NAMES else [_("Choose one of the Mexican time zones listed.")]


def _check_dates(opens: datetime | None, closes: datetime | None) -> list[str]:
    if opens and closes and closes <= opens:
        return [_("The closing date and time must be after the opening date and time.")]
    return []


def _check_kinds(kinds) -> list[str]:
    unknown = set(kinds or ()) - {k.value for k in OrgKind}
    return [_("Unknown applicant type.")] if unknown else []


def _check_states(all_states: bool, codes) -> list[str]:
    if set(codes or ()) - set(INEGI_CODES):
        return [_("Unknown state.")]
    if not all_states and not codes:
        return [_("Choose at least one state, or open the call to all states.")]
    return []


def _check_percentage(value: Decimal | None) -> list[str]:
    if value is None or not (Decimal(0) <= value <= Decimal(100)):
        return [_("The percentage must be between 0 and 100.")]
    return []


def _check_not_negative(value: Decimal | None) -> list[str]:
    return [_("The amount cannot be negative.")] if value is not None and value < 0 else []


def budget_left(programme: Programme, call: Call | None = None) -> Decimal:
    """What the programme's envelope still leaves for ``call`` (a new call when None): the
    envelope minus the budgets of its other calls (negative if they already exceed it)."""
    others = _calls_budget(programme, call.id if call is not None else None)
    return Decimal(programme.envelope) - others


def _check_budget(programme: Programme, budget: Decimal | None, call: Call | None) -> list[str]:
    if budget is None:
        return []
    if budget < 0:
        return [_("The amount cannot be negative.")]
    others = _calls_budget(programme, call.id if call is not None else None)
    if others + budget > programme.envelope:
        return [
            _(
                "With this budget the programme's calls would add up to %(total)s, more than "
                "its envelope of %(envelope)s.",
                total=format_money(others + budget, programme.currency),
                envelope=format_money(programme.envelope, programme.currency),
            )
        ]
    return []


def _check_awards(low: Decimal | None, high: Decimal | None, budget: Decimal | None) -> list[str]:
    if high is None:
        return []
    if high < 0:
        return [_("The amount cannot be negative.")]
    if low is not None and low > high:
        return [_("The maximum award cannot be smaller than the minimum award.")]
    if budget is not None and high > budget:
        return [_("The maximum award cannot be larger than the call's budget.")]
    return []


def _check_instruments(instruments, call: Call | None) -> list[str]:
    chosen = set(instruments or ())
    if chosen - {i.value for i in Instrument}:
        return [_("Unknown instrument.")]
    if not chosen and call is not None and call.status != CallStatus.DRAFT:
        return [_("A published call must offer at least one instrument.")]
    return []
