"""Business logic for programmes and calls: validate, change state, audit, flush. Never commit.

Bad input raises ``InputError`` with messages per form field, and changes nothing. The pure rules
(snapshots, show-only-if, eligibility) live in ``portal.calls.rules`` and are re-exported here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.audit.operations import diff, record
from portal.calls.constants import (
    APPLICANT_KIND_LABELS,
    CALL_CODE_RE,
    TIMEZONE_NAMES,
    CallStatus,
    Instrument,
)
from portal.calls.form_models import FormVersion
from portal.calls.models import Call, Programme
from portal.calls.rules import (  # noqa: F401 - re-exported: the domain's public rules
    evaluate_eligibility,
    form_snapshot,
    required_document_slots,
    visible_questions,
)
from portal.core.db import db, now_utc
from portal.core.errors import InputError, raise_if
from portal.core.i18n import format_money
from portal.organisations.states import INEGI_CODES

# Programmes --------------------------------------------------------------------------------
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


# Calls -------------------------------------------------------------------------------------
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


def _apply(call: Call, data: dict) -> None:
    for name in CALL_FIELDS:
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
    ):
        if messages:
            errors[name] = messages
    if call is not None and call.status != CallStatus.DRAFT:
        for name, messages in _check_still_complete(data).items():
            errors.setdefault(name, messages)
    raise_if(errors)


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
        return [
            _(
                "Use capital letters, digits and hyphens, starting with a letter, such as "
                "CONV-2026-01 (at most 30 characters)."
            )
        ]
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
    unknown = set(kinds or ()) - set(APPLICANT_KIND_LABELS)
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


# Status ------------------------------------------------------------------------------------
ALLOWED_MOVES: dict[CallStatus, frozenset[CallStatus]] = {
    CallStatus.DRAFT: frozenset({CallStatus.PUBLISHED}),
    CallStatus.PUBLISHED: frozenset({CallStatus.CLOSED}),
    CallStatus.CLOSED: frozenset({CallStatus.ARCHIVED}),
    CallStatus.ARCHIVED: frozenset(),
}
_STATUS_ACTIONS = {
    CallStatus.PUBLISHED: "call.published",
    CallStatus.CLOSED: "call.closed",
    CallStatus.ARCHIVED: "call.archived",
}


def allowed_moves(call: Call) -> list[CallStatus]:
    return sorted(ALLOWED_MOVES[call.status_enum], key=list(CallStatus).index)


def change_status(call: Call, to: str, actor, now: datetime | None = None) -> Call:
    """Move the call along draft → published → closed → archived (see ``ALLOWED_MOVES``)."""
    now = now or now_utc()
    try:
        target = CallStatus(to)
    except ValueError:
        raise InputError({"": [_("Unknown status.")]}) from None
    if target not in ALLOWED_MOVES[call.status_enum]:
        raise InputError(
            {
                "": [
                    _(
                        "A call cannot go from %(current)s to %(target)s.",
                        current=call.status_enum.label,
                        target=target.label,
                    )
                ]
            }
        )
    if target == CallStatus.PUBLISHED:
        raise_if({"": publication_problems(call, now)})
    before = {"status": call.status}
    call.status = target.value
    setattr(call, f"{target.value}_dt", now)
    db.session.flush()
    record(_STATUS_ACTIONS[target], call, changes=diff(before, {"status": call.status}), user=actor)
    if target == CallStatus.PUBLISHED and not _has_versions(call):
        freeze_form_version(call, actor)
    return call


def publication_problems(call: Call, now: datetime) -> list[str]:
    """Everything that keeps a draft from being published (empty list: ready)."""
    problems = []
    if not all((call.title_es, call.title_en, call.description_es, call.description_en)):
        problems.append(_("Give the title and description in Spanish and in English."))
    if not (call.opens_dt and call.closes_dt):
        problems.append(_("Set the opening and closing dates."))
    elif call.closes_dt <= now:
        problems.append(_("The closing date has already passed."))
    if not call.budget or call.min_award is None or not call.max_award:
        problems.append(_("Set the budget and the minimum and maximum award."))
    if not call.instruments:
        problems.append(_("Offer at least one instrument."))
    if not call.applicant_kinds:
        problems.append(_("Choose at least one eligible applicant type."))
    if not call.all_states and not call.state_codes:
        problems.append(_("Choose the eligible states."))
    if not call.questions:
        problems.append(_("Add at least one question to the application form."))
    return problems


# Form versions -----------------------------------------------------------------------------
def _has_versions(call: Call) -> bool:
    stmt = select(FormVersion.id).where(FormVersion.call_id == call.id).limit(1)
    return db.session.scalar(stmt) is not None


def freeze_form_version(call: Call, actor) -> FormVersion:
    """Store the current form as version ``call.form_version``."""
    db.session.flush()
    version = FormVersion(
        call_id=call.id,
        version=call.form_version,
        snapshot=form_snapshot(call),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    return version


def form_changed(call: Call, actor) -> None:
    """After first publication, each change to the form, slots or quiz is a new version."""
    if not call.ever_published:
        return
    before = call.form_version
    call.form_version = before + 1
    freeze_form_version(call, actor)
    record(
        "call.form_version_created",
        call,
        changes={"form_version": [before, call.form_version]},
        user=actor,
    )


def form_versions(call: Call) -> list[FormVersion]:
    stmt = select(FormVersion).where(FormVersion.call_id == call.id).order_by(FormVersion.version)
    return list(db.session.scalars(stmt))


def used_keys(call: Call, section: str) -> set[str]:
    """Keys that any frozen version of the form used in ``section`` (never to be reused)."""
    keys: set[str] = set()
    for version in form_versions(call):
        keys.update(item["key"] for item in version.snapshot.get(section, []))
    return keys
