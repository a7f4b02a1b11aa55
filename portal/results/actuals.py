"""Indicator values carried by progress reports: the grantee records each value with its
breakdown (a count's breakdown adds up to its total) while the report is editable; staff verify
or question each value while the report waits for a decision; what the report page shows and
what blocks its submission (registered with ``portal.reports.extensions``)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from portal.audit.operations import record
from portal.awards.closure import refuse_if_closed
from portal.core.db import db, now_utc
from portal.core.errors import InputError
from portal.core.i18n import current_language, format_number
from portal.reports.constants import EDITABLE_REPORT, ReportStatus
from portal.reports.models import GrantReport
from portal.results.constants import (
    ActualStatus,
    Dimension,
    categories,
)
from portal.results.models import (
    AwardIndicator,
    IndicatorActual,
    IndicatorActualBreakdown,
)
from portal.results.operations import RESULT_KINDS, award_indicators, parse_value
from portal.results.states import INDICATOR_ACTUAL


# Actuals ------------------------------------------------------------------------------------
def breakdown_field(dimension: str, category: str) -> str:
    return f"b-{dimension}-{category}"


def _breakdown(item: AwardIndicator, total: Decimal, raw: dict) -> list[tuple[str, str, Decimal]]:
    """The breakdown rows from ``raw`` (field name → typed text). For a count, the values of
    each dimension must add up to the total."""
    indicator = item.indicator
    rows, errors = [], {}
    for dimension in indicator.disaggregations:
        values = {}
        for category, _label in categories(dimension):
            name = breakdown_field(dimension, category)
            try:
                value = parse_value(raw.get(name), name, required=False, measure=indicator.measure)
            except InputError as refused:
                errors.update(refused.errors)
                continue
            if value is not None:
                values[category] = value
        if indicator.is_additive and sum(values.values(), Decimal(0)) != total:
            errors[f"b-{dimension}"] = [
                _(
                    "The values by %(dimension)s add up to %(sum)s, not to the total of "
                    '%(total)s: correct them (put what is not known under "Not stated").',
                    dimension=str(Dimension(dimension).label).lower(),
                    sum=format_number(sum(values.values(), Decimal(0))),
                    total=format_number(total),
                )
            ]
        rows.extend((dimension, c, v) for c, v in values.items())
    if errors:
        raise InputError(errors)
    return rows


def record_actual(report: GrantReport, item: AwardIndicator, user, data: dict) -> IndicatorActual:
    """Record (or correct) the value of ``item`` for ``report``; ``data`` holds ``value``,
    ``evidence_note`` and the breakdown fields. A corrected value is reported again."""
    refuse_if_closed(report.award)
    if report.award_id != item.award_id or report.kind not in RESULT_KINDS:
        raise InputError({"": [_("This report does not carry this indicator.")]})
    if report.status not in EDITABLE_REPORT:
        raise InputError({"": [_("The report has been submitted: its values cannot change.")]})
    total = parse_value(data.get("value"), "value", measure=item.indicator.measure)
    rows = _breakdown(item, total, data)
    actual = item.actual_for(report.id)
    before = None
    if actual is None:
        actual = IndicatorActual(
            report_id=report.id,
            measure=item.indicator.measure,
            value=total,
            status=ActualStatus.REPORTED.value,
        )
        item.actuals.append(actual)
    else:
        before = {"value": actual.value, "status": actual.status}
    if actual.status != ActualStatus.REPORTED:
        INDICATOR_ACTUAL.move(actual, "correct", user=user)
    actual.value = total
    actual.evidence_note = (data.get("evidence_note") or "").strip()
    actual.reported_by_id = user.id
    actual.reported_dt = now_utc()
    actual.reviewed_by_id = actual.reviewed_dt = None
    actual.breakdown.clear()
    db.session.flush()
    actual.breakdown.extend(
        IndicatorActualBreakdown(dimension=d, category=c, value=v) for d, c, v in rows
    )
    db.session.flush()
    record(
        "indicator_actual.recorded",
        actual,
        changes={
            "indicator": item.indicator.code,
            "report_id": report.id,
            "value": [before and before["value"], total],
            "breakdown": {f"{d}:{c}": v for d, c, v in rows},
        },
        user=user,
    )
    return actual


def _require_under_review(actual: IndicatorActual) -> None:
    if actual.report.status != ReportStatus.SUBMITTED.value:
        raise InputError({"": [_("Values are reviewed while the report waits for a decision.")]})


def verify_actual(actual: IndicatorActual, user) -> IndicatorActual:
    refuse_if_closed(actual.report.award)
    _require_under_review(actual)
    INDICATOR_ACTUAL.move(
        actual,
        "verify",
        changes={"status": [actual.status, ActualStatus.VERIFIED.value], "value": actual.value},
        user=user,
        refusal=_("This value is already verified."),
    )
    actual.staff_comment = ""
    actual.reviewed_by_id, actual.reviewed_dt = user.id, now_utc()
    db.session.flush()
    return actual


def question_actual(actual: IndicatorActual, user, comment: str | None) -> IndicatorActual:
    refuse_if_closed(actual.report.award)
    comment = (comment or "").strip()
    if not comment:
        raise InputError({"comment": [_("Explain what is wrong with the value.")]})
    _require_under_review(actual)
    INDICATOR_ACTUAL.move(
        actual,
        "question",
        changes={
            "status": [actual.status, ActualStatus.QUESTIONED.value],
            "value": actual.value,
            "comment": comment,
        },
        user=user,
        refusal=_("This value is already questioned."),
    )
    actual.staff_comment = comment
    actual.reviewed_by_id, actual.reviewed_dt = user.id, now_utc()
    db.session.flush()
    return actual


# What the report page needs (registered with portal.reports.extensions) ---------------------
def progress(report: GrantReport) -> tuple[int, int, int]:
    """(entered, questioned, total) indicators of the report's award for this report."""
    items = award_indicators(report.award_id)
    actuals = [i.actual_for(report.id) for i in items]
    entered = sum(1 for a in actuals if a is not None)
    questioned = sum(1 for a in actuals if a is not None and a.status == ActualStatus.QUESTIONED)
    return entered, questioned, len(items)


def submission_problems(report: GrantReport) -> list[str]:
    if report.kind not in RESULT_KINDS:
        return []
    problems = []
    for item in award_indicators(report.award_id):
        actual = item.actual_for(report.id)
        name = item.indicator.name(current_language())
        if actual is None:
            problems.append(_('Enter the value of the indicator "%(name)s".', name=name))
        elif actual.status == ActualStatus.QUESTIONED:
            problems.append(
                _('Correct the questioned value of the indicator "%(name)s".', name=name)
            )
    return problems
