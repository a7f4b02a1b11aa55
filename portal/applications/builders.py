"""Row builders for applications: shared by the demo seed (``portal.demo``) and the tests'
factories.

:func:`build_application` inserts an application already in its state (seeds and fixtures make
no moves), with its budget, co-finance sources and timeline. It flushes, never commits, writes
no audit entry and sends no e-mail. Tests that exercise the flow itself go through
``operations`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from portal.applications.constants import ApplicationStatus
from portal.applications.models import Application, BudgetLine, CofinanceSource, StatusChange
from portal.applications.operations import eligibility_reasons, refresh_totals
from portal.applications.references import format_reference, next_number
from portal.calls.rules import form_snapshot
from portal.core.db import db, now_utc

# A timeline entry: (from status, to status, when; None for now).
History = tuple[str | None, str, datetime | None]

TOTALS = ("requested_total", "cost_share_total", "leverage_total", "cofinance_pct")


def build_application(
    call,
    organisation,
    creator,
    *,
    title: str,
    status: str = ApplicationStatus.DRAFT.value,
    number: int | None = None,
    submitted_dt: datetime | None = None,
    answers: Mapping | None = None,
    quiz: Mapping | None = None,
    lines: Iterable[Mapping] = (),
    sources: Iterable[Mapping] = (),
    history: Iterable[History] = (),
    **columns,
) -> Application:
    """An application of ``organisation`` to ``call`` created by ``creator``, in ``status``.

    Past the draft it carries what a submission leaves: a reference (``number``, by default the
    call's next), the submitter, the frozen form and ``submitted_dt`` (default now). ``quiz``
    records eligibility answers and judges them as the quiz would; ``lines`` and ``sources`` are
    budget rows and co-finance sources as column mappings, and the totals are computed from
    them unless given in ``columns``; ``history`` adds timeline entries by ``creator``.
    """
    if status != ApplicationStatus.DRAFT.value:
        number = number if number is not None else next_number(call.id)
        columns = {
            "form_snapshot": form_snapshot(call),
            "form_version": call.form_version,
            "submitted_by_id": creator.id,
            **columns,
        }
        submitted_dt = submitted_dt or now_utc()
    if number is not None:
        columns.setdefault("reference", format_reference(call.code, number))
    if answers is not None:
        columns["answers"] = dict(answers)
    if quiz is not None:
        reasons = eligibility_reasons(call, quiz, organisation)
        columns = {
            "eligibility_answers": dict(quiz),
            "eligible": not reasons,
            "ineligibility": [
                {"kind": r.kind, "key": r.key, "text": dict(r.text)} for r in reasons
            ],
            **columns,
        }
    application = Application(
        call_id=call.id,
        organisation_id=organisation.id,
        created_by_id=creator.id,
        currency=call.currency,
        title=title,
        status=status,
        number=number,
        submitted_dt=submitted_dt,
        **columns,
    )
    application.lines = [
        BudgetLine(**_amounts(values, "requested", "cofinance"), position=position)
        for position, values in enumerate(lines)
    ]
    application.sources = [
        CofinanceSource(**_amounts(values, "amount"), position=position)
        for position, values in enumerate(sources)
    ]
    if (application.lines or application.sources) and not any(k in columns for k in TOTALS):
        application.call = call  # the totals depend on the call's rules
        refresh_totals(application)
    db.session.add(application)
    db.session.flush()
    for before, after, when in history:
        add_status_change(application, creator, before, after, when)
    db.session.flush()
    return application


def add_status_change(application, user, before: str | None, after: str, when=None):
    """A timeline entry (``when`` None: now, the column's default)."""
    change = StatusChange(
        application_id=application.id,
        from_status=before,
        to_status=after,
        by_id=user.id,
        **({"created_dt": when} if when is not None else {}),
    )
    db.session.add(change)
    return change


def _amounts(values: Mapping, *keys: str) -> dict:
    return {k: Decimal(v) if k in keys else v for k, v in values.items()}
