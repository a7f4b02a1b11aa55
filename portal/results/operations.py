"""Business logic of results indicators: the programme's catalogue, the indicators each award
reports on (baseline and a target per progress report), the actuals a progress report carries
(with their breakdown by dimension) and staff's review of each actual.

Operations validate (``InputError`` with translated messages keyed by form field), change
state, write the audit entry and flush; they never commit.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.audit.operations import diff, record
from portal.awards.closure import refuse_if_closed
from portal.core.db import db
from portal.core.errors import InputError
from portal.core.text import PLAIN_DECIMAL
from portal.reports.constants import ReportKind
from portal.reports.models import GrantReport
from portal.results.constants import (
    Dimension,
    Direction,
    IndicatorLevel,
    Measure,
)
from portal.results.models import (
    AwardIndicator,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
)

VALUE_LIMIT = Decimal("1000000000000")  # Numeric(14, 2)
RESULT_KINDS = tuple(k.value for k in ReportKind if k.carries_results)
INDICATOR_FIELDS = (
    "code",
    "name_es",
    "name_en",
    "definition_es",
    "definition_en",
    "unit_es",
    "unit_en",
    "measure",
    "direction",
    "level",
    "disaggregations",
)


# Values -------------------------------------------------------------------------------------
def parse_value(raw, field: str, *, required: bool = True, measure: str = "count"):
    """A plain, finite, non-negative decimal with at most two decimals (blank → None when not
    required); percentages at most 100. Raises ``InputError`` keyed by ``field``."""
    if isinstance(raw, Decimal):
        raw = str(raw)
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise InputError({field: [_("Enter a value.")]})
        return None
    if not PLAIN_DECIMAL.fullmatch(raw):
        raise InputError({field: [_("Enter a number such as 120 or 87.5.")]})
    value = Decimal(raw)
    if value < 0:
        raise InputError({field: [_("The value cannot be negative.")]})
    if value >= VALUE_LIMIT:
        raise InputError({field: [_("This number is too large.")]})
    if value.as_tuple().exponent < -2:
        raise InputError({field: [_("Use at most two decimal places.")]})
    if measure == Measure.PERCENTAGE and value > 100:
        raise InputError({field: [_("A percentage cannot be above 100.")]})
    if measure == Measure.COUNT and value != value.to_integral_value():
        raise InputError({field: [_("A count is a whole number.")]})
    return value.quantize(Decimal("0.01"))


# Catalogue ----------------------------------------------------------------------------------
def indicators_of(programme_id: int, *, active_only: bool = False) -> list[Indicator]:
    query = select(Indicator).where(Indicator.programme_id == programme_id)
    if active_only:
        query = query.where(Indicator.active.is_(True))
    return list(db.session.scalars(query.order_by(Indicator.code)))


def _clean_indicator(data: dict, programme_id: int, indicator: Indicator | None) -> dict:
    clean = {k: data.get(k) for k in INDICATOR_FIELDS}
    for key in (
        "code",
        "name_es",
        "name_en",
        "definition_es",
        "definition_en",
        "unit_es",
        "unit_en",
    ):
        clean[key] = (clean[key] or "").strip()
    clean["code"] = clean["code"].upper()
    errors: dict[str, list[str]] = {}
    for key in ("code", "name_es", "name_en", "definition_es", "definition_en"):
        if not clean[key]:
            errors[key] = [_("This field is required.")]
    if clean["measure"] not in {m.value for m in Measure}:
        errors["measure"] = [_("Choose how the indicator is measured.")]
    if clean["direction"] not in {d.value for d in Direction}:
        errors["direction"] = [_("Choose whether higher or lower values are better.")]
    if clean["level"] not in {lv.value for lv in IndicatorLevel}:
        errors["level"] = [_("Choose output or outcome.")]
    chosen = set(clean["disaggregations"] or ())
    if chosen - {d.value for d in Dimension}:
        errors["disaggregations"] = [_("Choose among the dimensions offered.")]
    clean["disaggregations"] = [d.value for d in Dimension if d.value in chosen]
    if clean["code"] and "code" not in errors:
        taken = db.session.scalar(
            select(Indicator.id).where(
                Indicator.programme_id == programme_id,
                func.upper(Indicator.code) == clean["code"],
                Indicator.id != (indicator.id if indicator else 0),
            )
        )
        if taken:
            errors["code"] = [_("Another indicator of this programme already uses this code.")]
    if indicator is not None and clean["measure"] != indicator.measure and _has_values(indicator):
        errors["measure"] = [
            _("Values have been reported for this indicator: its measure cannot change.")
        ]
    if errors:
        raise InputError(errors)
    return clean


def _has_values(indicator: Indicator) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(IndicatorActual.id))
            .join(AwardIndicator, AwardIndicator.id == IndicatorActual.award_indicator_id)
            .where(AwardIndicator.indicator_id == indicator.id)
        )
    )


def create_indicator(programme, user, data: dict) -> Indicator:
    clean = _clean_indicator(data, programme.id, None)
    indicator = Indicator(programme_id=programme.id, active=True, **clean)
    db.session.add(indicator)
    db.session.flush()
    record("indicator.created", indicator, changes=indicator.audit_fields(), user=user)
    return indicator


def update_indicator(indicator: Indicator, user, data: dict) -> Indicator:
    clean = _clean_indicator(data, indicator.programme_id, indicator)
    before = indicator.audit_fields()
    for key, value in clean.items():
        setattr(indicator, key, value)
    changes = diff(before, indicator.audit_fields())
    if changes:
        db.session.flush()
        record("indicator.updated", indicator, changes=changes, user=user)
    return indicator


def set_active(indicator: Indicator, user, active: bool) -> Indicator:
    if indicator.active != active:
        indicator.active = active
        db.session.flush()
        record("indicator.updated", indicator, changes={"active": [not active, active]}, user=user)
    return indicator


# An award's indicators ----------------------------------------------------------------------
def result_reports(award_id: int) -> list[GrantReport]:
    """The award's progress reports (periodic and final), in period order."""
    return list(
        db.session.scalars(
            select(GrantReport)
            .where(GrantReport.award_id == award_id, GrantReport.kind.in_(RESULT_KINDS))
            .order_by(GrantReport.period_end, GrantReport.id)
        )
    )


