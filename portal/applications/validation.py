"""The pre-submission checklist: everything missing or out of bounds, in one list.

Each ``Problem`` names the page (``edit``, ``budget``, ``eligibility`` or ``status``) and the
anchor of the field to fix, so the template links straight to it. ``submit`` runs the same
checklist on the server at the moment of submission; the page shows it before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from portal.applications.budget import BudgetTotals, totals_of
from portal.calls.constants import NO, YES, QuestionKind
from portal.calls.rules import (
    evaluate_eligibility,
    number_bounds,
    required_document_slots,
    visible_questions,
)
from portal.core.i18n import current_language, format_deadline, format_money, format_number
from portal.core.text import single_stop


@dataclass(frozen=True)
class Problem:
    page: str
    anchor: str
    message: str


def text_of(texts: dict | None) -> str:
    texts = texts or {}
    return texts.get(current_language()) or texts.get("es") or texts.get("en") or ""


def checklist(application, now: datetime, documents: dict) -> list[Problem]:
    """``documents``: slot key → current document (see ``operations.current_documents``)."""
    snapshot = application.snapshot()
    totals = totals_of(application)
    return [
        *deadline_problems(application.call, now),
        *eligibility_problems(application, snapshot),
        *answer_problems(application, snapshot),
        *document_problems(application, snapshot, documents),
        *budget_problems(application, totals, documents),
    ]


def deadline_problems(call, now: datetime) -> list[Problem]:
    if call.is_open(now):
        return []
    if call.opens_dt and now < call.opens_dt:
        message = _("The call is not open for applications yet.")
    else:
        message = _(
            "The deadline of the call has passed (%(deadline)s): applications can no longer be "
            "submitted.",
            deadline=format_deadline(call.closes_dt, call.timezone),
        )
    return [Problem("status", "deadline", message)]


def eligibility_problems(application, snapshot: dict) -> list[Problem]:
    if application.eligible is None and snapshot.get("eligibility"):
        return [Problem("eligibility", "quiz", _("Answer the eligibility questions."))]
    reasons = evaluate_eligibility(
        snapshot, application.eligibility_answers or {}, organisation=application.organisation
    )
    return [
        Problem(
            "eligibility",
            "quiz",
            _("Not eligible: %(reason)s", reason=reason.message()),
        )
        for reason in reasons
    ]


def answer_problems(application, snapshot: dict) -> list[Problem]:
    problems = []
    if not (application.title or "").strip():
        problems.append(Problem("edit", "title", _("Give the application a title.")))
    answers = application.answers or {}
    for question in visible_questions(snapshot, answers):
        if question["kind"] == QuestionKind.DOCUMENT:
            continue
        message = answer_problem(question, answers.get(question["key"]), snapshot.get("currency"))
        if message:
            problems.append(Problem("edit", f"q_{question['key']}", message))
    return problems


def answer_problem(question: dict, value, currency: str | None = None) -> str | None:
    """Why the stored answer does not satisfy the question (None when it does)."""
    label = text_of(question["label"])
    if _blank(value):
        return _("Answer “%(question)s”.", question=label) if question["required"] else None
    if not _well_formed(question, value):
        return _("Answer “%(question)s” again: the form has changed.", question=label)
    if question["kind"] in (QuestionKind.NUMBER, QuestionKind.MONEY):
        return _limits_problem(question, Decimal(str(value)), label, currency)
    limit = question.get("max_chars")
    if limit and isinstance(value, str) and len(value) > limit:
        return _(
            "“%(question)s” is %(n)s characters long; the limit is %(limit)s.",
            question=label,
            n=format_number(len(value)),
            limit=format_number(limit),
        )
    return None


def _limits_problem(question: dict, value: Decimal, label: str, currency: str | None):
    """The same limits as when the answer is saved (``answers.WithinLimits``), checked again
    at submission: the form may have changed, or the answer predates the limits."""
    low, high = number_bounds(question)
    if low <= value <= high:
        return None
    if question["kind"] == QuestionKind.MONEY and currency:
        return _(
            "Answer “%(question)s” with an amount between %(min)s and %(max)s.",
            question=label,
            min=format_money(low, currency),
            max=format_money(high, currency),
        )
    return _(
        "Answer “%(question)s” with a number between %(min)s and %(max)s.",
        question=label,
        min=format_number(low),
        max=format_number(high),
    )


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _well_formed(question: dict, value) -> bool:
    kind = question["kind"]
    options = {o["key"] for o in question.get("options") or ()}
    if kind == QuestionKind.YES_NO:
        return value in (YES, NO)
    if kind == QuestionKind.SINGLE_CHOICE:
        return value in options
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return isinstance(value, list) and set(value) <= options
    if kind in (QuestionKind.NUMBER, QuestionKind.MONEY):
        try:
            return Decimal(str(value)).is_finite()
        except InvalidOperation:
            return False
    if kind == QuestionKind.DATE:
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
    return True


def document_problems(application, snapshot: dict, documents: dict) -> list[Problem]:
    return [
        Problem(
            "edit",
            f"slot-{slot['key']}",
            _("Upload the document “%(slot)s”.", slot=text_of(slot["label"])),
        )
        for slot in required_document_slots(snapshot, application.answers or {})
        if slot["key"] not in documents
    ]


def budget_problems(application, totals: BudgetTotals, documents: dict) -> list[Problem]:
    call = application.call
    if not application.lines:
        return [Problem("budget", "lines", _("Add at least one line to the budget."))]
    problems = [*amount_problems(call, totals), *cofinance_problems(call, totals)]
    if totals.lines_cofinance != totals.cost_share_all:
        problems.append(
            Problem(
                "budget",
                "sources",
                _(
                    "The co-finance on the budget lines (%(lines)s) must equal the cost share "
                    "committed by the co-finance sources (%(sources)s).",
                    lines=format_money(totals.lines_cofinance, call.currency),
                    sources=format_money(totals.cost_share_all, call.currency),
                ),
            )
        )
    for source in application.sources:
        if source.needs_letter and source.letter_slot not in documents:
            problems.append(
                Problem(
                    "budget",
                    f"source-{source.id}",
                    single_stop(
                        _(
                            "Upload the commitment letter of %(name)s.",
                            name=source.contributor_name,
                        )
                    ),
                )
            )
    return problems


def amount_problems(call, totals: BudgetTotals) -> list[Problem]:
    values = {
        "amount": format_money(totals.requested, call.currency),
        "limit": None,
    }
    if call.min_award is not None and totals.requested < call.min_award:
        values["limit"] = format_money(call.min_award, call.currency)
        message = _(
            "The amount requested (%(amount)s) is below the call's minimum award of %(limit)s.",
            **values,
        )
        return [Problem("budget", "totals", message)]
    if call.max_award is not None and totals.requested > call.max_award:
        values["limit"] = format_money(call.max_award, call.currency)
        message = _(
            "The amount requested (%(amount)s) is above the call's maximum award of %(limit)s.",
            **values,
        )
        return [Problem("budget", "totals", message)]
    return []


def cofinance_problems(call, totals: BudgetTotals) -> list[Problem]:
    minimum = call.cofinance_min_pct or Decimal(0)
    if totals.meets_minimum(minimum):
        return []
    message = _(
        "Co-finance is %(pct)s%% of the total project cost; the call requires at least "
        "%(minimum)s%%. Add at least %(missing)s of co-finance counted as cost share.",
        pct=format_number(totals.cofinance_pct),
        minimum=format_number(minimum),
        missing=format_money(totals.shortfall(minimum), call.currency),
    )
    if totals.cost_share_in_kind_excluded:
        message += " " + _(
            "In-kind contributions (%(amount)s) do not count in this call.",
            amount=format_money(totals.cost_share_in_kind_excluded, call.currency),
        )
    return [Problem("budget", "totals", message)]
