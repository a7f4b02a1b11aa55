"""Saving a draft's budget: lines and co-finance sources in one go, then the totals.

The form posts every row (existing ones with their id, plus blank rows to add new ones); a
row with "remove" ticked is deleted, a blank new row is ignored. Problems are reported per
field (``lines-0-description``), and nothing is saved unless every row is valid.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from portal.applications.constants import (
    BudgetCategory,
    ContributorType,
    CountsAs,
    Nature,
)
from portal.applications.models import Application, BudgetLine, CofinanceSource
from portal.audit.operations import record
from portal.core.db import db, now_utc
from portal.core.errors import InputError

ZERO = Decimal("0.00")


def save_budget(application: Application, lines: list[dict], sources: list[dict], actor, expected):
    from portal.applications.operations import _check_version, refresh_totals

    if not application.is_draft:
        raise InputError({"": [_("A submitted application can no longer be changed.")]})
    _check_version(application, expected)
    errors: dict[str, list[str]] = {}
    line_values = _clean_rows(lines, "lines", _check_line, application.lines, errors)
    source_values = _clean_rows(sources, "sources", _check_source, application.sources, errors)
    if errors:
        raise InputError(errors)
    before = (application.requested_total, application.cost_share_total, application.cofinance_pct)
    _apply(application.lines, line_values, BudgetLine)
    _apply(application.sources, source_values, CofinanceSource)
    totals = refresh_totals(application)
    application.updated_dt = now_utc()
    db.session.flush()
    after = (application.requested_total, application.cost_share_total, application.cofinance_pct)
    record(
        "application.budget_updated",
        application,
        changes={
            "lines": len(application.lines),
            "sources": len(application.sources),
            "totals": [[str(v) for v in before], [str(v) for v in after]],
        },
        organisation_id=application.organisation_id,
        user=actor,
    )
    return totals


def _clean_rows(rows, prefix, check, existing, errors) -> list[tuple[int | None, dict | None]]:
    """(id, values) per row to keep; values None means delete. Unknown ids are refused."""
    known = {row.id for row in existing}
    cleaned = []
    for index, row in enumerate(rows):
        row_id = row.get("id")
        if row_id is not None and row_id not in known:
            errors.setdefault("", []).append(_("A budget row was changed elsewhere; reload."))
            continue
        if row.get("remove"):
            if row_id is not None:
                cleaned.append((row_id, None))
            continue
        if row_id is None and row.get("blank"):
            continue
        values, problems = check(row)
        for name, message in problems.items():
            errors.setdefault(f"{prefix}-{index}-{name}", []).append(message)
        cleaned.append((row_id, values))
    return cleaned


def _check_line(row: dict) -> tuple[dict, dict]:
    problems = {}
    if row.get("category") not in {c.value for c in BudgetCategory}:
        problems["category"] = _("Choose a category.")
    if not row.get("description"):
        problems["description"] = _("Describe the item.")
    requested = row.get("requested") or ZERO
    cofinance = row.get("cofinance") or ZERO
    for name, value in (("requested", requested), ("cofinance", cofinance)):
        if value < 0:
            problems[name] = _("The amount cannot be negative.")
    values = {
        "category": row.get("category"),
        "description": row.get("description"),
        "requested": requested,
        "cofinance": cofinance,
    }
    return values, problems


def _check_source(row: dict) -> tuple[dict, dict]:
    problems = {}
    if not row.get("contributor_name"):
        problems["contributor_name"] = _("Name the contributor.")
    if row.get("contributor_type") not in {c.value for c in ContributorType}:
        problems["contributor_type"] = _("Choose the type of contributor.")
    if row.get("nature") not in {n.value for n in Nature}:
        problems["nature"] = _("Choose cash or in kind.")
    if row.get("counts_as") not in {c.value for c in CountsAs}:
        problems["counts_as"] = _("Choose cost share or leverage.")
    amount = row.get("amount")
    if amount is None or amount <= 0:
        problems["amount"] = _("Enter the committed amount (more than zero).")
    basis = row.get("valuation_basis") or None
    if row.get("nature") == Nature.IN_KIND and not basis:
        problems["valuation_basis"] = _(
            "Explain how the in-kind contribution is valued (e.g. fair rental value, volunteer "
            "hours × rate)."
        )
    values = {
        "contributor_name": row.get("contributor_name"),
        "contributor_type": row.get("contributor_type"),
        "nature": row.get("nature"),
        "counts_as": row.get("counts_as"),
        "amount": amount,
        "valuation_basis": basis,
    }
    return values, problems


def _apply(existing: list, cleaned, model) -> None:
    by_id = {row.id: row for row in existing}
    for position, (row_id, values) in enumerate(cleaned):
        if values is None:
            existing.remove(by_id[row_id])
            continue
        row = by_id.get(row_id) if row_id is not None else None
        if row is None:
            row = model()
            existing.append(row)  # sets row.application (back_populates)
        for name, value in values.items():
            setattr(row, name, value)
        row.position = position