def award_indicators(award_id: int) -> list[AwardIndicator]:
    return list(
        db.session.scalars(
            select(AwardIndicator)
            .join(Indicator)
            .where(AwardIndicator.award_id == award_id)
            .order_by(Indicator.code)
        )
    )


def _baseline(data: dict, measure: str) -> tuple[Decimal | None, int | None, str]:
    value = parse_value(
        data.get("baseline_value"), "baseline_value", required=False, measure=measure
    )
    year = data.get("baseline_year")
    if year is not None and not 2000 <= int(year) <= 2100:
        raise InputError({"baseline_year": [_("Enter a year between 2000 and 2100.")]})
    if value is not None and year is None:
        raise InputError({"baseline_year": [_("Give the year the baseline was measured.")]})
    return value, year, (data.get("baseline_note") or "").strip()


def _set_targets(item: AwardIndicator, targets: dict, reports: list[GrantReport]) -> dict:
    """``targets``: report id → raw value (blank: no target for that period)."""
    measure = item.indicator.measure
    changes = {}
    for report in reports:
        raw = targets.get(report.id)
        value = parse_value(raw, f"target-{report.id}", required=False, measure=measure)
        current = item.target_for(report.id)
        if value is None:
            if current is not None:
                changes[f"target {report.period_end.isoformat()}"] = [current.value, None]
                item.targets.remove(current)
            continue
        if current is None:
            item.targets.append(IndicatorTarget(report_id=report.id, value=value, measure=measure))
            changes[f"target {report.period_end.isoformat()}"] = [None, value]
        elif current.value != value:
            changes[f"target {report.period_end.isoformat()}"] = [current.value, value]
            current.value = value
    return changes


def add_award_indicator(award, user, indicator_id: int | None, data: dict) -> AwardIndicator:
    refuse_if_closed(award)
    indicator = db.session.get(Indicator, indicator_id) if indicator_id else None
    if indicator is None or indicator.programme_id != award.programme_id or not indicator.active:
        raise InputError({"indicator_id": [_("Choose an active indicator of the programme.")]})
    exists = db.session.scalar(
        select(AwardIndicator.id).where(
            AwardIndicator.award_id == award.id, AwardIndicator.indicator_id == indicator.id
        )
    )
    if exists:
        raise InputError({"indicator_id": [_("The grant already reports on this indicator.")]})
    value, year, note = _baseline(data, indicator.measure)
    item = AwardIndicator(
        award_id=award.id,
        indicator=indicator,
        baseline_value=value,
        baseline_year=year,
        baseline_note=note,
    )
    db.session.add(item)
    changes = _set_targets(item, data.get("targets") or {}, result_reports(award.id))
    db.session.flush()
    record(
        "award_indicator.added",
        item,
        changes={"indicator": indicator.code, "baseline": [year, value], **changes},
        user=user,
    )
    return item


def update_award_indicator(item: AwardIndicator, user, data: dict) -> AwardIndicator:
    refuse_if_closed(item.award)
    value, year, note = _baseline(data, item.indicator.measure)
    changes = diff(
        {
            "baseline_value": item.baseline_value,
            "baseline_year": item.baseline_year,
            "baseline_note": item.baseline_note,
        },
        {"baseline_value": value, "baseline_year": year, "baseline_note": note},
    )
    item.baseline_value, item.baseline_year, item.baseline_note = value, year, note
    changes.update(_set_targets(item, data.get("targets") or {}, result_reports(item.award_id)))
    if changes:
        db.session.flush()
        record("award_indicator.updated", item, changes=changes, user=user)
    return item


def remove_award_indicator(item: AwardIndicator, user) -> None:
    refuse_if_closed(item.award)
    if item.actuals:
        raise InputError(
            {"": [_("Values have been reported for this indicator: it cannot be removed.")]}
        )
    record("award_indicator.removed", item, changes={"indicator": item.indicator.code}, user=user)
    db.session.delete(item)
    db.session.flush()
