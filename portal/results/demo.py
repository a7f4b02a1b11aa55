"""Demo data for results indicators (a stage of ``portal.demo.seed.STAGES``, after the reports
stage): the catalogue of the demo programme and, for each of its active grants, three
indicators with a baseline, a target per progress report and, for the progress reports already
submitted or approved, the values reported (disaggregated by sex and state), verified when the
report is approved.

Source of the indicators: they follow the output and outcome indicators of USAID's justice
sector programmes in Mexico (e.g. "number of people who received legal aid", "cases resolved
through alternative dispute resolution", "justice sector personnel trained", average case
processing time), phrased for the Ley Nacional de Mecanismos Alternativos de Solución de
Controversias en Materia Penal (acuerdos reparatorios). Only aggregates: no personal data.

Idempotent (indicators by programme and code, award indicators by award and indicator,
targets and actuals by report); no audit entries, no e-mail, no commit.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.awards.constants import AwardStatus
from portal.awards.models import Award
from portal.calls.demo import PROGRAMME
from portal.calls.models import Programme
from portal.core.db import db, now_utc
from portal.reports.models import GrantReport
from portal.results.models import (
    AwardIndicator,
    Indicator,
    IndicatorActual,
    IndicatorActualBreakdown,
    IndicatorTarget,
)

D = Decimal

INDICATORS = (
    dict(
        code="JC-01",
        name_es="Personas que recibieron asesoría jurídica gratuita",
        name_en="People who received free legal advice",
        definition_es=(
            "Número de personas distintas que recibieron al menos una sesión de asesoría u "
            "orientación jurídica gratuita, presencial o a distancia, de personal de la "
            "organización durante el periodo. Una persona atendida varias veces en el periodo "
            "se cuenta una vez. Fuente: registro de atención de la organización."
        ),
        definition_en=(
            "Number of distinct people who received at least one free legal advice or "
            "guidance session, in person or remotely, from the organisation's staff during "
            "the period. A person served several times in the period counts once. Source: "
            "the organisation's service register."
        ),
        unit_es="personas",
        unit_en="people",
        measure="count",
        direction="increase",
        level="output",
        disaggregations=["sex", "age_group", "state"],
    ),
    dict(
        code="JC-02",
        name_es="Casos canalizados a mecanismos alternativos de solución de controversias",
        name_en="Cases referred to alternative dispute resolution mechanisms",
        definition_es=(
            "Número de casos (carpetas de investigación o expedientes) que la organización "
            "canalizó durante el periodo a un órgano especializado en mecanismos alternativos "
            "de solución de controversias (mediación, conciliación o junta restaurativa) y que "
            "este aceptó. Fuente: constancias de canalización y acuse del órgano."
        ),
        definition_en=(
            "Number of cases (investigation files or case files) the organisation referred "
            "during the period to a body specialised in alternative dispute resolution "
            "(mediation, conciliation or restorative meeting) and that body accepted. Source: "
            "referral records and the body's acknowledgement."
        ),
        unit_es="casos",
        unit_en="cases",
        measure="count",
        direction="increase",
        level="output",
        disaggregations=["state", "institution_type"],
    ),
    dict(
        code="JC-03",
        name_es="Personas servidoras públicas capacitadas",
        name_en="Public servants trained",
        definition_es=(
            "Número de personas servidoras públicas de instituciones de justicia que "
            "concluyeron una capacitación de al menos 8 horas impartida o financiada por el "
            "proyecto, con asistencia mínima del 80\u00a0%. Fuente: listas de asistencia y "
            "constancias."
        ),
        definition_en=(
            "Number of public servants of justice institutions who completed a training of "
            "at least 8 hours given or funded by the project, with at least 80% attendance. "
            "Source: attendance lists and certificates."
        ),
        unit_es="personas",
        unit_en="people",
        measure="count",
        direction="increase",
        level="output",
        disaggregations=["sex", "state", "institution_type"],
    ),
    dict(
        code="JC-04",
        name_es="Tiempo promedio de resolución de casos (días)",
        name_en="Average time to resolve cases (days)",
        definition_es=(
            "Promedio de días naturales entre el inicio del caso (denuncia o solicitud) y su "
            "conclusión (acuerdo, resolución o sentencia) de los casos concluidos en el periodo "
            "en los que intervino la organización. Fuente: expedientes."
        ),
        definition_en=(
            "Average calendar days between the start of a case (complaint or request) and its "
            "conclusion (agreement, decision or judgment), over the cases concluded in the "
            "period in which the organisation took part. Source: case files."
        ),
        unit_es="días",
        unit_en="days",
        measure="average",
        direction="decrease",
        level="outcome",
        disaggregations=["state"],
    ),
    dict(
        code="JC-05",
        name_es="Porcentaje de acuerdos reparatorios cumplidos",
        name_en="Percentage of restorative agreements fulfilled",
        definition_es=(
            "Acuerdos reparatorios cumplidos en su totalidad entre los acuerdos reparatorios "
            "cuyo plazo de cumplimiento venció en el periodo, por cien. Fuente: seguimiento "
            "del órgano especializado."
        ),
        definition_en=(
            "Restorative agreements fully complied with, over the restorative agreements whose "
            "compliance deadline fell in the period, times one hundred. Source: the "
            "specialised body's follow-up."
        ),
        unit_es="%",
        unit_en="%",
        measure="percentage",
        direction="increase",
        level="outcome",
        disaggregations=["state"],
    ),
)

# Per grant: indicator code -> (baseline, target per progress report).
PLAN = {"JC-01": (D(0), D(120)), "JC-02": (D(0), D(30)), "JC-05": (D(55), D(70))}


def seed_results(world) -> None:
    programme = db.session.scalar(select(Programme).filter_by(name_es=PROGRAMME["name_es"]))
    if programme is None:
        return
    catalogue = {i["code"]: _indicator(world, programme, i) for i in INDICATORS}
    awards = db.session.scalars(
        select(Award)
        .where(Award.programme_id == programme.id, Award.status == AwardStatus.ACTIVE.value)
        .order_by(Award.id)
    ).all()
    for award in awards:
        for code, (baseline, target) in PLAN.items():
            _award_indicator(world, award, catalogue[code], baseline, target)
    db.session.flush()


def _indicator(world, programme, spec) -> Indicator:
    indicator = db.session.scalar(
        select(Indicator).filter_by(programme_id=programme.id, code=spec["code"])
    )
    if indicator is None:
        indicator = Indicator(programme_id=programme.id, active=True, **spec)
        db.session.add(indicator)
        world.created["indicator"] += 1
    return indicator


def _award_indicator(world, award, indicator, baseline, target) -> None:
    db.session.flush()
    item = db.session.scalar(
        select(AwardIndicator).filter_by(award_id=award.id, indicator_id=indicator.id)
    )
    if item is None:
        item = AwardIndicator(
            award_id=award.id,
            indicator=indicator,
            baseline_value=baseline,
            baseline_year=2025,
            baseline_note="Diagnóstico de la organización, 2025.",
        )
        db.session.add(item)
        world.created["award_indicator"] += 1
    reports = db.session.scalars(
        select(GrantReport)
        .where(
            GrantReport.award_id == award.id, GrantReport.kind.in_(("progress", "final_progress"))
        )
        .order_by(GrantReport.period_end)
    ).all()
    for number, report in enumerate(reports, start=1):
        if item.target_for(report.id) is None:
            item.targets.append(
                IndicatorTarget(report_id=report.id, value=target, measure=indicator.measure)
            )
        if report.status in ("submitted", "approved") and item.actual_for(report.id) is None:
            item.actuals.append(_actual(indicator, report, target, number, award))


def _actual(indicator, report, target, number, award) -> IndicatorActual:
    """A plausible value: near the target, varying by report."""
    factor = D("0.9") + D(number % 3) / 10
    value = (target * factor).quantize(D(1)) if indicator.is_additive else target - number
    actual = IndicatorActual(
        report_id=report.id,
        measure=indicator.measure,
        value=value,
        evidence_note="Registro de atención y listas de asistencia (sin datos personales).",
        status="verified" if report.status == "approved" else "reported",
        reported_dt=now_utc(),
    )
    if report.status == "approved":
        actual.reviewed_by_id = report.decided_by_id
        actual.reviewed_dt = report.decided_dt or now_utc()
    state = award.application.organisation.state_code or "19"
    for dimension in indicator.disaggregations:
        for category, share in _split(dimension, state, value, indicator.is_additive):
            actual.breakdown.append(
                IndicatorActualBreakdown(dimension=dimension, category=category, value=share)
            )
    return actual


def _split(dimension, state, value, additive):
    if dimension == "state":
        return [(state, value)]
    if not additive:
        return []
    if dimension == "sex":
        women = (value * D("0.6")).quantize(D(1))
        return [("women", women), ("men", value - women)]
    if dimension == "age_group":
        young = (value * D("0.3")).quantize(D(1))
        return [("18-29", young), ("30-59", value - young)]
    return [("prosecution", value)]
