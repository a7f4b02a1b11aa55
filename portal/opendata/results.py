"""The results indicators of published grants, for IATI's ``<result>`` elements: per award,
each indicator with its baseline, its targets per progress report period and the values
reported in approved reports (questioned values are left out), with their breakdown by sex and
state. Aggregates only: no personal data. One query for the whole file."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.core.db import db
from portal.reports.constants import ReportStatus
from portal.reports.models import GrantReport
from portal.results.constants import ActualStatus
from portal.results.models import (
    AwardIndicator,
    Indicator,
    IndicatorActual,
    IndicatorActualBreakdown,
    IndicatorTarget,
)


@dataclass
class Period:
    start: date
    end: date
    target: Decimal | None
    actual: Decimal | None
    dimensions: list[tuple[str, str, Decimal]] = field(default_factory=list)


@dataclass
class PublishedIndicator:
    code: str
    name_es: str
    name_en: str
    definition_es: str
    definition_en: str
    measure: str
    direction: str
    level: str
    baseline_year: int | None
    baseline_value: Decimal | None
    periods: list[Period]


def of_awards(award_ids: list[int]) -> dict[int, list[PublishedIndicator]]:
    """Three statements whatever the number of grants: the award indicators, their targets,
    and the approved values with their breakdown."""
    items = db.session.execute(
        select(
            AwardIndicator.id,
            AwardIndicator.award_id,
            AwardIndicator.baseline_year,
            AwardIndicator.baseline_value,
            Indicator,
        )
        .join(Indicator, Indicator.id == AwardIndicator.indicator_id)
        .where(AwardIndicator.award_id.in_(award_ids))
        .order_by(AwardIndicator.award_id, Indicator.code)
    ).all()
    periods: dict[int, dict[int, Period]] = defaultdict(dict)
    targets = db.session.execute(
        select(
            IndicatorTarget.award_indicator_id,
            IndicatorTarget.value,
            GrantReport.id,
            GrantReport.period_start,
            GrantReport.period_end,
        )
        .join(GrantReport, GrantReport.id == IndicatorTarget.report_id)
        .where(GrantReport.award_id.in_(award_ids))
    ).all()
    for t in targets:
        periods[t.award_indicator_id][t.id] = Period(t.period_start, t.period_end, t.value, None)
    actuals = db.session.execute(
        select(
            IndicatorActual.award_indicator_id,
            IndicatorActual.value,
            GrantReport.id,
            GrantReport.period_start,
            GrantReport.period_end,
            IndicatorActualBreakdown.dimension,
            IndicatorActualBreakdown.category,
            IndicatorActualBreakdown.value.label("part"),
        )
        .join(GrantReport, GrantReport.id == IndicatorActual.report_id)
        .outerjoin(
            IndicatorActualBreakdown,
            (IndicatorActualBreakdown.actual_id == IndicatorActual.id)
            & IndicatorActualBreakdown.dimension.in_(("sex", "state")),
        )
        .where(
            GrantReport.award_id.in_(award_ids),
            GrantReport.status == ReportStatus.APPROVED.value,
            IndicatorActual.status != ActualStatus.QUESTIONED.value,
        )
        .order_by(IndicatorActualBreakdown.id)
    ).all()
    for a in actuals:
        period = periods[a.award_indicator_id].setdefault(
            a.id, Period(a.period_start, a.period_end, None, None)
        )
        period.actual = a.value
        if a.dimension is not None:
            period.dimensions.append((a.dimension, a.category, a.part))
    out: dict[int, list[PublishedIndicator]] = defaultdict(list)
    for item in items:
        ind = item.Indicator
        out[item.award_id].append(
            PublishedIndicator(
                ind.code,
                ind.name_es,
                ind.name_en,
                ind.definition_es,
                ind.definition_en,
                ind.measure,
                ind.direction,
                ind.level,
                item.baseline_year,
                item.baseline_value,
                sorted(periods[item.id].values(), key=lambda p: p.end),
            )
        )
    return out
