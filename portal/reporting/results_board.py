"""Figures of the results dashboard: target against actual per indicator, for the active
grants in the finance dashboard's scope (``filters.award_scope``), grouped by programme, call,
state or grantee. The period filter applies to the progress reports' period end.

How values combine:
- counts add up: the group's target is the sum of its targets, its actual the sum of the
  values reported (every period of every grant in scope);
- percentages and averages do not: the group shows the plain mean of the values reported per
  grant and period (and of the targets), labelled as such; the table per grant shows each.
Only a target and an actual of the same grant and period are compared ("% of target" uses the
periods that have both). One query; aggregation in Python (a programme has tens of grants).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, true

from portal.applications.models import Application
from portal.awards.models import Award
from portal.calls.models import Call, Programme
from portal.core.db import db
from portal.core.i18n import current_language
from portal.core.spreadsheets import batched
from portal.organisations.mexican_states import BY_INEGI
from portal.organisations.models import Organisation
from portal.reporting.filters import ReportFilter, award_scope, in_period
from portal.reports.models import GrantReport
from portal.results.models import AwardIndicator, Indicator, IndicatorActual, IndicatorTarget

GROUPINGS = {
    "programme": _l("Programme"),
    "call": _l("Call"),
    "state": _l("State"),
    "grantee": _l("Grantee organisation"),
}


@dataclass
class Row:
    """One grant, indicator and progress report."""

    award_id: int
    reference: str
    grantee: str
    state_code: str
    programme: str
    call: str
    indicator_id: int
    code: str
    name: str
    measure: str
    period_start: object
    period_end: object
    target: Decimal | None
    actual: Decimal | None
    status: str | None


@dataclass
class Figure:
    label: str
    grants: set = field(default_factory=set)
    targets: list = field(default_factory=list)
    actuals: list = field(default_factory=list)
    paired_targets: list = field(default_factory=list)
    paired_actuals: list = field(default_factory=list)
    additive: bool = True

    def _combine(self, values: list) -> Decimal | None:
        if not values:
            return None
        total = sum(values, Decimal(0))
        if self.additive:
            return total
        return (total / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def target(self) -> Decimal | None:
        return self._combine(self.targets)

    @property
    def actual(self) -> Decimal | None:
        return self._combine(self.actuals)

    @property
    def achieved(self) -> Decimal | None:
        """Actual as a percentage of the target, over the periods that have both."""
        target = self._combine(self.paired_targets)
        actual = self._combine(self.paired_actuals)
        if not target or actual is None:
            return None
        return (actual * 100 / target).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class IndicatorBoard:
    code: str
    name: str
    measure: str
    total: Figure
    groups: list[Figure]
    grants: list[Figure]

    @property
    def additive(self) -> bool:
        return self.measure == "count"


def grantees(f: ReportFilter, user) -> list[tuple[int, str]]:
    """The grantee organisations of the awards in scope (the grantee filter's choices)."""
    return [
        (r.id, r.legal_name)
        for r in db.session.execute(
            select(Organisation.id, Organisation.legal_name)
            .where(
                Organisation.id.in_(
                    select(Award.organisation_id).where(
                        Award.id.in_(award_scope(ReportFilter(), user))
                    )
                )
            )
            .order_by(Organisation.legal_name)
        )
    ]


def rows(f: ReportFilter, user, grantee_id: int | None = None) -> list[Row]:
    return [_as_row(r, current_language()) for r in db.session.execute(query(f, user, grantee_id))]


def stream(statement) -> Iterator[Row]:
    """The rows of ``query(...)`` read in batches (the results export, streamed)."""
    lang = current_language()
    for r in batched(statement):
        yield _as_row(r, lang)


def query(f: ReportFilter, user, grantee_id: int | None = None):
    """One row per indicator, grant and progress report with a target or an actual."""
    return (
        select(
            Award.id,
            Application.reference,
            Organisation.legal_name,
            Organisation.state_code,
            Programme.name_es,
            Programme.name_en,
            Call.code.label("call_code"),
            Indicator.id.label("indicator_id"),
            Indicator.code,
            Indicator.name_es.label("ind_es"),
            Indicator.name_en.label("ind_en"),
            Indicator.measure,
            GrantReport.period_start,
            GrantReport.period_end,
            IndicatorTarget.value.label("target"),
            IndicatorActual.value.label("actual"),
            IndicatorActual.status,
        )
        .select_from(AwardIndicator)
        .join(Indicator, Indicator.id == AwardIndicator.indicator_id)
        .join(Award, Award.id == AwardIndicator.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Programme, Programme.id == Award.programme_id)
        .join(Call, Call.id == Award.call_id)
        .join(GrantReport, GrantReport.award_id == Award.id)
        .outerjoin(
            IndicatorTarget,
            and_(
                IndicatorTarget.award_indicator_id == AwardIndicator.id,
                IndicatorTarget.report_id == GrantReport.id,
            ),
        )
        .outerjoin(
            IndicatorActual,
            and_(
                IndicatorActual.award_indicator_id == AwardIndicator.id,
                IndicatorActual.report_id == GrantReport.id,
            ),
        )
        .where(
            Award.id.in_(award_scope(f, user)),
            GrantReport.kind.in_(("progress", "final_progress")),
            in_period(GrantReport.period_end, f),
            (IndicatorTarget.id.is_not(None)) | (IndicatorActual.id.is_not(None)),
            Award.organisation_id == grantee_id if grantee_id else true(),
        )
        .order_by(Indicator.code, Application.reference, GrantReport.period_end)
    )


def _as_row(r, lang: str) -> Row:
    return Row(
        award_id=r.id,
        reference=r.reference or "",
        grantee=r.legal_name,
        state_code=r.state_code,
        programme=(r.name_en if lang == "en" else r.name_es) or r.name_es,
        call=r.call_code,
        indicator_id=r.indicator_id,
        code=r.code,
        name=(r.ind_en if lang == "en" else r.ind_es) or r.ind_es,
        measure=r.measure,
        period_start=r.period_start,
        period_end=r.period_end,
        target=r.target,
        actual=r.actual,
        status=r.status,
    )


def _key(row: Row, by: str) -> str:
    if by == "call":
        return row.call
    if by == "state":
        state = BY_INEGI.get(row.state_code)
        return state.name if state else "—"
    if by == "grantee":
        return row.grantee
    return row.programme


def _add(figure: Figure, row: Row) -> None:
    figure.grants.add(row.award_id)
    if row.target is not None:
        figure.targets.append(row.target)
    if row.actual is not None:
        figure.actuals.append(row.actual)
    if row.target is not None and row.actual is not None:
        figure.paired_targets.append(row.target)
        figure.paired_actuals.append(row.actual)


def build(
    f: ReportFilter, user, by: str = "programme", grantee_id: int | None = None
) -> list[IndicatorBoard]:
    by = by if by in GROUPINGS else "programme"
    boards: dict[int, IndicatorBoard] = {}
    groups: dict[int, dict[str, Figure]] = defaultdict(dict)
    grants: dict[int, dict[int, Figure]] = defaultdict(dict)
    for row in rows(f, user, grantee_id):
        additive = row.measure == "count"
        board = boards.get(row.indicator_id)
        if board is None:
            board = boards[row.indicator_id] = IndicatorBoard(
                row.code, row.name, row.measure, Figure("", additive=additive), [], []
            )
        _add(board.total, row)
        key = _key(row, by)
        group = groups[row.indicator_id].setdefault(key, Figure(key, additive=additive))
        _add(group, row)
        label = f"{row.reference} · {row.grantee}"
        grant = grants[row.indicator_id].setdefault(row.award_id, Figure(label, additive=additive))
        _add(grant, row)
    for indicator_id, board in boards.items():
        board.groups = sorted(groups[indicator_id].values(), key=lambda g: g.label)
        board.grants = sorted(grants[indicator_id].values(), key=lambda g: g.label)
    return list(boards.values())
