"""Results indicators: a programme's catalogue (``Indicator``), the indicators an award
reports on with their baseline (``AwardIndicator``), a target per progress report
(``IndicatorTarget``), the value reported for that report (``IndicatorActual``) and its
breakdown by dimension (``IndicatorActualBreakdown``).

Only aggregates are stored (numbers of people, cases, days): never personal data.

Invariants held by the database: known measure, direction, level, status and dimension; one
code per programme, one award indicator per award and indicator, one target and one actual per
award indicator and report, one breakdown value per actual, dimension and category; values
never negative; percentages within 0–100; a verified or questioned value has its reviewer and
time, a questioned one its comment. That a count's breakdown adds up to its total is checked
by ``actuals.record_actual``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.awards.models import Award
from portal.core.db import Base, now_utc
from portal.reports.models import GrantReport
from portal.results.constants import (
    ActualStatus,
    Dimension,
    Direction,
    IndicatorLevel,
    Measure,
)


def _in(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum)})"


def Value() -> Numeric:  # noqa: N802 - reads like a type
    """An indicator value: up to 12 digits before the point, 2 after (exact, Decimal)."""
    return Numeric(14, 2)


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(_in("measure", Measure), name="measure_known"),
        CheckConstraint(_in("direction", Direction), name="direction_known"),
        CheckConstraint(_in("level", IndicatorLevel), name="level_known"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
        UniqueConstraint("programme_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    name_es: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    definition_es: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    unit_es: Mapped[str] = mapped_column(String(100), default="")
    unit_en: Mapped[str] = mapped_column(String(100), default="")
    measure: Mapped[str] = mapped_column(String(12))
    direction: Mapped[str] = mapped_column(String(10), default=Direction.INCREASE.value)
    level: Mapped[str] = mapped_column(String(10), default=IndicatorLevel.OUTPUT.value)
    disaggregations: Mapped[list] = mapped_column(JSON, default=list)  # Dimension values
    active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    audit_type = "indicator"

    @property
    def measure_enum(self) -> Measure:
        return Measure(self.measure)

    @property
    def direction_enum(self) -> Direction:
        return Direction(self.direction)

    @property
    def is_additive(self) -> bool:
        return self.measure_enum.is_additive

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_es

    def definition(self, language: str) -> str:
        return self.definition_en if language == "en" else self.definition_es

    def unit(self, language: str) -> str:
        return self.unit_en if language == "en" else self.unit_es

    def audit_fields(self) -> dict:
        return {
            "code": self.code,
            "name_es": self.name_es,
            "name_en": self.name_en,
            "definition_es": self.definition_es,
            "definition_en": self.definition_en,
            "unit_es": self.unit_es,
            "unit_en": self.unit_en,
            "measure": self.measure,
            "direction": self.direction,
            "level": self.level,
            "disaggregations": list(self.disaggregations or []),
            "active": self.active,
        }


class AwardIndicator(Base):
    __tablename__ = "award_indicators"
    __table_args__ = (
        CheckConstraint(
            "baseline_value IS NULL OR baseline_value >= 0", name="baseline_not_negative"
        ),
        CheckConstraint(
            "baseline_year IS NULL OR (baseline_year >= 2000 AND baseline_year <= 2100)",
            name="baseline_year_plausible",
        ),
        UniqueConstraint("award_id", "indicator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    baseline_value: Mapped[Decimal | None] = mapped_column(Value())
    baseline_year: Mapped[int | None]
    baseline_note: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(default=now_utc)

    award: Mapped[Award] = relationship()
    indicator: Mapped[Indicator] = relationship(lazy="joined", innerjoin=True)
    targets: Mapped[list[IndicatorTarget]] = relationship(
        back_populates="award_indicator", cascade="all, delete-orphan", lazy="selectin"
    )
    actuals: Mapped[list[IndicatorActual]] = relationship(
        back_populates="award_indicator", cascade="all, delete-orphan", lazy="selectin"
    )

    audit_type = "award_indicator"

    def target_for(self, report_id: int) -> IndicatorTarget | None:
        return next((t for t in self.targets if t.report_id == report_id), None)

    def actual_for(self, report_id: int) -> IndicatorActual | None:
        return next((a for a in self.actuals if a.report_id == report_id), None)


class IndicatorTarget(Base):
    __tablename__ = "indicator_targets"
    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint(_in("measure", Measure), name="measure_known"),
        CheckConstraint("measure != 'percentage' OR value <= 100", name="percentage_within_100"),
        UniqueConstraint("award_indicator_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_indicator_id: Mapped[int] = mapped_column(
        ForeignKey("award_indicators.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int] = mapped_column(
        ForeignKey("grant_reports.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[Decimal] = mapped_column(Value())
    measure: Mapped[str] = mapped_column(String(12))  # the indicator's, for the CHECK

    award_indicator: Mapped[AwardIndicator] = relationship(back_populates="targets")
    report: Mapped[GrantReport] = relationship()  # the page holds the reports already

    audit_type = "indicator_target"


class IndicatorActual(Base):
    __tablename__ = "indicator_actuals"
    __table_args__ = (
        CheckConstraint(_in("status", ActualStatus), name="status_known"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint(_in("measure", Measure), name="measure_known"),
        CheckConstraint("measure != 'percentage' OR value <= 100", name="percentage_within_100"),
        CheckConstraint(
            "status = 'reported' OR (reviewed_by_id IS NOT NULL AND reviewed_dt IS NOT NULL)",
            name="review_recorded",
        ),
        CheckConstraint(
            "status != 'questioned' OR length(staff_comment) > 0", name="question_explained"
        ),
        UniqueConstraint("award_indicator_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_indicator_id: Mapped[int] = mapped_column(
        ForeignKey("award_indicators.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int] = mapped_column(
        ForeignKey("grant_reports.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[Decimal] = mapped_column(Value())
    measure: Mapped[str] = mapped_column(String(12))  # the indicator's, for the CHECK
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=ActualStatus.REPORTED.value)
    staff_comment: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_dt: Mapped[datetime] = mapped_column(default=now_utc)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_dt: Mapped[datetime | None]

    award_indicator: Mapped[AwardIndicator] = relationship(back_populates="actuals")
    report: Mapped[GrantReport] = relationship()  # the page holds the reports already
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    breakdown: Mapped[list[IndicatorActualBreakdown]] = relationship(
        back_populates="actual",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="IndicatorActualBreakdown.id",
    )

    audit_type = "indicator_actual"

    @property
    def status_enum(self) -> ActualStatus:
        return ActualStatus(self.status)

    def breakdown_of(self, dimension: str) -> dict[str, Decimal]:
        return {b.category: b.value for b in self.breakdown if b.dimension == dimension}


class IndicatorActualBreakdown(Base):
    __tablename__ = "indicator_actual_breakdowns"
    __table_args__ = (
        CheckConstraint(_in("dimension", Dimension), name="dimension_known"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("length(category) > 0", name="category_not_empty"),
        UniqueConstraint("actual_id", "dimension", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actual_id: Mapped[int] = mapped_column(
        ForeignKey("indicator_actuals.id", ondelete="CASCADE"), index=True
    )
    dimension: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal] = mapped_column(Value())

    actual: Mapped[IndicatorActual] = relationship(back_populates="breakdown")

    audit_type = "indicator_actual_breakdown"
